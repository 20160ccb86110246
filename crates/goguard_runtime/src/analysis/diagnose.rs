//! Diagnosis of one snapshot: the runtime rules' evidence, strongest first,
//! each goroutine reported once with the strongest evidence against it; plus
//! the groups no finding covers and the expected background goroutines, so a
//! report can show everything.
//!
//! The order (docs/stacks.md has the user-facing version):
//! 1. certain: the runtime's `all goroutines are asleep` (RT004), its leak
//!    detector's `(leaked)` marks and goroutineleak profiles (RT001, RT002 for
//!    lock waits), nil channels (RT001);
//! 2. high/medium: cycles of lock waiters (RT002); quiescence, nothing left
//!    that can run (RT004);
//! 3. medium: orphaned senders, goroutines unmoved across snapshots, `select {}`
//!    outside main (RT001, RT002);
//! 4. low: long lock waits (RT002), many copies or long waits (RT001).
//!
//! Findings are ranked by confidence, then RT004, RT002, RT001, then score:
//! weight(kind) × goroutines × (1 + longest wait in minutes).

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::analysis::classify::BlockKind;
use crate::analysis::cx::Cx;
pub use crate::analysis::cx::{Earlier, Options};
use crate::analysis::finding::Finding;
use crate::analysis::sites::{site_groups, SiteGroup};
use crate::model::Snapshot;
use crate::rules::leaked_goroutine_group::{self, LEAKED_GOROUTINE_GROUP};
use crate::rules::{lock_deadlock, whole_program_deadlock};

/// Everything known about one snapshot after diagnosis.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// Ranked, most severe first.
    pub findings: Vec<Finding>,
    /// Every site group, most goroutines first (suspects included).
    pub groups: Vec<SiteGroup>,
    /// Indices into `groups` of foreground groups no finding covers.
    pub others: Vec<usize>,
    pub background: Vec<BackgroundSummary>,
    pub goroutines: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackgroundSummary {
    pub reason: String,
    pub count: u64,
    pub groups: usize,
}

fn weight(kind: BlockKind) -> u64 {
    match kind {
        BlockKind::NilChanSend | BlockKind::NilChanReceive => 4,
        BlockKind::ChanSend | BlockKind::WaitGroup | BlockKind::Cond => 3,
        BlockKind::SelectNoCases => 1,
        _ => 2,
    }
}

/// Ranking score of `count` goroutines of a group.
pub(crate) fn score(group: &SiteGroup, count: u64) -> u64 {
    weight(group.kind)
        .saturating_mul(count)
        .saturating_mul(1 + group.max_wait())
}

/// Diagnoses one snapshot; `earlier`: a snapshot of the same process taken
/// before it, for the goroutines that did not move in between.
pub fn diagnose(snapshot: &Snapshot, opts: &Options, earlier: Option<Earlier<'_>>) -> Diagnosis {
    let groups = site_groups(snapshot, &opts.ignore);
    let mut findings = {
        let mut cx = Cx::new(snapshot, &groups, opts, earlier);
        whole_program_deadlock::all_asleep(&mut cx);
        leaked_goroutine_group::leak_marked(&mut cx, &LEAKED_GOROUTINE_GROUP, false);
        lock_deadlock::leak_marks(&mut cx);
        leaked_goroutine_group::nil_channels(&mut cx);
        lock_deadlock::cycles(&mut cx);
        whole_program_deadlock::quiescence(&mut cx);
        leaked_goroutine_group::orphaned_senders(&mut cx);
        lock_deadlock::unmoved(&mut cx);
        leaked_goroutine_group::unmoved_groups(&mut cx, &LEAKED_GOROUTINE_GROUP, false);
        leaked_goroutine_group::empty_selects(&mut cx);
        lock_deadlock::long_waits(&mut cx);
        leaked_goroutine_group::thresholds(&mut cx);
        cx.findings
    };
    // Stable: ties keep the order the evidence was found in (deterministic).
    findings.sort_by(|a, b| {
        a.confidence
            .cmp(&b.confidence)
            .then(rule_rank(a).cmp(&rule_rank(b)))
            .then(b.score.cmp(&a.score))
    });
    let covered: HashSet<usize> = findings.iter().flat_map(Finding::groups).collect();
    let others = (0..groups.len())
        .filter(|&i| !groups[i].is_background() && !covered.contains(&i))
        .collect();
    Diagnosis {
        findings,
        background: summarise_background(&groups),
        others,
        goroutines: snapshot.goroutines.iter().map(|g| g.count).sum(),
        groups,
    }
}

fn rule_rank(f: &Finding) -> u8 {
    match f.rule.code {
        "RT004" => 0,
        "RT002" => 1,
        _ => 2,
    }
}

fn summarise_background(groups: &[SiteGroup]) -> Vec<BackgroundSummary> {
    let mut by_reason: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for g in groups {
        if let Some(reason) = &g.background {
            let e = by_reason.entry(reason.reason()).or_default();
            e.0 += g.count;
            e.1 += 1;
        }
    }
    by_reason
        .into_iter()
        .map(|(reason, (count, groups))| BackgroundSummary {
            reason,
            count,
            groups,
        })
        .collect()
}

#[cfg(test)]
#[path = "diagnose_tests.rs"]
mod tests;
