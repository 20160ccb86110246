//! Unit tests of the diagnosis on constructed models.

use super::*;
use crate::analysis::testutil::{created_by, goroutine, snapshot};
use crate::model::Goroutine;

fn copies(n: u64, first_id: u64, state: &str, func: &str, creator_line: u32) -> Vec<Goroutine> {
    (0..n)
        .map(|i| {
            created_by(
                goroutine(first_id + i, state, &["runtime.gopark", func]),
                "main.spawn",
                "/src/app/main.go",
                creator_line,
            )
        })
        .collect()
}

fn dump_writer() -> Goroutine {
    goroutine(
        1,
        "running",
        &["runtime/pprof.writeGoroutineStacks", "main.main"],
    )
}

#[test]
fn many_copies_are_a_leak_with_evidence() {
    let mut gs = copies(500, 10, "select", "main.waitForEvent", 42);
    gs.push(dump_writer());
    let d = diagnose(&snapshot(gs), &Options::default(), false);
    assert_eq!(d.findings.len(), 1);
    let f = &d.findings[0];
    assert_eq!((f.code, f.name), ("RT001", "leaked-goroutine-group"));
    assert_eq!(f.facts.count, 500);
    assert_eq!(f.facts.ids, "10-509");
    assert_eq!(
        f.facts.blocking_frame.as_ref().unwrap().function,
        "main.waitForEvent"
    );
    assert_eq!(f.facts.created_by.as_ref().unwrap().line, 42);
    assert!(
        f.why.starts_with("500 goroutines blocked in select"),
        "{}",
        f.why
    );
    assert!(f.why.contains("all created at main.go:42"), "{}", f.why);
    assert_eq!(d.background[0].reason, "goroutine writing the dump");
}

#[test]
fn long_waits_make_a_small_group_a_suspect_and_rank_it() {
    let mut few = copies(3, 10, "chan send", "main.send", 20);
    for (g, w) in few.iter_mut().zip([12, 45, 30]) {
        g.wait_minutes = Some(w);
    }
    let mut gs = few;
    gs.extend(copies(20, 100, "chan receive", "main.recv", 30));
    let d = diagnose(&snapshot(gs), &Options::default(), false);
    assert_eq!(d.findings.len(), 2);
    // 3 × 3 × 46 = 414 beats 2 × 20 × 1 = 40.
    assert_eq!(
        d.findings[0]
            .facts
            .blocking_frame
            .as_ref()
            .unwrap()
            .function,
        "main.send"
    );
    let w = d.findings[0].facts.wait_minutes.unwrap();
    assert_eq!((w.min, w.max), (12, 45));
    assert!(
        d.findings[0].why.contains("for 12-45 minutes"),
        "{}",
        d.findings[0].why
    );
    assert_eq!(d.findings[0].score, 414);
}

#[test]
fn few_short_waits_and_active_pools_are_not_suspects() {
    let mut gs = copies(4, 10, "chan send", "main.send", 20);
    // A busy pool: idle workers in chan receive, siblings running.
    gs.extend(copies(30, 100, "chan receive", "main.worker", 50));
    gs.extend(copies(2, 200, "running", "main.worker", 50));
    let d = diagnose(&snapshot(gs), &Options::default(), false);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(d.others.len(), 3);
}

#[test]
fn nil_channel_is_always_a_suspect() {
    let gs = copies(1, 10, "chan receive (nil chan)", "main.drain", 20);
    let d = diagnose(&snapshot(gs), &Options::default(), false);
    assert_eq!(d.findings[0].code, "RT001");
    assert!(d.findings[0].evidence[0].contains("nil channel"));
}

#[test]
fn lock_waiters_with_nobody_running_are_a_deadlock() {
    let mut gs = copies(1, 7, "sync.Mutex.Lock", "main.transfer", 102);
    gs.extend(copies(1, 8, "semacquire", "main.transfer", 103));
    // Go 1.19 prints semacquire: the frames say it is a Mutex.
    gs[1].frames.insert(
        0,
        crate::analysis::testutil::frame("sync.(*Mutex).Lock", "sync/mutex.go", 81),
    );
    gs.push(dump_writer());
    gs.extend(copies(2, 20, "select", "main.idle", 60));
    let d = diagnose(&snapshot(gs), &Options::default(), false);
    let f = &d.findings[0];
    assert_eq!((f.code, f.name), ("RT002", "lock-deadlock"));
    assert_eq!(f.involved.len(), 2);
    assert!(f.why.contains("no goroutine can run"), "{}", f.why);
}

#[test]
fn lock_waiters_beside_running_goroutines_need_long_waits() {
    let mut gs = copies(2, 7, "sync.Mutex.Lock", "main.transfer", 102);
    gs.extend(copies(1, 30, "running", "main.busy", 70));
    let d = diagnose(&snapshot(gs.clone()), &Options::default(), false);
    assert!(d.findings.is_empty());
    gs[0].wait_minutes = Some(15);
    let d = diagnose(&snapshot(gs), &Options::default(), false);
    assert_eq!(d.findings[0].code, "RT002");
    assert!(d.findings[0].evidence[0].contains("15 minutes"));
}

#[test]
fn whole_program_deadlock_comes_first() {
    let mut gs = copies(1, 1, "sync.WaitGroup.Wait", "main.main", 10);
    gs.extend(copies(12, 5, "chan receive", "main.worker", 12));
    let d = diagnose(&snapshot(gs), &Options::default(), true);
    assert_eq!(d.findings[0].code, "RT004");
    assert_eq!(d.findings[0].involved.len(), 2);
    assert_eq!(d.findings[1].code, "RT001");
}

#[test]
fn user_ignore_patterns_move_groups_to_background() {
    let gs = copies(50, 10, "select", "main.waitForEvent", 42);
    let opts = Options {
        ignore: vec![IgnorePattern::parse("main.waitFor*").unwrap()],
        ..Options::default()
    };
    let d = diagnose(&snapshot(gs), &opts, false);
    assert!(d.findings.is_empty());
    assert_eq!(d.background[0].reason, "ignored by pattern main.waitFor*");
    assert_eq!(d.background[0].count, 50);
}
