//! RT005 heap growth at each poll: the allocation sites whose in-use memory grew from the
//! target's baseline heap profile through its recent ones, as `goguard heap diff` finds
//! them (per allocation site, beyond sampling noise, with the hazards the frames show).
//!
//! The series is the baseline (the first profile stored for the target that retention
//! kept) and the latest `RECENT` profiles, oldest first; the poll's own profile is the
//! last. The raw profiles live in the store (`heap_profiles`), so a restarted watcher
//! goes on from the same baseline.

use std::collections::VecDeque;

use goguard_runtime::analysis::source::SourceTree;
use goguard_runtime::profile::growth::{check_heap, growth, Growth, GrowthReport, Options};
use goguard_runtime::profile::units::human_bytes;
use goguard_runtime::profile::{read_profile, ProfileData};
use goguard_runtime::rules::heap_growth::{confidence, evidence, help, HEAP_GROWTH};

use super::record::{CodeExcerpt, FindingRecord, Place};

/// Recent profiles kept besides the baseline (the poll's own included).
pub const RECENT: usize = 4;
/// Lines of code shown around an allocation site.
const CODE_CONTEXT: u32 = 3;

/// The profiles a target's growth is measured over.
#[derive(Default)]
pub struct HeapSeries {
    baseline: Option<ProfileData>,
    recent: VecDeque<ProfileData>,
}

impl HeapSeries {
    /// From the stored raw profiles, oldest first (`baseline` marks the baseline); a
    /// profile that no longer reads is left out.
    pub fn from_stored(stored: Vec<(bool, Vec<u8>)>) -> HeapSeries {
        let mut s = HeapSeries::default();
        for (baseline, bytes) in stored {
            let Ok(p) = read_profile(&bytes) else {
                continue;
            };
            if check_heap(&p).is_err() {
                continue;
            }
            if baseline && s.baseline.is_none() {
                s.baseline = Some(p);
            } else {
                s.push_recent(p);
            }
        }
        s
    }

    fn push_recent(&mut self, p: ProfileData) {
        self.recent.push_back(p);
        while self.recent.len() > RECENT {
            self.recent.pop_front();
        }
    }

    /// Adds the poll's profile; true when it became the baseline (the first one).
    pub fn push(&mut self, p: ProfileData) -> bool {
        if self.baseline.is_none() {
            self.baseline = Some(p);
            return true;
        }
        self.push_recent(p);
        false
    }

    /// The RT005 growth report over the series, once it has two profiles.
    pub fn report(&self) -> Option<GrowthReport> {
        let baseline = self.baseline.as_ref()?;
        if self.recent.is_empty() {
            return None;
        }
        let mut profiles: Vec<(String, &ProfileData)> = vec![("baseline".into(), baseline)];
        for (i, p) in self.recent.iter().enumerate() {
            profiles.push((format!("recent {}", i + 1), p));
        }
        Some(growth(&profiles, &Options::default()))
    }
}

/// The grown sites of a report as findings, with the allocation site's code from
/// `source` when given.
pub fn findings(report: &GrowthReport, source: Option<&SourceTree>) -> Vec<FindingRecord> {
    report.grown().map(|g| finding(g, report, source)).collect()
}

fn place(f: &goguard_runtime::profile::site::SiteFrame) -> Place {
    Place {
        function: f.function.clone(),
        file: f.file.clone(),
        line: u32::try_from(f.line).unwrap_or(0),
    }
}

fn finding(g: &Growth, report: &GrowthReport, source: Option<&SourceTree>) -> FindingRecord {
    let s = &g.series;
    let n = s.inuse_space.len();
    let site = place(&s.site);
    let over = match report.seconds {
        Some(secs) => format!(" in {secs:.0}s"),
        None => format!(" across {n} profiles"),
    };
    let message = format!(
        "in-use memory allocated at {} grew by {} ({} → {}){over}",
        s.site.short(),
        human_bytes(g.bytes as f64),
        human_bytes(s.inuse_space[0] as f64),
        human_bytes(s.inuse_space[n - 1] as f64),
    );
    let mut code_excerpts = Vec::new();
    if let Some(tree) = source {
        if let Some(x) = tree.snippet(&site.file, site.line, CODE_CONTEXT) {
            code_excerpts.push(CodeExcerpt {
                what: "allocation site".into(),
                path: x.path.display().to_string(),
                marked: x.marked,
                lines: x.lines,
            });
        }
    }
    FindingRecord {
        code: HEAP_GROWTH.code.to_string(),
        rule: HEAP_GROWTH.name.to_string(),
        confidence: confidence(g).as_str().to_string(),
        message,
        help: help(g),
        evidence: evidence(g),
        groups: Vec::new(),
        code_excerpts,
        allocation: Some(site),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../goguard_runtime/tests/profiles")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn series(names: &[&str]) -> HeapSeries {
        let mut s = HeapSeries::default();
        for (i, n) in names.iter().enumerate() {
            let became_baseline = s.push(read_profile(&profile(n)).unwrap());
            assert_eq!(became_baseline, i == 0);
        }
        s
    }

    #[test]
    fn one_profile_is_no_series() {
        assert!(series(&["heap.1.pb.gz"]).report().is_none());
    }

    #[test]
    fn a_growing_heap_gives_findings_a_healthy_one_none() {
        let growing = series(&["heap.1.pb.gz", "heap.2.pb.gz", "heap.3.pb.gz"]);
        let found = findings(&growing.report().unwrap(), None);
        assert!(!found.is_empty());
        for f in &found {
            assert_eq!(f.code, "RT005");
            assert!(f.groups.is_empty() && f.allocation.is_some(), "{f:?}");
            assert!(f.evidence[0].starts_with("in-use bytes per profile: "));
        }
        let healthy = series(&["healthy.1.pb.gz", "healthy.2.pb.gz", "healthy.3.pb.gz"]);
        assert!(findings(&healthy.report().unwrap(), None).is_empty());
    }

    #[test]
    fn stored_profiles_resume_the_series_and_bad_ones_are_left_out() {
        let stored = vec![
            (true, profile("heap.1.pb.gz")),
            (false, b"not a profile".to_vec()),
            (false, profile("goroutine.pb.gz")),
            (false, profile("heap.2.pb.gz")),
        ];
        let mut s = HeapSeries::from_stored(stored);
        assert!(!s.push(read_profile(&profile("heap.3.pb.gz")).unwrap()));
        let report = s.report().unwrap();
        assert_eq!(report.profiles.len(), 3, "baseline, heap.2, heap.3");
        // Only the latest RECENT stay beside the baseline.
        for _ in 0..RECENT + 2 {
            s.push(read_profile(&profile("heap.3.pb.gz")).unwrap());
        }
        assert_eq!(s.report().unwrap().profiles.len(), RECENT + 1);
    }
}
