//! `goguard check`, `goguard rules` and `goguard explain` as a user runs
//! them: the built binary on projects written to a temporary directory.

use std::path::Path;
use std::process::{Command, Output};

const GO_MOD: &str = "module example.com/p\n\ngo 1.22\n";

/// A close deferred before the error check (defer-before-error-check,
/// RS008) on line 8.
const DIRTY: &str = "package svc

import \"os\"

func readAll(names []string) {
	for _, n := range names {
		f, err := os.Open(n)
		defer f.Close()
		if err != nil {
			return
		}
	}
}
";

const CLEAN: &str = "package svc\n\nfunc add(a, b int) int { return a + b }\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn goguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn exit_codes_say_clean_findings_or_error() {
    let clean = project(&[("go.mod", GO_MOD), ("svc/a.go", CLEAN)]);
    let o = goguard(clean.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).starts_with("Found 0 findings"), "{}", stderr(&o));

    let dirty = project(&[("go.mod", GO_MOD), ("svc/a.go", DIRTY)]);
    let o = goguard(dirty.path(), &["check", "./..."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("svc/a.go:8:3: RS008 "),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains('\x1b'), "no colour when piped");
    assert!(
        stderr(&o).contains("in 1 file, 1 package") && stderr(&o).ends_with(": RS008 1\n"),
        "{}",
        stderr(&o)
    );

    let o = goguard(dirty.path(), &["check", "nowhere/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "goguard: error: nowhere/x: no such file or directory\n"
    );
    let o = goguard(dirty.path(), &["check", "--select", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown rule `no-such-rule`"));
}

#[test]
fn select_and_ignore_on_the_command_line() {
    let dir = project(&[("go.mod", GO_MOD), ("svc/a.go", DIRTY)]);
    let check = |args: &[&str]| {
        let mut all = vec!["check", "./..."];
        all.extend(args);
        goguard(dir.path(), &all).status.code()
    };
    assert_eq!(check(&["--ignore", "RS008"]), Some(0));
    assert_eq!(check(&["--select", "CX"]), Some(0));
    assert_eq!(check(&["--select", "resource,CX"]), Some(1));
    // The default path is `./...`: every package below the current directory;
    // `.` is the package of the current directory only (here none: nothing
    // to check is an error).
    assert_eq!(goguard(dir.path(), &["check"]).status.code(), Some(1));
    assert_eq!(goguard(dir.path(), &["check", "."]).status.code(), Some(2));
    assert_eq!(
        goguard(&dir.path().join("svc"), &["check"]).status.code(),
        Some(1)
    );
}

#[test]
fn every_format() {
    let dir = project(&[("go.mod", GO_MOD), ("svc/a.go", DIRTY)]);
    let json = stdout(&goguard(
        dir.path(),
        &["check", "./...", "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["findings"][0]["code"], "RS008");
    assert_eq!(v["findings"][0]["file"], "svc/a.go");
    assert_eq!(v["findings"][0]["line"], 8);

    let sarif = stdout(&goguard(
        dir.path(),
        &["check", "./...", "--format", "sarif"],
    ));
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "RS008");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "E001"));

    let github = stdout(&goguard(
        dir.path(),
        &["check", "./...", "--format", "github"],
    ));
    assert!(
        github.starts_with("::error file=svc/a.go,line=8,"),
        "{github}"
    );

    let o = goguard(
        dir.path(),
        &["check", "./...", "--format", "json", "--output", "out.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let written = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    assert_eq!(written, json);
    // Only the human format prints a summary.
    assert_eq!(stderr(&o), "");
}

#[test]
fn same_output_with_one_or_four_threads() {
    let mut files = vec![("go.mod".to_string(), GO_MOD.to_string())];
    for i in 0..10 {
        files.push((format!("p{i}/a.go"), DIRTY.replace("svc", &format!("p{i}"))));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = project(&refs);
    let one = stdout(&goguard(
        dir.path(),
        &["check", "./...", "-j1", "--format", "json"],
    ));
    let four = stdout(&goguard(
        dir.path(),
        &["check", "./...", "-j", "4", "--format", "json"],
    ));
    assert_eq!(one.matches("RS008").count(), 10);
    assert_eq!(one, four);
}

#[test]
fn configuration_is_found_above_and_errors_name_the_line() {
    let dir = project(&[
        ("go.mod", GO_MOD),
        ("svc/a.go", DIRTY),
        ("goguard.toml", "ignore = [\"defer-before-error-check\"]\n"),
    ]);
    // Found by walking up from the checked path.
    let o = goguard(&dir.path().join("svc"), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // The command line adds to the file's lists.
    std::fs::write(dir.path().join("goguard.toml"), "select = [\"CX\"]\n").unwrap();
    assert_eq!(
        goguard(dir.path(), &["check", "./..."]).status.code(),
        Some(0)
    );
    assert_eq!(
        goguard(dir.path(), &["check", "./...", "--select", "RS008"])
            .status
            .code(),
        Some(1)
    );

    std::fs::write(
        dir.path().join("goguard.toml"),
        "select = [\"CX\"]\n\n[rules]\n[files]\nvendor = true\n",
    )
    .unwrap();
    let o = goguard(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("goguard.toml:5: unknown field `vendor`"),
        "{}",
        stderr(&o)
    );

    std::fs::write(dir.path().join("other.toml"), "ignore = [\"RS\"]\n").unwrap();
    let o = goguard(dir.path(), &["check", "./...", "--config", "other.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = goguard(dir.path(), &["check", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn baseline_records_then_reports_only_new_findings() {
    let dir = project(&[("go.mod", GO_MOD), ("svc/a.go", DIRTY)]);
    let o = goguard(
        dir.path(),
        &["check", "--baseline", "base/goguard-baseline.json"],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "the baseline's directory must exist"
    );
    let o = goguard(
        dir.path(),
        &["check", "./...", "--baseline", "goguard-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "goguard: recorded 1 finding in goguard-baseline.json\n"
    );
    let recorded = std::fs::read_to_string(dir.path().join("goguard-baseline.json")).unwrap();
    assert!(recorded.contains("\"path\": \"svc/a.go\""), "{recorded}");

    // Lines move and a second loop appears: only the new one is reported.
    let shifted = DIRTY.replace(
        "func readAll",
        "// A comment that moves everything down.\n\nfunc readAll",
    ) + "\nfunc readMore(names []string) {\n\tfor _, n := range names {\n\t\tf, err := os.Open(n)\n\t\tdefer f.Close()\n\t\tif err != nil {\n\t\t\treturn\n\t\t}\n\t}\n}\n";
    std::fs::write(dir.path().join("svc/a.go"), shifted).unwrap();
    let o = goguard(
        dir.path(),
        &[
            "check",
            "./...",
            "--baseline",
            "goguard-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["line"], 20);

    // Accepting the new finding: nothing is reported afterwards.
    let o = goguard(
        dir.path(),
        &[
            "check",
            "./...",
            "--baseline",
            "goguard-baseline.json",
            "--baseline-update",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "goguard: recorded 2 findings in goguard-baseline.json\n"
    );
    let o = goguard(
        dir.path(),
        &["check", "./...", "--baseline", "goguard-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    std::fs::write(dir.path().join("goguard-baseline.json"), "not json").unwrap();
    let o = goguard(
        dir.path(),
        &["check", "./...", "--baseline", "goguard-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a goguard baseline"));
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let o = goguard(dir.path(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("CODE "), "{text}");
    assert!(text.contains("RS007  defer-in-loop"), "{text}");
    assert!(!text.contains("E001"));
    assert!(stdout(&goguard(dir.path(), &["rules", "--all"])).contains("syntax-error"));

    let json = stdout(&goguard(dir.path(), &["rules", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rs007 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "RS007")
        .unwrap();
    assert_eq!(rs007["name"], "defer-in-loop");
    assert_eq!(rs007["domain"], "resource");

    let o = goguard(dir.path(), &["explain", "rs007"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.starts_with(
            "defer-in-loop (RS007) — resource, suspicious, preview\n\n## What it does\n"
        ),
        "{text}"
    );
    assert!(text.contains("## Known limitations"));

    let o = goguard(dir.path(), &["explain", "defer-in-lop"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "goguard: error: unknown rule `defer-in-lop` (did you mean `defer-in-loop`?)\n"
    );
}

const GENERATED_STORE: &str = "// Code generated by storegen. DO NOT EDIT.

package svc

import (
	\"os\"
	\"sync\"
)

type Store struct {
	mu    sync.Mutex
	items map[string]string
}

func openAll(names []string) {
	for _, n := range names {
		f, err := os.Open(n)
		defer f.Close()
		if err != nil {
			return
		}
	}
}
";

const STORE_GET: &str = "package svc

import \"errors\"

func (s *Store) Get(k string) (string, error) {
	s.mu.Lock()
	v, ok := s.items[k]
	if !ok {
		return \"\", errors.New(\"missing\")
	}
	s.mu.Unlock()
	return v, nil
}
";

#[test]
fn generated_files_declare_names_but_are_not_checked_unless_asked() {
    let dir = project(&[
        ("go.mod", GO_MOD),
        ("svc/store.pb.go", GENERATED_STORE),
        ("svc/get.go", STORE_GET),
    ]);
    // The mutex field's type comes from the generated file; its own
    // defer-before-error-check is not reported. No path means `./...`.
    let o = goguard(dir.path(), &["check", "--format", "json"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(out.contains("SY001") && out.contains("get.go"), "{out}");
    assert!(!out.contains("RS008"), "{out}");

    let o = goguard(
        dir.path(),
        &["check", "--include-generated", "--format", "json"],
    );
    let out = stdout(&o);
    assert!(
        out.contains("RS008") && out.contains("store.pb.go"),
        "{out}"
    );
}
