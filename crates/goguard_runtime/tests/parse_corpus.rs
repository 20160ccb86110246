//! The parsers against real dumps from the shared corpus: gostackparse's golden parses,
//! the cross-format set (one program's goroutines in four formats), a log with two
//! dumps, and files that are not goroutine dumps at all.

mod parse_common;

use std::collections::BTreeMap;

use goguard_runtime::model::{DumpFormat, Frame, Goroutine, ParsedDump};
use goguard_runtime::parse_file;
use parse_common::{corpus_file, corpus_inputs};
use serde_json::{json, Value};

fn parse(relative: &str) -> ParsedDump {
    parse_file(&corpus_file(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

// ---- gostackparse golden files ------------------------------------------------------

fn golden_frame(frame: &Frame) -> Value {
    json!({"Func": &*frame.func, "File": &*frame.file, "Line": frame.line})
}

/// Our goroutine in gostackparse's JSON shape. Differences in meaning, handled here:
/// - `Wait` is nanoseconds there, whole minutes here (the dump prints minutes).
/// - `FramesElided` is a bool there, a count here.
/// - Ancestors are a nested `Ancestor` chain there, a list (nearest first) here; an
///   ancestor has no state or wait, which gostackparse prints as zero values.
fn to_gostackparse(g: &Goroutine) -> Value {
    let mut value = json!({
        "ID": g.id.unwrap(),
        "State": g.state,
        "Wait": g.wait_minutes.unwrap_or(0) * 60_000_000_000,
        "LockedToThread": g.locked_to_thread,
        "Stack": g.frames.iter().map(golden_frame).collect::<Vec<_>>(),
        "FramesElided": g.frames_elided > 0,
        "CreatedBy": g.created_by.as_ref().map(golden_frame),
    });
    // Build the nested chain from the farthest ancestor inwards.
    let mut chain: Option<Value> = None;
    for ancestor in g.ancestors.iter().rev() {
        let mut node = json!({
            "ID": ancestor.id,
            "State": "",
            "Wait": 0,
            "LockedToThread": false,
            "Stack": ancestor.frames.iter().map(golden_frame).collect::<Vec<_>>(),
            "FramesElided": false,
            "CreatedBy": ancestor.created_by.as_ref().map(golden_frame),
        });
        if let Some(parent) = chain.take() {
            node["Ancestor"] = parent;
        }
        chain = Some(node);
    }
    if let Some(chain) = chain {
        value["Ancestor"] = chain;
    }
    value
}

fn check_golden(name: &str) {
    let dump = parse(&format!("gostackparse/{name}.txt"));
    let golden: Value = serde_json::from_slice(
        &std::fs::read(corpus_file(&format!("gostackparse/{name}.golden.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(dump.snapshots.len(), 1, "{name}: {:?}", dump.warnings);
    let errors = golden["Errors"].as_array().map_or(0, Vec::len);

    // Deliberate difference: gostackparse drops a goroutine in which it met a line it
    // could not parse (and reports an error); we keep the goroutine with the frames we
    // could read and report the line in `unknown_lines`. Compare the goroutines both
    // parsers kept, and check that each gostackparse error is one of our unknown lines.
    let snapshot = &dump.snapshots[0];
    let mut kept = Vec::new();
    for (i, g) in snapshot.goroutines.iter().enumerate() {
        let end = snapshot
            .goroutines
            .get(i + 1)
            .map_or(u32::MAX, |next| next.line);
        let has_unknown = dump
            .unknown_lines
            .iter()
            .any(|u| u.line > g.line && u.line < end);
        if !has_unknown {
            kept.push(to_gostackparse(g));
        }
    }
    assert_eq!(
        snapshot.goroutines.len() - kept.len(),
        errors,
        "{name}: dropped goroutines vs errors"
    );
    if errors > 0 {
        for error in golden["Errors"].as_array().unwrap() {
            let error = error.as_str().unwrap();
            let line: u32 = error
                .split("on line ")
                .nth(1)
                .unwrap()
                .split(':')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                dump.unknown_lines.iter().any(|u| u.line == line),
                "{name}: {error} not in {:?}",
                dump.unknown_lines
            );
        }
    } else {
        assert!(
            dump.unknown_lines.is_empty(),
            "{name}: {:?}",
            dump.unknown_lines
        );
    }

    let want = golden["Goroutines"].as_array().unwrap();
    assert_eq!(kept.len(), want.len(), "{name}: goroutine count");
    for (ours, theirs) in kept.iter().zip(want) {
        let id = &theirs["ID"];
        for field in [
            "ID",
            "State",
            "Wait",
            "LockedToThread",
            "Stack",
            "FramesElided",
            "CreatedBy",
            "Ancestor",
        ] {
            assert_eq!(
                ours.get(field),
                theirs.get(field),
                "{name}: goroutine {id}: field {field}"
            );
        }
    }
}

#[test]
fn golden_waitsince() {
    check_golden("waitsince");
}

#[test]
fn golden_go121_createdby() {
    check_golden("go121_createdby");
    let dump = parse("gostackparse/go121_createdby.txt");
    let g = &dump.snapshots[0].goroutines[0];
    assert_eq!(g.creator_id, Some(1));
    assert_eq!(g.args(&g.frames[0]), "");
    let g = &dump.snapshots[0].goroutines[1];
    assert_eq!(g.args(&g.frames[0]), "0x140000021a0?");
}

#[test]
fn golden_ancestors() {
    check_golden("ancestors");
}

#[test]
fn golden_cgo() {
    check_golden("cgo");
}

#[test]
fn golden_errorhandling() {
    check_golden("errorhandling");
}

// ---- gostackparse fixtures without golden files -------------------------------------

#[test]
fn frames_elided_old_form() {
    let dump = parse("gostackparse/frameselided.txt");
    let g = &dump.snapshots[0].goroutines[0];
    assert_eq!(g.frames.len(), 100);
    assert!(g.frames_elided_unknown);
    assert_eq!(g.frames_elided, 1);

    let dump = parse("gostackparse/frameselided_goroutine.txt");
    let elided = dump.snapshots[0]
        .goroutines
        .iter()
        .find(|g| g.frames_elided > 0)
        .unwrap();
    assert!(
        elided.created_by.is_some(),
        "created by after the elision marker"
    );
    assert!(dump.unknown_lines.is_empty() && dump.warnings.is_empty());
}

#[test]
fn windows_path_line_after_last_colon() {
    let dump = parse("gostackparse/windows.txt");
    let frame = &dump.snapshots[0].goroutines[0].frames[0];
    assert_eq!(&*frame.file, "C:/Users/felixge/pprof.go");
    assert_eq!(frame.line, 693);
    assert_eq!(frame.pc_offset(), Some(0x9f));
}

#[test]
fn locked_to_thread_and_panic_frame() {
    let dump = parse("gostackparse/lockedm.txt");
    let g = &dump.snapshots[0].goroutines[0];
    assert!(g.locked_to_thread);
    assert_eq!(g.state, "running");
    assert!(g.frames.iter().any(|f| &*f.func == "panic"));
    assert!(dump.unknown_lines.is_empty());
}

#[test]
fn truncated_inputs_warn() {
    let dump = parse("gostackparse/partial_stack.txt");
    let goroutines = &dump.snapshots[0].goroutines;
    assert_eq!(goroutines.len(), 2);
    assert_eq!(
        (&*goroutines[1].frames[0].func, goroutines[1].frames[0].line),
        ("main.main", 0)
    );
    assert!(
        dump.warnings.iter().any(|w| w.contains("input ends")),
        "{:?}",
        dump.warnings
    );

    let dump = parse("gostackparse/partial_createdby.txt");
    let goroutines = &dump.snapshots[0].goroutines;
    assert_eq!(
        goroutines[1].created_by.as_ref().map(|f| &*f.func),
        Some("main.foo")
    );
    assert_eq!(dump.warnings.len(), 2, "{:?}", dump.warnings);

    let dump = parse("gostackparse/empty_stack.txt");
    assert_eq!(dump.snapshots[0].goroutines.len(), 2);
    assert!(
        dump.warnings.iter().any(|w| w.contains("no frames")),
        "{:?}",
        dump.warnings
    );
}

// ---- goleak ---------------------------------------------------------------------------

#[test]
fn goleak_http_dumps() {
    for name in ["http.txt", "http.go1.20.txt", "http.tracebackancestors.txt"] {
        let dump = parse(&format!("goleak/{name}"));
        assert_eq!(dump.snapshots.len(), 1, "{name}");
        assert!(
            dump.unknown_lines.is_empty(),
            "{name}: {:?}",
            dump.unknown_lines
        );
        assert!(dump.warnings.is_empty(), "{name}: {:?}", dump.warnings);
        let goroutines = &dump.snapshots[0].goroutines;
        assert!(goroutines.len() >= 4, "{name}");
        for g in goroutines {
            assert!(
                !g.frames.is_empty(),
                "{name}: goroutine {:?} has frames",
                g.id
            );
            for f in &g.frames {
                assert!(f.line > 0 && !f.file.is_empty(), "{name}: {f:?}");
            }
        }
        let created = goroutines.iter().filter(|g| g.created_by.is_some()).count();
        assert!(created >= 3, "{name}");
        let with_creator_id = goroutines.iter().filter(|g| g.creator_id.is_some()).count();
        if name == "http.go1.20.txt" {
            assert_eq!(
                with_creator_id, 0,
                "{name}: no `in goroutine N` before 1.21"
            );
        } else {
            assert_eq!(with_creator_id, created, "{name}");
        }
    }
    let dump = parse("goleak/http.tracebackancestors.txt");
    let with_ancestors = dump.snapshots[0]
        .goroutines
        .iter()
        .filter(|g| !g.ancestors.is_empty())
        .count();
    assert!(with_ancestors >= 2);
    let chain = dump.snapshots[0]
        .goroutines
        .iter()
        .map(|g| g.ancestors.len())
        .max()
        .unwrap();
    assert!(chain >= 2, "nested ancestor chains");
    // Aggregate arguments are kept as printed.
    let dump = parse("goleak/http.txt");
    let args = dump.snapshots[0]
        .goroutines
        .iter()
        .any(|g| g.frames.iter().any(|f| g.args(f).contains('{')));
    assert!(args, "a `{{...}}` argument");
}

// ---- the cross-format set -------------------------------------------------------------

/// A stack as every format can show it: function and line, without the runtime frames
/// that tracebacks and debug=1 hide at the top (`runtime.gopark`, `runtime.chanrecv1`…)
/// and at the bottom (`runtime.goexit`, `runtime.main`), which profile.proto keeps.
fn comparable_stack(g: &Goroutine) -> Vec<(String, u32)> {
    let is_runtime = |f: &Frame| f.func.starts_with("runtime.");
    let frames: Vec<&Frame> = g.frames.iter().skip_while(|f| is_runtime(f)).collect();
    let end = frames
        .iter()
        .rposition(|f| !is_runtime(f))
        .map_or(0, |i| i + 1);
    frames[..end]
        .iter()
        .map(|f| (f.func.to_string(), f.line))
        .collect()
}

/// The writing goroutine differs between formats (they were written one after another
/// by different calls), so it is left out of the comparison. Tracebacks show it as
/// `running` (`runtime.Stack` itself is not printed); profiles by its pprof frames.
fn is_writer(g: &Goroutine) -> bool {
    g.state == "running"
        || g.frames
            .iter()
            .any(|f| f.func.starts_with("runtime/pprof."))
}

type Stacks = BTreeMap<Vec<(String, u32)>, (u64, Vec<(String, String)>)>;

fn stacks(dump: &ParsedDump, format: DumpFormat) -> (u64, Stacks) {
    assert_eq!(dump.snapshots.len(), 1, "{:?}", dump.warnings);
    let snapshot = &dump.snapshots[0];
    assert_eq!(snapshot.format, format);
    let mut stacks = Stacks::new();
    for g in snapshot.goroutines.iter().filter(|g| !is_writer(g)) {
        let entry = stacks.entry(comparable_stack(g)).or_default();
        entry.0 += g.count;
        entry.1 = g.labels.clone();
    }
    (snapshot.total, stacks)
}

#[test]
fn cross_format_set_agrees() {
    let debug2 = parse("gostackparse/waitsince.txt");
    let stack = parse("go-profiler-notes/2.runtime.stack.txt");
    let debug1 = parse("go-profiler-notes/2.pprof.lookup.goroutine.debug1.txt");
    let debug0 = parse("go-profiler-notes/2.pprof.lookup.goroutine.debug0.pb.gz");
    for dump in [&debug2, &stack, &debug1, &debug0] {
        assert!(
            dump.unknown_lines.is_empty() && dump.warnings.is_empty(),
            "{:?} {:?}",
            dump.unknown_lines,
            dump.warnings
        );
    }
    let (total2, stacks2) = stacks(&debug2, DumpFormat::Traceback);
    let (total_s, stacks_s) = stacks(&stack, DumpFormat::Traceback);
    let (total1, stacks1) = stacks(&debug1, DumpFormat::Debug1);
    let (total0, stacks0) = stacks(&debug0, DumpFormat::Protobuf);
    assert_eq!([total2, total_s, total1, total0], [9, 9, 9, 9]);

    let without_labels = |s: &Stacks| -> BTreeMap<Vec<(String, u32)>, u64> {
        s.iter().map(|(k, v)| (k.clone(), v.0)).collect()
    };
    assert_eq!(
        without_labels(&stacks2),
        without_labels(&stacks_s),
        "debug=2 vs runtime.Stack"
    );
    assert_eq!(
        without_labels(&stacks2),
        without_labels(&stacks1),
        "debug=2 vs debug=1"
    );
    assert_eq!(
        without_labels(&stacks1),
        without_labels(&stacks0),
        "debug=1 vs protobuf"
    );
    // Labels: only debug=1 and protobuf carry them, and they must agree.
    assert_eq!(stacks1, stacks0, "debug=1 vs protobuf, labels included");
    let labelled: u64 = stacks1
        .values()
        .filter(|v| !v.1.is_empty())
        .map(|v| v.0)
        .sum();
    assert!(labelled >= 5);
    for (_, labels) in stacks1.values() {
        assert!(
            labels.is_empty() || labels == &[("test_label".to_string(), "test_value".to_string())]
        );
    }
}

// ---- logs and other files -------------------------------------------------------------

#[test]
fn log_with_two_dumps_glued_header_and_sigquit() {
    let dump = parse("go-profiler-notes/runtime-stack.txt");
    assert_eq!(dump.snapshots.len(), 2, "{:?}", dump.warnings);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
    let first = &dump.snapshots[0];
    assert_eq!(first.goroutines[0].id, Some(1));
    assert_eq!(first.goroutines[0].frames[0].func.as_ref(), "main.main");
    assert_eq!(first.line, 3, "the header glued to `dumping all stacks`");
    let second = &dump.snapshots[1];
    assert_eq!(second.goroutines[0].id, Some(0), "the signal's g0 stack");
    assert_eq!(second.goroutines[0].state, "idle");
    let ids1: Vec<_> = first.goroutines.iter().map(|g| g.id.unwrap()).collect();
    let ids2: Vec<_> = second
        .goroutines
        .iter()
        .skip(1)
        .map(|g| g.id.unwrap())
        .collect();
    assert_eq!(ids1, ids2, "the same goroutines twice");
    assert!(
        second.goroutines.iter().any(|g| g.wait_minutes == Some(3)),
        "`[chan receive, 3 minutes]`"
    );
    assert!(
        dump.noise_lines >= 22,
        "register dump and `exit status 2` recognised"
    );
}

#[test]
fn non_dump_files_warn() {
    for (name, expect) in [
        ("gcvis/go15_stderr.gctrace.log", "no goroutine dump found"),
        ("google-pprof/gobench.heap", "heap profile"),
        (
            "go-profiler-notes/memory-profiler.heap.pprof",
            "not a goroutine profile",
        ),
        (
            "google-pprof/go.nomappings.crash.heap.pb.gz",
            "not a goroutine profile",
        ),
        ("parca/alloc_objects.pb.gz", "not a goroutine profile"),
        ("parca/alloc_space_delta.pb.gz", "not a goroutine profile"),
        ("parca/fgprof.pb.gz", "not a goroutine profile"),
    ] {
        let dump = parse(name);
        assert!(dump.snapshots.is_empty(), "{name}");
        assert!(
            dump.warnings.iter().any(|w| w.contains(expect)),
            "{name}: {:?}",
            dump.warnings
        );
    }
}

#[test]
fn legacy_count_profile_keeps_addresses() {
    let dump = parse("google-pprof/go.godoc.thread");
    let snapshot = &dump.snapshots[0];
    assert_eq!(
        (snapshot.format, snapshot.total, snapshot.goroutines.len()),
        (DumpFormat::Debug1, 7, 7)
    );
    let first = &snapshot.goroutines[0];
    assert_eq!(first.frames.len(), 9);
    assert_eq!(&*first.frames[0].func, "0x44cb3");
    assert!(dump.warnings.iter().any(|w| w.contains("threadcreate")));
}

#[test]
fn every_corpus_file_parses() {
    for path in corpus_inputs() {
        let dump = parse_file(&path).unwrap();
        let goroutines: usize = dump.snapshots.iter().map(|s| s.goroutines.len()).sum();
        assert!(
            goroutines > 0 || !dump.warnings.is_empty(),
            "{}: nothing and no warning",
            path.display()
        );
    }
}
