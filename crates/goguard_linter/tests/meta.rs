//! Meta tests over every registered rule: names and codes, file layout,
//! documentation (sections, and that the Example fires while Use instead
//! does not), and fixtures. The checks themselves are exercised on rules
//! defined here, one well-formed and some broken on purpose.

use std::path::{Path, PathBuf};

use goguard_linter::engine::testing::{
    check_docs, check_fixture_folders, check_names_and_codes, check_rule_doc, check_rule_files,
};
use goguard_linter::engine::Context;

mod engine_support;
use engine_support::SampleRule;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}

#[test]
fn names_and_codes() {
    assert_none(check_names_and_codes(&goguard_linter::rules::all()));
}

#[test]
fn each_rule_has_its_file() {
    assert_none(check_rule_files(
        &goguard_linter::rules::all(),
        &crate_dir().join("src/rules"),
    ));
}

#[test]
fn docs_are_complete_and_their_examples_hold() {
    assert_none(check_docs(&goguard_linter::rules::all()));
}

#[test]
fn each_rule_has_fixtures() {
    assert_none(check_fixture_folders(
        &goguard_linter::rules::all(),
        &crate_dir().join("tests/fixtures"),
    ));
}

// ---- the checks, on rules defined for the purpose ----

goguard_linter::declare_rule! {
    /// ## What it does
    /// Badly documented and named.
    ///
    /// ## Example
    /// ```go
    /// package p
    /// ```
    pub struct BadRule {
        name: "Bad_Rule",
        code: "RS9",
        domain: Context,
        category: Style,
        status: Preview,
    }
}

impl BadRule {
    fn run(&self, _cx: &mut Context<'_>) {}
}

goguard_linter::declare_rule! {
    /// ## What it does
    /// Same code as the sample rule; its example does not fire.
    ///
    /// ## Why is this bad?
    /// x
    ///
    /// ## Example
    /// ```go
    /// package p
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package p
    /// ```
    ///
    /// ## Known limitations
    /// x
    pub struct MissingFixtureRule {
        name: "missing-fixture-rule",
        code: "CX901",
        domain: Resource,
        category: Style,
        status: Preview,
    }
}

impl MissingFixtureRule {
    fn run(&self, _cx: &mut Context<'_>) {}
}

#[test]
fn name_and_code_checks_catch_bad_metadata() {
    assert_none(check_names_and_codes(&[&SampleRule]));
    let problems = check_names_and_codes(&[&SampleRule, &BadRule, &MissingFixtureRule]);
    assert_eq!(
        problems,
        [
            "Bad_Rule: name is not kebab-case",
            "Bad_Rule: code RS9 is not CX followed by three digits",
            "missing-fixture-rule: code CX901 is not RS followed by three digits",
            "CX901: code used twice (sample-rule and missing-fixture-rule)",
        ]
    );
}

#[test]
fn file_check_looks_for_the_snake_case_stem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("context")).unwrap();
    std::fs::write(dir.path().join("context/sample_rule.rs"), "").unwrap();
    assert_none(check_rule_files(&[&SampleRule], dir.path()));
    let p = check_rule_files(&[&MissingFixtureRule], dir.path());
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("resource/missing_fixture_rule.rs"), "{p:?}");
}

#[test]
fn doc_check_requires_sections_and_working_examples() {
    let e = check_rule_doc(&BadRule).unwrap_err();
    assert!(e.contains("expected"), "{e}");
    let e = check_rule_doc(&MissingFixtureRule).unwrap_err();
    assert!(e.contains("does not make missing-fixture-rule fire"), "{e}");
    // Needs the semantic model: the example must fire, the fix must not.
    assert_eq!(check_rule_doc(&SampleRule), Ok(()));
}

#[test]
fn fixture_folder_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engine_fixtures");
    assert_none(check_fixture_folders(&[&SampleRule], &dir));
    let p = check_fixture_folders(&[&MissingFixtureRule], &dir);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("missing-fixture-rule: no fixtures in"),
        "{p:?}"
    );
}
