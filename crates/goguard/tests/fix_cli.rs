//! `goguard check --fix` and `--diff` on a module written to a temporary
//! directory: the fixed tree is gofmt-clean, builds with `go build ./...`,
//! has no findings left, and the suppressed finding's code is untouched.
//! Needs the Go toolchain (as the parser tests do).

use std::path::Path;
use std::process::{Command, Output};

const GO_MOD: &str = "module example.com/fixme\n\ngo 1.21\n";

/// One file per fixable rule: CX001, RS006, RS001, RS005, RS002, GR002,
/// CH007; and a suppressed CX001 that must stay as it is.
const FILES: &[(&str, &str)] = &[
    (
        "ctx.go",
        r#"package fixme

import (
	"context"
	"errors"
	"time"
)

func lookup(ctx context.Context, key string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	if key == "" {
		return "", errors.New("empty key")
	}
	<-ctx.Done()
	cancel()
	return key, nil
}

func kept(ctx context.Context, key string) error {
	//goguard:ignore CX001 the caller's deadline ends it
	ctx, cancel := context.WithCancel(ctx)
	if key == "" {
		return ctx.Err()
	}
	cancel()
	return nil
}
"#,
    ),
    (
        "ticker.go",
        r#"package fixme

import "time"

func waitReady(ready func() bool, attempts int) bool {
	t := time.NewTicker(100 * time.Millisecond)
	for i := 0; i < attempts; i++ {
		if ready() {
			return true
		}
		<-t.C
	}
	t.Stop()
	return false
}
"#,
    ),
    (
        "fetch.go",
        r#"package fixme

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"
)

var client = &http.Client{Timeout: 10 * time.Second}

func get(url string, v any) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func load(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		return fmt.Errorf("%s is empty", path)
	}
	return json.NewDecoder(f).Decode(v)
}
"#,
    ),
    (
        "rows.go",
        r#"package fixme

import "database/sql"

func names(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
"#,
    ),
    (
        "loops.go",
        r#"package fixme

import (
	"sync"
	"time"
)

func each(items []string, handle func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handle(it)
		}()
	}
	wg.Wait()
}

func drain(in <-chan int, out chan<- int) {
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return
			}
			out <- v
		case <-time.After(time.Minute):
			return
		}
	}
}
"#,
    ),
];

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), GO_MOD).unwrap();
    for (name, text) in FILES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn goguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn go(dir: &Path, args: &[&str]) -> Output {
    Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .expect("the tests need the Go toolchain")
}

/// `gofmt -l .`: the files whose formatting differs from gofmt's.
fn gofmt_l(dir: &Path) -> String {
    let o = Command::new("gofmt")
        .args(["-l", "."])
        .current_dir(dir)
        .output()
        .expect("gofmt comes with the Go toolchain");
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_fixed_tree_is_gofmt_clean_builds_and_has_no_findings_left() {
    let dir = project();
    // The input itself is valid, gofmt-clean Go.
    assert_eq!(
        gofmt_l(dir.path()),
        "",
        "the test's input must be gofmt-clean"
    );
    let build = go(dir.path(), &["build", "./..."]);
    assert!(build.status.success(), "{}", text(&build.stderr));

    let before = goguard(dir.path(), &["check", "./...", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let codes: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    for code in [
        "CX001", "RS006", "RS001", "RS005", "RS002", "GR002", "CH007",
    ] {
        assert!(
            codes.contains(&code.to_string()),
            "{code} missing: {codes:?}"
        );
    }
    // Fixes appear in JSON and SARIF.
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["fix"]["applicability"] == "safe"));
    let sarif = goguard(dir.path(), &["check", "./...", "--format", "sarif"]);
    let s: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert!(s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["fixes"].is_array()));

    // --diff shows the change and writes nothing.
    let diff = goguard(dir.path(), &["check", "./...", "--diff"]);
    assert_eq!(diff.status.code(), Some(1), "{}", text(&diff.stderr));
    let patch = text(&diff.stdout);
    assert!(
        patch.contains("--- a/fetch.go\n+++ b/fetch.go\n"),
        "{patch}"
    );
    assert!(patch.contains("+\tdefer resp.Body.Close()\n"), "{patch}");
    assert!(patch.contains("+\tdefer f.Close()\n"), "{patch}");
    assert!(patch.contains("+\t\tit := it\n"), "{patch}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fetch.go")).unwrap(),
        FILES[2].1
    );

    let fixed = goguard(dir.path(), &["check", "./...", "--fix"]);
    assert!(
        text(&fixed.stderr).contains("goguard: fixed 7 findings in 5 files"),
        "{}",
        text(&fixed.stderr)
    );

    assert_eq!(gofmt_l(dir.path()), "", "fixed files must stay gofmt-clean");
    let build = go(dir.path(), &["build", "./..."]);
    assert!(build.status.success(), "{}", text(&build.stderr));

    let after = goguard(dir.path(), &["check", "./..."]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stdout));
    // The suppressed finding's function is as it was.
    let ctx = std::fs::read_to_string(dir.path().join("ctx.go")).unwrap();
    let kept = &FILES[0].1[FILES[0].1.find("func kept").unwrap()..];
    assert!(ctx.ends_with(kept), "{ctx}");
    assert!(
        ctx.contains("ctx, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n")
    );
    let loops = std::fs::read_to_string(dir.path().join("loops.go")).unwrap();
    assert!(
        loops.contains("timer := time.NewTimer(time.Minute)\n\tdefer timer.Stop()\n\tfor {"),
        "{loops}"
    );
}
