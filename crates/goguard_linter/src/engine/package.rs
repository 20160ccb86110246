//! Checking one package held in memory: parse its files, build its
//! semantic model, run the enabled rules on each file, turn syntax errors
//! and crashes into findings, and apply suppressions.
//!
//! Spans of the returned findings carry "local" file ids: the i-th file of
//! the package has the id [`local_file_ids`] gives at index i. The runner
//! re-numbers them into its global [`Files`](goguard_diagnostics::Files);
//! a caller that adds the package's files to a fresh `Files` in order gets
//! the same ids and can render directly.

use std::path::PathBuf;

use goguard_diagnostics::{Diagnostic, FileId, Files, Span};
use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{FileInput, PackageModel, Universe};
use goguard_syntax::{parse_file, ParsedFile};

use super::analysis::{
    AnalysisId, Fact, ImportedFacts, PackageFacts, PackageScope, Stats, NO_FACTS,
};
use super::builtin::{BuiltinRule, INTERNAL_ERROR, SYNTAX_ERROR};
use super::context::{severity_of, Context, FileScope};
use super::file_facts::FileFacts;
use super::panics::guarded;
use super::registry::{entries, Entry};
use super::settings::Settings;
use super::suppression::{apply, parse_suppressions};
use super::Rule;

/// One file of a package to check.
#[derive(Debug, Clone)]
pub struct SourceInput {
    /// The path as it is matched against settings (absolute when the
    /// settings' paths are).
    pub path: PathBuf,
    pub source: String,
    /// Byte offset of the first byte that is not UTF-8 in the file as read
    /// (`source` has `?` in place of each such byte, so offsets still
    /// match the file): Go rejects such files.
    pub illegal_utf8: Option<usize>,
    /// The file's effective Go language version.
    pub go_version: GoVersion,
    /// A `_test.go` file, or test code outside one (`[files] test-helpers`).
    pub is_test: bool,
    /// False for a generated file read only so that the names it declares
    /// resolve: no rule runs on it and it has no findings.
    pub report: bool,
}

/// One package to check.
#[derive(Debug, Clone)]
pub struct PackageInput {
    pub import_path: String,
    pub files: Vec<SourceInput>,
    /// The Go version of the module the package belongs to.
    pub main_module_go: GoVersion,
}

/// The ids the i-th file of a package's findings carry.
pub fn local_file_ids(n: usize) -> Vec<FileId> {
    let mut files = Files::new();
    (0..n).map(|_| files.add("", "")).collect()
}

/// A finding of an engine finding kind.
pub fn builtin_diagnostic(
    kind: &BuiltinRule,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        kind.code,
        kind.name,
        severity_of(kind.category),
        span,
        message,
    )
}

/// Parses a package's files.
pub fn parse_package(files: &[SourceInput]) -> Vec<ParsedFile> {
    files.iter().map(|f| parse_file(&f.source)).collect()
}

/// The model's view of parsed files.
pub fn file_inputs<'a>(files: &'a [SourceInput], parsed: &'a [ParsedFile]) -> Vec<FileInput<'a>> {
    files
        .iter()
        .zip(parsed)
        .map(|(f, p)| FileInput {
            path: &f.path,
            source: &f.source,
            parsed: p,
            go_version: f.go_version,
            is_test: f.is_test,
        })
        .collect()
}

/// Checks one package. `rules` are all registered rules; `settings`
/// decide which run on each file.
pub fn check_package(
    pkg: &PackageInput,
    universe: &Universe,
    rules: &[&'static dyn Rule],
    settings: &Settings,
) -> Vec<Diagnostic> {
    check_package_with_stats(pkg, universe, rules, settings).0
}

/// [`check_package`], also returning what the shared analyses cost.
pub fn check_package_with_stats(
    pkg: &PackageInput,
    universe: &Universe,
    rules: &[&'static dyn Rule],
    settings: &Settings,
) -> (Vec<Diagnostic>, Stats) {
    let out = check_package_with_facts(pkg, universe, rules, settings, &NO_FACTS);
    (out.diagnostics, out.stats)
}

/// What checking a package produced.
pub struct PackageOutcome {
    pub diagnostics: Vec<Diagnostic>,
    /// What the shared analyses cost.
    pub stats: Stats,
    /// The facts the shared analyses exported about the package, sorted by
    /// analysis.
    pub facts: Vec<(AnalysisId, Fact)>,
}

/// [`check_package`], reading the facts of the module packages it imports
/// and returning the facts its analyses export.
pub fn check_package_with_facts(
    pkg: &PackageInput,
    universe: &Universe,
    rules: &[&'static dyn Rule],
    settings: &Settings,
    imported: &ImportedFacts,
) -> PackageOutcome {
    let ids = local_file_ids(pkg.files.len());
    let parsed = parse_package(&pkg.files);
    let inputs = file_inputs(&pkg.files, &parsed);
    let all = entries(rules);
    let mut out = Vec::new();

    // Which rules run on each file; the model is built only if some do.
    let plans: Vec<Vec<&'static dyn Rule>> = pkg
        .files
        .iter()
        .map(|file| {
            let overrides = settings.overrides_for(&file.path);
            if !file.report {
                return Vec::new();
            }
            rules
                .iter()
                .copied()
                .filter(|r| {
                    let m = r.meta();
                    settings.enabled(Entry::Rule(*r), &overrides)
                        && (m.in_tests || !file.is_test)
                        && m.go_below.is_none_or(|v| file.go_version < v)
                })
                .collect()
        })
        .collect();
    let model = if plans.iter().all(Vec::is_empty) {
        None
    } else {
        let built = guarded(|| PackageModel::build(&pkg.import_path, &inputs, universe));
        if let (Err(msg), Some(&first)) = (&built, ids.first()) {
            out.push(builtin_diagnostic(
                &INTERNAL_ERROR,
                Span::new(first, 0..0),
                format!(
                    "the semantic model of package {} could not be built ({msg}); no rule ran on it",
                    pkg.import_path
                ),
            ));
        }
        built.ok()
    };

    // Every file's facts live as long as the package: shared analyses may
    // read any file of it.
    let facts: Vec<FileFacts> = parsed
        .iter()
        .map(|p| FileFacts::new(p.ast(), p.root()))
        .collect();
    let package_facts = model.as_ref().map(|model| {
        PackageFacts::new(PackageScope {
            model,
            files: &facts,
            file_ids: &ids,
            imported,
        })
    });

    for (i, file) in pkg.files.iter().enumerate() {
        let overrides = settings.overrides_for(&file.path);
        let on = |e: Entry| settings.enabled(e, &overrides);
        let to_run = &plans[i];
        let mut found = Vec::new();
        // Rules that ran to completion: only their suppressions can be unused.
        let mut completed: Vec<&'static str> = Vec::new();

        let first_error = match file.illegal_utf8 {
            Some(at) => Some((at, "illegal UTF-8 encoding".to_string())),
            None => parsed[i]
                .errors()
                .first()
                .map(|e| (e.offset as usize, e.message.clone())),
        };
        if let Some((at, message)) = first_error {
            if file.report && on(Entry::Builtin(&SYNTAX_ERROR)) {
                let at = at.min(file.source.len());
                let more = parsed[i].errors().len() + usize::from(file.illegal_utf8.is_some()) - 1;
                let mut d = builtin_diagnostic(&SYNTAX_ERROR, Span::new(ids[i], at..at), message);
                if more > 0 {
                    d = d.with_help(format!(
                        "{more} more syntax error{} in this file; findings near them may be missing",
                        if more == 1 { "" } else { "s" }
                    ));
                }
                found.push(d);
            }
        }

        if let (Some(model), Some(package)) = (&model, &package_facts) {
            let scope = FileScope {
                model,
                file: i,
                facts: &facts[i],
                package,
                file_id: ids[i],
                main_module_go: pkg.main_module_go,
            };
            for rule in to_run {
                let meta = rule.meta();
                let options = settings.rule_options(meta.code);
                match guarded(|| {
                    let mut cx = Context::new(scope, meta, options);
                    rule.check(&mut cx);
                    cx.into_diagnostics()
                }) {
                    Ok(ds) => {
                        completed.push(meta.code);
                        found.extend(ds);
                    }
                    Err(msg) => found.push(builtin_diagnostic(
                        &INTERNAL_ERROR,
                        Span::new(ids[i], 0..0),
                        format!("rule {} failed on this file: {msg}", meta.name),
                    )),
                }
            }
        }

        let suppressions = parse_suppressions(&file.source, &parsed[i], &all);
        let ran = |code: &str| {
            completed.contains(&code)
                || all
                    .iter()
                    .any(|&e| matches!(e, Entry::Builtin(_)) && e.code() == code && on(e))
        };
        let found = apply(&suppressions, parsed[i].lines(), ids[i], found, &ran);
        out.extend(found.into_iter().filter(|d| {
            // Engine findings respect selection too (rules only ran when on).
            all.iter()
                .find(|e| e.code() == d.code)
                .is_none_or(|&e| matches!(e, Entry::Rule(_)) || on(e))
        }));
    }
    let (stats, facts) = package_facts
        .map(PackageFacts::into_parts)
        .unwrap_or_default();
    PackageOutcome {
        diagnostics: out,
        stats,
        facts,
    }
}
