//! Diagnosis of one snapshot: leaked goroutine groups (RT001), lock deadlocks (RT002) and
//! whole-program deadlocks (RT004), ranked; plus the other groups and the expected
//! background goroutines, so a report can show everything.
//!
//! Rules (docs/stacks.md has the user-facing version):
//! - RT004: the input contains the runtime's `fatal error: all goroutines are asleep -
//!   deadlock!`. Every non-background group is involved.
//! - RT002: goroutines wait to acquire a sync.Mutex/RWMutex and either (a) no goroutine in
//!   the dump can make progress to release a lock — every other goroutine is background
//!   or itself parked on a channel, select or sync primitive; none is running, runnable,
//!   in a syscall, in IO wait, sleeping or of unknown state — or (b) they have waited at
//!   least `min_wait_minutes`. A dump does not say who holds a lock, so this is the
//!   strongest evidence it carries.
//! - RT001: a group blocked on a channel, select, nil channel or sync primitive, not
//!   background, not idle workers of a pool whose siblings are running, and either on a
//!   nil channel (blocks forever), or with at least `min_count` goroutines, or waiting at
//!   least `min_wait_minutes`.
//!
//! Score: weight(kind) × count × (1 + max wait minutes); deadlocks rank above leaks.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::analysis::classify::BlockKind;
use crate::analysis::deadlock::{lock_deadlocks, whole_program_finding};
use crate::analysis::finding::{at_phrase, created_phrase, goroutines, wait_phrase, Finding, Rule};
use crate::analysis::ignore::IgnorePattern;
use crate::analysis::sites::{site_groups, FrameRef, SiteGroup};
use crate::model::Snapshot;

/// Thresholds and user patterns.
#[derive(Debug, Clone)]
pub struct Options {
    /// A group with at least this many goroutines blocked on one site is a suspect.
    pub min_count: u64,
    /// A group waiting at least this long is a suspect whatever its size.
    pub min_wait_minutes: u64,
    pub ignore: Vec<IgnorePattern>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_count: 10,
            min_wait_minutes: 10,
            ignore: Vec::new(),
        }
    }
}

/// Everything known about one snapshot after diagnosis.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// Ranked, most severe first.
    pub findings: Vec<Finding>,
    /// Every site group, most goroutines first (suspects included).
    pub groups: Vec<SiteGroup>,
    /// Indices into `groups` of groups that are neither suspects nor background.
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

pub(crate) fn score(group: &SiteGroup) -> u64 {
    weight(group.kind)
        .saturating_mul(group.count)
        .saturating_mul(1 + group.max_wait())
}

/// Diagnoses one snapshot. `whole_program_deadlock`: the input carried the runtime's
/// `all goroutines are asleep` fatal error (see `crate::analysis::detect_fatal_deadlock`).
pub fn diagnose(snapshot: &Snapshot, opts: &Options, whole_program_deadlock: bool) -> Diagnosis {
    let groups = site_groups(snapshot, &opts.ignore);
    let foreground: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].background.is_none())
        .collect();
    let mut findings = Vec::new();
    let mut claimed: HashSet<usize> = HashSet::new();

    if whole_program_deadlock && !foreground.is_empty() {
        findings.push(whole_program_finding(&groups, &foreground));
    }
    lock_deadlocks(&groups, &foreground, opts, &mut findings, &mut claimed);
    leaked_groups(&groups, &foreground, opts, &claimed, &mut findings);

    // Stable: deadlocks first, then by score, ties in group order (already deterministic).
    findings.sort_by(|a, b| {
        rule_rank(a.rule)
            .cmp(&rule_rank(b.rule))
            .then(b.score.cmp(&a.score))
    });
    let suspects: HashSet<usize> = findings_groups(&findings);
    let others = foreground
        .iter()
        .copied()
        .filter(|i| !suspects.contains(i))
        .collect();
    Diagnosis {
        findings,
        background: summarise_background(&groups),
        others,
        goroutines: snapshot.goroutines.iter().map(|g| g.count).sum(),
        groups,
    }
}

fn rule_rank(rule: Rule) -> u8 {
    match rule {
        Rule::WholeProgramDeadlock => 0,
        Rule::LockDeadlock => 1,
        _ => 2,
    }
}

/// Groups that some finding covers.
fn findings_groups(findings: &[Finding]) -> HashSet<usize> {
    findings
        .iter()
        .flat_map(|f| f.group_indices.iter().copied())
        .collect()
}

fn leaked_groups(
    groups: &[SiteGroup],
    foreground: &[usize],
    opts: &Options,
    claimed: &HashSet<usize>,
    findings: &mut Vec<Finding>,
) {
    // Creation sites with goroutines doing work: their idle siblings are a pool at rest.
    let active_sites: HashSet<&FrameRef> = foreground
        .iter()
        .map(|&i| &groups[i])
        .filter(|g| {
            matches!(
                g.kind,
                BlockKind::Running | BlockKind::Runnable | BlockKind::Syscall
            )
        })
        .filter_map(|g| g.key.created_by.as_ref())
        .collect();
    for &i in foreground {
        let g = &groups[i];
        if claimed.contains(&i) || !g.kind.is_sync_block() {
            continue;
        }
        let idle_pool = matches!(g.kind, BlockKind::ChanReceive | BlockKind::Select)
            && g.key
                .created_by
                .as_ref()
                .is_some_and(|c| active_sites.contains(c));
        if idle_pool {
            continue;
        }
        let mut evidence = Vec::new();
        if g.kind.is_nil_chan() {
            evidence.push("operations on a nil channel block forever".to_string());
        }
        if g.count >= opts.min_count {
            let from = if g.key.created_by.is_some() {
                " from one creation site"
            } else {
                ""
            };
            evidence.push(format!(
                "{}{from} blocked at one line (threshold {})",
                goroutines(g.count),
                opts.min_count
            ));
        }
        if g.max_wait() >= opts.min_wait_minutes {
            evidence.push(format!(
                "waiting up to {} minutes (threshold {} minutes)",
                g.max_wait(),
                opts.min_wait_minutes
            ));
        }
        if evidence.is_empty() {
            continue;
        }
        let why = format!(
            "{} blocked in {}{}{}{}",
            goroutines(g.count),
            g.kind.label(),
            wait_phrase(g),
            at_phrase(g),
            created_phrase(g)
        );
        let mut f = Finding::new(Rule::LeakedGoroutineGroup, groups, i, why, evidence);
        f.score = score(g);
        findings.push(f);
    }
}

fn summarise_background(groups: &[SiteGroup]) -> Vec<BackgroundSummary> {
    let mut by_reason: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    for g in groups {
        if let Some(reason) = &g.background {
            let e = by_reason.entry(reason).or_default();
            e.0 += g.count;
            e.1 += 1;
        }
    }
    by_reason
        .into_iter()
        .map(|(reason, (count, groups))| BackgroundSummary {
            reason: reason.to_string(),
            count,
            groups,
        })
        .collect()
}

#[cfg(test)]
#[path = "diagnose_tests.rs"]
mod tests;
