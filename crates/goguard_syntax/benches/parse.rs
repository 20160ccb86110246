//! Single-threaded parse throughput on a real Go tree.
//!
//! The tree is `$GOGUARD_BENCH_TREE`, else the Go standard library (`go env GOROOT`/src),
//! else the parser's test inputs. `vendor/` and `testdata/` directories are skipped, as
//! `goguard debug parse` does by default. To keep a run to a few seconds, files are
//! sampled evenly across the tree up to `$GOGUARD_BENCH_MAX_BYTES` (default 8 MB; 0 = all).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use goguard_syntax::parse_file;

const DEFAULT_MAX_BYTES: usize = 8_000_000;

fn bench_tree() -> PathBuf {
    if let Some(tree) = std::env::var_os("GOGUARD_BENCH_TREE") {
        return PathBuf::from(tree);
    }
    let goroot = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|root| !root.is_empty());
    match goroot {
        Some(root) => Path::new(&root).join("src"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata"),
    }
}

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            // The explicit fallback tree is the test inputs, so testdata/ is only
            // skipped below the root.
            if !(name.starts_with('.') || name == "vendor" || name == "testdata") {
                go_files(&path, out);
            }
        } else if kind.is_file() && name.ends_with(".go") {
            out.push(path);
        }
    }
}

/// UTF-8 sources sampled evenly over the sorted file list, at most `max_bytes` in all.
fn load_sources(tree: &Path, max_bytes: usize) -> Vec<String> {
    let mut paths = Vec::new();
    if tree.ends_with("testdata") {
        go_files(&tree.join("valid"), &mut paths);
        go_files(&tree.join("errors"), &mut paths);
    } else {
        go_files(tree, &mut paths);
    }
    paths.sort();
    let sources: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|bytes| String::from_utf8(bytes).ok())
        .collect();
    let total: usize = sources.iter().map(String::len).sum();
    if max_bytes == 0 || total <= max_bytes {
        return sources;
    }
    let stride = total.div_ceil(max_bytes);
    sources.into_iter().step_by(stride).collect()
}

fn parse_throughput(c: &mut Criterion) {
    let tree = bench_tree();
    let max_bytes = std::env::var("GOGUARD_BENCH_MAX_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAX_BYTES);
    let sources = load_sources(&tree, max_bytes);
    assert!(!sources.is_empty(), "no .go files under {}", tree.display());
    let bytes: usize = sources.iter().map(String::len).sum();
    eprintln!(
        "parse bench: {} files, {bytes} bytes from {}",
        sources.len(),
        tree.display()
    );

    let mut group = c.benchmark_group("parse_file");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("tree", |b| {
        b.iter(|| {
            let mut errors = 0;
            for source in &sources {
                errors += parse_file(std::hint::black_box(source)).errors().len();
            }
            errors
        })
    });
    group.finish();
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
