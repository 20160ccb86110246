//! `goguard heap` agrees with `go tool pprof` on real profiles: the test builds the
//! scenario program crates/goguard_runtime/scenarios/memory, runs it to write heap,
//! allocs, goroutine, mutex and block profiles, and compares every row of `goguard heap
//! top` (and of the difference table of `goguard heap diff`) with `go tool pprof -top`
//! (`-diff_base`) on the same files: the same functions or lines in the same order, the
//! same flat and cumulative values to the byte, the same total, the same inline labels.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The profiles written by the scenario program, once for all tests.
fn profiles() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("goguard-heap-pprof-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_runtime/scenarios");
        let bin = dir.join("memory");
        let built = Command::new("go")
            .args(["build", "-o"])
            .arg(&bin)
            .arg("./memory")
            .current_dir(&scenarios)
            .output()
            .expect("the tests need the Go toolchain on PATH");
        assert!(
            built.status.success(),
            "go build: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let out = dir.join("profiles");
        let ran = Command::new(&bin)
            .arg("-heap")
            .arg(&out)
            .args(["-pause", "0"])
            .output()
            .unwrap();
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        out
    })
}

fn path(name: &str) -> String {
    profiles().join(name).display().to_string()
}

/// One row as both tools print it: name (with its inline label), flat, cum.
type Row = (String, i64, i64);

/// `go tool pprof -top` with every node shown and exact values.
fn pprof(args: &[&str], unit: Option<&str>) -> (i64, Vec<Row>) {
    let mut cmd = Command::new("go");
    cmd.args([
        "tool",
        "pprof",
        "-top",
        "-nodecount=1000000",
        "-nodefraction=0",
    ]);
    cmd.args(["-edgefraction=0", "-symbolize=none"]);
    if let Some(u) = unit {
        cmd.arg(format!("-unit={u}"));
    }
    let out = cmd.args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "pprof {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = |s: &str| -> i64 {
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        digits
            .parse()
            .unwrap_or_else(|_| panic!("pprof printed a value {s:?} that is not exact: {text}"))
    };
    let total_line = text
        .lines()
        .find(|l| l.starts_with("Showing nodes accounting for"))
        .unwrap_or_else(|| panic!("no total in {text}"));
    let total = value(
        total_line
            .rsplit(" of ")
            .next()
            .unwrap()
            .trim_end_matches(" total"),
    );
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.trim_start().starts_with("flat  flat%") {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert!(fields.len() >= 6, "{line}");
        rows.push((fields[5..].join(" "), value(fields[0]), value(fields[3])));
    }
    (total, rows)
}

/// `goguard heap ARGS --format json`: the JSON report.
fn goguard(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_goguard"))
        .arg("heap")
        .args(args)
        .args(["--format", "json", "--count", "0"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "goguard heap {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rows(top: &serde_json::Value) -> (i64, Vec<Row>) {
    let total = top["total"].as_i64().unwrap();
    let rows = top["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut name = r["name"].as_str().unwrap().to_string();
            match r["inline"].as_str() {
                Some("inline") => name.push_str(" (inline)"),
                Some("partial") => name.push_str(" (partial-inline)"),
                _ => {}
            }
            (
                name,
                r["flat"].as_i64().unwrap(),
                r["cum"].as_i64().unwrap(),
            )
        })
        .collect();
    (total, rows)
}

fn agree(what: &str, ours: (i64, Vec<Row>), theirs: (i64, Vec<Row>)) {
    assert_eq!(ours.0, theirs.0, "{what}: totals differ");
    assert!(!theirs.1.is_empty(), "{what}: pprof shows no rows");
    for (i, (a, b)) in ours.1.iter().zip(&theirs.1).enumerate() {
        assert_eq!(a, b, "{what}: row {i} differs (goguard, pprof)");
    }
    assert_eq!(ours.1.len(), theirs.1.len(), "{what}: row counts differ");
}

/// `goguard heap top` and `go tool pprof -top` on one profile.
fn top_agrees(profile: &str, ours: &[&str], theirs: &[&str], unit: Option<&str>) {
    let file = path(profile);
    let mut g: Vec<&str> = vec!["top", &file];
    g.extend_from_slice(ours);
    let mut p: Vec<&str> = theirs.to_vec();
    p.push(&file);
    agree(
        &format!("{profile} {ours:?}"),
        rows(&goguard(&g)["top"]),
        pprof(&p, unit),
    );
}

#[test]
fn heap_top_by_function_and_line() {
    top_agrees("heap.3.pb.gz", &[], &[], Some("B"));
    top_agrees(
        "heap.3.pb.gz",
        &["--sample", "inuse_objects"],
        &["-sample_index=inuse_objects"],
        None,
    );
    top_agrees(
        "heap.3.pb.gz",
        &["--sample", "alloc_space", "--cum"],
        &["-sample_index=alloc_space", "-cum"],
        Some("B"),
    );
    top_agrees("heap.3.pb.gz", &["--lines"], &["-lines"], Some("B"));
    top_agrees(
        "heap.3.pb.gz",
        &["--sample", "alloc_objects", "--lines", "--cum"],
        &["-sample_index=alloc_objects", "-lines", "-cum"],
        None,
    );
}

#[test]
fn focus_and_ignore_select_the_same_samples() {
    top_agrees(
        "heap.3.pb.gz",
        &["--focus", "handleLeaky", "--ignore", "remember"],
        &["-focus=handleLeaky", "-ignore=remember"],
        Some("B"),
    );
    // Files match too, as in pprof.
    top_agrees(
        "allocs.3.pb.gz",
        &["--focus", "encoding/json", "--lines"],
        &["-focus=encoding/json", "-lines"],
        Some("B"),
    );
}

#[test]
fn allocs_goroutine_mutex_and_block_profiles() {
    top_agrees("allocs.3.pb.gz", &[], &[], Some("B"));
    top_agrees("goroutine.pb.gz", &[], &[], None);
    top_agrees("mutex.pb.gz", &[], &[], Some("ns"));
    top_agrees(
        "block.pb.gz",
        &["--sample", "contentions", "--cum"],
        &["-sample_index=contentions", "-cum"],
        None,
    );
}

#[test]
fn diff_table_is_pprof_diff_base() {
    let base = path("heap.1.pb.gz");
    let new = path("heap.3.pb.gz");
    let cases: [(&[&str], &[&str], Option<&str>); 3] = [
        (&[], &[], Some("B")),
        (
            &["--sample", "inuse_objects", "--lines"],
            &["-sample_index=inuse_objects", "-lines"],
            None,
        ),
        (
            &["--sample", "alloc_space", "--cum"],
            &["-sample_index=alloc_space", "-cum"],
            Some("B"),
        ),
    ];
    for (ours, theirs, unit) in cases {
        let mut g: Vec<&str> = vec!["diff", &base, &new];
        g.extend_from_slice(ours);
        let mut p: Vec<&str> = theirs.to_vec();
        let diff_base = format!("-diff_base={base}");
        p.push(&diff_base);
        p.push(&new);
        agree(
            &format!("diff {ours:?}"),
            rows(&goguard(&g)["top"]),
            pprof(&p, unit),
        );
    }
}

/// Each profile's in-use total is pprof's, and the allocation sites of `heap diff` split
/// the samples: their changes add up to the change of the total.
#[test]
fn sites_add_up_to_pprof_totals() {
    let names: Vec<String> = (1..=3).map(|i| path(&format!("heap.{i}.pb.gz"))).collect();
    let mut args: Vec<&str> = vec!["diff"];
    args.extend(names.iter().map(String::as_str));
    let report = goguard(&args);
    let sites = report["sites"].as_array().unwrap();
    for (i, name) in names.iter().enumerate() {
        let (total, _) = pprof(&[name], Some("B"));
        assert_eq!(report["profiles"][i]["inuse_space"].as_i64(), Some(total));
    }
    // Sites whose in-use bytes did not change are not listed, so compare changes: the
    // changes of the sites add up to the change of the total.
    let first = report["profiles"][0]["inuse_space"].as_i64().unwrap();
    let last = report["profiles"][2]["inuse_space"].as_i64().unwrap();
    let change: i64 = sites.iter().map(|s| s["bytes"].as_i64().unwrap()).sum();
    assert_eq!(change, last - first);
}

/// The text form of a heap profile (debug=1), written by the scenario right after the
/// protobuf one with no collection in between: `goguard heap top` gives the same rows
/// from both (but for the inline labels, which only the protobuf form can carry), by function and by line, for every sample type, and pprof (which reads the
/// text form too, but cannot name its addresses without the binary) the same total.
#[test]
fn text_heap_profile_reads_as_its_protobuf_form() {
    let text = path("heap.3.txt");
    let proto = path("heap.3.pb.gz");
    for sample in [
        "inuse_space",
        "inuse_objects",
        "alloc_space",
        "alloc_objects",
    ] {
        for lines in [false, true] {
            let mut args = vec!["--sample", sample];
            if lines {
                args.push("--lines");
            }
            let top = |file: &str| {
                let mut all = vec!["top", file];
                all.extend_from_slice(&args);
                rows(&goguard(&all)["top"])
            };
            // The text form does not say which calls were inlined: names without the
            // inline labels. It names a generic function as the runtime prints it
            // (`slices.Grow[...]`) where the protobuf form has each instantiation's
            // shapes (so one row there may be several here): those rows are left out
            // of the comparison, the totals still hold them.
            let unlabelled = |(total, rows): (i64, Vec<Row>)| {
                let rows: Vec<Row> = rows
                    .into_iter()
                    .filter(|(name, _, _)| !name.contains('['))
                    .map(|(name, flat, cum)| {
                        let name = name
                            .trim_end_matches(" (inline)")
                            .trim_end_matches(" (partial-inline)")
                            .to_string();
                        (name, flat, cum)
                    })
                    .collect();
                (total, rows)
            };
            let (from_text, from_proto) = (unlabelled(top(&text)), unlabelled(top(&proto)));
            assert!(!from_proto.1.is_empty(), "{sample}: no rows");
            assert_eq!(from_text, from_proto, "{sample} lines={lines}");
        }
        let unit = sample.ends_with("space").then_some("B");
        let (total, _) = pprof(&[&format!("-sample_index={sample}"), &text], unit);
        assert_eq!(top_total(&text, sample), total, "{sample}: pprof's total");
    }
}

fn top_total(file: &str, sample: &str) -> i64 {
    goguard(&["top", file, "--sample", sample])["top"]["total"]
        .as_i64()
        .unwrap()
}
