//! Bad input never panics the profile, gctrace and race readers, and errors say where:
//! every committed profile, log and report, cut at many points and with bytes changed by a
//! seeded PRNG (so a failure reproduces), must give a result that keeps its promises.
//! The cargo-fuzz targets in fuzz/ (`profile`, `gctrace`, `race`) explore further.

use std::path::{Path, PathBuf};

use goguard_runtime::gctrace::{analyse, runs, Options};
use goguard_runtime::profile::filter::Filter;
use goguard_runtime::profile::growth::{check_heap, growth, Options as GrowthOptions};
use goguard_runtime::profile::top::{top, Granularity, Input, Sort};
use goguard_runtime::profile::{read_profile, ProfileData};
use goguard_runtime::race;

/// xorshift64*: small, seeded, good enough to pick offsets and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn files(dir: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "README.md" && name != "TOOLCHAINS"
        })
        .map(|p| {
            let data = std::fs::read(&p).unwrap();
            (p, data)
        })
        .collect();
    out.sort();
    out
}

/// Cut at `cuts` evenly spread points, and `flips` copies with 1 to 8 bytes changed.
fn variants(data: &[u8], seed: u64, cuts: usize, flips: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for k in 0..cuts {
        out.push(data[..data.len() * k / cuts].to_vec());
    }
    let mut rng = Rng(seed | 1);
    for _ in 0..flips {
        let mut v = data.to_vec();
        if v.is_empty() {
            break;
        }
        for _ in 0..=rng.below(8) {
            let at = rng.below(v.len());
            v[at] = rng.next() as u8;
        }
        out.push(v);
    }
    out
}

/// Whatever a decoded profile is, reading it adds up: the flat values of a top are its
/// samples' total, and a series of it compares with itself.
fn exercise(p: &ProfileData) {
    let value = p.default_index();
    let t = top(
        &[Input {
            profile: p,
            value,
            base: false,
        }],
        Granularity::Functions,
        &Filter::default(),
        Sort::Flat,
    );
    let flat: i64 = t.rows.iter().map(|r| r.flat).fold(0, i64::saturating_add);
    let samples_with_frames: i64 = p
        .samples()
        .filter(|s| !s.locations.is_empty())
        .map(|s| s.values[value])
        .fold(0, i64::saturating_add);
    assert_eq!(flat, samples_with_frames);
    if check_heap(p).is_ok() {
        let report = growth(
            &[("a".into(), p), ("b".into(), p)],
            &GrowthOptions::default(),
        );
        assert!(report.grown().next().is_none());
    }
}

#[test]
fn damaged_profiles_are_errors_with_offsets() {
    for (path, data) in files("profiles") {
        let plain = {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&data[..])
                .read_to_end(&mut out)
                .unwrap();
            out
        };
        exercise(&read_profile(&data).unwrap());
        for (form, input) in [("gzipped", &data), ("plain", &plain)] {
            let seed = input.len() as u64;
            for v in variants(input, seed, 24, 36) {
                match read_profile(&v) {
                    Ok(p) => exercise(&p),
                    Err(e) => {
                        assert!(!e.message.is_empty());
                        let limit = if e.in_gzip { plain.len() } else { v.len() } as u64;
                        assert!(
                            e.offset.is_none_or(|o| o <= limit),
                            "{} ({form}): offset {:?} beyond {limit}: {e}",
                            path.display(),
                            e.offset
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn damaged_gctrace_logs_never_panic() {
    for (path, data) in files("gctrace") {
        for v in variants(&data, data.len() as u64, 30, 60) {
            let log = goguard_runtime::gctrace::parse(&v);
            for c in &log.cycles {
                assert!(c.line >= 1 && c.line <= log.lines, "{}", path.display());
            }
            for d in &log.damaged {
                assert!(
                    d.line >= 1 && d.line <= log.lines.max(1),
                    "{}",
                    path.display()
                );
            }
            for run in runs(&log.cycles) {
                let r = analyse(run, &Options::default());
                assert!(r.first_line <= r.last_line);
            }
        }
    }
}

#[test]
fn damaged_race_reports_never_panic() {
    for (path, data) in files("races") {
        let whole = race::parse(&data);
        for v in variants(&data, data.len() as u64, 30, 60) {
            let log = race::parse(&v);
            for r in &log.reports {
                assert!(r.line >= 1 && r.line <= log.lines, "{}", path.display());
            }
            let counted: usize = race::group(&log).iter().map(|g| g.count).sum();
            let with_access = log
                .reports
                .iter()
                .filter(|r| !r.accesses.is_empty())
                .count();
            assert_eq!(counted, with_access, "{}", path.display());
        }
        // A cut never invents reports.
        for k in 1..10 {
            let cut = race::parse(&data[..data.len() * k / 10]);
            assert!(
                cut.reports.len() <= whole.reports.len(),
                "{}",
                path.display()
            );
        }
    }
}

/// Inputs built to be slow: a profile of one sample with a stack of 100,000 frames, a log
/// of 200,000 almost-collections, a report of 100,000 frames. Checked for their results
/// here; their speed is for benches.
#[test]
fn pathological_inputs_keep_their_results() {
    let mut log = Vec::new();
    for i in 0..200_000 {
        log.extend_from_slice(format!("gc {i} @1.0s 1%: 0.1+0.2+x ms clock\n").as_bytes());
    }
    let parsed = goguard_runtime::gctrace::parse(&log);
    assert!(parsed.cycles.is_empty());
    assert_eq!(parsed.damaged.len(), 200_000);

    let mut report = String::from("WARNING: DATA RACE\nWrite at 0x1 by goroutine 1:\n");
    for i in 0..100_000 {
        report.push_str(&format!("  main.f{i}()\n      /src/m.go:{i} +0x1\n"));
    }
    let parsed = race::parse(report.as_bytes());
    assert_eq!(parsed.reports[0].accesses[0].frames.len(), 100_000);
    assert!(parsed.reports[0].truncated);
}
