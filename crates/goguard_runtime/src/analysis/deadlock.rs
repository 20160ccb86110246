//! Deadlock findings: RT004 (the runtime said all goroutines are asleep) and RT002 (lock
//! waiters with no goroutine that could release the locks, or waiting too long). The rules
//! and their evidence are described in `diagnose.rs` and docs/stacks.md.

use std::collections::HashSet;

use crate::analysis::classify::BlockKind;
use crate::analysis::diagnose::{score, Options};
use crate::analysis::finding::{
    at_phrase, created_phrase, goroutines, wait_phrase, Finding, GroupFacts, Rule,
};
use crate::analysis::sites::{FrameRef, SiteGroup};

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

pub(crate) fn whole_program_finding(groups: &[SiteGroup], foreground: &[usize]) -> Finding {
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

pub(crate) fn lock_deadlocks(
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
