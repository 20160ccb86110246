//! Hand-written inputs for forms that neither the shared corpus nor a Go 1.26 program
//! produce on demand: dumps inside logs (prefixed lines, JSON-escaped messages), several
//! dumps in one file, crash-output quirks, damaged and truncated dumps.

use goguard_runtime::model::{DumpFormat, ParsedDump};
use goguard_runtime::parse_bytes;

fn parse(text: &str) -> ParsedDump {
    parse_bytes(text.as_bytes())
}

fn ids(dump: &ParsedDump) -> Vec<Vec<u64>> {
    dump.snapshots
        .iter()
        .map(|s| s.goroutines.iter().filter_map(|g| g.id).collect())
        .collect()
}

const TWO_GOROUTINES: &str = "goroutine 1 [running]:
main.main()
\t/app/main.go:10 +0x1d

goroutine 7 [chan receive, 12 minutes]:
main.worker(0xc000012345, {0x4a, 0x5}, 0x1?)
\t/app/worker.go:42 +0x3c
created by main.main in goroutine 1
\t/app/main.go:8 +0x65
";

#[test]
fn plain_dump() {
    let dump = parse(TWO_GOROUTINES);
    assert_eq!(ids(&dump), vec![vec![1, 7]]);
    assert!(dump.unknown_lines.is_empty() && dump.warnings.is_empty());
    let worker = &dump.snapshots[0].goroutines[1];
    assert_eq!(
        (worker.state.as_str(), worker.wait_minutes),
        ("chan receive", Some(12))
    );
    assert_eq!(
        worker.args(&worker.frames[0]),
        "0xc000012345, {0x4a, 0x5}, 0x1?"
    );
    assert_eq!(worker.creator_id, Some(1));
    assert_eq!(worker.created_by.as_ref().unwrap().line, 8);
    assert_eq!((worker.line, dump.snapshots[0].line), (5, 1));
}

#[test]
fn crlf_line_endings() {
    let dump = parse(&TWO_GOROUTINES.replace('\n', "\r\n"));
    assert_eq!(ids(&dump), vec![vec![1, 7]]);
    assert!(dump.unknown_lines.is_empty());
    assert_eq!(
        &*dump.snapshots[0].goroutines[1].frames[0].file,
        "/app/worker.go"
    );
}

#[test]
fn log_prefix_is_detected_and_stripped() {
    let mut log = String::from("2024-01-01T00:00:00Z app[123]: starting\n");
    for (i, line) in TWO_GOROUTINES.lines().enumerate() {
        let prefix = format!("2024-01-01T00:00:{:02}.{}Z app[123]: ", i, 9 + i);
        // Loggers often trim the blank that ends a prefixed empty line.
        let full = format!("{prefix}{line}");
        log.push_str(full.trim_end_matches(' '));
        log.push('\n');
    }
    log.push_str("2024-01-01T00:01:00.1Z app[123]: request served\n");
    let dump = parse(&log);
    assert_eq!(ids(&dump), vec![vec![1, 7]], "{:?}", dump.warnings);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
    let worker = &dump.snapshots[0].goroutines[1];
    assert_eq!(worker.frames[0].line, 42);
    assert_eq!(worker.created_by.as_ref().unwrap().line, 8);
    assert_eq!(dump.snapshots[0].line, 2);
}

#[test]
fn json_escaped_dump_in_a_log_line() {
    let message = serde_json::to_string(TWO_GOROUTINES).unwrap();
    let log = format!(
        "{{\"level\":\"info\",\"msg\":\"start\"}}\n{{\"level\":\"error\",\"msg\":{message},\"pid\":1}}\n{{\"level\":\"info\"}}\n"
    );
    let dump = parse(&log);
    assert_eq!(ids(&dump), vec![vec![1, 7]], "{:?}", dump.warnings);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
    assert_eq!(
        dump.snapshots[0].goroutines[1].line, 2,
        "lines of an embedded dump report the log line"
    );
    assert_eq!(
        &*dump.snapshots[0].goroutines[1].frames[0].file,
        "/app/worker.go"
    );
}

#[test]
fn dump_glued_to_preceding_text() {
    let dump = parse(&format!("dumping all stacks{TWO_GOROUTINES}"));
    assert_eq!(ids(&dump), vec![vec![1, 7]]);
    assert!(dump.unknown_lines.is_empty());
}

#[test]
fn dumps_back_to_back_split_on_repeated_id() {
    let dump = parse(&format!("{TWO_GOROUTINES}\n{TWO_GOROUTINES}"));
    assert_eq!(ids(&dump), vec![vec![1, 7], vec![1, 7]]);
    assert_eq!(dump.snapshots[1].line, 11);
}

#[test]
fn dumps_separated_by_text_are_separate_snapshots() {
    let second = TWO_GOROUTINES.replace("goroutine 1 ", "goroutine 9 ");
    let dump = parse(&format!("{TWO_GOROUTINES}\nlater:\n{second}"));
    assert_eq!(ids(&dump), vec![vec![1, 7], vec![9, 7]]);
}

#[test]
fn panic_lists_the_panicking_goroutine_first() {
    let text = "panic: boom

goroutine 18 [running]:
main.crash(...)
\t/app/main.go:20
main.main.func1()
\t/app/main.go:12 +0x25
created by main.main in goroutine 1
\t/app/main.go:11 +0x1a

goroutine 1 [chan receive]:
main.main()
\t/app/main.go:14 +0x4f
exit status 2
";
    let dump = parse(text);
    assert_eq!(ids(&dump), vec![vec![18, 1]]);
    assert!(dump.unknown_lines.is_empty());
    assert_eq!(dump.noise_lines, 1);
    assert_eq!(
        dump.snapshots[0].goroutines[0].frames[0].pc_offset(),
        None,
        "inlined"
    );
}

#[test]
fn text_right_after_the_last_frame_ends_the_dump() {
    let dump = parse(&format!(
        "{TWO_GOROUTINES}request served in 3ms\nall done\n"
    ));
    assert_eq!(ids(&dump), vec![vec![1, 7]]);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
}

#[test]
fn damaged_line_inside_a_stack_is_unknown_and_parsing_goes_on() {
    let text = "goroutine 5 [select]:
main.a()
\t/app/a.go:1 +0x1
@@@ garbage @@@
main.b()
\t/app/b.go:2 +0x2
";
    let dump = parse(text);
    assert_eq!(dump.unknown_lines.len(), 1);
    assert_eq!(
        (
            dump.unknown_lines[0].line,
            dump.unknown_lines[0].text.as_str()
        ),
        (4, "@@@ garbage @@@")
    );
    assert_eq!(dump.snapshots[0].goroutines[0].frames.len(), 2);
}

#[test]
fn header_variants() {
    let text = "goroutine 3 gp=0xc000003340 m=nil [GC worker (idle), 3 minutes]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
\t/usr/local/go/src/runtime/proc.go:424 +0xce fp=0xc000045f38 sp=0xc000045f18 pc=0x43a46e

goroutine 4 [select (scan), locked to thread]:
main.loop()
\t/app/loop.go:3 +0x1

goroutine 6 [running]:
\tgoroutine running on other thread; stack unavailable
created by main.main in goroutine 1
\t/app/main.go:9 +0x2
";
    let dump = parse(text);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
    let g = &dump.snapshots[0].goroutines;
    assert_eq!(
        (g[0].state.as_str(), g[0].wait_minutes),
        ("GC worker (idle)", Some(3))
    );
    assert_eq!(g[0].frames[0].pc_offset(), Some(0xce));
    assert_eq!(
        (
            g[1].state.as_str(),
            g[1].flags.clone(),
            g[1].locked_to_thread
        ),
        ("select", vec!["scan".to_string()], true)
    );
    assert!(g[2].frames.is_empty() && g[2].created_by.is_some());
}

#[test]
fn crash_reprints_a_running_goroutine_in_its_m_section() {
    let text = "goroutine 1 gp=0x1 m=0 mp=0x2 [running]:
main.main()
\t/app/main.go:3 +0x1

goroutine 6 gp=0x3 m=1 mp=0x4 [running]:
\tgoroutine running on other thread; stack unavailable

rax    0x0
rip    0x4

-----

SIGQUIT: quit
PC=0x47 m=1 sigcode=0

goroutine 6 gp=0x3 m=1 mp=0x4 [running]:
main.spin()
\t/app/spin.go:5 +0x9
";
    let dump = parse(text);
    assert_eq!(ids(&dump), vec![vec![1, 6]]);
    assert_eq!(dump.snapshots[0].goroutines[1].frames.len(), 1);
    assert!(dump.unknown_lines.is_empty());
}

#[test]
fn ancestors_and_elision() {
    let text = "goroutine 9 [chan receive]:
main.leaf()
\t/app/a.go:1 +0x1
...5 frames elided...
main.root()
\t/app/a.go:9 +0x9
created by main.spawn in goroutine 8
\t/app/a.go:20 +0x2
[originating from goroutine 8]:
main.spawn(...)
\t/app/a.go:20 +0x2
...additional frames elided...
created by main.main
\t/app/a.go:30 +0x3
[originating from goroutine 1]:
main.main(...)
\t/app/a.go:30 +0x3
";
    let dump = parse(text);
    assert!(
        dump.unknown_lines.is_empty() && dump.warnings.is_empty(),
        "{:?} {:?}",
        dump.unknown_lines,
        dump.warnings
    );
    let g = &dump.snapshots[0].goroutines[0];
    assert_eq!(
        (g.frames.len(), g.frames_elided, g.frames_elided_unknown),
        (2, 5, false)
    );
    assert_eq!(
        g.ancestors.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![8, 1]
    );
    assert_eq!(g.ancestors[0].created_by.as_ref().unwrap().line, 30);
    assert_eq!(g.ancestors[1].frames.len(), 1);
}

#[test]
fn truncated_dumps_warn() {
    for (text, expect) in [
        ("goroutine 1 [running]:\nmain.main()", "input ends"),
        (
            "goroutine 1 [running]:\nmain.a()\n\t/a.go:1 +0x1\ncreated by main.b",
            "input ends",
        ),
        (
            "goroutine 1 [running]:\nmain.a()\n\t/a.go:1 +0x1\n\ngoroutine 2 [select]:\n",
            "no frames",
        ),
    ] {
        let dump = parse(text);
        assert_eq!(dump.snapshots.len(), 1);
        assert!(
            dump.warnings.iter().any(|w| w.contains(expect)),
            "{text:?}: {:?}",
            dump.warnings
        );
    }
}

#[test]
fn debug1_profile_with_text_around() {
    let text = "$ curl localhost:6060/debug/pprof/goroutine?debug=1
goroutine profile: total 3
2 @ 0x43 0x44
# labels: {\"k\":\"v\"}
#\t0x43\tmain.a+0x3\t/app/a.go:1
#\t0x44\tmain.b+0x4\t/app/a.go:2

1 @ 0x45
#\t0x45\tmain.c+0x5\t/app/a.go:3

$ exit
";
    let dump = parse(text);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
    let s = &dump.snapshots[0];
    assert_eq!(
        (s.format, s.total, s.goroutines.len()),
        (DumpFormat::Debug1, 3, 2)
    );
    assert_eq!(s.goroutines[0].count, 2);
    assert_eq!(
        s.goroutines[0].labels,
        vec![("k".to_string(), "v".to_string())]
    );
    assert_eq!(
        (
            &*s.goroutines[0].frames[1].func,
            s.goroutines[0].frames[1].pc_offset()
        ),
        ("main.b", Some(4))
    );
}

#[test]
fn no_dump_at_all() {
    let dump = parse("hello\nworld\n");
    assert!(dump.snapshots.is_empty());
    assert_eq!(
        dump.warnings,
        vec!["no goroutine dump found in input".to_string()]
    );
    assert!(parse_bytes(b"").warnings[0].contains("no goroutine dump"));
}

#[test]
fn cgo_frames_without_symbolizer() {
    let text = "goroutine 1 [syscall]:
runtime.cgocall(0x4a, 0xc000)
\t/usr/local/go/src/runtime/cgocall.go:167 +0x4b
non-Go function at pc=0x7f0a1b2c
non-Go function at pc=0x7f0a1b3d
main.main()
\t/app/main.go:9 +0x1
";
    let dump = parse(text);
    assert!(dump.unknown_lines.is_empty() && dump.warnings.is_empty());
    let funcs: Vec<&str> = dump.snapshots[0].goroutines[0]
        .frames
        .iter()
        .map(|f| &*f.func)
        .collect();
    assert_eq!(funcs[1], "non-Go function at pc=0x7f0a1b2c");
    assert_eq!(funcs.len(), 4);
}

#[test]
fn json_lines_log_one_record_per_output_line() {
    // Container runtimes log each line of output as its own JSON record.
    let mut log = String::from(
        "{\"log\":\"server started\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:00Z\"}\n",
    );
    for line in TWO_GOROUTINES.lines() {
        let value = serde_json::to_string(&format!("{line}\n")).unwrap();
        log.push_str(&format!(
            "{{\"log\":{value},\"stream\":\"stderr\",\"time\":\"2024-01-01T00:00:01Z\"}}\n"
        ));
    }
    let dump = parse(&log);
    assert_eq!(ids(&dump), vec![vec![1, 7]], "{:?}", dump.warnings);
    assert!(dump.unknown_lines.is_empty(), "{:?}", dump.unknown_lines);
    let worker = &dump.snapshots[0].goroutines[1];
    assert_eq!(
        (worker.line, worker.frames[0].line),
        (6, 42),
        "input line numbers are kept"
    );
    assert_eq!(worker.created_by.as_ref().unwrap().line, 8);
}

#[test]
fn unknown_last_line_of_a_goroutine_stays_in_the_dump() {
    let text = "goroutine 1 [running]:
main.main()
\t/app/main.go:10 +0x1d
some future runtime note

goroutine 7 [select]:
main.worker()
\t/app/worker.go:42 +0x3c
";
    let dump = parse(text);
    assert_eq!(ids(&dump), vec![vec![1, 7]]);
    assert_eq!(dump.unknown_lines.len(), 1);
    assert_eq!(dump.unknown_lines[0].line, 4);
}
