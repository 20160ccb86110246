//! The parsers against real Go 1.26 output of the forms the shared corpus lacks
//! (`tests/samples`, see its README for how each file was made).

mod parse_common;

use goguard_runtime::model::{DumpFormat, Goroutine, ParsedDump};
use goguard_runtime::parse_file;
use parse_common::samples_dir;

fn parse(name: &str) -> ParsedDump {
    let dump = parse_file(&samples_dir().join(name)).unwrap();
    assert!(
        dump.unknown_lines.is_empty(),
        "{name}: {:?}",
        dump.unknown_lines
    );
    assert!(dump.warnings.is_empty(), "{name}: {:?}", dump.warnings);
    dump
}

fn find<'d>(dump: &'d ParsedDump, func: &str) -> &'d Goroutine {
    dump.snapshots
        .iter()
        .flat_map(|s| &s.goroutines)
        .find(|g| g.frames.iter().any(|f| &*f.func == func))
        .unwrap_or_else(|| panic!("no goroutine with {func}"))
}

fn every_frame_has_a_file(dump: &ParsedDump) {
    for g in dump.snapshots.iter().flat_map(|s| &s.goroutines) {
        for f in &g.frames {
            assert!(!f.file.is_empty() && f.line > 0, "{f:?}");
        }
    }
}

#[test]
fn runtime_stack_go126() {
    let dump = parse("go126_stack.txt");
    assert_eq!(dump.snapshots.len(), 1);
    every_frame_has_a_file(&dump);
    let deep = find(&dump, "main.recurse");
    assert!(
        deep.frames_elided > 0 && !deep.frames_elided_unknown,
        "`...N frames elided...`"
    );
    assert_eq!(
        deep.frames.len(),
        100,
        "50 inner and 50 outer frames are printed"
    );
    let generic = find(&dump, "main.(*Queue[...]).Pop");
    assert_eq!(generic.state, "chan receive");
    assert_eq!(generic.args(&generic.frames[0]), "...");
    assert_eq!(generic.frames[0].pc_offset(), None, "inlined frame");
    assert_eq!(generic.creator_id, Some(1));
    assert_eq!(
        find(&dump, "main.(*server).handle").state,
        "sync.Mutex.Lock"
    );
    assert_eq!(find(&dump, "main.sender").state, "chan send");
}

#[test]
fn traceback_labels_go126() {
    let dump = parse("go126_stack_labels.txt");
    let sleeper = dump.snapshots[0]
        .goroutines
        .iter()
        .find(|g| g.state == "sleep")
        .unwrap();
    assert_eq!(
        sleeper.labels,
        vec![
            ("shard".into(), "7".into()),
            ("worker".into(), "sleeper".into())
        ]
    );
}

#[test]
fn debug1_and_protobuf_go126_agree() {
    let debug1 = parse("go126_debug1.txt");
    let debug0 = parse("go126_debug0.pb.gz");
    assert_eq!(debug1.snapshots[0].format, DumpFormat::Debug1);
    assert_eq!(debug0.snapshots[0].format, DumpFormat::Protobuf);
    assert_eq!(debug1.snapshots[0].total, debug0.snapshots[0].total);
    for dump in [&debug1, &debug0] {
        let sleeper = find(dump, "time.Sleep");
        assert_eq!(
            sleeper.labels,
            vec![
                ("shard".into(), "7".into()),
                ("worker".into(), "sleeper".into())
            ]
        );
        assert!(find(dump, "main.(*Queue[...]).Pop").count >= 1);
    }
}

#[test]
fn gotraceback_system_panic() {
    let dump = parse("go126_panic_system.txt");
    assert_eq!(dump.snapshots.len(), 1);
    every_frame_has_a_file(&dump);
    let goroutines = &dump.snapshots[0].goroutines;
    assert_eq!(goroutines[0].state, "running");
    assert_eq!(&*goroutines[0].frames[0].func, "panic");
    assert!(goroutines.len() >= 10, "runtime goroutines are shown");
    // ` fp=.. sp=.. pc=..` does not disturb the offset.
    assert!(goroutines[0]
        .frames
        .iter()
        .all(|f| f.pc_offset().is_some() || goroutines[0].args(f) == "..."));
    assert!(goroutines
        .iter()
        .flat_map(|g| &g.frames)
        .any(|f| f.func.contains(".gowrap")));
}

#[test]
fn gotraceback_crash_sigquit() {
    let dump = parse("go126_sigquit_crash.txt");
    assert_eq!(
        dump.snapshots.len(),
        1,
        "per-M sections belong to the same dump"
    );
    every_frame_has_a_file(&dump);
    let goroutines = &dump.snapshots[0].goroutines;
    assert!(
        goroutines.iter().filter(|g| g.id == Some(0)).count() >= 2,
        "g0 stacks of several Ms"
    );
    assert!(dump.noise_lines >= 21, "register dumps are recognised");
    let ids: Vec<u64> = goroutines
        .iter()
        .filter_map(|g| g.id)
        .filter(|&id| id != 0)
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "no goroutine twice");
}

#[test]
fn goroutineleak_profile() {
    let dump = parse("go126_goroutineleak.txt");
    assert_eq!(dump.snapshots.len(), 2, "debug=2 then debug=1");
    assert_eq!(dump.snapshots[0].format, DumpFormat::Traceback);
    assert_eq!(dump.snapshots[1].format, DumpFormat::Debug1);
    let leaked: Vec<&Goroutine> = dump.snapshots[0]
        .goroutines
        .iter()
        .filter(|g| g.flags.iter().any(|f| f == "leaked"))
        .collect();
    assert!(leaked.len() >= 4);
    assert!(leaked.iter().any(|g| g.state == "chan receive"));
    assert_eq!(dump.snapshots[1].total as usize, leaked.len());
}

#[test]
fn synctest_bubble() {
    let dump = parse("go126_synctest.txt");
    let goroutines = &dump.snapshots[0].goroutines;
    let durable: Vec<&Goroutine> = goroutines
        .iter()
        .filter(|g| g.flags.iter().any(|f| f == "durable"))
        .collect();
    assert!(durable.len() >= 3);
    for g in &durable {
        assert!(
            g.flags.iter().any(|f| f == "synctest bubble 1"),
            "{:?}",
            g.flags
        );
    }
    assert!(durable.iter().any(|g| g.state == "chan receive"));
    assert!(durable.iter().any(|g| g.state == "synctest.Run"));
}
