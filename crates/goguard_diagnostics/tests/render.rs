//! Snapshot and behaviour tests of every renderer on realistic findings.

mod fixtures;

use std::time::Duration;

use goguard_diagnostics::{
    render_github, render_human, render_json, render_sarif, sort_diagnostics, HumanOptions, Summary,
};

fn sorted() -> (
    goguard_diagnostics::Files,
    Vec<goguard_diagnostics::Diagnostic>,
) {
    let (files, mut diags) = fixtures::fixture();
    sort_diagnostics(&mut diags, &files);
    (files, diags)
}

#[test]
fn human_snapshot() {
    let (files, diags) = sorted();
    let summary = Summary::new(&diags, 5, 4, Duration::from_millis(1234));
    let out = render_human(
        &diags,
        &files,
        HumanOptions { color: false },
        Some(&summary),
    );
    insta::assert_snapshot!("human", out);
}

#[test]
fn json_snapshot() {
    let (files, diags) = sorted();
    insta::assert_snapshot!("json", render_json(&diags, &files));
}

#[test]
fn sarif_snapshot() {
    let (files, diags) = sorted();
    insta::assert_snapshot!(
        "sarif",
        render_sarif(&diags, &files, &fixtures::rules(), &fixtures::tool())
    );
}

#[test]
fn github_snapshot() {
    let (files, diags) = sorted();
    insta::assert_snapshot!("github", render_github(&diags, &files));
}
