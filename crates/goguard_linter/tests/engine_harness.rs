//! The fixture harness itself, on fixtures of a rule defined for testing
//! (tests/engine_fixtures) and on broken fixture trees written on the fly.

use std::cell::RefCell;
use std::path::Path;

use goguard_linter::engine::testing::{check_fixture_tree, Fixture};
use goguard_linter::engine::Rule;

mod engine_support;
use engine_support::SampleRule;

const RULES: &[&'static dyn Rule] = &[&SampleRule];

#[test]
fn good_fixtures_pass_and_findings_are_rendered_for_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engine_fixtures");
    goguard_linter::engine::panics::quiet_rule_panics();
    let rendered = RefCell::new(Vec::new());
    let report = check_fixture_tree(&dir, RULES, None, &|fx: &Fixture, text: &str| {
        rendered
            .borrow_mut()
            .push((fx.stem.clone(), text.to_string()));
        Ok(())
    });
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_eq!(report.checked, 3);
    let rendered = rendered.into_inner();
    // clean.go has no findings, hence no snapshot.
    let stems: Vec<&str> = rendered.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(stems, ["spawns", "split"]);
    assert!(
        rendered[0]
            .1
            .starts_with("spawns.go:6:2: CX901 go statement\n"),
        "{}",
        rendered[0].1
    );
}

#[test]
fn the_filter_selects_one_rule_or_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engine_fixtures");
    let ok = |_: &Fixture, _: &str| Ok(());
    for (filter, n) in [
        ("sample_rule", 3),
        ("sample-rule", 3),
        ("context/sample_rule", 3),
        ("sample_rule/clean", 1),
        ("sample_rule/spawns.go", 1),
    ] {
        let r = check_fixture_tree(&dir, RULES, Some(filter), &ok);
        assert_eq!(r.checked, n, "{filter}");
        assert!(r.failures.is_empty(), "{filter}: {:?}", r.failures);
    }
    let r = check_fixture_tree(&dir, RULES, Some("nothing_like_it"), &ok);
    assert_eq!(r.failures, ["filter `nothing_like_it` matches no fixture"]);
}

#[test]
fn broken_fixtures_are_all_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let rule = tmp.path().join("context/sample_rule");
    std::fs::create_dir_all(&rule).unwrap();
    std::fs::create_dir_all(tmp.path().join("context/no_such_rule")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(rule.join(name), text).unwrap();
    write(
        "mismatch.go",
        "package p\n\nfunc f() {\n\tgo f() // want: sample-rule \"other message\"\n\tgo f()\n\tf() // want: sample-rule\n}\n",
    );
    write("nothing.go", "package p\n");
    std::fs::create_dir_all(rule.join("snapshots")).unwrap();
    write("snapshots/gone.snap", "");
    std::fs::create_dir_all(rule.join("empty.pkg")).unwrap();
    write("bad_header.go", "// fixture: go=one\npackage p\n");
    write(
        "clean_but_fires.go",
        "// fixture: clean\npackage p\n\nfunc f() {\n\tgo f()\n}\n",
    );
    write(
        "syntax.go",
        "// fixture: clean\npackage p\n\nfunc f() {\n\tx :=\n}\n",
    );
    let snapshot_failure = |_: &Fixture, _: &str| Err("snapshot differs".to_string());
    let mut failures = check_fixture_tree(tmp.path(), RULES, None, &snapshot_failure).failures;
    failures.sort();
    assert_eq!(
        failures,
        [
            "context/no_such_rule: no rule named `no-such-rule`",
            "context/sample_rule/bad_header.go: bad_header.go: line 1: bad Go version `one`",
            "context/sample_rule/clean_but_fires.go: clean_but_fires.go:line 5: unexpected finding: CX901 sample-rule \"go statement\"",
            "context/sample_rule/clean_but_fires.go: snapshot differs",
            "context/sample_rule/empty.pkg: no .go files",
            "context/sample_rule/mismatch.go: mismatch.go:line 4: expected finding not reported: sample-rule \"other message\"",
            "context/sample_rule/mismatch.go: mismatch.go:line 4: unexpected finding: CX901 sample-rule \"go statement\"",
            "context/sample_rule/mismatch.go: mismatch.go:line 5: unexpected finding: CX901 sample-rule \"go statement\"",
            "context/sample_rule/mismatch.go: mismatch.go:line 6: expected finding not reported: sample-rule \"\"",
            "context/sample_rule/mismatch.go: snapshot differs",
            "context/sample_rule/nothing.go: nothing.go: no `// want:` expectation and no `// fixture: clean` header",
            "context/sample_rule/snapshots/gone.snap: stale snapshot: its fixture has no findings or no longer exists; delete it",
            "context/sample_rule/syntax.go: snapshot differs",
            "context/sample_rule/syntax.go: syntax.go:line 6: unexpected finding: E001 syntax-error \"expected operand, found '}'\"",
        ]
    );
}
