//! `goguard stacks` end to end: exit codes, JSON schema fields, HTML escaping, the growth
//! gate, source snippets, ignore patterns and errors, on the committed real dumps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dumps() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_runtime/tests/dumps")
}

fn dump(name: &str) -> String {
    dumps().join(name).display().to_string()
}

fn goguard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .arg("stacks")
        .args(args)
        .output()
        .expect("run goguard")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("goguard-stacks-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn exit_code_1_with_suspects_0_without() {
    let leak = goguard(&["--color", "never", &dump("abandoned_send.debug2.txt")]);
    assert_eq!(leak.status.code(), Some(1));
    let text = stdout(&leak);
    assert!(text.contains("RT001 leaked-goroutine-group"), "{text}");
    assert!(
        text.contains("120 goroutines blocked in chan send"),
        "{text}"
    );
    assert!(
        !text.contains("\x1b["),
        "no colours when not asked and not a TTY"
    );

    let healthy = goguard(&[&dump("healthy.debug2.txt"), &dump("http_idle.debug2.txt")]);
    assert_eq!(healthy.status.code(), Some(0));
    let text = stdout(&healthy);
    assert!(text.contains("healthy.debug2.txt") && text.contains("http_idle.debug2.txt"));
    assert!(text.contains("net/http server accept loop"), "{text}");
}

#[test]
fn colour_always_uses_ansi() {
    let o = goguard(&["--color", "always", &dump("nil_channel.debug2.txt")]);
    assert!(stdout(&o).contains("\x1b[1;31m"));
}

#[test]
fn missing_file_is_exit_2_naming_it() {
    let o = goguard(&[&dump("healthy.debug2.txt"), "/no/such/dump.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/no/such/dump.txt"), "{err}");
    assert!(o.stdout.is_empty());
    let usage = goguard(&["--format", "yaml", &dump("healthy.debug2.txt")]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn json_schema_fields() {
    let o = goguard(&["--format", "json", &dump("many_leaked.debug2.txt")]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["suspects"], 1);
    let snap = &v["files"][0]["snapshots"][0];
    assert_eq!(snap["format"], "traceback");
    let f = &snap["findings"][0];
    assert_eq!(f["code"], "RT001");
    assert_eq!(f["name"], "leaked-goroutine-group");
    assert_eq!(f["count"], 500);
    assert_eq!(f["id_list"].as_array().unwrap().len(), 500);
    assert!(f["ids"].as_str().unwrap().contains('-'));
    assert_eq!(f["state"], "select");
    assert_eq!(f["kind"], "select");
    assert!(f["wait_minutes"].is_null());
    assert_eq!(f["blocking_frame"]["function"], "main.waitForEvent");
    assert_eq!(
        f["blocking_frame"]["file"],
        "example.com/goguard/scenarios/leaks.go"
    );
    assert!(f["blocking_frame"]["line"].as_u64().unwrap() > 0);
    assert_eq!(f["created_by"]["function"], "main.manyLeaked");
    assert!(f["why"].as_str().unwrap().starts_with("500 goroutines"));
    assert!(!f["evidence"].as_array().unwrap().is_empty());
    assert!(snap["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["suspect"] == true));
    assert_eq!(snap["stack_groups"]["level"], "lines");
    assert_eq!(
        snap["background"][0]["reason"],
        "goroutine writing the dump"
    );
    assert!(v["files"][0]["unknown_lines"].is_array());
    assert!(v["files"][0]["warnings"].is_array());
}

#[test]
fn deadlocks_in_json() {
    let o = goguard(&[
        "--format",
        "json",
        &dump("mutex_deadlock.debug2.txt"),
        &dump("deadlock.crash.txt"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let first = &v["files"][0]["snapshots"][0]["findings"][0];
    assert_eq!(first["code"], "RT002");
    assert_eq!(first["name"], "lock-deadlock");
    assert_eq!(first["count"], 2);
    assert_eq!(first["involved"].as_array().unwrap().len(), 2);
    let second = &v["files"][1]["snapshots"][0]["findings"][0];
    assert_eq!(second["code"], "RT004");
    assert_eq!(second["name"], "whole-program-deadlock");
}

/// A dump whose names carry markup must be shown, never interpreted.
#[test]
fn html_escapes_everything_from_the_dump() {
    let dir = temp_dir("html");
    let mut text = String::new();
    for id in 1..=12 {
        text.push_str(&format!(
            "goroutine {id} [chan send]:\nmain.<script>alert(\"x\")</script>(0x1)\n\t/src/<img src=x onerror=alert(1)>.go:7 +0x1\ncreated by main.spawn&co in goroutine 1\n\t/src/a'b.go:3 +0x2\n\n"
        ));
    }
    text.push_str("<b>garbage line</b>\n");
    let path = dir.join("evil.txt");
    std::fs::write(&path, text).unwrap();
    let o = goguard(&["--format", "html", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let html = stdout(&o);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(!html.contains("<img"), "unescaped img tag");
    assert!(!html.contains("<b>garbage"), "unescaped unknown line");
    assert!(html.contains("main.&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("main.spawn&amp;co"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resources"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn diff_reports_growth_and_gates() {
    let a = dump("growth_100.debug2.txt");
    let b = dump("growth_400.debug2.txt");
    let o = goguard(&["diff", &a, &b, "--interval", "5m", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "no gate, no failure");
    let text = stdout(&o);
    assert!(text.contains("RT003 goroutine-growth"), "{text}");
    assert!(text.contains("+300 goroutines"), "{text}");
    assert!(text.contains("60.0/minute"), "{text}");

    let over = goguard(&["diff", &a, &b, "--fail-on-growth", "300"]);
    assert_eq!(over.status.code(), Some(1));
    let under = goguard(&["diff", &a, &b, "--fail-on-growth", "301"]);
    assert_eq!(under.status.code(), Some(0));

    let j = goguard(&[
        "diff",
        &a,
        &b,
        &b,
        "--format",
        "json",
        "--fail-on-growth",
        "10",
    ]);
    assert_eq!(j.status.code(), Some(1));
    let v = json(&j);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["gate_exceeded"], true);
    let g = &v["diff"]["grown"][0];
    assert_eq!(g["code"], "RT003");
    assert_eq!(g["counts"], serde_json::json!([100, 400, 400]));
    assert_eq!(g["change"], 300);
    assert_eq!(g["relative"], 3.0);
    assert_eq!(g["per_snapshot"], 150.0);
    assert_eq!(
        g["blocking_frame"]["function"],
        "main.fetchWithTimeout.func1"
    );

    let one = goguard(&["diff", &a]);
    assert_eq!(one.status.code(), Some(2));
    let bad = goguard(&["diff", &a, &b, "--interval", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn source_snippets_at_blocking_line_and_go_statement() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_runtime/scenarios");
    let o = goguard(&[
        "--color",
        "never",
        "--source",
        scenarios.to_str().unwrap(),
        &dump("abandoned_send.debug2.txt"),
    ]);
    let text = stdout(&o);
    assert!(
        text.contains(">    21 | \t\tch <- slowLookup(key)"),
        "{text}"
    );
    assert!(text.contains(">    20 | \tgo func() {"), "{text}");

    let elsewhere = temp_dir("src");
    let o = goguard(&[
        "--color",
        "never",
        "--source",
        elsewhere.to_str().unwrap(),
        &dump("abandoned_send.debug2.txt"),
    ]);
    assert!(stdout(&o).contains("source not found: example.com/goguard/scenarios/leaks.go:21"));
    std::fs::remove_dir_all(elsewhere).unwrap();
}

#[test]
fn ignore_patterns_and_files() {
    let many = dump("many_leaked.debug2.txt");
    assert_eq!(
        goguard(&["--ignore", "main.waitFor*", &many]).status.code(),
        Some(0)
    );
    assert_eq!(
        goguard(&["--ignore", "re:^main\\.wait", &many])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        goguard(&["--ignore", "main.other", &many]).status.code(),
        Some(1)
    );
    let dir = temp_dir("ignore");
    let file = dir.join("ignore.txt");
    std::fs::write(&file, "# expected waiters\n\nmain.waitForEvent\n").unwrap();
    let o = goguard(&[
        "--color",
        "never",
        "--ignore-file",
        file.to_str().unwrap(),
        &many,
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("ignored by pattern main.waitForEvent"));
    let bad = goguard(&["--ignore", "re:(", &many]);
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unknown_lines_are_reported_with_line_numbers() {
    let dir = temp_dir("unknown");
    let path = dir.join("d.txt");
    std::fs::write(
        &path,
        "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1\n\ngoroutine 2 [select]:\n???garbage\nmain.f()\n\t/src/main.go:9 +0x1\n",
    )
    .unwrap();
    let o = goguard(&["--color", "never", path.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(text.contains("line 6"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Long waits (`[chan send, 25 minutes]`, as long-running services print) make even a
/// small group a suspect, and Go 1.19's `semacquire` is read through its frames.
#[test]
fn wait_minutes_and_old_semacquire_from_text() {
    let dir = temp_dir("wait");
    let mut text = String::new();
    for (id, minutes) in [(21, 25), (22, 40)] {
        text.push_str(&format!(
            "goroutine {id} [chan send, {minutes} minutes]:\nmain.publish(0xc000010000)\n\t/home/ci/src/app/pub.go:31 +0x3d\ncreated by main.start\n\t/home/ci/src/app/pub.go:12 +0x4f\n\n"
        ));
    }
    text.push_str("goroutine 30 [semacquire, 15 minutes]:\nsync.runtime_SemacquireMutex(0xc0000b2004, 0x0, 0x1)\n\t/usr/local/go/src/runtime/sema.go:71 +0x47\nsync.(*Mutex).lockSlow(0xc0000b2000)\n\t/usr/local/go/src/sync/mutex.go:138 +0x105\nsync.(*Mutex).Lock(...)\n\t/usr/local/go/src/sync/mutex.go:81\nmain.(*store).get(0xc0000b2000)\n\t/home/ci/src/app/store.go:40 +0x65\ncreated by main.start\n\t/home/ci/src/app/pub.go:14 +0x4f\n\ngoroutine 31 [running]:\nmain.serve()\n\t/home/ci/src/app/main.go:9 +0x1\n");
    let path = dir.join("old.txt");
    std::fs::write(&path, text).unwrap();
    let o = goguard(&["--format", "json", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let findings = v["files"][0]["snapshots"][0]["findings"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_eq!(findings[0]["code"], "RT002");
    assert_eq!(findings[0]["kind"], "mutex");
    assert_eq!(findings[0]["state"], "semacquire");
    assert_eq!(
        findings[0]["blocking_frame"]["function"],
        "main.(*store).get"
    );
    assert_eq!(findings[1]["code"], "RT001");
    assert_eq!(findings[1]["count"], 2);
    assert_eq!(
        findings[1]["wait_minutes"],
        serde_json::json!({"min": 25, "max": 40})
    );
    assert!(findings[1]["why"]
        .as_str()
        .unwrap()
        .contains("for 25-40 minutes"));
    std::fs::remove_dir_all(dir).unwrap();
}
