//! The expected diagnosis of every real heap profile series, gctrace log and race report
//! under tests/profiles, tests/gctrace and tests/races (written by
//! scenarios/regenerate-memory.sh; each directory's README says what the programs did).
//! Both directions: what is expected is found, and nothing else is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use goguard_runtime::gctrace::{analyse, runs, Options, Problem};
use goguard_runtime::profile::growth::{growth, Options as GrowthOptions};
use goguard_runtime::profile::site::Hazard;
use goguard_runtime::profile::{read_profile, ProfileData};
use goguard_runtime::race::{group, parse};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

fn profile(name: &str) -> ProfileData {
    let path = dir("profiles").join(name);
    read_profile(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// (function of the site, hazard) of every site that grew, and whether each never shrank.
fn grown(names: &[&str]) -> BTreeSet<(String, Option<Hazard>, bool)> {
    let profiles: Vec<ProfileData> = names.iter().map(|n| profile(n)).collect();
    let series: Vec<(String, &ProfileData)> = names
        .iter()
        .zip(&profiles)
        .map(|(n, p)| (n.to_string(), p))
        .collect();
    growth(&series, &GrowthOptions::default())
        .grown()
        .map(|g| (g.series.site.function.clone(), g.series.hazard, g.monotonic))
        .collect()
}

#[test]
fn the_leaky_service_grows_at_its_four_leaks_and_nowhere_else() {
    let expected: BTreeSet<(String, Option<Hazard>, bool)> = [
        // 64 KiB buffers kept through 32-byte sub-slices.
        ("main.(*service).keepHeader", Some(Hazard::LargeBuffers)),
        // The pool's New function: buffers taken and never put back.
        ("main.init.func1", Some(Hazard::PoolNew)),
        // A map only ever inserted into (its buckets and values at the insert's line).
        ("main.(*service).remember", None),
        // A bytes.Buffer never reset.
        ("main.(*service).logAudit", Some(Hazard::BufferGrowth)),
        // A strings.Builder never reset.
        ("main.(*service).summarize", Some(Hazard::BuilderGrowth)),
    ]
    .into_iter()
    .map(|(f, h)| (f.to_string(), h, true))
    .collect();
    assert_eq!(
        grown(&["heap.1.pb.gz", "heap.2.pb.gz", "heap.3.pb.gz"]),
        expected
    );
}

#[test]
fn the_healthy_service_does_not_grow() {
    assert_eq!(
        grown(&["healthy.1.pb.gz", "healthy.2.pb.gz", "healthy.3.pb.gz"]),
        BTreeSet::new()
    );
}

#[test]
fn pool_sites_name_the_code_that_keeps_the_objects() {
    let p: Vec<ProfileData> = ["heap.1.pb.gz", "heap.3.pb.gz"]
        .iter()
        .map(|n| profile(n))
        .collect();
    let report = growth(
        &[("a".into(), &p[0]), ("b".into(), &p[1])],
        &GrowthOptions::default(),
    );
    let pool = report
        .grown()
        .find(|g| g.series.hazard == Some(Hazard::PoolNew))
        .unwrap();
    assert_eq!(
        pool.series.pool_get_caller.as_ref().unwrap().function,
        "main.(*service).borrow"
    );
    let buffer = report
        .grown()
        .find(|g| g.series.hazard == Some(Hazard::BufferGrowth))
        .unwrap();
    assert_eq!(
        buffer.series.allocated_in.as_ref().unwrap().function,
        "bytes.growSlice"
    );
    // Profiles carry their times: a rate.
    assert!(report.seconds.is_some_and(|s| s > 0.5));
}

/// The kinds of problem in a gctrace log.
fn problems(name: &str) -> Vec<&'static str> {
    let data = std::fs::read(dir("gctrace").join(name)).unwrap();
    let log = goguard_runtime::gctrace::parse(&data);
    assert!(log.damaged.is_empty(), "{name}: {:?}", log.damaged);
    assert!(!log.cycles.is_empty(), "{name}");
    let mut kinds: Vec<&'static str> = runs(&log.cycles)
        .into_iter()
        .flat_map(|r| analyse(r, &Options::default()).problems)
        .map(|p| match p {
            Problem::Storm { .. } => "storm",
            Problem::HeapGrowth { .. } => "heap growth",
            Problem::GcCpu { .. } => "gc cpu",
            Problem::LongPauses { .. } => "long pauses",
            Problem::Forced { .. } => "forced",
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

#[test]
fn gctrace_logs_of_every_workload() {
    assert_eq!(problems("healthy.log"), Vec::<&str>::new());
    assert_eq!(problems("healthy.go127.log"), Vec::<&str>::new());
    assert_eq!(problems("leaky.log"), ["heap growth"]);
    assert_eq!(problems("leaky.go119.log"), ["heap growth"]);
    assert_eq!(problems("leaky.docker.json"), ["heap growth"]);
    assert!(problems("storm.log").contains(&"storm"));
    assert!(problems("storm.go119.log").contains(&"storm"));
    assert_eq!(problems("forced.log"), ["forced"]);
}

#[test]
fn a_storm_has_no_room_between_live_heap_and_goal() {
    let data = std::fs::read(dir("gctrace").join("storm.log")).unwrap();
    let log = goguard_runtime::gctrace::parse(&data);
    let run = analyse(runs(&log.cycles)[0], &Options::default());
    let storm = run
        .problems
        .iter()
        .find_map(|p| match p {
            Problem::Storm {
                headroom, cycles, ..
            } => Some((*headroom, *cycles)),
            _ => None,
        })
        .unwrap();
    assert!(storm.0 <= 1.1, "{storm:?}");
    assert!(storm.1 >= 200, "{storm:?}");
}

/// (site, site, map) of every race in a report file, as `file:line`.
fn races(name: &str) -> BTreeSet<(String, String, bool)> {
    let data = std::fs::read(dir("races").join(name)).unwrap();
    let log = parse(&data);
    assert!(log.unknown.is_empty(), "{name}: {:?}", log.unknown);
    assert!(
        log.reports
            .iter()
            .all(|r| !r.truncated && r.accesses.len() == 2),
        "{name}"
    );
    let place = |f: &goguard_runtime::race::parse::RaceFrame| {
        format!(
            "{}:{}",
            f.file.rsplit('/').next().unwrap_or(&f.file),
            f.line
        )
    };
    group(&log)
        .iter()
        .map(|g| (place(&g.sides[0].site), place(&g.sides[1].site), g.map))
        .collect()
}

fn expected_races(with_loop_variable: bool) -> BTreeSet<(String, String, bool)> {
    let mut out: BTreeSet<(String, String, bool)> = [
        ("api.go:15", "api.go:15", true),
        ("stats.go:9", "stats.go:9", false),
        ("worker.go:19", "worker.go:19", false),
        ("worker.go:35", "worker.go:35", false),
    ]
    .into_iter()
    .map(|(a, b, m)| (a.to_string(), b.to_string(), m))
    .collect();
    if with_loop_variable {
        out.insert(("worker.go:46".into(), "worker.go:48".into(), false));
    }
    out
}

#[test]
fn race_reports_of_every_form() {
    assert_eq!(races("go_test_race.txt"), expected_races(true));
    assert_eq!(races("go_test_race.json"), expected_races(true));
    assert_eq!(races("racy_binary.txt"), expected_races(true));
    assert_eq!(races("go_test_race.go119.txt"), expected_races(true));
}

#[test]
fn go_test_output_names_packages_and_tests() {
    for name in ["go_test_race.txt", "go_test_race.json"] {
        let data = std::fs::read(dir("races").join(name)).unwrap();
        let log = parse(&data);
        for r in &log.reports {
            let package = r
                .package
                .as_deref()
                .unwrap_or_else(|| panic!("{name}: {}", r.line));
            assert!(package.starts_with("example.com/goguard/scenarios/races/"));
            assert!(
                r.test.as_deref().is_some_and(|t| t.starts_with("Test")),
                "{name}: {r:?}"
            );
        }
        let groups = group(&log);
        // The stats counter races in both test binaries.
        let stats = groups
            .iter()
            .find(|g| g.sides[0].site.file.ends_with("stats.go"))
            .unwrap();
        assert_eq!(stats.packages.len(), 2, "{name}: {:?}", stats.packages);
    }
}

mod parse_common;

/// A Go 1.5 program's log from the shared corpus (gcvis): the older phases are read, every
/// line is a collection.
#[test]
fn a_go_1_5_log_reads_whole() {
    let path = parse_common::corpus_file("gcvis/go15_stderr.gctrace.log");
    let data = std::fs::read(&path).unwrap();
    let log = goguard_runtime::gctrace::parse(&data);
    assert!(log.damaged.is_empty(), "{:?}", log.damaged);
    let lines = data
        .split(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"gc "))
        .count();
    assert_eq!(log.cycles.len(), lines);
    assert!(log
        .cycles
        .iter()
        .all(|c| c.pause_ms() < c.clock_ms.iter().sum::<f64>()));
}
