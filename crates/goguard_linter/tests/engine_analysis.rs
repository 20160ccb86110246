//! Shared analyses: computed once per package whatever the number of rules
//! and files asking, only when asked, counted in the statistics; a rule
//! reading an analysis it does not declare fails with an internal error.

use std::cell::Cell;
use std::path::PathBuf;

use goguard_linter::engine::package::{check_package_with_stats, PackageInput, SourceInput};
use goguard_linter::engine::panics::quiet_rule_panics;
use goguard_linter::engine::settings::Settings;
use goguard_linter::engine::testing::stdlib_universe;
use goguard_linter::engine::{Analysis, AnalysisId, Context, Counters, PackageScope, Rule};
use goguard_semantic::load::version::NEWEST_KNOWN;
use goguard_syntax::NodeKind;

thread_local! {
    static RUNS: Cell<u32> = const { Cell::new(0) };
}

/// Counts the package's `go` statements, over all its files.
struct GoCount;

impl Analysis for GoCount {
    type Output = usize;
    const ID: AnalysisId = AnalysisId("go-count");
    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> usize {
        RUNS.with(|r| r.set(r.get() + 1));
        let n = pkg
            .files
            .iter()
            .map(|f| f.nodes_of_kind(NodeKind::GoStmt).len())
            .sum();
        counters.add("go statements", n as u64);
        n
    }
}

macro_rules! counting_rule {
    ($name:ident, $kebab:literal, $code:literal, $($requires:tt)*) => {
        goguard_linter::declare_rule! {
            /// ## What it does
            /// Reports the package's number of `go` statements on each file.
            pub struct $name {
                name: $kebab,
                code: $code,
                domain: Goroutine,
                category: Style,
                status: Stable,
                $($requires)*
            }
        }

        impl $name {
            fn run(&self, cx: &mut Context<'_>) {
                let n = *cx.analysis::<GoCount>();
                let d = cx.diagnostic(cx.root(), format!("{n} go statements in the package"));
                cx.report(d);
            }
        }
    };
}

counting_rule!(FirstReader, "first-reader", "GR901", requires: &[GoCount::ID],);
counting_rule!(SecondReader, "second-reader", "GR902", requires: &[GoCount::ID],);
counting_rule!(Undeclared, "undeclared-reader", "GR903",);

fn package() -> PackageInput {
    let file = |name: &str, src: &str| SourceInput {
        path: PathBuf::from(name),
        source: src.to_string(),
        illegal_utf8: None,
        go_version: NEWEST_KNOWN,
        is_test: false,
        report: true,
    };
    PackageInput {
        import_path: "example.com/p".into(),
        files: vec![
            file("a.go", "package p\n\nfunc a() {\n\tgo a()\n\tgo a()\n}\n"),
            file("b.go", "package p\n\nfunc b() {\n\tgo b()\n}\n"),
        ],
        main_module_go: NEWEST_KNOWN,
    }
}

fn settings() -> Settings {
    Settings::new(PathBuf::from("/"))
}

#[test]
fn an_analysis_runs_once_per_package_for_all_rules_and_files() {
    RUNS.with(|r| r.set(0));
    let rules: &[&'static dyn Rule] = &[&FirstReader, &SecondReader];
    let (diagnostics, stats) =
        check_package_with_stats(&package(), stdlib_universe(), rules, &settings());
    assert_eq!(diagnostics.len(), 4, "{diagnostics:?}");
    assert!(diagnostics
        .iter()
        .all(|d| d.message == "3 go statements in the package"));
    assert_eq!(RUNS.with(Cell::get), 1);
    let s = &stats.analyses["go-count"];
    assert_eq!(s.packages, 1);
    assert_eq!(s.counters.get("go statements"), 3);
}

#[test]
fn an_analysis_nobody_asks_for_does_not_run() {
    RUNS.with(|r| r.set(0));
    let (_, stats) = check_package_with_stats(&package(), stdlib_universe(), &[], &settings());
    assert_eq!(RUNS.with(Cell::get), 0);
    assert!(stats.analyses.is_empty());
}

#[test]
fn reading_an_undeclared_analysis_is_an_internal_error() {
    quiet_rule_panics();
    let (diagnostics, _) =
        check_package_with_stats(&package(), stdlib_universe(), &[&Undeclared], &settings());
    assert_eq!(diagnostics.len(), 2);
    for d in &diagnostics {
        assert_eq!(d.code, "E002");
        assert!(
            d.message.contains("does not declare"),
            "unexpected message: {}",
            d.message
        );
    }
}
