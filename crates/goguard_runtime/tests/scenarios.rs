//! Diagnosis of the committed real dumps (tests/dumps/, written by scenarios/).

use std::path::PathBuf;

use goguard_runtime::analysis::diagnose::{diagnose, Diagnosis, Options};
use goguard_runtime::analysis::diff::diff;
use goguard_runtime::analysis::{detect_fatal_deadlock, finding::Finding};
use goguard_runtime::model::ParsedDump;

fn dump_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/dumps")
        .join(name)
}

fn parse(name: &str) -> (ParsedDump, bool) {
    let bytes = std::fs::read(dump_path(name)).unwrap();
    (
        goguard_runtime::parse_bytes(&bytes),
        detect_fatal_deadlock(&bytes),
    )
}

fn diagnose_dump(name: &str) -> Diagnosis {
    let (parsed, fatal) = parse(name);
    assert_eq!(parsed.snapshots.len(), 1, "{name}: {:?}", parsed.warnings);
    diagnose(&parsed.snapshots[0], &Options::default(), fatal)
}

fn codes(d: &Diagnosis) -> Vec<&'static str> {
    d.findings.iter().map(|f| f.code).collect()
}

fn only_finding<'d>(d: &'d Diagnosis, name: &str) -> &'d Finding {
    assert_eq!(d.findings.len(), 1, "{name}: {:#?}", d.findings);
    &d.findings[0]
}

fn blocking(f: &Finding) -> (&str, &str, u32) {
    let b = f.facts.blocking_frame.as_ref().expect("blocking frame");
    (&b.function, &b.file, b.line)
}

fn creator(f: &Finding) -> (&str, u32) {
    let c = f.facts.created_by.as_ref().expect("created by");
    (&c.function, c.line)
}

#[test]
fn abandoned_send_is_one_leak_at_the_go_statement() {
    for name in ["abandoned_send.debug2.txt", "abandoned_send.sigquit.txt"] {
        let d = diagnose_dump(name);
        let f = only_finding(&d, name);
        assert_eq!(f.code, "RT001");
        assert_eq!(f.facts.count, 120, "{name}");
        assert_eq!(f.facts.state, "chan send");
        assert_eq!(
            blocking(f),
            (
                "main.fetchWithTimeout.func1",
                "example.com/goguard/scenarios/leaks.go",
                21
            )
        );
        assert_eq!(creator(f), ("main.fetchWithTimeout", 20));
        assert!(f.why.contains("all created at leaks.go:20"), "{}", f.why);
    }
}

#[test]
fn range_over_unclosed_channel() {
    let d = diagnose_dump("range_unclosed.debug2.txt");
    let f = only_finding(&d, "range_unclosed");
    assert_eq!((f.code, f.facts.count), ("RT001", 40));
    assert_eq!(blocking(f).0, "main.consumeUpdates");
    assert_eq!(f.facts.state, "chan receive");
}

#[test]
fn mutex_ab_ba_is_a_lock_deadlock() {
    let d = diagnose_dump("mutex_deadlock.debug2.txt");
    let f = only_finding(&d, "mutex_deadlock");
    assert_eq!((f.code, f.name), ("RT002", "lock-deadlock"));
    assert_eq!(f.involved.iter().map(|g| g.count).sum::<u64>(), 2);
    assert_eq!(blocking(f).0, "main.transfer");
}

#[test]
fn waitgroup_never_done() {
    let d = diagnose_dump("waitgroup_never_done.debug2.txt");
    let f = only_finding(&d, "waitgroup");
    assert_eq!((f.code, f.facts.count), ("RT001", 15));
    assert_eq!(blocking(f).0, "main.runBatch");
    assert_eq!(f.facts.state, "sync.WaitGroup.Wait");
}

#[test]
fn many_leaked_copies_in_select() {
    let d = diagnose_dump("many_leaked.debug2.txt");
    let f = only_finding(&d, "many_leaked");
    assert_eq!((f.code, f.facts.count), ("RT001", 500));
    assert_eq!(blocking(f).0, "main.waitForEvent");
    assert_eq!(creator(f).0, "main.manyLeaked");
}

#[test]
fn cond_wait_without_signal() {
    let d = diagnose_dump("cond_wait.debug2.txt");
    let f = only_finding(&d, "cond_wait");
    assert_eq!((f.code, f.facts.count), ("RT001", 12));
    assert_eq!(blocking(f).0, "main.(*gate).waitOpen");
}

#[test]
fn nil_channel_receive() {
    let d = diagnose_dump("nil_channel.debug2.txt");
    let f = only_finding(&d, "nil_channel");
    assert_eq!((f.code, f.facts.count), ("RT001", 3));
    assert_eq!(f.facts.state, "chan receive (nil chan)");
    assert_eq!(blocking(f).0, "main.(*pipeline).drain");
}

#[test]
fn healthy_ticker_and_http_idle_have_no_suspects() {
    for name in [
        "healthy.debug2.txt",
        "ticker.debug2.txt",
        "http_idle.debug2.txt",
        "http_idle.sigquit.txt",
        "healthy.debug1.txt",
        "healthy.debug0.pb.gz",
        "http_idle.debug1.txt",
    ] {
        let d = diagnose_dump(name);
        assert!(d.findings.is_empty(), "{name}: {:#?}", d.findings);
    }
}

#[test]
fn http_idle_server_goroutines_are_background() {
    let d = diagnose_dump("http_idle.debug2.txt");
    let reasons: Vec<&str> = d.background.iter().map(|b| b.reason.as_str()).collect();
    assert!(
        reasons.contains(&"net/http server accept loop"),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"net/http idle server connection"),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"net/http idle client connection"),
        "{reasons:?}"
    );
}

#[test]
fn whole_program_deadlock_crash() {
    let d = diagnose_dump("deadlock.crash.txt");
    assert_eq!(codes(&d), vec!["RT004"]);
    assert_eq!(d.findings[0].involved.len(), 2);
}

#[test]
fn growth_between_100_and_400_requests() {
    for ext in ["debug2.txt", "debug1.txt", "debug0.pb.gz"] {
        let (a, _) = parse(&format!("growth_100.{ext}"));
        let (b, _) = parse(&format!("growth_400.{ext}"));
        let report = diff(
            &[
                ("100".into(), &a.snapshots[0]),
                ("400".into(), &b.snapshots[0]),
            ],
            &[],
            None,
        );
        let top = &report.grown[0];
        assert_eq!(top.counts, vec![100, 400], "{ext}");
        assert_eq!(top.change, 300);
        assert_eq!(
            top.blocking_frame.as_ref().unwrap().function,
            "main.fetchWithTimeout.func1"
        );
        assert_eq!(report.max_foreground_growth(), 300);
    }
}

#[test]
fn protobuf_profiles_carry_runtime_frames_so_kinds_resolve() {
    let d = diagnose_dump("abandoned_send.debug0.pb.gz");
    let f = only_finding(&d, "abandoned_send.debug0");
    assert_eq!((f.code, f.facts.count), ("RT001", 120));
    assert_eq!(f.facts.state, "chan send");
    let d = diagnose_dump("many_leaked.debug0.pb.gz");
    assert_eq!(only_finding(&d, "many_leaked.debug0").facts.count, 500);
    let d = diagnose_dump("mutex_deadlock.debug0.pb.gz");
    assert_eq!(only_finding(&d, "mutex_deadlock.debug0").code, "RT002");
}

/// debug=1 prints neither states nor runtime frames: the group is seen, its kind is not,
/// so it is listed but not called a leak (use `diff` on such profiles).
#[test]
fn debug1_groups_without_kinds_are_listed_not_diagnosed() {
    let d = diagnose_dump("many_leaked.debug1.txt");
    assert!(d.findings.is_empty());
    assert_eq!(d.groups[0].count, 500);
}

/// The SIGQUIT variant is sent from outside the process, as `kill -QUIT` would: main is
/// parked waiting for a shutdown signal, the signal goroutines are background, so nobody
/// can release the locks.
#[test]
fn sigquit_mutex_dump_from_outside_is_a_lock_deadlock() {
    let d = diagnose_dump("mutex_deadlock.sigquit.txt");
    let f = only_finding(&d, "mutex_deadlock.sigquit");
    assert_eq!((f.code, f.name), ("RT002", "lock-deadlock"));
    assert_eq!(f.involved.iter().map(|g| g.count).sum::<u64>(), 2);
    assert_eq!(blocking(f).0, "main.transfer");
}

/// The public corpus (shared/corpus/dumps beside the repository, as in CI, or the
/// directory in GOGUARD_CORPUS; skipped when absent): goleak's HTTP server+client dumps
/// and the other HTTP samples must yield no suspect.
#[test]
fn public_corpus_http_dumps_have_no_suspects() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Some(corpus) = std::env::var_os("GOGUARD_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/corpus/dumps")])
        .find(|p| p.is_dir())
    else {
        eprintln!("public corpus not found; skipped");
        return;
    };
    for name in [
        "goleak/http.txt",
        "goleak/http.go1.20.txt",
        "goleak/http.tracebackancestors.txt",
        "gostackparse/waitsince.txt",
        "go-profiler-notes/2.runtime.stack.txt",
        "go-profiler-notes/2.pprof.lookup.goroutine.debug0.pb.gz",
    ] {
        let parsed = goguard_runtime::parse_file(&corpus.join(name)).unwrap();
        for s in &parsed.snapshots {
            let d = diagnose(s, &Options::default(), false);
            assert!(d.findings.is_empty(), "{name}: {:#?}", d.findings);
            assert!(
                d.background
                    .iter()
                    .any(|b| b.reason.starts_with("net/http")),
                "{name}: {:?}",
                d.background
            );
        }
    }
}
