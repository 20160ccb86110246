//! RT001 leaked-goroutine-group: goroutines blocked forever on a channel, a
//! select or a sync primitive.

use goguard_diagnostics::catalog::CatalogRule;
use goguard_diagnostics::goroutines::Role;
use goguard_diagnostics::Confidence;

use crate::analysis::classify::BlockKind;
use crate::analysis::cx::Cx;
use crate::analysis::diagnose::score;
use crate::analysis::finding::{
    at_phrase, created_phrase, duration_phrase, goroutines, Finding, Subject,
};
use crate::analysis::persistence::unmoved;
use crate::analysis::sites::{Expected, SiteGroup};
use crate::model::ProfileKind;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Reports goroutines blocked forever on a channel send or receive, a `select`, a
    /// WaitGroup or a Cond, grouped by the line where they block and the `go`
    /// statement that started them. Each finding says how sure it is and why:
    /// - **certain**: the Go runtime's leak detector marked them `(leaked)` (the
    ///   `goroutineleak` profile of Go 1.27, or Go 1.26 with
    ///   `GOEXPERIMENT=goroutineleakprofile`), or they operate on a nil channel;
    /// - **medium**: a sender whose creating function has returned, with no sibling
    ///   from the same `go` statement running (the receiver is gone); a goroutine that
    ///   did not run between two snapshots taken minutes apart (`--every`,
    ///   `--interval`: the same id at the same program counters, and a wait in the
    ///   later dump that covers the interval); a goroutine parked in `select {}`
    ///   outside `main`;
    /// - **low**: many copies at one line (`--min-count`, default 10) or a long wait
    ///   (`--min-wait`, default 10 minutes): hints, since idle pools look the same.
    ///
    /// ## Why is this bad?
    /// A leaked goroutine never ends: its stack, and everything it references, stays in
    /// memory. Leaks from a request path add one goroutine per request until the
    /// service runs out of memory or slows down under the garbage collector's work.
    ///
    /// ## Example
    /// ```text
    /// goroutine 41 [chan send (leaked)]:
    /// main.fetchWithTimeout.func1()
    /// 	/src/app/fetch.go:21 +0x3c
    /// created by main.fetchWithTimeout in goroutine 1
    /// 	/src/app/fetch.go:20 +0x9a
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package app
    ///
    /// import "time"
    ///
    /// func fetchWithTimeout(lookup func() int) (int, bool) {
    /// 	ch := make(chan int, 1) // the send succeeds even after the caller gave up
    /// 	go func() { ch <- lookup() }()
    /// 	select {
    /// 	case v := <-ch:
    /// 		return v, true
    /// 	case <-time.After(time.Second):
    /// 		return 0, false
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// A dump is one moment: without the runtime's leak marks, a goroutine that will be
    /// woken a minute later looks like one that never will, hence the confidence
    /// levels. Aggregated profiles (debug=1, protobuf) print no goroutine ids and no
    /// creators, so orphaned senders and unmoved goroutines cannot be told there, and
    /// debug=1 hides channel waits entirely (only sync waits show).
    pub static LEAKED_GOROUTINE_GROUP = {
        name: "leaked-goroutine-group",
        code: "RT001",
        category: Correctness,
        status: Stable,
    }
}

/// How to fix the usual cause, by what the goroutines wait on.
fn help(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::ChanSend | BlockKind::NilChanSend => {
            "give the channel a buffer for the values nobody may read, or send in a select \
             with a case that ends when the receiver gives up (ctx.Done())"
        }
        BlockKind::ChanReceive | BlockKind::NilChanReceive | BlockKind::Select => {
            "make sure every path of the sender sends or closes the channel, or add a case \
             that ends the wait (ctx.Done(), a done channel)"
        }
        BlockKind::WaitGroup => "call Done on every path, usually with `defer wg.Done()`",
        BlockKind::Cond => {
            "signal the Cond on every state change the waiters wait for, and re-check the \
             condition in a loop"
        }
        BlockKind::SelectNoCases => {
            "a goroutine in `select {}` never ends: return when the work is done instead"
        }
        _ => "find what this goroutine waits for and why it never comes",
    }
}

fn message(group: &SiteGroup, n: u64, how: &str) -> String {
    format!(
        "{} {how} in {}{}{}",
        goroutines(n),
        group.state,
        at_phrase(group),
        created_phrase(group)
    )
}

/// Goroutines the runtime's leak detector marked, or every record of a
/// goroutineleak profile: certain. `locks`: report the lock waits (RT002's
/// share) or the others (RT001's).
pub(crate) fn leak_marked(cx: &mut Cx<'_>, rule: &'static CatalogRule, locks: bool) {
    let leak_profile = cx.snapshot.profile == ProfileKind::GoroutineLeak;
    for g in 0..cx.groups.len() {
        let group = &cx.groups[g];
        let marked = leak_profile || group.leaked;
        let user_ignored = matches!(group.background, Some(Expected::Ignored(_)));
        if !marked || user_ignored || group.kind.is_lock() != locks {
            continue;
        }
        let Some(subject) = cx.subject(g, Role::Accused) else {
            continue;
        };
        let n = cx.count(&subject.members);
        let what = if group.kind.is_lock() {
            "blocked forever waiting for a lock"
        } else {
            "blocked forever"
        };
        let evidence = if leak_profile {
            "a record of the runtime's goroutineleak profile: its garbage collector proved that \
             no goroutine that can still run references what these wait on"
        } else {
            "the Go runtime's leak detector marked it `(leaked)`: no goroutine that can still \
             run references what it waits on"
        };
        let mut finding = Finding::new(
            rule,
            Confidence::Certain,
            message(group, n, what),
            vec![subject],
        )
        .evidence(evidence)
        .help(help(group.kind));
        finding.score = score(group, n);
        cx.report(finding);
    }
}

/// One finding per foreground group that `applies`, over the goroutines no
/// stronger finding covers.
fn per_group(
    cx: &mut Cx<'_>,
    confidence: Confidence,
    how: &str,
    evidence: &str,
    help: &str,
    applies: impl Fn(&SiteGroup) -> bool,
) {
    for g in cx.foreground().collect::<Vec<_>>() {
        let group = &cx.groups[g];
        if !applies(group) {
            continue;
        }
        let Some(subject) = cx.subject(g, Role::Accused) else {
            continue;
        };
        let n = cx.count(&subject.members);
        let mut finding = Finding::new(
            &LEAKED_GOROUTINE_GROUP,
            confidence,
            message(group, n, how),
            vec![subject],
        )
        .evidence(evidence)
        .help(help);
        finding.score = score(group, n);
        cx.report(finding);
    }
}

/// Sends and receives on a nil channel never complete: certain.
pub(crate) fn nil_channels(cx: &mut Cx<'_>) {
    per_group(
        cx,
        Confidence::Certain,
        "blocked forever",
        "an operation on a nil channel blocks forever (the runtime's wait reason says `nil chan`)",
        "the channel was never made: initialise it with make before the goroutine uses it",
        |g| g.kind.is_nil_chan(),
    );
}

/// A sender whose creating function has returned, with no sibling from the
/// same `go` statement making progress: the receiver is gone. Medium.
pub(crate) fn orphaned_senders(cx: &mut Cx<'_>) {
    let gs = &cx.snapshot.goroutines;
    // Creation sites with a goroutine that is working: a busy pool or pipeline.
    let busy_sites: std::collections::HashSet<&crate::analysis::sites::FrameRef> = cx
        .groups
        .iter()
        .filter(|g| g.kind.can_progress())
        .filter_map(|g| g.key.created_by.as_ref())
        .collect();
    for g in cx.foreground().collect::<Vec<_>>() {
        let group = &cx.groups[g];
        if group.kind != BlockKind::ChanSend {
            continue;
        }
        let Some(creator) = &group.key.created_by else {
            continue;
        };
        if busy_sites.contains(creator) {
            continue;
        }
        let all_orphans: Vec<usize> = group
            .members
            .iter()
            .copied()
            .filter(|&m| creator_returned(cx, m, &creator.function))
            .collect();
        let (claimed, orphans): (Vec<usize>, Vec<usize>) =
            all_orphans.into_iter().partition(|&m| cx.is_claimed(m));
        if !claimed.is_empty() {
            let note = format!(
                "the function that started them, {}, has returned: the receiver they \
                 wait for is gone",
                creator.function
            );
            cx.annotate(&claimed, &note);
        }
        if orphans.is_empty() {
            continue;
        }
        let n = cx.count(&orphans);
        let subject = Subject {
            role: Role::Accused,
            group: g,
            members: orphans,
        };
        let with_ids = gs[subject.members[0]].creator_id.is_some();
        let returned = if with_ids {
            format!(
                "the function that started them, {}, is no longer on its goroutine's stack: \
                 it has returned",
                creator.function
            )
        } else {
            format!(
                "the function that started them, {}, is on no goroutine's stack: it has returned",
                creator.function
            )
        };
        let mut finding = Finding::new(
            &LEAKED_GOROUTINE_GROUP,
            Confidence::Medium,
            message(group, n, "blocked sending"),
            vec![subject],
        )
        .evidence(returned)
        .evidence(
            "no goroutine started by the same `go` statement is running, so this is not a busy \
             pool; the usual receiver was the returned function",
        )
        .help(help(BlockKind::ChanSend));
        finding.score = score(group, n);
        cx.report(finding);
    }
}

/// Whether the call of `creator` that started goroutine `m` has returned.
fn creator_returned(cx: &Cx<'_>, m: usize, creator: &str) -> bool {
    let g = &cx.snapshot.goroutines[m];
    match g.creator_id {
        Some(id) => match cx.goroutine_by_id(id) {
            None => true,
            Some(c) => !cx.snapshot.goroutines[c]
                .frames
                .iter()
                .any(|f| &*f.func == creator),
        },
        None => g.id.is_some() && !cx.on_some_stack(creator),
    }
}

/// Goroutines that did not run between two snapshots of the process:
/// medium. `locks`: lock waits (reported under `rule`, RT002's) or the others.
pub(crate) fn unmoved_groups(cx: &mut Cx<'_>, rule: &'static CatalogRule, locks: bool) {
    let Some(earlier) = cx.earlier else {
        return;
    };
    for g in cx.foreground().collect::<Vec<_>>() {
        let group = &cx.groups[g];
        let kind = group.kind;
        if !(kind.needs_a_partner() || kind.timer_could_wake()) || kind.is_lock() != locks {
            continue;
        }
        // The main goroutine waiting in a receive is how a service waits for its
        // shutdown signal, for as long as it runs: not evidence of anything.
        if kind.timer_could_wake() && group.key.created_by.is_none() {
            continue;
        }
        let stuck = unmoved(cx, &cx.unclaimed(g));
        if stuck.is_empty() {
            continue;
        }
        let longest = stuck.iter().map(|&(_, w)| w).max().unwrap_or(0);
        let members: Vec<usize> = stuck.iter().map(|&(m, _)| m).collect();
        let n = cx.count(&members);
        let mut finding = Finding::new(
            rule,
            Confidence::Medium,
            message(group, n, "did not move"),
            vec![Subject {
                role: Role::Accused,
                group: g,
                members,
            }],
        )
        .evidence(format!(
            "the same goroutine ids were parked at the same program counters in a snapshot \
             taken {} earlier, and the wait printed now ({}) covers that interval: they have \
             not run since",
            duration_phrase(earlier.seconds_before as u64),
            duration_phrase(longest)
        ))
        .help(help(kind));
        if kind.timer_could_wake() {
            finding = finding.evidence(
                "a worker idle for lack of work also stays parked: this matters if work was \
                 sent on that channel in the interval",
            );
        }
        finding.score = score(group, n);
        cx.report(finding);
    }
}

/// `select {}` outside `main.main` parks its goroutine forever: medium
/// (it is sometimes meant).
pub(crate) fn empty_selects(cx: &mut Cx<'_>) {
    per_group(
        cx,
        Confidence::Medium,
        "parked forever",
        "`select {}` never returns; outside main it is usually a goroutine left behind",
        help(BlockKind::SelectNoCases),
        |g| {
            g.kind == BlockKind::SelectNoCases
                && g.key
                    .blocking_frame
                    .as_ref()
                    .is_none_or(|f| f.function != "main.main")
        },
    );
}

/// Many copies blocked at one line, or a long wait: low.
pub(crate) fn thresholds(cx: &mut Cx<'_>) {
    // Creation sites with goroutines doing work: their idle siblings are a pool at rest.
    let active_sites: std::collections::HashSet<&crate::analysis::sites::FrameRef> = cx
        .groups
        .iter()
        .filter(|g| !g.is_background() && g.kind.can_progress() && g.kind != BlockKind::Unknown)
        .filter_map(|g| g.key.created_by.as_ref())
        .collect();
    for g in cx.foreground().collect::<Vec<_>>() {
        let group = &cx.groups[g];
        if !group.kind.is_sync_block() || group.kind.is_lock() {
            continue;
        }
        let idle_pool = group.kind.timer_could_wake()
            && group
                .key
                .created_by
                .as_ref()
                .is_some_and(|c| active_sites.contains(&c));
        if idle_pool {
            continue;
        }
        let Some(subject) = cx.subject(g, Role::Accused) else {
            continue;
        };
        let n = cx.count(&subject.members);
        let mut evidence = Vec::new();
        if n >= cx.opts.min_count {
            let from = if group.key.created_by.is_some() {
                " from one `go` statement"
            } else {
                ""
            };
            evidence.push(format!(
                "{}{from} blocked at one line (threshold {})",
                goroutines(n),
                cx.opts.min_count
            ));
        }
        if group.max_wait() >= cx.opts.min_wait_minutes {
            evidence.push(format!(
                "waiting up to {} minutes (threshold {} minutes)",
                group.max_wait(),
                cx.opts.min_wait_minutes
            ));
        }
        if evidence.is_empty() {
            continue;
        }
        evidence.push(
            "many copies and long waits also describe idle pools and long-lived \
             subscribers: a hint, not a proof"
                .into(),
        );
        let mut finding = Finding::new(
            &LEAKED_GOROUTINE_GROUP,
            Confidence::Low,
            message(group, n, "blocked"),
            vec![subject],
        )
        .help(help(group.kind));
        finding.evidence = evidence;
        finding.score = score(group, n);
        cx.report(finding);
    }
}
