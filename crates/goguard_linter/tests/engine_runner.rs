//! The runner over projects on disk: suppressions, syntax errors, thread
//! count independence, overrides, version gates, exclusions and crashing
//! rules. Uses the real rules RS007 (defer-in-loop, a preview rule, turned on), CX001
//! (context-cancel-not-called) and RS006 (ticker-not-stopped, Go < 1.23).

use std::path::Path;

use goguard_diagnostics::render_json;
use goguard_linter::engine::panics::quiet_rule_panics;
use goguard_linter::engine::runner::{check_workspace, CheckOutput};
use goguard_linter::engine::settings::Settings;
use goguard_linter::engine::{Context, Rule};
use goguard_semantic::load::{load, LoadOptions};

mod engine_support;
use engine_support::{finding_lines as lines, SampleRule};

const DEFER_LOOP: &str = "package svc

import \"os\"

func readAll(names []string) {
	for _, n := range names {
		f, _ := os.Open(n)
		defer f.Close()
	}
}
";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn run_with(dir: &Path, settings: &Settings, rules: &[&'static dyn Rule]) -> CheckOutput {
    quiet_rule_panics();
    let ws = load(&LoadOptions {
        paths: vec!["./...".into()],
        dir: Some(dir.to_path_buf()),
        ..LoadOptions::default()
    })
    .unwrap();
    check_workspace(&ws, settings, rules, dir, &|_| {})
}

/// Every rule, preview ones (RS007) included.
fn run(dir: &Path) -> CheckOutput {
    let mut settings = Settings::new(dir);
    settings
        .extend(
            &["ALL".into()],
            &[],
            &goguard_linter::engine::registry::entries(&goguard_linter::rules::all()),
        )
        .unwrap();
    settings.preview = true;
    run_with(dir, &settings, &goguard_linter::rules::all())
}

fn config(dir: &Path, text: &str) -> Settings {
    let path = dir.join("goguard.toml");
    std::fs::write(&path, text).unwrap();
    Settings::load(
        &path,
        &goguard_linter::engine::registry::entries(&goguard_linter::rules::all()),
    )
    .unwrap()
}

const GO_MOD: &str = "module example.com/p\n\ngo 1.22\n";

#[test]
fn findings_of_several_packages_come_sorted() {
    let dir = project(&[
        ("go.mod", GO_MOD),
        ("b/b.go", &DEFER_LOOP.replace("svc", "b")),
        ("a/a.go", &DEFER_LOOP.replace("svc", "a")),
    ]);
    let out = run(dir.path());
    assert_eq!(lines(&out), ["a/a.go:8 RS007", "b/b.go:8 RS007"]);
    assert_eq!((out.files_checked, out.packages_checked), (2, 2));
    // Only files with findings are kept for rendering.
    assert_eq!(out.files.len(), 2);
}

#[test]
fn suppressions_silence_and_are_checked() {
    let src = "package svc

import (
	\"context\"
	\"os\"
)

func readAll(names []string) {
	for _, n := range names {
		f, _ := os.Open(n)
		defer f.Close() //goguard:ignore defer-in-loop at most three names
	}
	for _, n := range names {
		f, _ := os.Open(n)
		// Closed when the batch ends.
		//goguard:ignore RS007
		defer f.Close()
	}
	for range names {
		_ = 1 //goguard:ignore RS007 nothing to silence here
	}
	_ = 2 //goguard:ignore lock-not-released,RS00 not selected, unknown
}

func detach(ctx context.Context) {
	//goguard:ignore CX001 cancelled by the caller's deadline
	_, _ = context.WithCancel(ctx)
}
";
    let dir = project(&[("go.mod", GO_MOD), ("svc/svc.go", src)]);
    let settings = config(
        dir.path(),
        "select = [\"ALL\"]\npreview = true\nignore = [\"SY\"]\n",
    );
    let out = run_with(dir.path(), &settings, &goguard_linter::rules::all());
    let messages: Vec<String> = out
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert_eq!(
        lines(&out),
        [
            "svc/svc.go:16 E003",
            "svc/svc.go:20 E004",
            "svc/svc.go:22 E003"
        ],
        "{messages:#?}"
    );
    assert!(messages[0].ends_with("gives no reason"));
    assert!(messages[1].contains("RS007 matches no finding on line 20"));
    // lock-not-released did not run (ignored): its suppression is not unused.
    assert!(
        messages[2].contains("unknown rule `RS00`"),
        "{}",
        messages[2]
    );
}

#[test]
fn a_file_with_syntax_errors_is_still_checked() {
    let broken = format!("{DEFER_LOOP}\nfunc broken() {{\n\tx :=\n}}\n");
    let dir = project(&[
        ("go.mod", GO_MOD),
        ("svc/a.go", &broken),
        ("svc/b.go", &DEFER_LOOP.replace("readAll", "readMore")),
    ]);
    let out = run(dir.path());
    assert_eq!(
        lines(&out),
        ["svc/a.go:8 RS007", "svc/a.go:14 E001", "svc/b.go:8 RS007"]
    );
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let mut files = vec![("go.mod".to_string(), GO_MOD.to_string())];
    for i in 0..12 {
        let pkg = format!("p{i}");
        files.push((format!("{pkg}/a.go"), DEFER_LOOP.replace("svc", &pkg)));
        files.push((
            format!("{pkg}/b.go"),
            DEFER_LOOP.replace("svc", &pkg).replace("readAll", "readB"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = project(&refs);
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let out = pool.install(|| run(dir.path()));
        render_json(&out.diagnostics, &out.files)
    };
    let one = render(1);
    assert_eq!(one.matches("\"RS007\"").count(), 24);
    assert_eq!(one, render(4));
}

#[test]
fn overrides_and_exclusions_apply_by_path() {
    let dir = project(&[
        ("go.mod", GO_MOD),
        ("svc/a.go", DEFER_LOOP),
        ("legacy/a.go", &DEFER_LOOP.replace("svc", "legacy")),
        ("gen/a.go", &DEFER_LOOP.replace("svc", "gen")),
    ]);
    let settings = config(
        dir.path(),
        "select = [\"ALL\"]\npreview = true\n\n[[overrides]]\npaths = [\"legacy/\"]\nignore = [\"RS007\"]\n\n[files]\nexclude = [\"gen\"]\n",
    );
    let out = run_with(dir.path(), &settings, &goguard_linter::rules::all());
    assert_eq!(lines(&out), ["svc/a.go:8 RS007"]);
    assert_eq!(out.files_checked, 2);
}

#[test]
fn version_gated_rules_follow_the_module_go_line() {
    let src = "package svc

import \"time\"

func poll() {
	t := time.NewTicker(time.Second)
	<-t.C
}
";
    let old = project(&[
        ("go.mod", "module example.com/p\n\ngo 1.21\n"),
        ("svc/a.go", src),
    ]);
    assert_eq!(lines(&run(old.path())), ["svc/a.go:6 RS006"]);
    let new = project(&[
        ("go.mod", "module example.com/p\n\ngo 1.23\n"),
        ("svc/a.go", src),
    ]);
    assert!(lines(&run(new.path())).is_empty());
}

goguard_linter::declare_rule! {
    /// ## What it does
    /// Crashes, to test that a crash stays contained.
    pub struct CrashingRule {
        name: "crashing-rule",
        code: "SY999",
        domain: Sync,
        category: Style,
        status: Stable,
    }
}

impl CrashingRule {
    fn run(&self, cx: &mut Context<'_>) {
        if cx.source().contains("crash") {
            panic!("index out of bounds");
        }
    }
}

#[test]
fn a_crashing_rule_becomes_an_internal_error() {
    let dir = project(&[
        ("go.mod", GO_MOD),
        (
            "svc/a.go",
            "package svc\n\n// crash here\nfunc f() {\n\tgo f()\n}\n",
        ),
        ("svc/b.go", "package svc\n\nfunc g() {\n\tgo g()\n}\n"),
    ]);
    let rules: &[&'static dyn Rule] = &[&CrashingRule, &SampleRule];
    let mut settings = Settings::new(dir.path());
    settings.preview = true;
    let out = run_with(dir.path(), &settings, rules);
    assert_eq!(
        lines(&out),
        ["svc/a.go:1 E002", "svc/a.go:5 CX901", "svc/b.go:4 CX901"]
    );
    assert_eq!(
        out.diagnostics[0].message,
        "rule crashing-rule failed on this file: index out of bounds"
    );
}

goguard_linter::declare_rule! {
    /// ## What it does
    /// Reports its options, to test that settings reach rules.
    pub struct OptionRule {
        name: "option-rule",
        code: "SY997",
        domain: Sync,
        category: Style,
        status: Stable,
        options: &[
            goguard_linter::engine::RuleOption::usize("limit", 3, "A limit."),
            goguard_linter::engine::RuleOption::bool("strict", false, "Strictness."),
        ],
    }
}

impl OptionRule {
    fn run(&self, cx: &mut Context<'_>) {
        let msg = format!(
            "limit {} strict {}",
            cx.option_usize("limit"),
            cx.option_bool("strict")
        );
        let d = cx.diagnostic(cx.root(), msg);
        cx.report(d);
    }
}

#[test]
fn rule_options_come_from_settings_or_defaults() {
    let dir = project(&[("go.mod", GO_MOD), ("svc/a.go", "package svc\n")]);
    let rules: &[&'static dyn Rule] = &[&OptionRule];
    let message = |settings: &Settings| {
        let out = run_with(dir.path(), settings, rules);
        out.diagnostics[0].message.clone()
    };
    assert_eq!(message(&Settings::new(dir.path())), "limit 3 strict false");
    let path = dir.path().join("goguard.toml");
    std::fs::write(&path, "[rules.option-rule]\nlimit = 7\n").unwrap();
    let settings =
        Settings::load(&path, &goguard_linter::engine::registry::entries(rules)).unwrap();
    assert_eq!(message(&settings), "limit 7 strict false");
}
