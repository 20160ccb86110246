//! Checking a loaded workspace: every package in parallel, in two phases.
//!
//! 1. Parse every package and summarize its package-level declarations
//!    into a [`Universe`] (with the standard-library stubs), then drop the
//!    trees: summaries are all that crosses package boundaries.
//! 2. Per package, in dependency order: waves of packages whose module
//!    imports were all checked in earlier waves, the packages of a wave in
//!    parallel (packages in an import cycle, or importing one, come last,
//!    seeing the facts of the waves before theirs only). Each package:
//!    parse again, build the model, run the rules ([`check_package`]) with
//!    the facts the shared analyses exported about the packages checked
//!    before, keep only the findings, the text of the files that have some
//!    and the package's own facts, and drop its trees before the next one.
//!
//! Memory stays flat (one package's trees per thread; facts are small
//! summaries), and output is sorted and each package sees the facts of
//! the same packages whatever the number of threads, so it is the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use goguard_diagnostics::{sort_diagnostics, Diagnostic, FileId, Files, Span};
use goguard_semantic::load::{Package, Workspace};
use goguard_semantic::model::{summarize, PackageSummary, Universe};
use rayon::prelude::*;

use super::analysis::{AnalysisId, Fact, ImportedFacts, Stats};
use super::main_callers::{import_uses, ImportUse, MainCallers};
use super::package::{
    check_package_with_facts, file_inputs, parse_package, PackageInput, SourceInput,
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

/// The packages of a run, checked each once the packages it waits for are
/// done; `R` is a package's result.
struct Schedule<'a, R, C>
where
    C: Fn(usize, &ImportedFacts) -> (R, Vec<(AnalysisId, Fact)>) + Sync,
{
    packages: &'a [Package],
    /// What every package sees before the facts of its imports.
    base: ImportedFacts,
    /// How many of its waits each package still waits for.
    pending: Vec<AtomicUsize>,
    waits: &'a [Vec<usize>],
    dependents: &'a [Vec<usize>],
    /// The facts each checked package exported.
    facts: Vec<OnceLock<Vec<(AnalysisId, Fact)>>>,
    results: Vec<OnceLock<R>>,
    check: &'a C,
}

impl<'a, R: Send + Sync, C> Schedule<'a, R, C>
where
    C: Fn(usize, &ImportedFacts) -> (R, Vec<(AnalysisId, Fact)>) + Sync,
{
    /// Checks package `i` with the facts of what it waits for, then starts
    /// each dependent this was the last wait of.
    fn run<'s>(&'s self, scope: &rayon::Scope<'s>, i: usize) {
        let mut imported = self.base.clone();
        for &j in &self.waits[i] {
            let p = &self.packages[j];
            let facts = self.facts[j].get().map(Vec::as_slice).unwrap_or_default();
            if !p.is_external_test && !facts.is_empty() {
                imported.insert(&p.import_path, facts);
            }
        }
        let (r, facts) = (self.check)(i, &imported);
        let _ = self.facts[i].set(facts);
        let _ = self.results[i].set(r);
        for &d in &self.dependents[i] {
            if self.pending[d].fetch_sub(1, Ordering::AcqRel) == 1 {
                scope.spawn(move |scope| self.run(scope, d));
            }
        }
    }
}

/// What phase 1 learns of the workspace.
struct Phase1 {
    /// The summaries of every (non-external-test) package.
    summaries: Vec<PackageSummary>,
    /// The import paths of every package, indexed like `ws.packages`.
    imports: Vec<Vec<String>>,
    /// How packages call each other's functions.
    callers: MainCallers,
}

/// Phase 1: summaries, imports and calls between packages.
fn phase1(ws: &Workspace, settings: &Settings) -> Phase1 {
    // The module's packages by import path, with the name each declares.
    let module: std::collections::HashMap<String, String> = ws
        .packages
        .iter()
        .filter(|p| !p.is_external_test)
        .map(|p| (p.import_path.clone(), p.name.clone()))
        .collect();
    type PerPackage = (Option<PackageSummary>, Vec<String>, Vec<ImportUse>);
    let per_package: Vec<PerPackage> = ws
        .packages
        .par_iter()
        .map(|p| {
            let (input, _) = read_package(p, ws, settings);
            let parsed = parse_package(&input.files);
            let imports = imports_of(&input.files, &parsed);
            let mut uses: Vec<ImportUse> = input
                .files
                .iter()
                .zip(&parsed)
                .flat_map(|(f, pf)| import_uses(pf.ast(), pf.root(), &f.source, &module))
                .collect();
            uses.sort_unstable_by(|a, b| {
                (&a.path, &a.name, a.from_main).cmp(&(&b.path, &b.name, b.from_main))
            });
            uses.dedup();
            if p.is_external_test {
                return (None, imports, uses);
            }
            let inputs = file_inputs(&input.files, &parsed);
            // A crash here loses this package's summary, not the run.
            let summary = guarded(|| summarize(&p.import_path, &p.name, &inputs)).ok();
            (summary, imports, uses)
        })
        .collect();
    let mut summaries = Vec::new();
    let mut imports = Vec::new();
    let mut uses = Vec::new();
    for (s, i, u) in per_package {
        summaries.extend(s);
        imports.push(i);
        uses.push(u);
    }
    let callers = MainCallers::new(uses.into_iter().flatten());
    Phase1 {
        summaries,
        imports,
        callers,
    }
}

/// The import paths the files of a package name, sorted.
fn imports_of(files: &[SourceInput], parsed: &[goguard_syntax::ParsedFile]) -> Vec<String> {
    let mut out = Vec::new();
    for (f, p) in files.iter().zip(parsed) {
        let ast = p.ast();
        for (_, node) in ast.nodes_of_kind(goguard_syntax::NodeKind::ImportSpec) {
            if let goguard_syntax::Node::ImportSpec { path, .. } = *node {
                let text = ast.text(path, &f.source);
                out.push(goguard_semantic::importpath::unquote(text).to_string());
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The order in which packages are checked: waves of package indexes,
/// each package after the module packages it imports (an external test
/// package after the package it tests). Packages that are part of an
/// import cycle or import one (or whose imports are otherwise never
/// ready) form the last wave.
pub(crate) fn waves(packages: &[Package], imports: &[Vec<String>]) -> Vec<Vec<usize>> {
    let deps = module_deps(packages, imports);
    let mut done = vec![false; packages.len()];
    let mut remaining: Vec<usize> = (0..packages.len()).collect();
    let mut out = Vec::new();
    while !remaining.is_empty() {
        let (ready, rest): (Vec<usize>, Vec<usize>) = remaining
            .iter()
            .partition(|&&i| deps[i].iter().all(|&j| done[j]));
        if ready.is_empty() {
            out.push(rest);
            break;
        }
        for &i in &ready {
            done[i] = true;
        }
        out.push(ready);
        remaining = rest;
    }
    out
}

/// For each package, the packages of the module it imports (indexes,
/// sorted).
fn module_deps(packages: &[Package], imports: &[Vec<String>]) -> Vec<Vec<usize>> {
    // The package that provides each import path: the first non-external
    // package of that path (the one whose summary the universe holds).
    let mut provider: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        if !p.is_external_test {
            provider.entry(p.import_path.as_str()).or_insert(i);
        }
    }
    (0..packages.len())
        .map(|i| {
            let mut d: Vec<usize> = imports
                .get(i)
                .into_iter()
                .flatten()
                .filter_map(|path| provider.get(path.as_str()).copied())
                .filter(|&j| j != i)
                .collect();
            d.sort_unstable();
            d.dedup();
            d
        })
        .collect()
}

/// What each package waits for before it is checked: the module packages
/// it imports from an earlier wave (see [`waves`]). Their facts are the
/// ones it sees; packages of an import cycle do not wait for each other
/// and see none of each other's facts.
fn waits(packages: &[Package], imports: &[Vec<String>]) -> Vec<Vec<usize>> {
    let mut wave_of = vec![0usize; packages.len()];
    for (w, wave) in waves(packages, imports).iter().enumerate() {
        for &i in wave {
            wave_of[i] = w;
        }
    }
    let mut deps = module_deps(packages, imports);
    for (i, d) in deps.iter_mut().enumerate() {
        d.retain(|&j| wave_of[j] < wave_of[i]);
    }
    deps
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
    let Phase1 {
        summaries,
        imports,
        callers,
    } = if any_rule {
        phase1(ws, settings)
    } else {
        Phase1 {
            summaries: Vec::new(),
            imports: Vec::new(),
            callers: MainCallers::default(),
        }
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
    let check = |i: usize, imported: &ImportedFacts| {
        let p = &ws.packages[i];
        let (input, warnings) = read_package(p, ws, settings);
        let outcome = check_package_with_facts(&input, &universe, rules, settings, imported);
        let diagnostics = outcome.diagnostics;
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
        (
            PackageResult {
                diagnostics,
                files,
                checked: n,
                warnings,
                stats: outcome.stats,
            },
            outcome.facts,
        )
    };
    // Each package is checked as soon as the packages it waits for are
    // done (no barrier between waves), and sees their facts.
    let waits = waits(&ws.packages, &imports);
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); ws.packages.len()];
    for (i, w) in waits.iter().enumerate() {
        for &j in w {
            dependents[j].push(i);
        }
    }
    let schedule = Schedule {
        packages: &ws.packages,
        base: ImportedFacts::with_callers(callers),
        pending: waits.iter().map(|w| AtomicUsize::new(w.len())).collect(),
        waits: &waits,
        dependents: &dependents,
        facts: ws.packages.iter().map(|_| OnceLock::new()).collect(),
        results: ws.packages.iter().map(|_| OnceLock::new()).collect(),
        check: &check,
    };
    rayon::scope(|scope| {
        for (i, w) in waits.iter().enumerate() {
            if w.is_empty() {
                let schedule = &schedule;
                scope.spawn(move |scope| schedule.run(scope, i));
            }
        }
    });
    let results: Vec<PackageResult> = schedule
        .results
        .into_iter()
        .filter_map(OnceLock::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn package(path: &str, external_test: bool) -> Package {
        Package {
            module: 0,
            dir: PathBuf::from(path),
            import_path: path.to_string(),
            name: path.rsplit('/').next().unwrap_or(path).to_string(),
            is_external_test: external_test,
            files: Vec::new(),
        }
    }

    fn imports(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn waves_put_each_package_after_its_module_imports() {
        let packages = [
            package("m/api", false),
            package("m/svc", false),
            package("m/svc", true),
            package("m/util", false),
        ];
        let imports = imports(&[
            &["fmt", "m/svc"],
            &["m/util", "sync"],
            &["m/svc", "m/util", "testing"],
            &["fmt"],
        ]);
        assert_eq!(
            waves(&packages, &imports),
            vec![vec![3], vec![1], vec![0, 2]]
        );
    }

    #[test]
    fn import_cycles_and_what_imports_them_come_last() {
        let packages = [
            package("m/a", false),
            package("m/b", false),
            package("m/c", false),
            package("m/d", false),
        ];
        let imports = imports(&[&["m/b"], &["m/a"], &["m/a"], &["m/zzz"]]);
        assert_eq!(waves(&packages, &imports), vec![vec![3], vec![0, 1, 2]]);
    }

    #[test]
    fn without_imports_everything_is_one_wave() {
        let packages = [package("m/a", false), package("m/b", false)];
        assert_eq!(waves(&packages, &[]), vec![vec![0, 1]]);
    }
}
