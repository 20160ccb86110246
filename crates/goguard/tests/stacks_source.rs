//! The two ends joined: a runtime finding shows the code at the `go`
//! statement and the blocking line, and the static findings there
//! (`goguard stacks` inside a module or with `--source`); `goguard check
//! --dump` marks the static findings a dump confirms.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RUN_GO: &str = "package m

func Run(items []int, out chan int) {
\tfor _, it := range items {
\t\tgo func() {
\t\t\tout <- it
\t\t}()
\t}
}
";

/// A dump of a build of the module in /build/m: a goroutine started at
/// run.go:5 blocked sending at run.go:6, its creator returned.
const DUMP: &str = "goroutine 1 [running]:
main.main()
\t/build/m/cmd/main.go:10 +0x1

goroutine 7 [chan send]:
example.com/m.Run.func1()
\t/build/m/run.go:6 +0x2b
created by example.com/m.Run in goroutine 1
\t/build/m/run.go:5 +0x8e
";

fn module(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("goguard-join-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("m")).unwrap();
    std::fs::write(dir.join("m/go.mod"), "module example.com/m\n\ngo 1.21\n").unwrap();
    std::fs::write(dir.join("m/run.go"), RUN_GO).unwrap();
    let dump = dir.join("dump.txt");
    std::fs::write(&dump, DUMP).unwrap();
    (dir, dump)
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn stacks_inside_a_module_shows_the_code_and_the_static_finding() {
    let (dir, dump) = module("stacks");
    let m = dir.join("m");
    let o = run(&m, &["stacks", "--color", "never", dump.to_str().unwrap()]);
    let out = text(&o);
    assert!(
        out.starts_with("run.go:5:3: RT001 1 goroutine blocked sending"),
        "{out}"
    );
    assert!(out.contains("5 |         go func() {"), "{out}");
    assert!(out.contains("6 |             out <- it"), "{out}");
    assert!(
        out.contains("= note: static: GR002 loop-variable-captured at run.go:6:"),
        "{out}"
    );
    // The same from elsewhere with --source; nothing without it.
    let o = run(
        &dir,
        &[
            "stacks",
            "--color",
            "never",
            "--source",
            "m",
            dump.to_str().unwrap(),
        ],
    );
    assert!(text(&o).contains("static: GR002"), "{}", text(&o));
    let o = run(
        &m,
        &[
            "stacks",
            "--color",
            "never",
            "--no-source",
            dump.to_str().unwrap(),
        ],
    );
    let out = text(&o);
    assert!(out.starts_with("/build/m/run.go:5: RT001"), "{out}");
    assert!(!out.contains("static:"), "{out}");
    // SARIF points into the repository.
    let o = run(&m, &["stacks", "--format", "sarif", dump.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let loc = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "run.go");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 5);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_marks_the_findings_a_dump_confirms() {
    let (dir, dump) = module("check");
    let m = dir.join("m");
    let o = run(
        &m,
        &[
            "check",
            "--format",
            "json",
            "--dump",
            dump.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "GR002");
    let note = f["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("confirmed at runtime: 1 goroutine in chan send in "),
        "{note}"
    );
    assert!(
        note.ends_with("(RT001 leaked-goroutine-group, medium)"),
        "{note}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 of 1 findings confirmed"));
    std::fs::remove_dir_all(dir).unwrap();
}
