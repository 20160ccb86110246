//! Checking a loaded workspace: every package in parallel, in two phases.
//!
//! 1. Parse every package and summarize its package-level declarations
//!    into a [`Universe`] (with the standard-library stubs), then drop the
//!    trees: summaries are all that crosses package boundaries.
//! 2. Per package, in parallel: parse again, build the model, run the rules
//!    ([`check_package`]), keep only the findings and the text of the files
//!    that have some, and drop the package's trees before the next one.
//!
//! Memory stays flat (one package's trees per thread), and output is
//! sorted, so it is the same whatever the number of threads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use goguard_diagnostics::{sort_diagnostics, Diagnostic, FileId, Files, Span};
use goguard_semantic::load::{Package, Workspace};
use goguard_semantic::model::{summarize, PackageSummary, Universe};
use rayon::prelude::*;

use super::analysis::Stats;
use super::package::{
    check_package_with_stats, file_inputs, parse_package, PackageInput, SourceInput,
};
use super::panics::guarded;
use super::settings::Settings;
use super::Rule;

/// The result of a run.
#[derive(Debug, Default)]
pub struct CheckOutput {
    /// Sorted findings.
    pub diagnostics: Vec<Diagnostic>,
    /// The files findings point into (only those).
    pub files: Files,
    /// Absolute path of each file in `files`, by index.
    pub absolute_paths: Vec<PathBuf>,
    pub files_checked: usize,
    pub packages_checked: usize,
    /// Files that could not be read, and other problems that are not findings.
    pub warnings: Vec<String>,
    /// What the shared analyses cost, summed over packages.
    pub stats: Stats,
}

/// How a run reports progress: called with the number of files checked so
/// far, from any thread.
pub type Progress<'a> = dyn Fn(usize) + Sync + 'a;

/// Reads a package's files, leaving out excluded ones. Unreadable files
/// become warnings.
fn read_package(pkg: &Package, ws: &Workspace, settings: &Settings) -> (PackageInput, Vec<String>) {
    let mut warnings = Vec::new();
    let files = pkg
        .files
        .iter()
        .filter(|f| !settings.is_excluded(&f.path))
        .filter_map(|f| match std::fs::read(&f.path) {
            Ok(bytes) => Some({
                let (source, illegal_utf8) = utf8_source(bytes);
                SourceInput {
                    path: f.path.clone(),
                    source,
                    illegal_utf8,
                    go_version: f.go_version,
                    is_test: f.is_test || settings.is_test_helper(&f.path),
                    report: !f.generated || settings.files.include_generated,
                }
            }),
            Err(e) => {
                warnings.push(format!("{}: cannot read: {e}", f.path.display()));
                None
            }
        })
        .collect();
    let main_module_go = ws
        .modules
        .get(pkg.module)
        .map_or(goguard_semantic::load::version::NEWEST_KNOWN, |m| {
            m.go_version
        });
    (
        PackageInput {
            import_path: pkg.import_path.clone(),
            files,
            main_module_go,
        },
        warnings,
    )
}

/// A file's text, with `?` in place of each byte that is not part of valid
/// UTF-8 (so that offsets match the file), and the offset of the first such
/// byte.
fn utf8_source(bytes: Vec<u8>) -> (String, Option<usize>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let mut bytes = e.into_bytes();
            let first = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
            let mut at = first;
            while at < bytes.len() {
                match std::str::from_utf8(&bytes[at..]) {
                    Ok(_) => break,
                    Err(e) => {
                        let bad = at + e.valid_up_to();
                        let len = e.error_len().unwrap_or(bytes.len() - bad);
                        bytes[bad..bad + len].fill(b'?');
                        at = bad + len;
                    }
                }
            }
            // Every invalid byte is now ASCII.
            let text = String::from_utf8(bytes).unwrap_or_default();
            (text, Some(first))
        }
    }
}

/// Phase 1: the summaries of every (non-external-test) package.
fn summaries(ws: &Workspace, settings: &Settings) -> Vec<PackageSummary> {
    ws.packages
        .par_iter()
        .filter(|p| !p.is_external_test)
        .filter_map(|p| {
            let (input, _) = read_package(p, ws, settings);
            let parsed = parse_package(&input.files);
            let inputs = file_inputs(&input.files, &parsed);
            // A crash here loses this package's summary, not the run.
            guarded(|| summarize(&p.import_path, &p.name, &inputs)).ok()
        })
        .collect()
}

/// The path shown for a file: relative to `cwd` when under it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Checks every package of a loaded workspace.
pub fn check_workspace(
    ws: &Workspace,
    settings: &Settings,
    rules: &[&'static dyn Rule],
    cwd: &Path,
    progress: &Progress<'_>,
) -> CheckOutput {
    let mut universe = guarded(Universe::with_stdlib).unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    let any_rule = rules
        .iter()
        .any(|&r| settings.may_enable(super::registry::Entry::Rule(r)));
    let summaries = if any_rule {
        summaries(ws, settings)
    } else {
        Vec::new()
    };
    for s in summaries {
        // Packages are in import-path order: the first of a path wins.
        if seen.insert(s.import_path.clone()) {
            universe.insert(s);
        }
    }
    let universe = universe;

    let done = AtomicUsize::new(0);
    struct PackageResult {
        diagnostics: Vec<Diagnostic>,
        /// (local index, path, text) of files with findings.
        files: Vec<(usize, PathBuf, String)>,
        checked: usize,
        warnings: Vec<String>,
        stats: Stats,
    }
    let results: Vec<PackageResult> = ws
        .packages
        .par_iter()
        .map(|p| {
            let (input, warnings) = read_package(p, ws, settings);
            let (diagnostics, stats) = check_package_with_stats(&input, &universe, rules, settings);
            let n = input.files.iter().filter(|f| f.report).count();
            progress(done.fetch_add(n, Ordering::Relaxed) + n);
            let mut with_findings: Vec<usize> = diagnostics
                .iter()
                .flat_map(|d| {
                    std::iter::once(d.span.file)
                        .chain(d.related.iter().map(|r| r.span.file))
                        .chain(
                            d.fix
                                .iter()
                                .flat_map(|f| f.edits.iter().map(|e| e.span.file)),
                        )
                })
                .map(FileId::index)
                .collect();
            with_findings.sort_unstable();
            with_findings.dedup();
            let mut files_by_index: BTreeMap<usize, SourceInput> =
                input.files.into_iter().enumerate().collect();
            let files = with_findings
                .into_iter()
                .filter_map(|i| files_by_index.remove(&i).map(|f| (i, f.path, f.source)))
                .collect();
            PackageResult {
                diagnostics,
                files,
                checked: n,
                warnings,
                stats,
            }
        })
        .collect();

    let mut out = CheckOutput {
        packages_checked: ws.packages.len(),
        ..CheckOutput::default()
    };
    for r in results {
        out.files_checked += r.checked;
        out.warnings.extend(r.warnings);
        out.stats.merge(&r.stats);
        let mut map = BTreeMap::new();
        for (local, path, text) in r.files {
            let id = out.files.add(display_path(&path, cwd), text);
            out.absolute_paths.push(path);
            map.insert(local, id);
        }
        let remap = |s: &mut Span| {
            if let Some(&id) = map.get(&s.file.index()) {
                s.file = id;
            }
        };
        for mut d in r.diagnostics {
            remap(&mut d.span);
            d.related.iter_mut().for_each(|r| remap(&mut r.span));
            if let Some(f) = &mut d.fix {
                f.edits.iter_mut().for_each(|e| remap(&mut e.span));
            }
            out.diagnostics.push(d);
        }
    }
    sort_diagnostics(&mut out.diagnostics, &out.files);
    out
}
