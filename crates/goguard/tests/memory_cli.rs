//! `goguard heap`, `goguard gc` and `goguard races` end to end on the committed real
//! profiles, logs and reports: exit codes and gates, every output format through
//! goguard_diagnostics, the JSON naming each site's function, file and line, standard
//! input and `-o`, bad input (named, with its offset), and the join with the source tree.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{goguard_in, json, stderr, stdout};

fn data(dir: &str, name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../goguard_runtime/tests")
        .join(dir)
        .join(name)
        .display()
        .to_string()
}

fn heap(name: &str) -> String {
    data("profiles", name)
}

/// Runs goguard from a directory outside any Go module.
fn goguard(args: &[&str]) -> Output {
    goguard_in(&std::env::temp_dir(), args)
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("memory", name)
}

fn series() -> Vec<String> {
    (1..=3).map(|i| heap(&format!("heap.{i}.pb.gz"))).collect()
}

#[test]
fn heap_diff_reports_growing_sites_and_gates_ci() {
    let s = series();
    let mut args = vec!["heap", "diff", "--color", "never"];
    args.extend(s.iter().map(String::as_str));
    let o = goguard(&args);
    assert_eq!(o.status.code(), Some(0), "no gate: {}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("RT005 in-use memory allocated at main.(*service).keepHeader"),
        "{text}"
    );
    assert!(text.contains("= confidence: medium"), "{text}");
    assert!(text.contains("a sync.Pool's New function"), "{text}");
    assert!(text.contains("bytes.(*Buffer).grow"), "{text}");
    assert!(text.contains("go tool pprof -top -diff_base"), "{text}");
    assert!(
        stderr(&o).contains("Found 5 findings (5 medium) in 3 inputs"),
        "{}",
        stderr(&o)
    );

    // Gates: bytes, objects, percentages; the smallest growth is the bytes.Buffer's.
    for (gate, code) in [
        ("1GB", 0),
        ("4MB", 1),
        ("100000objects", 0),
        ("1000objects", 1),
        // keepHeader grows by about 2.4 times the first profile's heap.
        ("500%", 0),
        ("100%", 1),
    ] {
        let mut a = args.clone();
        a.extend(["--fail-on-growth", gate]);
        let o = goguard(&a);
        assert_eq!(
            o.status.code(),
            Some(code),
            "--fail-on-growth {gate}: {}",
            stdout(&o)
        );
    }
    let o = goguard(&["heap", "diff", &s[0], &s[2], "--fail-on-growth", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a size"), "{}", stderr(&o));

    // The healthy service: nothing grows, the gate holds at any size.
    let h: Vec<String> = (1..=3)
        .map(|i| heap(&format!("healthy.{i}.pb.gz")))
        .collect();
    let o = goguard(&["heap", "diff", &h[0], &h[1], &h[2], "--fail-on-growth", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("No allocation site grew beyond sampling noise."));
}

#[test]
fn heap_json_names_every_site_and_row() {
    let s = series();
    let o = goguard(&["heap", "diff", "--format", "json", &s[0], &s[2]]);
    let v = json(&o);
    assert_eq!(v["schema_version"], 2);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["code"], "RT005");
        assert_eq!(f["confidence"], "low", "two profiles: low");
        let site = &f["sites"][0];
        assert_eq!(site["role"], "allocation site");
        assert!(site["function"].as_str().unwrap().starts_with("main."));
        assert!(site["file"].as_str().unwrap().ends_with("heap.go"));
        assert!(site["line"].as_u64().unwrap() > 0);
        assert_eq!(f["line"], site["line"]);
    }
    for site in v["sites"].as_array().unwrap() {
        assert!(site["site"]["function"].is_string());
        assert_eq!(site["inuse_space"].as_array().unwrap().len(), 2);
    }
    assert_eq!(v["profiles"].as_array().unwrap().len(), 2);
    assert!(v["seconds"].as_f64().unwrap() > 0.0);
    assert!(v["gate"].is_null());

    let o = goguard(&["heap", "top", "--format", "json", "--lines", &s[2]]);
    let v = json(&o);
    assert_eq!(v["profile"]["kind"], "heap");
    assert_eq!(v["top"]["sample_type"], "inuse_space");
    let rows = v["top"]["rows"].as_array().unwrap();
    assert!(rows.len() > 5);
    for r in rows {
        assert!(r["function"].is_string() && r["flat"].is_i64() && r["cum"].is_i64());
        assert!(r["line"].is_u64() || r["line"].is_null());
    }
}

#[test]
fn every_format_renders_the_same_findings() {
    let s = series();
    let base = ["heap", "diff", &s[0], &s[1], &s[2]];
    let run = |format: &str| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend(["--format", format]);
        goguard(&a)
    };
    let sarif: serde_json::Value = serde_json::from_slice(&run("sarif").stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results[0]["ruleId"], "RT005");
    assert_eq!(results[0]["properties"]["confidence"], "medium");
    assert_eq!(
        results[0]["properties"]["sites"][0]["role"],
        "allocation site"
    );
    let github = stdout(&run("github"));
    assert_eq!(
        github
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        5
    );
    let html = stdout(&run("html"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("RT005"));
    assert!(html.contains("<table>"));

    // The gc report's plot: an SVG in HTML, sparklines in the terminal.
    let log = data("gctrace", "leaky.log");
    let html = stdout(&goguard(&["gc", "--format", "html", &log]));
    assert!(
        html.contains("<svg") && html.contains("<polyline"),
        "{html}"
    );
    let text = stdout(&goguard(&["gc", "--color", "never", &log]));
    assert!(text.contains("live heap  ") && text.contains('█'), "{text}");
}

#[test]
fn heap_top_reads_every_profile_kind_and_filters() {
    for (name, kind, first) in [
        ("heap.3.pb.gz", "inuse_space", "main.(*service).keepHeader"),
        ("allocs.3.pb.gz", "alloc_space", ""),
        ("goroutine.pb.gz", "goroutine", "runtime.gopark"),
        ("mutex.pb.gz", "delay", ""),
        ("block.pb.gz", "delay", ""),
    ] {
        let o = goguard(&["heap", "top", "--format", "json", &heap(name)]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let v = json(&o);
        assert_eq!(v["top"]["sample_type"], kind, "{name}");
        if !first.is_empty() {
            assert_eq!(v["top"]["rows"][0]["name"], first, "{name}");
        }
    }
    let o = goguard(&[
        "heap",
        "top",
        "--color",
        "never",
        "--focus",
        "logAudit",
        &heap("heap.3.pb.gz"),
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("bytes.growSlice") && !text.contains("keepHeader"),
        "{text}"
    );
    let o = goguard(&["heap", "top", "--sample", "nonsense", &heap("heap.3.pb.gz")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("inuse_space"), "{}", stderr(&o));
    let o = goguard(&["heap", "top", "--focus", "(", &heap("heap.3.pb.gz")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--focus"), "{}", stderr(&o));
}

#[test]
fn bad_profiles_are_named_with_their_offset() {
    let dir = temp_dir("bad");
    let good = std::fs::read(heap("heap.3.pb.gz")).unwrap();
    let cut = dir.join("cut.pb.gz");
    std::fs::write(&cut, &good[..good.len() / 2]).unwrap();
    let o = goguard(&["heap", "top", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cut.pb.gz: at byte ") && err.contains("gzip"),
        "{err}"
    );

    let plain = {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&good[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let short = dir.join("short.pb");
    std::fs::write(&short, &plain[..plain.len() - 7]).unwrap();
    let o = goguard(&["heap", "top", short.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("short.pb: at byte "), "{}", stderr(&o));

    let text = dir.join("dump.txt");
    std::fs::write(&text, "goroutine 1 [running]:\nmain.main()\n").unwrap();
    let o = goguard(&["heap", "top", text.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("this is text, not a protobuf profile"),
        "{}",
        stderr(&o)
    );

    // A goroutine profile is a profile, but not a heap profile to diff.
    let g = heap("goroutine.pb.gz");
    let o = goguard(&["heap", "diff", &g, &g]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a heap profile"), "{}", stderr(&o));
    let o = goguard(&["heap", "diff", &g]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn standard_input_and_output_files() {
    let dir = temp_dir("io");
    let out = dir.join("report.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_goguard"))
        .args([
            "races",
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
            "-",
        ])
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let report = std::fs::read(data("races", "go_test_race.txt")).unwrap();
    child.stdin.take().unwrap().write_all(&report).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["inputs"][0]["path"], "<stdin>");
    assert_eq!(v["findings"].as_array().unwrap().len(), 5);
}

#[test]
fn gc_findings_gate_and_unusable_input() {
    let o = goguard(&["gc", "--color", "never", &data("gctrace", "storm.log")]);
    assert_eq!(o.status.code(), Some(1), "a storm is high: {}", stdout(&o));
    assert!(stdout(&o).contains("RT006 GC storm: "), "{}", stdout(&o));
    let o = goguard(&["gc", &data("gctrace", "leaky.log")]);
    assert_eq!(o.status.code(), Some(0), "a climbing heap is medium");
    let o = goguard(&["gc", "--fail-on", "medium", &data("gctrace", "leaky.log")]);
    assert_eq!(o.status.code(), Some(1));
    let o = goguard(&["gc", "--format", "json", &data("gctrace", "healthy.log")]);
    let v = json(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    let run = &v["inputs"][0]["runs"][0];
    assert!(run["cycles"].as_u64().unwrap() > 20);
    assert!(run["headroom"].as_f64().unwrap() > 1.5);

    // Lower thresholds find what the defaults let pass.
    let o = goguard(&[
        "gc",
        "--format",
        "json",
        "--max-pause",
        "1us",
        &data("gctrace", "healthy.log"),
    ]);
    let v = json(&o);
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("stop-the-world pauses"));

    let dir = temp_dir("gc");
    let none = dir.join("app.log");
    std::fs::write(&none, "starting\nserving on :8080\n").unwrap();
    let o = goguard(&["gc", none.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("GODEBUG=gctrace=1"), "{}", stderr(&o));
    let o = goguard(&["gc", "--storm-gap", "soon", none.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn races_rank_and_locate_each_race() {
    let o = goguard(&[
        "races",
        "--format",
        "json",
        &data("races", "go_test_race.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 5);
    let counts: Vec<u64> = v["inputs"][0]["races"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {counts:?}"
    );
    for f in findings {
        assert_eq!(f["confidence"], "certain");
        let roles: Vec<&str> = f["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["role"].as_str().unwrap())
            .collect();
        assert!(roles.contains(&"goroutine started"), "{roles:?}");
        assert!(f["sites"][0]["function"]
            .as_str()
            .unwrap()
            .contains("scenarios/races/"));
    }
    let map = findings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("on a map"))
        .unwrap();
    assert!(map["help"].as_str().unwrap().contains("sync.Mutex"));

    // No race: exit 0.
    let dir = temp_dir("races");
    let clean = dir.join("ok.txt");
    std::fs::write(&clean, "ok  \texample.com/x\t0.01s\n").unwrap();
    let o = goguard(&["races", "--color", "never", clean.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("no race detector report"));
    let o = goguard(&["races", dir.join("missing.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

/// Inside the scenarios module the findings show the code and the static findings there:
/// the loop-variable race at its `go` statement meets GR002.
#[test]
fn races_inside_the_module_show_code_and_static_findings() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_runtime/scenarios");
    let o = goguard_in(
        &scenarios,
        &[
            "races",
            "--color",
            "never",
            &data("races", "go_test_race.txt"),
        ],
    );
    let text = stdout(&o);
    assert!(text.contains("races/worker/worker.go:46"), "{text}");
    assert!(text.contains("for _, x := range xs {"), "{text}");
    assert!(text.contains("squares <- x * x"), "{text}");
    assert!(
        text.contains("static: GR002 loop-variable-captured"),
        "{text}"
    );

    let s = series();
    let o = goguard_in(
        &scenarios,
        &["heap", "diff", "--color", "never", &s[0], &s[2]],
    );
    let text = stdout(&o);
    assert!(
        text.contains("s.headers = append(s.headers, msg[:32])")
            || text.contains("msg := make([]byte, 64<<10)"),
        "{text}"
    );
    // The source shows what the stack cannot: the sessions map is only inserted into.
    assert!(text.contains("the map is `s.sessions`"), "{text}");
    assert!(text.contains("`msg[:32]` is kept here"), "{text}");
    let o = goguard_in(
        &scenarios,
        &["heap", "diff", "--format", "json", &s[0], &s[1], &s[2]],
    );
    let v = json(&o);
    let hazard = |function: &str| {
        v["sites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["grew"] == true && g["site"]["function"] == function)
            .map(|g| g["hazard"].clone())
    };
    assert_eq!(
        hazard("main.(*service).remember"),
        Some(serde_json::json!("map_only_inserted"))
    );
    // ...and the 64 KiB buffers are kept whole through 32-byte sub-slices.
    assert_eq!(
        hazard("main.(*service).keepHeader"),
        Some(serde_json::json!("sub_slice_kept"))
    );
    // Hazards seen in the stack stay as they were.
    assert_eq!(
        hazard("main.(*service).logAudit"),
        Some(serde_json::json!("buffer_growth"))
    );
    // Without the source, nothing is said about the map.
    let o = goguard(&["heap", "diff", "--format", "json", &s[0], &s[1], &s[2]]);
    let v = json(&o);
    let remember = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grew"] == true && g["site"]["function"] == "main.(*service).remember")
        .unwrap();
    assert_eq!(remember["hazard"], serde_json::Value::Null);
    let keep = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grew"] == true && g["site"]["function"] == "main.(*service).keepHeader")
        .unwrap();
    assert_eq!(keep["hazard"], "large_buffers");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = temp_dir("escape");
    let report = std::fs::read_to_string(data("races", "racy_binary.txt"))
        .unwrap()
        .replace("stats.Hit()", "stats.Hit\u{1b}[2J()");
    let f = dir.join("evil.txt");
    std::fs::write(&f, report).unwrap();
    let o = goguard(&[
        "races",
        "--color",
        "never",
        "--no-source",
        f.to_str().unwrap(),
    ]);
    let text = stdout(&o);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("stats.Hit\u{241b}[2J"), "{text}");
}
