//! `goguard debug parse` as a user runs it: the built binary on directories made here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// A directory under the system temp dir, removed when dropped.
struct TempTree {
    root: PathBuf,
}

impl TempTree {
    fn new(name: &str) -> TempTree {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "goguard-debug-parse-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let root = std::env::temp_dir().join(unique);
        fs::create_dir_all(&root).unwrap();
        TempTree { root }
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.root
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn goguard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(args)
        .output()
        .expect("run goguard")
}

fn parse(args: &[&str], paths: &[&Path]) -> Output {
    let mut all = vec!["debug", "parse"];
    all.extend_from_slice(args);
    let paths: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
    all.extend(paths);
    goguard(&all)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The last line of the output, which is always the summary.
fn summary(out: &Output) -> String {
    stdout(out).lines().last().unwrap_or_default().to_string()
}

const VALID: &str = "package p\n\nfunc f(ch chan int) {\n\tgo func() { ch <- 1 }()\n}\n";

/// `var x = ` with nothing after it: go/parser reports an error at 4:1 ("expected operand").
const BROKEN: &str = "package p\n\nvar x =\n";

#[test]
fn valid_files_exit_zero_with_a_summary() {
    let tree = TempTree::new("valid");
    tree.write("a.go", VALID);
    tree.write("sub/b.go", "package sub\n\nconst N = 1\n");
    tree.write("notes.txt", "not go");
    let out = parse(&[], &[tree.path()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "only the summary: {text}");
    let line = summary(&out);
    let bytes = VALID.len() + "package sub\n\nconst N = 1\n".len();
    assert!(
        line.starts_with(&format!(
            "2 files, {bytes} bytes, 8 lines, 0 syntax errors, "
        )),
        "{line}"
    );
    assert!(line.contains("MB/s per thread"), "{line}");
}

#[test]
fn syntax_errors_are_reported_as_file_line_col_and_exit_one() {
    let tree = TempTree::new("errors");
    tree.write("ok.go", VALID);
    let broken = tree.write("broken.go", BROKEN);
    let out = parse(&[], &[tree.path()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let prefix = format!("{}:", broken.display());
    let first = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no error line for broken.go in:\n{text}"));
    // file:line:col: message, pointing into line 3 or at the EOF on line 4.
    let rest = &first[prefix.len()..];
    let mut parts = rest.splitn(3, ':');
    let line: u32 = parts.next().unwrap().parse().unwrap();
    let col: u32 = parts.next().unwrap().parse().unwrap();
    let message = parts.next().unwrap();
    assert!((3..=4).contains(&line) && col >= 1, "{first}");
    assert!(message.starts_with(' ') && message.len() > 1, "{first}");
    assert!(!text.contains("ok.go:"), "{text}");
    assert!(summary(&out).starts_with("2 files, "), "{text}");
    assert!(!summary(&out).contains(" 0 syntax errors"), "{text}");
}

#[test]
fn unreadable_and_non_utf8_files_are_named_and_the_rest_still_parsed() {
    let tree = TempTree::new("utf8");
    let bad = tree.write("bad.go", b"package p\n\nvar s = \"\xff\"\n");
    tree.write("good.go", VALID);
    let out = parse(&[], &[tree.path()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let expected = format!("{}: not valid UTF-8", bad.display());
    assert!(text.lines().any(|l| l.starts_with(&expected)), "{text}");
    assert!(
        summary(&out).starts_with("2 files, ") && summary(&out).contains(", 1 unreadable files, "),
        "{text}"
    );
}

#[test]
fn vendor_and_testdata_are_skipped_unless_asked() {
    let tree = TempTree::new("skip");
    tree.write("main.go", VALID);
    tree.write("vendor/dep/dep.go", BROKEN);
    tree.write("pkg/testdata/case.go", BROKEN);
    let default = parse(&[], &[tree.path()]);
    assert_eq!(default.status.code(), Some(0), "{}", stdout(&default));
    assert!(summary(&default).starts_with("1 files, "));

    let vendor = parse(&["--include-vendor"], &[tree.path()]);
    assert!(summary(&vendor).starts_with("2 files, "));
    assert!(stdout(&vendor).contains("dep.go:"));

    let testdata = parse(&["--include-testdata"], &[tree.path()]);
    assert!(summary(&testdata).starts_with("2 files, "));
    assert!(stdout(&testdata).contains("case.go:"));

    // A file named directly is parsed even inside testdata/.
    let direct = tree.path().join("pkg/testdata/case.go");
    let out = parse(&[], &[&direct]);
    assert!(summary(&out).starts_with("1 files, "));
}

#[test]
fn gitignored_files_are_skipped() {
    let tree = TempTree::new("gitignore");
    tree.write(".gitignore", "generated/\n");
    tree.write("main.go", VALID);
    tree.write("generated/zz.go", BROKEN);
    let out = parse(&[], &[tree.path()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(summary(&out).starts_with("1 files, "));
}

#[test]
fn a_missing_path_is_a_usage_error_naming_it() {
    let tree = TempTree::new("missing");
    let missing = tree.path().join("no-such-dir");
    let out = parse(&[], &[&missing]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(missing.to_str().unwrap()), "{stderr}");

    let no_paths = goguard(&["debug", "parse"]);
    assert_eq!(no_paths.status.code(), Some(2));
}

#[test]
fn output_is_the_same_with_one_or_two_threads() {
    let tree = TempTree::new("determinism");
    for i in 0..40 {
        let source = if i % 3 == 0 { BROKEN } else { VALID };
        tree.write(&format!("d{}/f{i:02}.go", i % 4), source);
    }
    let one = parse(&["-j1"], &[tree.path()]);
    let two = parse(&["-j", "2"], &[tree.path()]);
    assert_eq!(one.status.code(), two.status.code());
    // Everything but the timings in the summary must be identical.
    let body = |out: &Output| {
        let text = stdout(out);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let last = lines.pop().unwrap();
        let counts = last.split(" syntax errors").next().unwrap().to_string();
        (lines, counts)
    };
    assert_eq!(body(&one), body(&two));
    assert!(summary(&one).contains("on 1 thread;"), "{}", summary(&one));
    assert!(summary(&two).contains("on 2 threads;"), "{}", summary(&two));
    let lines = body(&one).0;
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "errors are in path order");
}

#[test]
fn named_files_are_parsed_whatever_their_name_and_a_vendor_root_is_walked() {
    let tree = TempTree::new("named");
    let odd = tree.write("snippet.txt", BROKEN);
    let out = parse(&[], &[&odd]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).starts_with(&format!("{}:", odd.display())));

    // Only vendor/ directories below a root are skipped, not the root itself.
    tree.write("vendor/dep/dep.go", VALID);
    let out = parse(&[], &[&tree.path().join("vendor")]);
    assert!(summary(&out).starts_with("1 files, "), "{}", stdout(&out));
}
