//! Loads a tree and prints counts and wall time; with `--dump`, prints one
//! line per directory (`dir<TAB>name<TAB>files…`) for comparing the file
//! selection with `go list`.
//!
//! cargo run -p goguard_semantic --example load_stats -- [--dump] [--files] [--skipped] [--generated] [--no-tests] PATHS…

use std::time::Instant;

use goguard_semantic::load::{load, LoadOptions};

fn main() {
    let mut opts = LoadOptions::default();
    let mut dump = false;
    let mut files_out = false;
    let mut skipped_out = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--dump" => dump = true,
            "--files" => files_out = true,
            "--skipped" => skipped_out = true,
            "--generated" => opts.include_generated = true,
            "--no-tests" => opts.include_tests = false,
            "--no-cgo" => opts.cgo = false,
            "--nested" => opts.nested_modules = true,
            _ => opts.paths.push(a),
        }
    }
    let start = Instant::now();
    let ws = match load(&opts) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let elapsed = start.elapsed();
    if dump {
        let mut by_dir: std::collections::BTreeMap<_, (String, Vec<String>)> = Default::default();
        for p in &ws.packages {
            let e = by_dir.entry(p.dir.clone()).or_default();
            if !p.is_external_test {
                e.0 = p.name.clone();
            } else if e.0.is_empty() {
                // A directory with only external tests: go reports the
                // name without `_test`.
                e.0 = p.name.trim_end_matches("_test").to_string();
            }
            for f in &p.files {
                e.1.push(f.path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
        for (dir, (name, mut files)) in by_dir {
            files.sort();
            println!("{}\t{}\t{}", dir.display(), name, files.join(" "));
        }
    }
    if files_out {
        for f in ws.packages.iter().flat_map(|p| &p.files) {
            println!("{}\t{}\t{}", f.path.display(), f.go_version, f.generated);
        }
    }
    if skipped_out {
        for s in &ws.skipped {
            println!("{}\tskipped {:?}", s.path.display(), s.reason);
        }
    }
    let files: usize = ws.packages.iter().map(|p| p.files.len()).sum();
    let bytes: u64 = ws
        .packages
        .iter()
        .flat_map(|p| &p.files)
        .map(|f| f.size)
        .sum();
    eprintln!(
        "modules {} packages {} files {} ({} MB) skipped {} warnings {} in {:.3}s",
        ws.modules.len(),
        ws.packages.len(),
        files,
        bytes / 1_000_000,
        ws.skipped.len(),
        ws.warnings.len(),
        elapsed.as_secs_f64()
    );
    if std::env::var_os("LOAD_STATS_WARNINGS").is_some() {
        for w in &ws.warnings {
            eprintln!("warning: {w}");
        }
    }
}
