//! The fixture harness: every `tests/fixtures/<domain>/<rule_name>/*.go`
//! file is checked as a one-file package with only that rule (plus syntax
//! errors); a `*.pkg/` folder is one package of several files. Findings
//! must match the `// want: rule "substring"` comments on their lines,
//! two-way; a file without expectations must say `// fixture: clean`.
//! Headers: `// fixture: go=1.21` (the files' Go version; default: the
//! newest known), `// fixture: test` (check as a `_test.go` file).
//!
//! The human rendering of each fixture's findings is snapshotted in
//! `<rule_name>/snapshots/<file>.snap`; accept new or changed snapshots with
//! `INSTA_UPDATE=always` (or `cargo insta review`).
//!
//! All fixtures are checked by one test, which reports every failure at
//! once. `GOGUARD_FIXTURE=defer_in_loop` (a rule folder, `domain/rule`, or
//! `rule/file`) runs only the matching fixtures.

use std::path::{Path, PathBuf};

use goguard_linter::engine::panics::{guarded, quiet_rule_panics};
use goguard_linter::engine::testing::{check_fixture_tree, Fixture};

/// Compares with the stored snapshot through insta, turning its panic into
/// a problem so that every fixture is reported.
pub fn insta_snapshot(fx: &Fixture, rendered: &str) -> Result<(), String> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&fx.snapshots);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(PathBuf::from(&fx.id));
    guarded(|| settings.bind(|| insta::assert_snapshot!(fx.stem.as_str(), rendered))).map_err(
        |msg| {
            let first = msg.lines().next().unwrap_or("").to_string();
            format!(
                "snapshot differs ({first}); review with `cargo insta review` or accept with INSTA_UPDATE=always"
            )
        },
    )
}

#[test]
fn fixtures() {
    quiet_rule_panics();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let filter = std::env::var("GOGUARD_FIXTURE").ok();
    let rules = goguard_linter::rules::all();
    let report = check_fixture_tree(&dir, &rules, filter.as_deref(), &insta_snapshot);
    eprintln!("checked {} fixture(s)", report.checked);
    assert!(
        report.failures.is_empty(),
        "{} fixture problem(s):\n  {}",
        report.failures.len(),
        report.failures.join("\n  ")
    );
}
