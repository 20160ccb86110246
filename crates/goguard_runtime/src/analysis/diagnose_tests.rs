//! Unit tests of the diagnosis on constructed models. The same rules on real
//! dumps are tested in tests/scenarios.rs.

use goguard_diagnostics::goroutines::Role;
use goguard_diagnostics::Confidence;

use super::*;
use crate::analysis::testutil::{created_by, goroutine, snapshot};
use crate::model::{DumpCause, Goroutine, ProfileKind};

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

fn accept_loop() -> Goroutine {
    goroutine(
        2,
        "IO wait",
        &[
            "internal/poll.runtime_pollWait",
            "net.(*netFD).accept",
            "net/http.(*Server).Serve",
            "main.serve",
        ],
    )
}

fn run(gs: Vec<Goroutine>) -> Diagnosis {
    diagnose(&snapshot(gs), &Options::default(), None)
}

fn accused_ids(d: &Diagnosis, s: &Snapshot, finding: usize) -> Vec<u64> {
    let mut ids: Vec<u64> = d.findings[finding]
        .accused_members()
        .filter_map(|m| s.goroutines[m].id)
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn nil_channels_are_certain_whatever_the_count() {
    let mut gs = copies(1, 10, "chan receive (nil chan)", "main.drain", 7);
    gs.push(accept_loop());
    let d = run(gs);
    assert_eq!(d.findings.len(), 1);
    let f = &d.findings[0];
    assert_eq!((f.rule.code, f.confidence), ("RT001", Confidence::Certain));
    assert!(
        f.message
            .starts_with("1 goroutine blocked forever in chan receive (nil chan)"),
        "{}",
        f.message
    );
}

#[test]
fn leak_marks_are_certain_and_split_by_rule() {
    let mut chan = goroutine(7, "chan send", &["main.sender"]);
    chan.flags.push("leaked".into());
    let mut lock = goroutine(8, "sync.Mutex.Lock", &["sync.(*Mutex).Lock", "main.handle"]);
    lock.flags.push("leaked".into());
    let healthy = goroutine(9, "chan send", &["main.sender"]);
    let s = snapshot(vec![chan, lock, healthy, accept_loop()]);
    let d = diagnose(&s, &Options::default(), None);
    let codes: Vec<(&str, Confidence)> = d
        .findings
        .iter()
        .map(|f| (f.rule.code, f.confidence))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("RT002", Confidence::Certain),
            ("RT001", Confidence::Certain)
        ]
    );
    // The unmarked goroutine at the same line is not accused.
    assert_eq!(accused_ids(&d, &s, 1), vec![7]);
}

#[test]
fn every_record_of_a_leak_profile_is_certain() {
    let mut s = snapshot(vec![]);
    for (count, func) in [(3, "main.a"), (1, "main.b")] {
        let mut g = goroutine(0, "", &["runtime.gopark", "runtime.chanrecv1", func]);
        g.id = None;
        g.count = count;
        s.goroutines.push(g);
    }
    s.profile = ProfileKind::GoroutineLeak;
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 2);
    assert!(d
        .findings
        .iter()
        .all(|f| f.confidence == Confidence::Certain));
}

#[test]
fn runtime_deadlock_message_is_certain() {
    let mut s = snapshot(vec![
        goroutine(
            1,
            "semacquire",
            &[
                "sync.runtime_Semacquire",
                "sync.(*WaitGroup).Wait",
                "main.main",
            ],
        ),
        goroutine(5, "chan receive", &["main.main.func1"]),
    ]);
    s.cause = Some(DumpCause::AllGoroutinesAsleep { line: 1 });
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 1);
    let f = &d.findings[0];
    assert_eq!((f.rule.code, f.confidence), ("RT004", Confidence::Certain));
    assert_eq!(accused_ids(&d, &s, 0), vec![1, 5]);
}

#[test]
fn quiescence_accuses_waits_only_a_partner_can_end() {
    let mut gs = vec![dump_writer()];
    gs.push(goroutine(
        3,
        "sync.WaitGroup.Wait",
        &["sync.(*WaitGroup).Wait", "main.collect"],
    ));
    gs.extend(copies(2, 10, "chan receive", "main.worker", 9));
    let s = snapshot(gs);
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    let f = &d.findings[0];
    assert_eq!((f.rule.code, f.confidence), ("RT004", Confidence::High));
    assert_eq!(accused_ids(&d, &s, 0), vec![3]);
    let involved: Vec<&crate::analysis::finding::Subject> = f
        .subjects
        .iter()
        .filter(|s| s.role == Role::Involved)
        .collect();
    assert_eq!(involved.len(), 1);
    assert_eq!(involved[0].members.len(), 2);
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("goroutine writing the dump (1)")));
}

#[test]
fn a_listening_server_is_progress() {
    let mut gs = vec![dump_writer(), accept_loop()];
    gs.push(goroutine(
        3,
        "sync.WaitGroup.Wait",
        &["sync.(*WaitGroup).Wait", "main.main"],
    ));
    assert!(run(gs).findings.is_empty());
}

#[test]
fn a_signal_listener_is_not_progress() {
    let mut gs = vec![dump_writer()];
    gs.push(goroutine(
        4,
        "syscall",
        &["os/signal.signal_recv", "os/signal.loop"],
    ));
    gs.push(goroutine(
        3,
        "sync.WaitGroup.Wait",
        &["sync.(*WaitGroup).Wait", "main.collect"],
    ));
    gs.push(goroutine(5, "chan receive", &["main.waitForSignal"]));
    let d = run(gs);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].confidence, Confidence::High);
    assert!(d.findings[0]
        .evidence
        .iter()
        .any(|e| e.contains("os/signal")));
}

#[test]
fn a_fan_out_waiting_for_workers_in_select_is_only_medium() {
    // The coordinator waits for the workers it started; they wait in a select that
    // a timer may end (errgroup fan-out in flight): fresh, that proves nothing.
    let mut coordinator = goroutine(
        3,
        "sync.WaitGroup.Wait",
        &["sync.(*WaitGroup).Wait", "main.fetchAll"],
    );
    coordinator.creator_id = Some(1);
    let workers: Vec<Goroutine> = (10..14)
        .map(|id| {
            let mut w = created_by(
                goroutine(id, "select", &["main.fetchShard"]),
                "main.fetchAll",
                "/src/app/main.go",
                30,
            );
            w.creator_id = Some(3);
            w
        })
        .collect();
    let mut gs = vec![dump_writer(), coordinator.clone()];
    gs.extend(workers.clone());
    let d = run(gs);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].confidence, Confidence::Medium);
    // Workers parked for minutes: no timer came; high.
    let mut gs = vec![dump_writer(), coordinator];
    gs.extend(workers.into_iter().map(|mut w| {
        w.wait_minutes = Some(4);
        w
    }));
    assert_eq!(run(gs).findings[0].confidence, Confidence::High);
}

#[test]
fn hung_test_with_only_receivers_is_medium() {
    let alarm = goroutine(20, "running", &["testing.(*M).startAlarm.func1"]);
    let gs = vec![alarm, goroutine(7, "chan receive", &["main.TestX.func1"])];
    let mut s = snapshot(gs.clone());
    s.cause = Some(DumpCause::TestTimeout {
        seconds: 30.0,
        line: 1,
    });
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(
        (d.findings[0].rule.code, d.findings[0].confidence),
        ("RT004", Confidence::Medium)
    );
    // Without the timeout nothing says the receive will not be served by a timer.
    assert!(diagnose(&snapshot(gs), &Options::default(), None)
        .findings
        .is_empty());
}

fn lock_waiter(id: u64, waits: &str, args: &str) -> Goroutine {
    let mut g = goroutine(
        id,
        "sync.Mutex.Lock",
        &[
            "internal/sync.runtime_SemacquireMutex",
            "internal/sync.(*Mutex).lockSlow",
            "sync.(*Mutex).Lock",
            "main.transfer",
        ],
    );
    g.set_args(0, "0x1?, 0x0?, 0x19?");
    g.set_args(1, waits);
    g.set_args(3, args);
    g
}

#[test]
fn lock_cycles_from_argument_addresses() {
    let a = lock_waiter(7, "0xc0000a41d0", "0xc0000a41c0, 0xc0000a41d0, 0xa");
    let b = lock_waiter(8, "0xc0000a41c0", "0xc0000a41d0, 0xc0000a41c0, 0x14");
    let busy = goroutine(9, "running", &["main.compute"]);
    // Fresh dump, something else runs: a cycle, but medium.
    let s = snapshot(vec![a.clone(), b.clone(), busy.clone()]);
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    assert_eq!(
        (d.findings[0].rule.code, d.findings[0].confidence),
        ("RT002", Confidence::Medium)
    );
    assert_eq!(accused_ids(&d, &s, 0), vec![7, 8]);
    // Waited a minute: high.
    let (mut a1, mut b1) = (a.clone(), b.clone());
    a1.wait_minutes = Some(3);
    b1.wait_minutes = Some(3);
    let d = run(vec![a1, b1, busy.clone()]);
    assert_eq!(d.findings[0].confidence, Confidence::High);
    // Two goroutines waiting for the same lock hold nothing of each other.
    let c = lock_waiter(8, "0xc0000a41d0", "0xc0000a41c0, 0xc0000a41d0, 0x14");
    let d = run(vec![a, c, busy]);
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
}

fn sender(id: u64, creator_id: u64) -> Goroutine {
    let mut g = created_by(
        goroutine(id, "chan send", &["main.fetch.func1"]),
        "main.fetch",
        "/src/app/fetch.go",
        20,
    );
    g.creator_id = Some(creator_id);
    g
}

#[test]
fn orphaned_senders_are_medium() {
    let main_elsewhere = goroutine(1, "running", &["main.serveLoop", "main.main"]);
    let s = snapshot(vec![
        sender(10, 1),
        sender(11, 1),
        main_elsewhere,
        accept_loop(),
    ]);
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(
        (d.findings[0].rule.code, d.findings[0].confidence),
        ("RT001", Confidence::Medium)
    );
    assert_eq!(accused_ids(&d, &s, 0), vec![10, 11]);
    // The creating call is still running: it may yet receive.
    let main_in_fetch = goroutine(1, "select", &["main.fetch", "main.main"]);
    assert!(run(vec![sender(10, 1), main_in_fetch, accept_loop()])
        .findings
        .is_empty());
    // A sibling from the same `go` statement is working: a busy pipeline.
    let mut sibling = sender(12, 1);
    sibling.state = "running".into();
    let main_elsewhere = goroutine(1, "running", &["main.serveLoop", "main.main"]);
    assert!(
        run(vec![sender(10, 1), sibling, main_elsewhere, accept_loop()])
            .findings
            .is_empty()
    );
}

#[test]
fn goroutines_unmoved_across_snapshots() {
    let mut before = sender(10, 1);
    before.wait_minutes = Some(2);
    let mut after = before.clone();
    after.wait_minutes = Some(7);
    let mut idle_before = created_by(
        goroutine(20, "chan receive", &["main.worker"]),
        "main.start",
        "/src/app/main.go",
        5,
    );
    idle_before.wait_minutes = Some(1);
    let mut idle_after = idle_before.clone();
    idle_after.wait_minutes = Some(6);
    // A goroutine the runtime started (main) waiting for a shutdown signal: never
    // accused however long it waits.
    let mut shutdown_before = goroutine(30, "chan receive", &["main.waitForShutdown"]);
    shutdown_before.wait_minutes = Some(2);
    let mut shutdown_after = shutdown_before.clone();
    shutdown_after.wait_minutes = Some(7);
    let mut worked = goroutine(21, "chan receive", &["main.worker"]);
    worked.frames[0].line = 77;
    let mut worked_after = worked.clone();
    worked_after.wait_minutes = Some(1); // ran since the first snapshot
    let creator = goroutine(1, "select", &["main.fetch", "main.main"]);
    let first = snapshot(vec![
        before,
        idle_before,
        worked,
        creator.clone(),
        shutdown_before,
        accept_loop(),
    ]);
    let second = snapshot(vec![
        after,
        idle_after,
        worked_after,
        creator,
        shutdown_after,
        accept_loop(),
    ]);
    let earlier = Earlier {
        snapshot: &first,
        seconds_before: 300.0,
    };
    let d = diagnose(&second, &Options::default(), Some(earlier));
    let found: Vec<(Vec<u64>, Confidence)> = (0..d.findings.len())
        .map(|i| (accused_ids(&d, &second, i), d.findings[i].confidence))
        .collect();
    assert_eq!(
        found,
        vec![
            (vec![10], Confidence::Medium),
            (vec![20], Confidence::Medium)
        ]
    );
}

#[test]
fn thresholds_are_low_and_spare_idle_pools() {
    let mut gs = copies(500, 10, "select", "main.waitForEvent", 42);
    gs.extend(copies(20, 1000, "chan receive", "main.worker", 30));
    let mut busy = copies(1, 2000, "running", "main.worker", 30);
    busy[0].frames[1].line = 99;
    gs.extend(busy);
    gs.push(accept_loop());
    let s = snapshot(gs);
    let d = diagnose(&s, &Options::default(), None);
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    assert_eq!(d.findings[0].confidence, Confidence::Low);
    assert_eq!(d.findings[0].accused_members().count(), 500);
}

#[test]
fn empty_select_outside_main() {
    let in_main = goroutine(1, "select (no cases)", &["main.main"]);
    let elsewhere = goroutine(7, "select (no cases)", &["main.park"]);
    let d = run(vec![in_main, elsewhere, accept_loop()]);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].confidence, Confidence::Medium);
}

#[test]
fn each_goroutine_is_reported_once_with_its_strongest_evidence() {
    let mut nil = goroutine(7, "chan send (nil chan)", &["main.f"]);
    nil.flags.push("leaked".into());
    let d = run(vec![nil, dump_writer()]);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].confidence, Confidence::Certain);
    assert!(d.findings[0].evidence[0].contains("leak detector"));
}

#[test]
fn a_module_without_a_dot_is_not_the_standard_library() {
    // A handler of `module myservice` stuck under net/http is not an idle connection.
    let g = goroutine(
        3,
        "chan send (nil chan)",
        &[
            "myservice/internal/api.(*Server).handle",
            "net/http.HandlerFunc.ServeHTTP",
            "net/http.(*conn).serve",
        ],
    );
    let d = run(vec![g, accept_loop()]);
    assert_eq!(d.findings.len(), 1);
}
