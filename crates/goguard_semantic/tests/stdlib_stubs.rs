//! The standard-library stubs: each STUBS entry parses cleanly, names its
//! package and file consistently, and every declaration in it agrees with the
//! real standard library (checked by tools/stdlib-check, which needs `go` on
//! PATH; that part is skipped with a message when Go is missing).

use std::path::{Path, PathBuf};
use std::process::Command;

use goguard_semantic::stdlib::{stub, STUBS};
use goguard_syntax::{parse_file, Node};

const HEADER_PREFIX: &str = "// Declarations of package ";
const HEADER_SUFFIX: &str = " used by goguard's light types; signatures only.";

fn stub_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib")
}

/// The file a package's stub lives in: the import path with `/` as `_`.
fn file_name(import_path: &str) -> String {
    format!("{}.go", import_path.replace('/', "_"))
}

/// The package name an import path's stub must declare: the last element,
/// or the one before a major-version suffix (`math/rand/v2` is `rand`).
fn expected_package_name(import_path: &str) -> &str {
    let mut parts = import_path.rsplit('/');
    let last = parts.next().unwrap_or(import_path);
    let is_version =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match parts.next() {
        Some(prev) if is_version => prev,
        _ => last,
    }
}

#[test]
fn stubs_are_sorted_and_unique() {
    for w in STUBS.windows(2) {
        assert!(
            w[0].0 < w[1].0,
            "STUBS must be sorted by import path without duplicates: {:?} then {:?}",
            w[0].0,
            w[1].0
        );
    }
    for (path, source) in STUBS {
        assert_eq!(stub(path), Some(*source), "stub({path:?})");
    }
    assert_eq!(stub("no/such/package"), None);
}

#[test]
fn stubs_parse_and_declare_their_package() {
    let mut failures = Vec::new();
    for (path, source) in STUBS {
        let file = parse_file(source);
        for e in file.errors() {
            let (line, col) = file.lines().line_col(e.offset);
            failures.push(format!("{path}: syntax error {line}:{col} {}", e.message));
        }
        let ast = file.ast();
        let Node::File { name, .. } = *ast.node(file.root()) else {
            failures.push(format!("{path}: root is not a File"));
            continue;
        };
        let declared = ast.text(name, source);
        if declared != expected_package_name(path) {
            failures.push(format!(
                "{path}: package clause names {declared:?}, expected {:?}",
                expected_package_name(path)
            ));
        }
        let header = format!("{HEADER_PREFIX}{path}{HEADER_SUFFIX}");
        if source.lines().next() != Some(header.as_str()) {
            failures.push(format!("{path}: first line must be {header:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_stub_file_is_listed_under_its_name() {
    let mut on_disk: Vec<String> = std::fs::read_dir(stub_dir())
        .expect("reading stdlib/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".go"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = STUBS.iter().map(|(p, _)| file_name(p)).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "stdlib/*.go files and STUBS entries differ"
    );
    for (path, source) in STUBS {
        let text = std::fs::read_to_string(stub_dir().join(file_name(path))).unwrap();
        assert_eq!(
            &text, source,
            "STUBS entry {path:?} does not hold its own file"
        );
    }
}

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn build_checker() -> PathBuf {
    let tool_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/stdlib-check");
    let out = std::env::temp_dir().join(format!("stdlib-check-{}", std::process::id()));
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(&tool_dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .env("GOWORK", "off")
        .status()
        .expect("running `go build` for tools/stdlib-check");
    assert!(status.success(), "go build of tools/stdlib-check failed");
    out
}

fn run_checker(tool: &Path, target: &Path) -> (bool, String) {
    let out = Command::new(tool)
        .arg(target)
        .env("GOTOOLCHAIN", "local")
        .output()
        .expect("running stdlib-check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn stubs_match_the_real_standard_library() {
    if !go_available() {
        eprintln!("SKIPPED: `go` is not on PATH; stdlib-check cannot compare the stubs");
        return;
    }
    let tool = build_checker();

    // The checker must notice a wrong stub before its silence means anything.
    let bad_dir = std::env::temp_dir().join(format!("stdlib-check-bad-{}", std::process::id()));
    std::fs::create_dir_all(&bad_dir).unwrap();
    std::fs::write(
        bad_dir.join("io.go"),
        format!(
            "{HEADER_PREFIX}io{HEADER_SUFFIX}\n\npackage io\n\n\
             type Reader interface {{\n\tRead(p []byte) (n int, err error)\n}}\n\n\
             func ReadAll(r Reader) (string, error)\n"
        ),
    )
    .unwrap();
    std::fs::write(
        bad_dir.join("testing.go"),
        format!(
            "{HEADER_PREFIX}testing{HEADER_SUFFIX}\n\npackage testing\n\n\
             type T struct{{}}\n\nfunc (t *T) Fatal(args ...any)\n"
        ),
    )
    .unwrap();
    std::fs::write(
        bad_dir.join("nosuch.go"),
        format!("{HEADER_PREFIX}no/such/pkg{HEADER_SUFFIX}\n\npackage pkg\n"),
    )
    .unwrap();
    let (ok, bad_report) = run_checker(&tool, &bad_dir);
    let _ = std::fs::remove_dir_all(&bad_dir);
    assert!(!ok, "stdlib-check accepted a wrong stub:\n{bad_report}");
    assert!(
        bad_report.contains(
            "io: func ReadAll: stub (Reader) (string, error) != real (Reader) ([]byte, error)"
        ),
        "unexpected report for the wrong stub:\n{bad_report}"
    );
    assert!(
        bad_report.contains("testing: type T: stub lacks embedded field common"),
        "missing embedded field not reported:\n{bad_report}"
    );
    assert!(
        bad_report.contains("testing: method T.Fatal: the real type T declares no such method"),
        "method declared on the embedding type not reported:\n{bad_report}"
    );
    assert!(
        bad_report.contains("no/such/pkg: package does not exist"),
        "missing package not reported:\n{bad_report}"
    );

    let (ok, report) = run_checker(&tool, &stub_dir());
    let _ = std::fs::remove_file(&tool);
    assert!(
        ok,
        "the stubs disagree with the standard library:\n{report}"
    );
}
