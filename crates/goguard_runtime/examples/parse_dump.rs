//! Parses goroutine dumps and prints a summary per file: snapshots, goroutines, frames,
//! unknown lines, time and throughput. Used by `bench/stacks-speed.sh`.
//!
//! `cargo run --release -p goguard_runtime --example parse_dump -- [--json] FILE...`

use std::time::Instant;

fn main() {
    let mut json = false;
    let mut status = 0;
    for arg in std::env::args().skip(1) {
        if arg == "--json" {
            json = true;
            continue;
        }
        let data = match std::fs::read(&arg) {
            Ok(data) => data,
            Err(err) => {
                eprintln!("{arg}: {err}");
                status = 1;
                continue;
            }
        };
        let start = Instant::now();
        let dump = goguard_runtime::parse::parse_named(&data, &arg);
        let seconds = start.elapsed().as_secs_f64();
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
        let mb = data.len() as f64 / 1e6;
        println!(
            "{arg}: snapshots={} goroutines={goroutines} frames={frames} unknown_lines={} warnings={} \
             bytes={} seconds={seconds:.4} MB/s={:.0}",
            dump.snapshots.len(),
            dump.unknown_lines.len(),
            dump.warnings.len(),
            data.len(),
            mb / seconds.max(1e-9)
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
