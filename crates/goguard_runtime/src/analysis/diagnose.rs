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
use crate::analysis::finding::{
    at_phrase, created_phrase, goroutines, wait_phrase, Finding, GroupFacts, Rule,
};
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

/// Kinds a goroutine could be making progress in (and so release a lock).
fn can_progress(kind: BlockKind) -> bool {
    matches!(
        kind,
        BlockKind::Running
            | BlockKind::Runnable
            | BlockKind::Syscall
            | BlockKind::IoWait
            | BlockKind::Sleep
            | BlockKind::Unknown
    )
}

fn weight(kind: BlockKind) -> u64 {
    match kind {
        BlockKind::NilChanSend | BlockKind::NilChanReceive => 4,
        BlockKind::ChanSend | BlockKind::WaitGroup | BlockKind::Cond => 3,
        BlockKind::SelectNoCases => 1,
        _ => 2,
    }
}

fn score(group: &SiteGroup) -> u64 {
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

/// A finding covering several groups, with merged facts.
fn multi_group_finding(
    rule: Rule,
    groups: &[SiteGroup],
    members: &[usize],
    why: String,
    evidence: Vec<String>,
) -> Finding {
    let mut f = Finding::new(rule, groups, members[0], why, evidence);
    let refs: Vec<&SiteGroup> = members.iter().map(|&i| &groups[i]).collect();
    f.facts = GroupFacts::merged(&refs);
    f.involved = refs.iter().map(|g| GroupFacts::of(g)).collect();
    f.group_indices = members.to_vec();
    f.score = members.iter().map(|&i| score(&groups[i])).sum();
    f
}

fn whole_program_finding(groups: &[SiteGroup], foreground: &[usize]) -> Finding {
    let total: u64 = foreground.iter().map(|&i| groups[i].count).sum();
    let why = format!(
        "the runtime found all goroutines asleep: {} blocked, none can run",
        goroutines(total)
    );
    multi_group_finding(
        Rule::WholeProgramDeadlock,
        groups,
        foreground,
        why,
        vec!["input contains `fatal error: all goroutines are asleep - deadlock!`".into()],
    )
}

fn lock_deadlocks(
    groups: &[SiteGroup],
    foreground: &[usize],
    opts: &Options,
    findings: &mut Vec<Finding>,
    claimed: &mut HashSet<usize>,
) {
    let waiters: Vec<usize> = foreground
        .iter()
        .copied()
        .filter(|&i| groups[i].kind.is_lock())
        .collect();
    if waiters.is_empty() {
        return;
    }
    let progressing: u64 = foreground
        .iter()
        .filter(|&&i| can_progress(groups[i].kind))
        .map(|&i| groups[i].count)
        .sum();
    if progressing == 0 {
        let total: u64 = waiters.iter().map(|&i| groups[i].count).sum();
        let mut sites: Vec<String> = waiters
            .iter()
            .filter_map(|&i| groups[i].key.blocking_frame.as_ref())
            .map(FrameRef::short_location)
            .collect();
        sites.sort();
        sites.dedup();
        let why = format!(
            "{} waiting for locks at {} and no goroutine can run to release them",
            goroutines(total),
            sites.join(", ")
        );
        let evidence = vec![
            format!(
                "{} blocked acquiring a sync.Mutex/RWMutex",
                goroutines(total)
            ),
            "no goroutine is running, runnable, in a syscall, in IO wait or asleep \
             (background goroutines and the dump writer excluded)"
                .into(),
        ];
        findings.push(multi_group_finding(
            Rule::LockDeadlock,
            groups,
            &waiters,
            why,
            evidence,
        ));
        claimed.extend(waiters);
        return;
    }
    for &i in &waiters {
        let g = &groups[i];
        if g.max_wait() < opts.min_wait_minutes {
            continue;
        }
        let why = format!(
            "{} waiting for a lock{}{}{}",
            goroutines(g.count),
            wait_phrase(g),
            at_phrase(g),
            created_phrase(g)
        );
        let evidence = vec![format!(
            "waiting {} minutes for a lock (threshold {} minutes); {} other goroutines could \
             still run, so the holder may be one of them",
            g.max_wait(),
            opts.min_wait_minutes,
            progressing
        )];
        let mut f = Finding::new(Rule::LockDeadlock, groups, i, why, evidence);
        f.score = score(g);
        findings.push(f);
        claimed.insert(i);
    }
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
mod tests {
    use super::*;
    use crate::analysis::testutil::{created_by, goroutine};
    use crate::model::{DumpFormat, Goroutine};

    fn snapshot(goroutines: Vec<Goroutine>) -> Snapshot {
        Snapshot {
            format: DumpFormat::Traceback,
            total: goroutines.len() as u64,
            goroutines,
            line: 1,
        }
    }

    fn copies(n: u64, first_id: u64, state: &str, func: &str, creator_line: u32) -> Vec<Goroutine> {
        (0..n)
            .map(|i| {
                created_by(
                    goroutine(first_id + i, state, &["runtime.gopark", func]),
                    "main.spawn",
                    "/src/app/main.go",
                    creator_line,
                )
            })
            .collect()
    }

    fn dump_writer() -> Goroutine {
        goroutine(
            1,
            "running",
            &["runtime/pprof.writeGoroutineStacks", "main.main"],
        )
    }

    #[test]
    fn many_copies_are_a_leak_with_evidence() {
        let mut gs = copies(500, 10, "select", "main.waitForEvent", 42);
        gs.push(dump_writer());
        let d = diagnose(&snapshot(gs), &Options::default(), false);
        assert_eq!(d.findings.len(), 1);
        let f = &d.findings[0];
        assert_eq!((f.code, f.name), ("RT001", "leaked-goroutine-group"));
        assert_eq!(f.facts.count, 500);
        assert_eq!(f.facts.ids, "10-509");
        assert_eq!(
            f.facts.blocking_frame.as_ref().unwrap().function,
            "main.waitForEvent"
        );
        assert_eq!(f.facts.created_by.as_ref().unwrap().line, 42);
        assert!(
            f.why.starts_with("500 goroutines blocked in select"),
            "{}",
            f.why
        );
        assert!(f.why.contains("all created at main.go:42"), "{}", f.why);
        assert_eq!(d.background[0].reason, "goroutine writing the dump");
    }

    #[test]
    fn long_waits_make_a_small_group_a_suspect_and_rank_it() {
        let mut few = copies(3, 10, "chan send", "main.send", 20);
        for (g, w) in few.iter_mut().zip([12, 45, 30]) {
            g.wait_minutes = Some(w);
        }
        let mut gs = few;
        gs.extend(copies(20, 100, "chan receive", "main.recv", 30));
        let d = diagnose(&snapshot(gs), &Options::default(), false);
        assert_eq!(d.findings.len(), 2);
        // 3 × 3 × 46 = 414 beats 2 × 20 × 1 = 40.
        assert_eq!(
            d.findings[0]
                .facts
                .blocking_frame
                .as_ref()
                .unwrap()
                .function,
            "main.send"
        );
        let w = d.findings[0].facts.wait_minutes.unwrap();
        assert_eq!((w.min, w.max), (12, 45));
        assert!(
            d.findings[0].why.contains("for 12-45 minutes"),
            "{}",
            d.findings[0].why
        );
        assert_eq!(d.findings[0].score, 414);
    }

    #[test]
    fn few_short_waits_and_active_pools_are_not_suspects() {
        let mut gs = copies(4, 10, "chan send", "main.send", 20);
        // A busy pool: idle workers in chan receive, siblings running.
        gs.extend(copies(30, 100, "chan receive", "main.worker", 50));
        gs.extend(copies(2, 200, "running", "main.worker", 50));
        let d = diagnose(&snapshot(gs), &Options::default(), false);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(d.others.len(), 3);
    }

    #[test]
    fn nil_channel_is_always_a_suspect() {
        let gs = copies(1, 10, "chan receive (nil chan)", "main.drain", 20);
        let d = diagnose(&snapshot(gs), &Options::default(), false);
        assert_eq!(d.findings[0].code, "RT001");
        assert!(d.findings[0].evidence[0].contains("nil channel"));
    }

    #[test]
    fn lock_waiters_with_nobody_running_are_a_deadlock() {
        let mut gs = copies(1, 7, "sync.Mutex.Lock", "main.transfer", 102);
        gs.extend(copies(1, 8, "semacquire", "main.transfer", 103));
        // Go 1.19 prints semacquire: the frames say it is a Mutex.
        gs[1].frames.insert(
            0,
            crate::analysis::testutil::frame("sync.(*Mutex).Lock", "sync/mutex.go", 81),
        );
        gs.push(dump_writer());
        gs.extend(copies(2, 20, "select", "main.idle", 60));
        let d = diagnose(&snapshot(gs), &Options::default(), false);
        let f = &d.findings[0];
        assert_eq!((f.code, f.name), ("RT002", "lock-deadlock"));
        assert_eq!(f.involved.len(), 2);
        assert!(f.why.contains("no goroutine can run"), "{}", f.why);
    }

    #[test]
    fn lock_waiters_beside_running_goroutines_need_long_waits() {
        let mut gs = copies(2, 7, "sync.Mutex.Lock", "main.transfer", 102);
        gs.extend(copies(1, 30, "running", "main.busy", 70));
        let d = diagnose(&snapshot(gs.clone()), &Options::default(), false);
        assert!(d.findings.is_empty());
        gs[0].wait_minutes = Some(15);
        let d = diagnose(&snapshot(gs), &Options::default(), false);
        assert_eq!(d.findings[0].code, "RT002");
        assert!(d.findings[0].evidence[0].contains("15 minutes"));
    }

    #[test]
    fn whole_program_deadlock_comes_first() {
        let mut gs = copies(1, 1, "sync.WaitGroup.Wait", "main.main", 10);
        gs.extend(copies(12, 5, "chan receive", "main.worker", 12));
        let d = diagnose(&snapshot(gs), &Options::default(), true);
        assert_eq!(d.findings[0].code, "RT004");
        assert_eq!(d.findings[0].involved.len(), 2);
        assert_eq!(d.findings[1].code, "RT001");
    }

    #[test]
    fn user_ignore_patterns_move_groups_to_background() {
        let gs = copies(50, 10, "select", "main.waitForEvent", 42);
        let opts = Options {
            ignore: vec![IgnorePattern::parse("main.waitFor*").unwrap()],
            ..Options::default()
        };
        let d = diagnose(&snapshot(gs), &opts, false);
        assert!(d.findings.is_empty());
        assert_eq!(d.background[0].reason, "ignored by pattern main.waitFor*");
        assert_eq!(d.background[0].count, 50);
    }
}
