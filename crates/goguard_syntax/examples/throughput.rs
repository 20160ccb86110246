//! Single-thread parse throughput over every .go file under the given directories
//! (vendor/ and testdata/ skipped): `throughput [-r ROUNDS] DIR...`.

use std::path::Path;
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        if p.is_dir() {
            if name != "vendor" && name != "testdata" {
                collect(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "go") {
            if let Ok(s) = std::fs::read_to_string(&p) {
                out.push(s);
            }
        }
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut rounds = 3;
    if args.first().is_some_and(|a| a == "-r") && args.len() > 1 {
        rounds = args[1].parse().unwrap_or(3);
        args.drain(..2);
    }
    let mut sources = Vec::new();
    for d in &args {
        collect(Path::new(d), &mut sources);
    }
    let bytes: usize = sources.iter().map(String::len).sum();
    let mut best = f64::MAX;
    let mut nodes = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        nodes = 0;
        for s in &sources {
            let f = goguard_syntax::parse_file(s);
            nodes += f.ast().nodes.len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{} files, {:.1} MB, {} nodes: best of {rounds}: {:.3} s = {:.1} MB/s (single thread)",
        sources.len(),
        bytes as f64 / 1e6,
        nodes,
        best,
        bytes as f64 / 1e6 / best
    );
}
