//! Parser throughput (bytes per second) on a large real dump.
//!
//! The dump is made by `bench/bigdump` (100,000 goroutines by default) and not committed:
//! `bench/stacks-speed.sh` generates it, or point `GOGUARD_BENCH_DUMP` at any dump.
//! Without one, the committed samples are concatenated as a small stand-in.
//!
//! `cargo bench -p goguard_runtime --bench parse` (groups `parse_bytes`: a slice in
//! memory; `parse_reader`: the same bytes read in chunks)

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn load(name: &str) -> Vec<u8> {
    std::fs::read(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    if let Ok(path) = std::env::var("GOGUARD_BENCH_DUMP") {
        inputs.push(("bigdump".to_string(), load(&path)));
    } else {
        eprintln!("GOGUARD_BENCH_DUMP not set: using the committed samples (small)");
        let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
        let text: Vec<u8> = [
            "go126_stack.txt",
            "go126_panic_system.txt",
            "go126_sigquit_crash.txt",
        ]
        .iter()
        .flat_map(|name| load(&samples.join(name).display().to_string()))
        .collect();
        inputs.push(("samples".to_string(), text));
    }
    if let Ok(path) = std::env::var("GOGUARD_BENCH_DEBUG1") {
        inputs.push(("bigdump-debug1".to_string(), load(&path)));
    }
    inputs
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_bytes");
    group.sample_size(10);
    for (name, data) in inputs() {
        group.throughput(Throughput::Bytes(data.len() as u64));
        // Dropping the parsed model (millions of frames) is the caller's cost, not the
        // parser's: keep it out of the timing.
        group.bench_function(&name, |b| {
            b.iter_with_large_drop(|| goguard_runtime::parse_bytes(std::hint::black_box(&data)))
        });
    }
    group.finish();
    // The same bytes through a reader, as files and standard input are parsed: copied
    // in chunks and cut at line ends (no file system in the timing).
    let mut group = c.benchmark_group("parse_reader");
    group.sample_size(10);
    for (name, data) in inputs() {
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(&name, |b| {
            b.iter_with_large_drop(|| {
                goguard_runtime::parse::parse_reader(std::hint::black_box(&data[..]), "input")
            })
        });
    }
    group.finish();
}

/// Inputs that would expose quadratic work: they must parse in time linear in their size
/// (the robustness tests check their results).
fn pathological() -> Vec<(&'static str, Vec<u8>)> {
    let mut prefixed = vec![b'p'; 1 << 20];
    prefixed.extend(b"goroutine 1 [running]:\n");
    for _ in 0..20 {
        prefixed.extend(std::iter::repeat_n(b'p', 1 << 20));
        prefixed.extend(b"main.f()\n");
    }
    let headers: Vec<u8> = (0..200_000)
        .flat_map(|i| format!("goroutine {i} [running]:\n").into_bytes())
        .collect();
    let unknown: Vec<u8> = [
        &b"goroutine 1 [running]:\n"[..],
        &std::iter::repeat_n(&b"???\n"[..], 500_000)
            .flatten()
            .copied()
            .collect::<Vec<u8>>(),
    ]
    .concat();
    vec![
        ("10 MB line", vec![b'x'; 10 << 20]),
        ("1 MB log prefix", prefixed),
        ("1M empty lines", vec![b'\n'; 1_000_000]),
        ("200k headers", headers),
        ("500k unknown lines", unknown),
    ]
}

fn bench_pathological(c: &mut Criterion) {
    let mut group = c.benchmark_group("pathological");
    group.sample_size(10);
    for (name, data) in pathological() {
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(name, |b| {
            b.iter_with_large_drop(|| goguard_runtime::parse_bytes(std::hint::black_box(&data)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_parse, bench_pathological);
criterion_main!(benches);
