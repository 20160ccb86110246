//! `goguard stacks` end to end on the committed real dumps: exit codes and the
//! `--fail-on` gate, every output format through goguard_diagnostics, rule
//! selection, goroutine patterns, standard input and `-o`, untrusted input,
//! and `diff`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{json, stderr, stdout};

fn dumps() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_runtime/tests/dumps")
}

fn dump(name: &str) -> String {
    dumps().join(name).display().to_string()
}

/// Runs `goguard stacks` from a directory that is not inside a Go module, so
/// that no source tree is joined unless asked.
fn goguard(args: &[&str]) -> Output {
    let mut all = vec!["stacks"];
    all.extend_from_slice(args);
    common::goguard_in(&std::env::temp_dir(), &all)
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("stacks", name)
}

#[test]
fn exit_codes_follow_the_confidence_gate() {
    // High (quiescence): exit 1 by default.
    let o = goguard(&["--color", "never", &dump("abandoned_send.debug2.txt")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("RT004 120 goroutines blocked forever"),
        "{text}"
    );
    assert!(text.contains("= confidence: high"), "{text}");
    assert!(
        !text.contains("\x1b["),
        "no colours when not asked and not a TTY"
    );
    assert!(stderr(&o).contains("Found 1 finding (1 high) in 1 input, 121 goroutines"));

    // Low only (many copies): reported, exit 0; `--fail-on low` gates it.
    let many = dump("many_leaked.debug2.txt");
    let o = goguard(&["--color", "never", &many]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("= confidence: low"));
    assert_eq!(goguard(&["--fail-on", "low", &many]).status.code(), Some(1));
    assert_eq!(
        goguard(&["--fail-on", "sure", &many]).status.code(),
        Some(2)
    );

    // Healthy services: nothing, exit 0, context still shown.
    let o = goguard(&[
        "--color",
        "never",
        &dump("healthy.debug2.txt"),
        &dump("http_idle.debug2.txt"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("net/http server accept loop"), "{text}");
    assert!(text.contains("no findings in this input"), "{text}");
}

#[test]
fn json_has_confidence_evidence_and_goroutines() {
    let o = goguard(&["--format", "json", &dump("mutex_deadlock.debug2.txt")]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["schema_version"], 2);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "RT002");
    assert_eq!(f["rule"], "lock-deadlock");
    assert_eq!(f["confidence"], "high");
    assert!(f["evidence"].as_array().unwrap().len() >= 2);
    assert_eq!(f["goroutines"]["count"], 2);
    assert_eq!(f["goroutines"]["ids"].as_array().unwrap().len(), 2);
    assert_eq!(f["goroutines"]["groups"][0]["role"], "accused");
    assert_eq!(
        f["goroutines"]["groups"][0]["blocking_frame"]["function"],
        "main.transfer"
    );
    // Reported at the `go` statement, known by path and line only.
    assert_eq!(f["file"], "example.com/goguard/scenarios/leaks.go");
    assert_eq!(f["line"], 102);
    assert_eq!(f["start_offset"], serde_json::Value::Null);
    let input = &v["inputs"][0];
    assert_eq!(input["snapshots"][0]["format"], "traceback");
    assert!(input["snapshots"][0]["groups"].as_array().unwrap().len() >= 2);
    assert!(input["snapshots"][0]["stack_groups"]["groups"].is_array());
}

#[test]
fn leak_profiles_are_certain_in_every_form() {
    for name in [
        "abandoned_send_one.goroutineleak.go127.debug2.txt",
        "abandoned_send_one.goroutineleak.go127.debug1.txt",
        "abandoned_send_one.goroutineleak.go127.debug0.pb.gz",
    ] {
        let v = json(&goguard(&["--format", "json", &dump(name)]));
        let f = &v["findings"][0];
        assert_eq!(f["confidence"], "certain", "{name}");
        assert_eq!(f["code"], "RT001", "{name}");
    }
}

#[test]
fn hung_test_output_is_diagnosed() {
    let o = goguard(&["--format", "json", &dump("hungtest.timeout.txt")]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let f = &v["findings"][0];
    assert_eq!(
        (f["code"].as_str(), f["confidence"].as_str()),
        (Some("RT004"), Some("high"))
    );
    assert!(f["message"]
        .as_str()
        .unwrap()
        .starts_with("the test is deadlocked"));
    let cause = &v["inputs"][0]["snapshots"][0]["cause"];
    assert_eq!(cause["kind"], "test_timeout");
    assert_eq!(cause["seconds"], 5.0);
}

#[test]
fn sarif_github_and_html_come_from_the_same_diagnostics() {
    let d = dump("mutex_deadlock.debug2.txt");
    let sarif = json(&goguard(&["--format", "sarif", &d]));
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "RT002");
    assert_eq!(result["properties"]["confidence"], "high");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 102, "endLine": 102})
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "RT001"));

    let github = stdout(&goguard(&["--format", "github", &d]));
    assert!(
        github.starts_with(
            "::error file=example.com/goguard/scenarios/leaks.go,line=102,title=RT002 lock-deadlock (high)::"
        ),
        "{github}"
    );

    let html = stdout(&goguard(&["--format", "html", &d]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<span class=\"badge high\""));
    assert!(html.contains("Expected background goroutines"));
}

#[test]
fn rules_are_selected_and_ignored_by_code() {
    let d = dump("abandoned_send.debug2.txt");
    let o = goguard(&["--ignore", "RT004", "--color", "never", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("RT004"));
    let o = goguard(&["--select", "whole-program-deadlock", &d]);
    assert_eq!(o.status.code(), Some(1));
    let o = goguard(&["--select", "RT9999", &d]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn goroutine_patterns_and_files() {
    let many = dump("many_leaked.debug2.txt");
    let low = |args: &[&str]| -> usize {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        all.push(&many);
        json(&goguard(&all))["findings"].as_array().unwrap().len()
    };
    assert_eq!(low(&[]), 1);
    assert_eq!(low(&["--ignore", "main.waitFor*"]), 0);
    assert_eq!(low(&["--ignore", "re:^main\\.wait"]), 0);
    assert_eq!(low(&["--ignore", "main.other"]), 1);
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
    assert!(
        stdout(&o).contains("ignored by pattern main.waitForEvent"),
        "{}",
        stdout(&o)
    );
    assert_eq!(goguard(&["--ignore", "re:(", &many]).status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn standard_input_and_output_file() {
    let bytes = std::fs::read(dump("nil_channel.debug2.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(["stacks", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["inputs"][0]["path"], "<stdin>");
    assert_eq!(v["findings"][0]["confidence"], "certain");

    let dir = temp_dir("output");
    let out = dir.join("report.json");
    let o = goguard(&[
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
        &dump("nil_channel.debug2.txt"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn inputs_that_are_not_dumps_are_exit_2_with_the_reason() {
    let dir = temp_dir("bad");
    let random = dir.join("random.bin");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&random, &bytes).unwrap();
    let cut = dir.join("cut.pb");
    let gz = std::fs::read(dump("abandoned_send.debug0.pb.gz")).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
    std::fs::write(&cut, &plain[..plain.len() / 2]).unwrap();
    let heap = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/dumps/google-pprof/gobench.heap");
    let mut args = vec![
        random.to_str().unwrap().to_string(),
        cut.to_str().unwrap().to_string(),
    ];
    if heap.exists() {
        args.push(heap.to_str().unwrap().to_string());
    }
    args.push("/no/such/dump.txt".to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = goguard(&refs);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("no input could be used"), "{err}");
    assert!(err.contains("random.bin"), "{err}");
    assert!(err.contains("cut.pb") && err.contains("protobuf"), "{err}");
    assert!(err.contains("/no/such/dump.txt: cannot read"), "{err}");
    // One good input among bad ones: the bad ones are warned about, the good one used.
    let o = goguard(&[random.to_str().unwrap(), &dump("nil_channel.debug2.txt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("skipped"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Function names and paths come from a process one may not trust: terminal
/// escapes are shown, never sent, in every format.
#[test]
fn control_characters_from_the_dump_never_reach_the_terminal() {
    let dir = temp_dir("escapes");
    let path = dir.join("evil.txt");
    std::fs::write(
        &path,
        "goroutine 7 [chan send (nil chan)]:\nmain.evil\x1b]0;pwned\x07\x1b[2J<script>()\n\t/src/\x1b[31mapp.go:5 +0x1\ncreated by main.main in goroutine 1\n\t/src/app.go:3 +0x1\n",
    )
    .unwrap();
    for format in ["human", "github", "html"] {
        let o = goguard(&[
            "--format",
            format,
            "--color",
            "never",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains('\x1b'), "{format}: {out:?}");
        assert!(!out.contains('\x07'), "{format}: {out:?}");
        if format == "html" {
            assert!(!out.contains("<script>"), "{out}");
        }
    }
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
    assert!(
        text.contains("line 6: not understood: ???garbage"),
        "{text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Long waits (`[chan send, 25 minutes]`) make even a small group a low
/// suspect, and Go 1.19's `semacquire` is read through its frames.
#[test]
fn wait_minutes_and_old_semacquire_from_text() {
    let dir = temp_dir("wait");
    let mut text = String::new();
    for (id, minutes) in [(21, 25), (22, 40)] {
        text.push_str(&format!(
            "goroutine {id} [select, {minutes} minutes]:\nmain.publish(0xc000010000)\n\t/home/ci/src/app/pub.go:31 +0x3d\ncreated by main.start\n\t/home/ci/src/app/pub.go:12 +0x4f\n\n"
        ));
    }
    text.push_str("goroutine 30 [semacquire, 15 minutes]:\nsync.runtime_SemacquireMutex(0xc0000b2004, 0x0, 0x1)\n\t/usr/local/go/src/runtime/sema.go:71 +0x47\nsync.(*Mutex).lockSlow(0xc0000b2000)\n\t/usr/local/go/src/sync/mutex.go:138 +0x105\nsync.(*Mutex).Lock(...)\n\t/usr/local/go/src/sync/mutex.go:81\nmain.(*store).get(0xc0000b2000)\n\t/home/ci/src/app/store.go:40 +0x65\ncreated by main.start\n\t/home/ci/src/app/pub.go:14 +0x4f\n\ngoroutine 31 [IO wait]:\nmain.serve()\n\t/home/ci/src/app/main.go:9 +0x1\n");
    let path = dir.join("old.txt");
    std::fs::write(&path, text).unwrap();
    let o = goguard(&["--format", "json", path.to_str().unwrap()]);
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_eq!(findings[0]["code"], "RT002");
    assert_eq!(findings[0]["confidence"], "low");
    let group = &findings[0]["goroutines"]["groups"][0];
    assert_eq!(group["kind"], "mutex");
    assert_eq!(group["state"], "semacquire");
    assert_eq!(group["blocking_frame"]["function"], "main.(*store).get");
    assert_eq!(findings[1]["code"], "RT001");
    assert_eq!(findings[1]["goroutines"]["count"], 2);
    assert_eq!(
        findings[1]["goroutines"]["groups"][0]["wait_seconds"],
        serde_json::json!({"min": 1500, "max": 2400})
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn repeated_snapshots_with_an_interval() {
    let files: Vec<String> = (0..3)
        .map(|i| dump(&format!("snapshots.{i}.debug2.txt")))
        .collect();
    let mut args = vec!["--format", "json", "--interval", "3m30s"];
    args.extend(files.iter().map(String::as_str));
    let v = json(&goguard(&args));
    let findings = v["findings"].as_array().unwrap();
    let unmoved = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("did not move"))
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(unmoved["confidence"], "medium");
    assert_eq!(
        unmoved["goroutines"]["groups"][0]["blocking_frame"]["function"],
        "main.submitAudit"
    );
    let snapshots = &v["inputs"];
    assert_eq!(snapshots[0]["snapshots"][0]["diagnosed"], false);
    assert_eq!(snapshots[2]["snapshots"][0]["diagnosed"], true);
}

#[test]
fn diff_reports_growth_and_gates_exactly() {
    let a = dump("growth_100.debug2.txt");
    let b = dump("growth_400.debug2.txt");
    let o = goguard(&["diff", &a, &b, "--interval", "5m", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("RT003"), "{text}");
    assert!(
        text.contains("goroutines at this site per snapshot: 100 → 400"),
        "{text}"
    );
    assert!(text.contains("60.0 more per minute"), "{text}");
    assert_eq!(
        goguard(&["diff", &a, &b, "--fail-on-growth", "300"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        goguard(&["diff", &a, &b, "--fail-on-growth", "301"])
            .status
            .code(),
        Some(0)
    );
    // No growth never trips the gate, whatever its threshold.
    let same = goguard(&["diff", &a, &a, "--fail-on-growth", "0", "--color", "never"]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert!(stdout(&same).contains("No group grew."));
    // Snapshots of unrelated programs share no group: warned.
    let other = dump("mutex_deadlock.debug2.txt");
    let o = goguard(&["diff", &a, &other]);
    assert!(
        stderr(&o).contains("share no goroutine group"),
        "{}",
        stderr(&o)
    );
    let j = json(&goguard(&[
        "diff",
        "--format",
        "json",
        &a,
        &b,
        "--fail-on-growth",
        "10",
    ]));
    assert_eq!(
        j["gate"],
        serde_json::json!({"threshold": 10, "exceeded": true})
    );
    assert_eq!(j["diff"]["grown"][0]["change"], 300);
    assert_eq!(goguard(&["diff", &a]).status.code(), Some(2));
    assert_eq!(
        goguard(&["diff", &a, &b, "--interval", "soon"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn runtime_rules_are_in_the_catalogue() {
    let rules = Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    for code in ["RT001", "RT002", "RT003", "RT004", "CX001"] {
        assert!(codes.contains(&code), "{codes:?}");
    }
    let explain = Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args(["explain", "RT001"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(
        text.starts_with("leaked-goroutine-group (RT001) — runtime, correctness, stable"),
        "{text}"
    );
    assert!(text.contains("## Known limitations"));
}
