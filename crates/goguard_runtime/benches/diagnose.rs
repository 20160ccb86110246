//! Analysis speed on a 100,000-goroutine debug=2 dump: parse + group + diagnose, and the
//! analysis alone. The dump is generated here (no Go needed), shaped like a busy service:
//! leaked senders, a big select leak, idle pool workers, mutex waiters, idle HTTP
//! connections, sleeping and running goroutines, stacks 4 to 24 frames deep.
//!
//! `cargo bench -p goguard_runtime --bench diagnose`
//!
//! With `GOGUARD_BENCH_DUMP=FILE` it also measures a real dump, e.g. the one written by
//! `bench/bigdump` (`go run ./bench/bigdump -n 100000 -o /tmp/bigdump.txt`).

use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use goguard_runtime::analysis::diagnose::{diagnose, Options};
use goguard_runtime::analysis::group::{group, Level};

const GOROUTINES: u64 = 100_000;

/// (state, innermost frames) of each kind of goroutine in the mix.
const SHAPES: &[(&str, &[&str])] = &[
    ("chan send", &["main.fetchWithTimeout.func1"]),
    (
        "select",
        &["runtime.gopark", "runtime.selectgo", "main.waitForEvent"],
    ),
    (
        "chan receive",
        &[
            "runtime.gopark",
            "runtime.chanrecv",
            "runtime.chanrecv2",
            "main.poolWorker",
        ],
    ),
    (
        "sync.Mutex.Lock",
        &[
            "internal/sync.runtime_SemacquireMutex",
            "internal/sync.(*Mutex).lockSlow",
            "sync.(*Mutex).Lock",
            "main.(*cache).get",
        ],
    ),
    (
        "IO wait",
        &[
            "internal/poll.runtime_pollWait",
            "internal/poll.(*pollDesc).wait",
            "internal/poll.(*FD).Read",
            "net.(*conn).Read",
            "net/http.(*connReader).Read",
            "bufio.(*Reader).fill",
            "net/http.(*conn).serve",
        ],
    ),
    ("sleep", &["time.Sleep", "main.retryLoop"]),
    ("runnable", &["main.crunch", "main.poolWorker"]),
];

fn generate() -> Vec<u8> {
    let mut out = String::with_capacity(40 << 20);
    for id in 1..=GOROUTINES {
        let (state, top) = SHAPES[(id % SHAPES.len() as u64) as usize];
        let wait = if id % 3 == 0 {
            format!(", {} minutes", id % 90)
        } else {
            String::new()
        };
        let _ = writeln!(out, "goroutine {id} [{state}{wait}]:");
        for (i, f) in top.iter().enumerate() {
            let _ = writeln!(
                out,
                "{f}(0x{:x}, 0x{:x})\n\t/build/app/internal/svc/file{i}.go:{} +0x{:x}",
                id * 8,
                i,
                40 + i,
                0x20 + i
            );
        }
        // Callers of varying depth, so groups differ below the blocking frame.
        for depth in 0..(id % 18) {
            let _ = writeln!(
                out,
                "main.layer{depth}(...)\n\t/build/app/internal/svc/layer.go:{}",
                100 + depth
            );
        }
        let _ = writeln!(
            out,
            "created by main.spawn{} in goroutine 1\n\t/build/app/cmd/app/main.go:{} +0x1d\n",
            id % 7,
            20 + id % 7
        );
    }
    out.into_bytes()
}

fn bench(c: &mut Criterion) {
    let dump = generate();
    let parsed = goguard_runtime::parse_bytes(&dump);
    assert_eq!(parsed.snapshots[0].goroutines.len() as u64, GOROUTINES);
    let opts = Options::default();
    let mut g = c.benchmark_group("diagnose_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("parse+group+diagnose", |b| {
        b.iter(|| {
            let parsed = goguard_runtime::parse_bytes(black_box(&dump));
            let s = &parsed.snapshots[0];
            let groups = group(s, Level::Lines);
            let d = diagnose(s, &opts, None);
            black_box((groups.len(), d.findings.len()))
        })
    });
    g.bench_function("group+diagnose", |b| {
        let s = &parsed.snapshots[0];
        b.iter(|| {
            let groups = group(s, Level::Lines);
            let d = diagnose(black_box(s), &opts, None);
            black_box((groups.len(), d.findings.len()))
        })
    });
    if let Some(path) = std::env::var_os("GOGUARD_BENCH_DUMP") {
        let real = std::fs::read(&path).expect("read GOGUARD_BENCH_DUMP");
        g.bench_function("file:parse+group+diagnose", |b| {
            b.iter(|| {
                let parsed = goguard_runtime::parse_bytes(black_box(&real));
                let found: usize = parsed
                    .snapshots
                    .iter()
                    .map(|s| group(s, Level::Lines).len() + diagnose(s, &opts, None).findings.len())
                    .sum();
                black_box(found)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
