//! What the source says about growing allocation sites that their stacks cannot: Go's
//! heap profiles leave out the runtime's frames and say nothing of where memory is kept,
//! so with the source at hand (`--source`, or run inside the module) goguard reads the
//! package of each growing site with its semantic model and asks, for the site's line,
//! whether it inserts into a map nothing removes from (`map_inserts`) or allocates a
//! buffer that a sub-slice keeps alive (`sub_slices`).

use std::path::{Path, PathBuf};

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{FileInput, PackageModel, Universe};
use goguard_syntax::{parse_file, Node, ParsedFile};

use super::map_inserts::{never_removed, OnlyInserted};
use super::sub_slices::{kept_through_sub_slice, SubSliceKept};

/// What the source shows at a growing site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceHazard {
    MapOnlyInserted(OnlyInserted),
    SubSliceKept(SubSliceKept),
}

/// For each site (a local file and line; all files of one directory), what its line
/// shows; `None` when nothing, or when the package cannot be read. Answers in the order
/// of `sites`; the package is read once.
pub fn read_sites(sites: &[(&Path, u32)]) -> Vec<Option<SourceHazard>> {
    let mut answers = vec![None; sites.len()];
    let Some(first) = sites.first() else {
        return answers;
    };
    let Some(dir) = first.0.parent() else {
        return answers;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return answers;
    };
    // The non-test Go files of the directory, in name order.
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "go") && !p.to_string_lossy().ends_with("_test.go")
        })
        .collect();
    paths.sort();
    let sources: Vec<(PathBuf, String)> = paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|text| (p, text)))
        .collect();
    let parsed: Vec<ParsedFile> = sources.iter().map(|(_, s)| parse_file(s)).collect();
    let site_name = |p: &Path| p.file_name().map(|n| n.to_os_string());
    let first_name = site_name(first.0);
    // The package is the one the first site's file declares.
    let Some(package) = sources
        .iter()
        .zip(&parsed)
        .find(|((p, _), _)| site_name(p) == first_name)
        .and_then(|((_, s), parsed)| package_name(parsed, s))
    else {
        return answers;
    };
    let files: Vec<FileInput<'_>> = sources
        .iter()
        .zip(&parsed)
        .filter(|((_, s), parsed)| package_name(parsed, s) == Some(package))
        .map(|((path, source), parsed)| FileInput {
            path,
            source,
            parsed,
            // Only names and types are asked for; the language version changes neither.
            go_version: GoVersion::new(1, 22),
            is_test: false,
        })
        .collect();
    let universe = Universe::new();
    let model = PackageModel::build("goguard.local/site", &files, &universe);
    for (answer, &(file, line)) in answers.iter_mut().zip(sites) {
        let name = site_name(file);
        let Some(f) = files.iter().position(|i| site_name(i.path) == name) else {
            continue;
        };
        *answer = never_removed(&model, &files, f, line)
            .map(SourceHazard::MapOnlyInserted)
            .or_else(|| kept_through_sub_slice(&model, f, line).map(SourceHazard::SubSliceKept));
    }
    answers
}

fn package_name<'s>(parsed: &ParsedFile, source: &'s str) -> Option<&'s str> {
    match *parsed.ast().node(parsed.root()) {
        Node::File { name, .. } => Some(parsed.ast().ident_name(name, source)),
        _ => None,
    }
}
