//! Speed of the heap profile, gctrace and race report readers.
//!
//! `GOGUARD_BENCH_HEAP` names a large heap profile (`bench/heap-speed.sh` makes one with
//! bench/bigheap); without it, the committed heap.3.pb.gz stands in. The gctrace log and
//! race report are the committed ones, repeated to about 10 MB.
//!
//! `cargo bench -p goguard_runtime --bench memory`

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use goguard_runtime::profile::filter::Filter;
use goguard_runtime::profile::growth::{growth, Options};
use goguard_runtime::profile::read_profile;
use goguard_runtime::profile::top::{top, Granularity, Input, Sort};

fn committed(dir: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn heap_profile() -> (String, Vec<u8>) {
    match std::env::var("GOGUARD_BENCH_HEAP") {
        Ok(path) => (
            "large".to_string(),
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        ),
        Err(_) => {
            eprintln!("GOGUARD_BENCH_HEAP not set: using the committed heap.3.pb.gz (small)");
            ("heap.3".to_string(), committed("profiles", "heap.3.pb.gz"))
        }
    }
}

fn repeated(data: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + data.len());
    while out.len() < size {
        out.extend_from_slice(data);
    }
    out
}

fn bench_heap(c: &mut Criterion) {
    let (name, data) = heap_profile();
    let profile = read_profile(&data).unwrap();
    let value = profile.default_index();
    let mut group = c.benchmark_group("heap");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function(format!("{name}/read"), |b| {
        b.iter_with_large_drop(|| read_profile(std::hint::black_box(&data)).unwrap())
    });
    group.bench_function(format!("{name}/top"), |b| {
        b.iter(|| {
            top(
                &[Input {
                    profile: &profile,
                    value,
                    base: false,
                }],
                Granularity::Functions,
                &Filter::default(),
                Sort::Flat,
            )
        })
    });
    group.bench_function(format!("{name}/growth of two"), |b| {
        b.iter(|| {
            growth(
                &[("a".into(), &profile), ("b".into(), &profile)],
                &Options::default(),
            )
        })
    });
    group.finish();
}

fn bench_text(c: &mut Criterion) {
    let gc = repeated(&committed("gctrace", "storm.log"), 10 << 20);
    let race = repeated(&committed("races", "go_test_race.txt"), 10 << 20);
    let mut group = c.benchmark_group("text");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(gc.len() as u64));
    group.bench_function("gctrace parse", |b| {
        b.iter(|| goguard_runtime::gctrace::parse(std::hint::black_box(&gc)))
    });
    group.throughput(Throughput::Bytes(race.len() as u64));
    group.bench_function("race parse + group", |b| {
        b.iter(|| {
            let log = goguard_runtime::race::parse(std::hint::black_box(&race));
            goguard_runtime::race::group(&log)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_heap, bench_text);
criterion_main!(benches);
