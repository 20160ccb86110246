//! Compares our tree with go/parser's on every .go file under tests/testdata (recursively):
//! tools/goast-outline prints go/parser's canonical outline, `goguard_syntax::outline`
//! prints ours. Files go/parser accepts must have identical outlines; for files it rejects
//! we must report an error too, with our first error on the same line as its first error.
//! Needs the Go toolchain (`go` on PATH); the reference tool uses only the standard library.

use std::path::{Path, PathBuf};
use std::process::Command;

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            go_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "go") {
            out.push(p);
        }
    }
}

fn build_reference() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tool_dir = manifest.join("../../tools/goast-outline");
    let out = std::env::temp_dir().join(format!("goast-outline-{}", std::process::id()));
    let status = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&out)
        .arg(".")
        .current_dir(&tool_dir)
        .env("GOTOOLCHAIN", "local")
        .status()
        .expect("running `go build` for tools/goast-outline (is Go installed?)");
    assert!(status.success(), "go build of tools/goast-outline failed");
    out
}

/// Splits the tool's output into per-file line lists, keyed by path.
fn split(output: &str) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    for line in output.lines() {
        if let Some(path) = line.strip_prefix("=== ") {
            files.push((path.to_string(), Vec::new()));
        } else if let Some(last) = files.last_mut() {
            last.1.push(line.to_string());
        }
    }
    files
}

fn error_line(l: &str) -> Option<u32> {
    l.strip_prefix("error ")?.split(':').next()?.parse().ok()
}

#[test]
fn outlines_match_go_parser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata");
    let mut files = Vec::new();
    go_files(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .go files under {}", dir.display());

    let tool = build_reference();
    let output = Command::new(&tool)
        .args(&files)
        .output()
        .expect("running goast-outline");
    let _ = std::fs::remove_file(&tool);
    assert!(
        output.status.success(),
        "goast-outline failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reference = split(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(
        reference.len(),
        files.len(),
        "goast-outline printed a different number of files"
    );

    let mut failures = Vec::new();
    for (path, go_lines) in &reference {
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(_) => continue, // not UTF-8: cannot reach parse_file (&str input)
        };
        let file = goguard_syntax::parse_file(&source);
        let go_errors: Vec<&String> = go_lines
            .iter()
            .filter(|l| l.starts_with("error "))
            .collect();
        if let Some(first) = go_errors.first() {
            match file.errors().first() {
                None => failures.push(format!(
                    "{path}: go/parser reports `{first}`, we report no error"
                )),
                Some(e) => {
                    let (line, col) = file.lines().line_col(e.offset);
                    if error_line(first) != Some(line) {
                        failures.push(format!(
                            "{path}: first error differs:\n  go:   {first}\n  ours: error {line}:{col} {}",
                            e.message
                        ));
                    }
                }
            }
            continue;
        }
        if let Some(e) = file.errors().first() {
            let (line, col) = file.lines().line_col(e.offset);
            failures.push(format!(
                "{path}: go/parser accepts the file, we report error {line}:{col} {}",
                e.message
            ));
            continue;
        }
        let ours_text = goguard_syntax::outline(&file, &source);
        let ours: Vec<&str> = ours_text.lines().collect();
        let theirs: Vec<&str> = go_lines.iter().map(String::as_str).collect();
        if ours != theirs {
            let i = ours.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
            let mut msg = format!("{path}: outline differs at line {}:\n", i + 1);
            for l in &theirs[i.saturating_sub(2)..(i + 4).min(theirs.len())] {
                msg.push_str(&format!("  -go   {l}\n"));
            }
            for l in &ours[i.saturating_sub(2)..(i + 4).min(ours.len())] {
                msg.push_str(&format!("  +ours {l}\n"));
            }
            failures.push(msg);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files disagree:\n{}",
        failures.len(),
        reference.len(),
        failures.join("\n")
    );
}
