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

#[test]
fn every_format_is_identical_whatever_the_arrival_order() {
    let (files, diags) = fixtures::fixture();
    let render_all = |mut v: Vec<goguard_diagnostics::Diagnostic>| {
        sort_diagnostics(&mut v, &files);
        [
            render_human(&v, &files, HumanOptions { color: true }, None),
            render_json(&v, &files),
            render_sarif(&v, &files, &fixtures::rules(), &fixtures::tool()),
            render_github(&v, &files),
        ]
    };
    let expected = render_all(diags.clone());
    for k in 1..diags.len() {
        let mut v = diags.clone();
        v.rotate_left(k);
        assert_eq!(render_all(v.clone()), expected, "rotation {k}");
        v.reverse();
        assert_eq!(render_all(v), expected, "rotation {k}, reversed");
    }
}
