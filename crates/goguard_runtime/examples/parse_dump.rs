//! Parses goroutine dumps and prints a summary per file: snapshots, goroutines, frames,
//! unknown lines, time and throughput. Used by `bench/stacks-speed.sh`.
//!
//! `cargo run --release -p goguard_runtime --example parse_dump -- [--json] [--repeat N] [--in-memory] FILE...`
//!
//! Each file is parsed as it is read (`parse_file`, as `goguard stacks` does), and the
//! time covers reading and parsing. `--in-memory` reads the whole file first and times
//! the parse of the bytes alone (`parse_named`). `--repeat N` parses each file N times
//! and reports the fastest run: the first run pays for fresh pages from the kernel, later
//! ones reuse the allocator's memory.

use std::time::Instant;

fn main() {
    let mut json = false;
    let mut repeat = 1u32;
    let mut in_memory = false;
    let mut status = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--json" {
            json = true;
            continue;
        }
        if arg == "--in-memory" {
            in_memory = true;
            continue;
        }
        if arg == "--repeat" {
            repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
            continue;
        }
        let data = if in_memory {
            std::fs::read(&arg)
        } else {
            Ok(Vec::new())
        };
        let (data, bytes) = match (data, std::fs::metadata(&arg)) {
            (Ok(data), Ok(meta)) => (data, meta.len()),
            (Err(err), _) | (_, Err(err)) => {
                eprintln!("{arg}: {err}");
                status = 1;
                continue;
            }
        };
        let mut seconds = f64::MAX;
        let mut cpu_seconds = f64::MAX;
        let mut dump = Default::default();
        for _ in 0..repeat {
            drop(std::mem::take(&mut dump));
            let cpu_start = thread_cpu_seconds();
            let start = Instant::now();
            dump = if in_memory {
                goguard_runtime::parse::parse_named(&data, &arg)
            } else {
                match goguard_runtime::parse::parse_file(std::path::Path::new(&arg)) {
                    Ok(dump) => dump,
                    Err(err) => {
                        eprintln!("{arg}: {err}");
                        status = 1;
                        Default::default()
                    }
                }
            };
            seconds = seconds.min(start.elapsed().as_secs_f64());
            if let (Some(before), Some(after)) = (cpu_start, thread_cpu_seconds()) {
                cpu_seconds = cpu_seconds.min(after - before);
            }
        }
        let dump: goguard_runtime::model::ParsedDump = dump;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&dump).unwrap_or_default()
            );
        }
        let goroutines: u64 = dump
            .snapshots
            .iter()
            .flat_map(|s| &s.goroutines)
            .map(|g| g.count)
            .sum();
        let frames: usize = dump
            .snapshots
            .iter()
            .flat_map(|s| &s.goroutines)
            .map(|g| g.frames.len())
            .sum();
        let mb = bytes as f64 / 1e6;
        println!(
            "{arg}: snapshots={} goroutines={goroutines} frames={frames} unknown_lines={} warnings={} \
             bytes={} seconds={seconds:.4} MB/s={:.0} cpu_seconds={cpu_seconds:.4} cpu_MB/s={:.0}",
            dump.snapshots.len(),
            dump.unknown_lines.len(),
            dump.warnings.len(),
            bytes,
            mb / seconds.max(1e-9),
            mb / cpu_seconds.max(1e-9),
        );
        for warning in dump.warnings.iter().take(5) {
            println!("  warning: {warning}");
        }
        for unknown in dump.unknown_lines.iter().take(5) {
            println!("  unknown line {}: {}", unknown.line, unknown.text);
        }
    }
    std::process::exit(status);
}

/// CPU time of this thread (Linux `/proc/thread-self/schedstat`, nanoseconds on CPU):
/// on a shared machine wall time also counts time spent waiting for a core.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
