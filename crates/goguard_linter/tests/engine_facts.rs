//! Facts between packages: the runner checks the packages of a module in
//! dependency order, and the concurrency model of a package reads what the
//! packages it imports export about their functions (which channels and
//! WaitGroups they send on, receive from, close, range over or keep).
//!
//! The fixture module `modules/xpkg` is real Go: `util` holds
//! helpers, `svc` calls them; `// want: CODE` marks the findings that need
//! a helper's summary, every other call is a clean case (the helper keeps
//! the channel, or acts on it only on some paths or in a loop).

mod engine_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use goguard_diagnostics::render_json;
use goguard_linter::engine::panics::quiet_rule_panics;
use goguard_linter::engine::runner::{check_workspace, CheckOutput};
use goguard_linter::engine::settings::Settings;
use goguard_semantic::load::{load, LoadOptions};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/modules/xpkg")
}

/// The concurrency rules (stable and preview) on `paths` of the fixture.
fn run(paths: &[&str]) -> CheckOutput {
    quiet_rule_panics();
    let dir = fixture();
    let ws = load(&LoadOptions {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        dir: Some(dir.clone()),
        ..LoadOptions::default()
    })
    .unwrap();
    let rules = goguard_linter::rules::all();
    let mut settings = Settings::new(&dir);
    settings
        .extend(
            &["CH".into(), "GR".into()],
            &[],
            &goguard_linter::engine::registry::entries(&rules),
        )
        .unwrap();
    settings.preview = true;
    check_workspace(&ws, &settings, &rules, &dir, &|_| {})
}

/// `path:line CODE` per finding.
fn found(out: &CheckOutput) -> BTreeSet<String> {
    engine_support::finding_lines(out).into_iter().collect()
}

/// `path:line CODE` per `// want: CODE` in the fixture's Go files.
fn wanted() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut dirs = vec![fixture()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "go") {
                continue;
            }
            let rel = path.strip_prefix(fixture()).unwrap().to_string_lossy();
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                if let Some((_, codes)) = line.split_once("// want: ") {
                    for code in codes.split(',') {
                        out.insert(format!("{rel}:{} {}", i + 1, code.trim()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn summaries_of_imported_packages_make_findings_and_keep_clean_cases_clean() {
    let out = run(&["./..."]);
    let want = wanted();
    assert_eq!(want.len(), 8, "{want:?}");
    assert_eq!(found(&out), want);
}

#[test]
fn without_the_imported_package_its_calls_stay_unknown() {
    // Only svc is checked: util exports nothing, its calls escape.
    let out = run(&["./svc"]);
    assert_eq!(found(&out), BTreeSet::new());
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let out = pool.install(|| run(&["./..."]));
        render_json(&out.diagnostics, &out.files)
    };
    let one = render(1);
    assert!(one.contains("\"CH001\""));
    assert_eq!(one, render(8));
}

#[test]
fn findings_say_which_function_of_which_package_blocks() {
    let out = run(&["./..."]);
    let hang = out
        .diagnostics
        .iter()
        .find(|d| d.code == "CH002")
        .expect("CH002");
    assert!(
        hang.message.contains("inside `util.WaitFor` (util.go:"),
        "{}",
        hang.message
    );
}
