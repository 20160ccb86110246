//! `goguard check` on bad input, as a new user meets it: files that cannot
//! be checked, configuration paths that are not files, unknown targets,
//! bytes that are not UTF-8, deep nesting, and trees without a go.mod.

use std::path::Path;
use std::process::{Command, Output};

const GO_MOD: &str = "module example.com/p\n\ngo 1.22\n";

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn goguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_run_that_checks_no_file_exits_2_and_says_what_was_skipped() {
    // A binary file named like Go source: no package clause.
    let binary: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    let dir = project(&[("go.mod", GO_MOD.as_bytes()), ("x.go", &binary)]);
    let o = goguard(dir.path(), &["check", "./..."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("x.go: no package clause found; file skipped"),
        "{err}"
    );
    assert!(err.contains("in 0 files, 0 packages"), "{err}");
    assert!(err.contains("; 1 file skipped (see the warnings)"), "{err}");
    assert!(
        err.contains("goguard: error: no Go file could be checked"),
        "{err}"
    );

    let empty = project(&[("go.mod", GO_MOD.as_bytes())]);
    let o = goguard(empty.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));

    // With one good file beside it, the run checks that file and still
    // counts the skipped one.
    let mixed = project(&[
        ("go.mod", GO_MOD.as_bytes()),
        ("x.go", &binary),
        ("ok.go", b"package p\n\nfunc F() {}\n"),
    ]);
    let o = goguard(mixed.path(), &["check", "./..."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("in 1 file, 1 package"), "{err}");
    assert!(err.contains("; 1 file skipped"), "{err}");
}

#[test]
fn a_directory_too_deep_to_read_is_reported_as_unreadable() {
    let dir = project(&[("go.mod", GO_MOD.as_bytes())]);
    // Each name is short; the whole path is longer than the system allows
    // (made one directory at a time, relative to the last).
    let name = "d".repeat(200);
    let made = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for i in $(seq 1 30); do mkdir {name} && cd {name} || exit 1; done; echo 'package p' > x.go"
        ))
        .current_dir(dir.path())
        .status()
        .unwrap();
    if !made.success() {
        // A system that refuses such trees has nothing to report here.
        return;
    }
    let o = goguard(dir.path(), &["check", "./..."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("director"), "{err}");
    assert!(err.contains("unreadable (see the warnings)"), "{err}");
    // rm walks relative to each directory, so it can remove what it made.
    let _ = Command::new("rm")
        .args(["-rf", &name])
        .current_dir(dir.path())
        .status();
}

#[test]
fn config_must_be_a_file() {
    let dir = project(&[
        ("go.mod", GO_MOD.as_bytes()),
        ("a.go", b"package p\n\nfunc F() {}\n"),
    ]);
    let o = goguard(dir.path(), &["check", "--config", ".", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("is a directory, not a goguard.toml file"),
        "{}",
        text(&o.stderr)
    );
    let o = goguard(dir.path(), &["check", "--config", "/dev/null", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("/dev/null: not a regular file"),
        "{}",
        text(&o.stderr)
    );
    let o = goguard(dir.path(), &["check", "--config", "missing.toml", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("missing.toml: no such file or directory"));
}

#[test]
fn unknown_targets_are_rejected() {
    let dir = project(&[
        ("go.mod", GO_MOD.as_bytes()),
        ("a.go", b"package p\n\nfunc F() {}\n"),
    ]);
    let o = goguard(dir.path(), &["check", "--goos", "plan99", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("unknown GOOS `plan99`"),
        "{}",
        text(&o.stderr)
    );
    let o = goguard(dir.path(), &["check", "--goarch", "amd99", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown GOARCH `amd99`"));
    let o = goguard(dir.path(), &["check", "--goos", "plan9", "./..."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    std::fs::write(
        dir.path().join("goguard.toml"),
        "[build]\ngoos = \"plan99\"\n",
    )
    .unwrap();
    let o = goguard(dir.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("goguard.toml:2"), "{err}");
    assert!(err.contains("[build] goos: unknown GOOS `plan99`"), "{err}");
}

#[test]
fn illegal_utf8_is_a_syntax_error_and_fixes_leave_the_file_alone() {
    // An unclosed ticker (RS006, fixable) in a file with a bad byte in a
    // string literal.
    let mut src = b"package p\n\nimport \"time\"\n\nvar s = \"a".to_vec();
    src.push(0xff);
    src.extend_from_slice(
        b"b\"\n\nfunc Tick(f func()) {\n\tt := time.NewTicker(time.Second)\n\tfor range t.C {\n\t\tf()\n\t\treturn\n\t}\n}\n",
    );
    let dir = project(&[("go.mod", GO_MOD.as_bytes()), ("a.go", &src)]);
    let o = goguard(dir.path(), &["check", "./..."]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        out.contains("a.go:5:11: E001 illegal UTF-8 encoding"),
        "{out}"
    );

    let o = goguard(dir.path(), &["check", "--fix", "./..."]);
    assert!(
        text(&o.stderr).contains("not valid UTF-8; not fixed"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read(dir.path().join("a.go")).unwrap(), src);
}

#[test]
fn hundreds_of_parentheses_are_valid_code() {
    let deep = format!(
        "package p\n\nvar X = {}1{}\n",
        "(".repeat(333),
        ")".repeat(333)
    );
    let dir = project(&[("go.mod", GO_MOD.as_bytes()), ("a.go", deep.as_bytes())]);
    let o = goguard(dir.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

/// Before Go 1.22 each loop shared one variable: GR002 applies only when
/// the tree is known to be older.
const CAPTURE: &[u8] = b"package p

func F(xs []int) {
	for _, x := range xs {
		go func() { println(x) }()
	}
}
";

#[test]
fn code_without_go_mod_is_checked_at_the_version_given() {
    let dir = project(&[("a.go", CAPTURE)]);
    let o = goguard(dir.path(), &["check", "./..."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("no go.mod: the code was checked as Go 1.") && err.contains("--go 1.NN"),
        "{err}"
    );

    let o = goguard(dir.path(), &["check", "--go", "1.12", "./..."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(text(&o.stdout).contains("GR002"));
    assert!(!err.contains("no go.mod: the code was checked as"), "{err}");

    std::fs::write(dir.path().join("goguard.toml"), "[build]\ngo = \"1.16\"\n").unwrap();
    let o = goguard(dir.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("GR002"));

    std::fs::write(dir.path().join("goguard.toml"), "[build]\ngo = \"one\"\n").unwrap();
    let o = goguard(dir.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("[build] go: `one` is not a Go version"),
        "{}",
        text(&o.stderr)
    );

    let o = goguard(dir.path(), &["check", "--go", "latest", "./..."]);
    assert_eq!(o.status.code(), Some(2));

    // A module keeps the version of its go.mod whatever --go says.
    let module = project(&[("go.mod", GO_MOD.as_bytes()), ("a.go", CAPTURE)]);
    let o = goguard(module.path(), &["check", "--go", "1.12", "./..."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}
