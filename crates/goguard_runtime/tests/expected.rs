//! Every committed real dump against its expected diagnosis
//! (tests/dumps/expected.toml, explained in tests/dumps/README.md): each bug
//! group is accused at its expected confidence or stronger, nothing outside
//! the bugs is accused at certain or high, healthy dumps get no certain or
//! high finding, and repeated snapshots accuse what did not move and spare
//! what ran in between.

use std::collections::BTreeMap;
use std::path::PathBuf;

use goguard_diagnostics::goroutines::Role;
use goguard_diagnostics::Confidence;
use goguard_runtime::analysis::diagnose::{diagnose, Diagnosis, Earlier, Options};
use goguard_runtime::model::Snapshot;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    dump: Vec<Dump>,
    #[serde(default)]
    series: Vec<Series>,
}

#[derive(Deserialize)]
struct Dump {
    file: String,
    healthy: bool,
    #[serde(default)]
    bug: Vec<Bug>,
}

#[derive(Deserialize)]
struct Series {
    files: Vec<String>,
    interval_seconds: f64,
    #[serde(default)]
    bug: Vec<Bug>,
    #[serde(default)]
    innocent: Vec<Bug>,
}

#[derive(Deserialize)]
struct Bug {
    function: String,
    line: u32,
    count: u64,
    #[serde(default)]
    confidence: Option<String>,
}

fn dumps_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/dumps")
}

fn expected() -> Expected {
    let text = std::fs::read_to_string(dumps_dir().join("expected.toml")).unwrap();
    toml::from_str(&text).expect("expected.toml parses")
}

fn snapshot(file: &str) -> Snapshot {
    let parsed = goguard_runtime::parse_file(&dumps_dir().join(file)).unwrap();
    assert_eq!(parsed.snapshots.len(), 1, "{file}: {:?}", parsed.warnings);
    parsed.snapshots.into_iter().next().unwrap()
}

/// Accused goroutines by (blocking function, line): the strongest
/// confidence and how many goroutines.
fn accusations(s: &Snapshot, d: &Diagnosis) -> BTreeMap<(String, u32), (Confidence, u64)> {
    let mut out: BTreeMap<(String, u32), (Confidence, u64)> = BTreeMap::new();
    for f in &d.findings {
        for sub in f.subjects.iter().filter(|s| s.role == Role::Accused) {
            let Some(b) = &d.groups[sub.group].key.blocking_frame else {
                continue;
            };
            let n: u64 = sub.members.iter().map(|&m| s.goroutines[m].count).sum();
            let e = out
                .entry((b.function.clone(), b.line))
                .or_insert((f.confidence, 0));
            e.0 = e.0.min(f.confidence);
            e.1 += n;
        }
    }
    out
}

/// Problems with one diagnosis against its bugs (and innocents).
fn check(
    name: &str,
    s: &Snapshot,
    d: &Diagnosis,
    healthy: bool,
    bugs: &[Bug],
    innocents: &[Bug],
) -> Vec<String> {
    let mut problems = Vec::new();
    let accused = accusations(s, d);
    for bug in bugs {
        let Some(want) = bug.confidence.as_deref().and_then(Confidence::parse) else {
            continue;
        };
        match accused.get(&(bug.function.clone(), bug.line)) {
            Some((got, n)) => {
                if !got.at_least(want) {
                    problems.push(format!(
                        "{name}: {}:{} accused at {} (expected {})",
                        bug.function,
                        bug.line,
                        got.as_str(),
                        want.as_str()
                    ));
                }
                if *n != bug.count {
                    problems.push(format!(
                        "{name}: {}:{} accused {n} goroutines (expected {})",
                        bug.function, bug.line, bug.count
                    ));
                }
            }
            None => problems.push(format!(
                "{name}: {}:{} not accused (expected {})",
                bug.function,
                bug.line,
                want.as_str()
            )),
        }
    }
    for ((function, line), (c, _)) in &accused {
        let is_bug = bugs
            .iter()
            .any(|b| &b.function == function && b.line == *line);
        if (healthy || !is_bug) && c.at_least(Confidence::High) {
            problems.push(format!(
                "{name}: {function}:{line} accused at {} but is not a bug",
                c.as_str()
            ));
        }
        let innocent = innocents
            .iter()
            .any(|b| &b.function == function && b.line == *line);
        if innocent && c.at_least(Confidence::Medium) {
            problems.push(format!(
                "{name}: {function}:{line} ran between the snapshots but is accused at {}",
                c.as_str()
            ));
        }
    }
    problems
}

#[test]
fn every_dump_gets_its_expected_diagnosis() {
    let expected = expected();
    assert!(expected.dump.len() > 100, "expected.toml lists the dumps");
    let mut problems = Vec::new();
    for dump in &expected.dump {
        let s = snapshot(&dump.file);
        let d = diagnose(&s, &Options::default(), None);
        problems.extend(check(&dump.file, &s, &d, dump.healthy, &dump.bug, &[]));
    }
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}

#[test]
fn repeated_snapshots_accuse_what_did_not_move() {
    let expected = expected();
    assert!(!expected.series.is_empty());
    let mut problems = Vec::new();
    for series in &expected.series {
        let snapshots: Vec<Snapshot> = series.files.iter().map(|f| snapshot(f)).collect();
        let (last, before) = snapshots.split_last().unwrap();
        let earlier = before.last().map(|s| Earlier {
            snapshot: s,
            seconds_before: series.interval_seconds,
        });
        let d = diagnose(last, &Options::default(), earlier);
        let name = series.files.join(" + ");
        problems.extend(check(&name, last, &d, false, &series.bug, &series.innocent));
        // The last snapshot alone does not prove what the series does.
        let alone = diagnose(last, &Options::default(), None);
        for bug in &series.bug {
            let accused = accusations(last, &alone);
            let shown = accused
                .get(&(bug.function.clone(), bug.line))
                .is_some_and(|(c, _)| c.at_least(Confidence::Medium));
            if shown {
                problems.push(format!(
                    "{name}: {}:{} is accused at medium from one snapshot; the series \
                     adds nothing",
                    bug.function, bug.line
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}

mod parse_common;

/// The public dumps of the shared corpus are of healthy programs (HTTP
/// servers, test binaries, examples): nothing in them may be accused at
/// certain or high.
#[test]
fn public_dumps_of_healthy_programs_get_no_certain_or_high_finding() {
    let mut diagnosed = 0;
    for path in parse_common::corpus_inputs() {
        let parsed = goguard_runtime::parse_file(&path).unwrap();
        for s in &parsed.snapshots {
            diagnosed += 1;
            let d = diagnose(s, &Options::default(), None);
            for f in &d.findings {
                assert!(
                    !f.confidence.at_least(Confidence::High),
                    "{}: {} {} ({})",
                    path.display(),
                    f.rule.code,
                    f.message,
                    f.confidence.as_str()
                );
            }
        }
    }
    assert!(diagnosed >= 15, "{diagnosed} snapshots");
}
