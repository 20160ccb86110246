//! RT002 lock-deadlock: goroutines waiting for locks that will not be released.

use std::collections::BTreeMap;

use goguard_diagnostics::goroutines::Role;
use goguard_diagnostics::Confidence;

use crate::analysis::classify::blocking_frame;
use crate::analysis::cx::Cx;
use crate::analysis::finding::{goroutines, Finding, Subject};
use crate::analysis::locks::{argument_values, waited_lock, FIELD_REACH};
use crate::analysis::wait::wait_seconds;
use crate::model::DumpCause;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Reports goroutines waiting to acquire a `sync.Mutex` or `sync.RWMutex` that will
    /// not be released: certain when the Go runtime's leak detector marked them
    /// `(leaked)`; high for a cycle of lock waiters (each holds, by the addresses its
    /// frames were passed, the lock the next one waits for) that has lasted a minute or
    /// more or with nothing else running; medium for such a cycle seen in a fresh dump,
    /// or a waiter that did not move between two snapshots taken minutes apart; low for
    /// waiters that have waited longer than `--min-wait` minutes.
    ///
    /// ## Why is this bad?
    /// A goroutine stuck on a lock holds whatever it had already locked, so every
    /// request that needs those locks piles up behind it: the service slows down and
    /// then stops answering, without a crash or an error message. The Go runtime only
    /// reports a deadlock when every goroutine is blocked, which a service with a
    /// listener never is.
    ///
    /// ## Example
    /// ```text
    /// goroutine 7 [sync.Mutex.Lock, 12 minutes]:
    /// internal/sync.runtime_SemacquireMutex(0xc000102f48?, 0x29?, 0x0?)
    /// 	runtime/sema.go:95 +0x25
    /// internal/sync.(*Mutex).lockSlow(0xc0001041d0)
    /// 	internal/sync/mutex.go:149 +0x15d
    /// sync.(*Mutex).Lock(...)
    /// 	sync/mutex.go:46
    /// main.transfer(0xc0001041c0, 0xc0001041d0, 0xa)
    /// 	/src/bank/transfer.go:14 +0xb7
    /// created by main.main in goroutine 1
    /// 	/src/bank/main.go:9 +0xc6
    ///
    /// goroutine 8 [sync.Mutex.Lock, 12 minutes]:
    /// internal/sync.runtime_SemacquireMutex(0x1?, 0x0?, 0x19?)
    /// 	runtime/sema.go:95 +0x25
    /// internal/sync.(*Mutex).lockSlow(0xc0001041c0)
    /// 	internal/sync/mutex.go:149 +0x15d
    /// sync.(*Mutex).Lock(...)
    /// 	sync/mutex.go:46
    /// main.transfer(0xc0001041d0, 0xc0001041c0, 0x14)
    /// 	/src/bank/transfer.go:14 +0xb7
    /// created by main.main in goroutine 1
    /// 	/src/bank/main.go:10 +0x126
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package bank
    ///
    /// import "sync"
    ///
    /// type account struct {
    /// 	id      int
    /// 	mu      sync.Mutex
    /// 	balance int
    /// }
    ///
    /// // transfer takes both locks in one global order (by account id), so two
    /// // transfers in opposite directions cannot each hold the lock the other needs.
    /// func transfer(from, to *account, amount int) {
    /// 	first, second := from, to
    /// 	if second.id < first.id {
    /// 		first, second = second, first
    /// 	}
    /// 	first.mu.Lock()
    /// 	defer first.mu.Unlock()
    /// 	second.mu.Lock()
    /// 	defer second.mu.Unlock()
    /// 	from.balance -= amount
    /// 	to.balance += amount
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Holders are inferred from argument addresses, which tracebacks print only for
    /// frames that are not inlined, and which may be stale (`0x…?`): a lock reached
    /// through a global or a closure leaves no trace, and a cycle through a channel
    /// (a lock holder blocked sending to a lock waiter) is not seen. Protobuf and
    /// debug=1 profiles print no arguments, so there only the runtime's leak marks,
    /// quiescence (RT004) and long waits apply.
    pub static LOCK_DEADLOCK = {
        name: "lock-deadlock",
        code: "RT002",
        category: Correctness,
        status: Stable,
    }
}

const HELP: &str = "take locks in one global order everywhere, and never block (a send, a \
                    receive, a Wait) while holding one";

/// Lock waits the runtime's leak detector marked: certain.
pub(crate) fn leak_marks(cx: &mut Cx<'_>) {
    crate::rules::leaked_goroutine_group::leak_marked(cx, &LOCK_DEADLOCK, true);
}

/// Cycles of lock waiters whose holders the argument addresses name.
pub(crate) fn cycles(cx: &mut Cx<'_>) {
    let gs = &cx.snapshot.goroutines;
    let mut waits: BTreeMap<usize, u64> = BTreeMap::new();
    for g in cx.foreground().filter(|&g| cx.groups[g].kind.is_lock()) {
        for m in cx.unclaimed(g) {
            if let Some(addr) = waited_lock(&gs[m]) {
                waits.insert(m, addr);
            }
        }
    }
    if waits.len() < 2 {
        return;
    }
    // Every argument value of every goroutine's own frames, sorted, so the
    // candidates for a lock are a range: the address itself and up to
    // FIELD_REACH below it (a struct the lock is a field of).
    let mut values: Vec<(u64, usize)> = gs
        .iter()
        .enumerate()
        .flat_map(|(g, goroutine)| argument_values(goroutine).into_iter().map(move |v| (v, g)))
        .collect();
    values.sort_unstable();
    // Candidates depend on the lock only (its own waiters do not hold it), and
    // past MAX_HOLDERS they name nobody: computed once per lock, cut short.
    let mut by_lock: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for &lock in waits.values() {
        if by_lock.contains_key(&lock) {
            continue;
        }
        let mut exact = Vec::new();
        let mut field = Vec::new();
        let from = values.partition_point(|&(v, _)| v < lock.saturating_sub(FIELD_REACH));
        for &(v, h) in values[from..].iter().take_while(|&&(v, _)| v <= lock) {
            if waits.get(&h) == Some(&lock) {
                continue;
            }
            let list = if v == lock { &mut exact } else { &mut field };
            if !list.contains(&h) {
                list.push(h);
            }
            if exact.len() > MAX_HOLDERS {
                break;
            }
        }
        let mut chosen = if exact.is_empty() { field } else { exact };
        chosen.sort_unstable();
        by_lock.insert(lock, chosen);
    }
    let holders: BTreeMap<usize, Vec<usize>> = waits
        .iter()
        .map(|(&w, lock)| (w, by_lock[lock].clone()))
        .collect();
    let nothing_runs = !cx.groups.iter().any(|g| g.count > 0 && g.can_wake_others());
    let timed_out = matches!(cx.snapshot.cause, Some(DumpCause::TestTimeout { .. }));
    for cycle in find_cycles(&waits, &holders) {
        let unique = cycle.iter().all(|w| holders[w].len() == 1);
        let lasted = cycle.iter().all(|&w| {
            gs[w].wait_minutes.is_some_and(|m| m >= 1)
                || wait_seconds(&gs[w], cx.snapshot.cause.as_ref()).is_some_and(|s| s >= 60)
        });
        let confidence = if unique && (lasted || nothing_runs || timed_out) {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let id = |m: usize| gs[m].id.map_or_else(|| "?".to_string(), |i| i.to_string());
        let mut evidence = Vec::new();
        for (i, &w) in cycle.iter().enumerate() {
            let next = cycle[(i + 1) % cycle.len()];
            let at = blocking_frame(&gs[w])
                .map(|f| format!(" at {}:{}", short(&f.file), f.line))
                .unwrap_or_default();
            let others = holders[&w].len() - 1;
            let also = if others > 0 {
                format!(" ({others} other goroutines were passed it too)")
            } else {
                String::new()
            };
            evidence.push(format!(
                "goroutine {} waits{at} for the lock at {:#x}, which goroutine {} holds by \
                 the addresses its frames were passed{also}",
                id(w),
                waits[&w],
                id(next)
            ));
        }
        if lasted {
            evidence.push("every goroutine of the cycle has waited a minute or more".into());
        } else if nothing_runs {
            evidence.push("no goroutine is running that could release the locks".into());
        } else if timed_out {
            evidence.push("the test timed out with the cycle in place".into());
        } else {
            evidence.push(
                "the dump is too fresh to tell a deadlock from passing contention \
                 (no wait of a minute printed)"
                    .into(),
            );
        }
        let ids: Vec<String> = cycle.iter().map(|&m| id(m)).collect();
        let message = format!(
            "lock-order deadlock: goroutines {} each wait for a lock another of them holds",
            ids.join(", ")
        );
        let subjects = subjects_of(cx, &cycle, Role::Accused);
        let mut finding = Finding::new(&LOCK_DEADLOCK, confidence, message, subjects).help(HELP);
        finding.evidence = evidence;
        finding.score = cycle.len() as u64 * 100;
        cx.report(finding);
    }
}

/// Lock waiters that did not run between two snapshots: medium.
pub(crate) fn unmoved(cx: &mut Cx<'_>) {
    crate::rules::leaked_goroutine_group::unmoved_groups(cx, &LOCK_DEADLOCK, true);
}

/// Lock waits that have lasted longer than `--min-wait`: low.
pub(crate) fn long_waits(cx: &mut Cx<'_>) {
    let threshold = cx.opts.min_wait_minutes;
    for g in cx.foreground().collect::<Vec<_>>() {
        let group = &cx.groups[g];
        if !group.kind.is_lock() || group.max_wait() < threshold {
            continue;
        }
        let Some(subject) = cx.subject(g, Role::Accused) else {
            continue;
        };
        let n = cx.count(&subject.members);
        let message = format!(
            "{} waiting {} minutes for a lock{}",
            goroutines(n),
            group.max_wait(),
            crate::analysis::finding::at_phrase(group)
        );
        let mut finding = Finding::new(&LOCK_DEADLOCK, Confidence::Low, message, vec![subject])
            .evidence(format!(
                "waiting up to {} minutes for a lock (threshold {threshold} minutes); \
                 other goroutines can still run, so the holder may yet release it",
                group.max_wait()
            ))
            .help(HELP);
        finding.score = crate::analysis::diagnose::score(group, n);
        cx.report(finding);
    }
}

/// Subjects grouping goroutine indices by their site group.
pub(crate) fn subjects_of(cx: &Cx<'_>, members: &[usize], role: Role) -> Vec<Subject> {
    let mut by_group: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &m in members {
        by_group.entry(cx.group_of(m)).or_default().push(m);
    }
    by_group
        .into_iter()
        .map(|(group, mut members)| {
            members.sort_unstable();
            Subject {
                role,
                group,
                members,
            }
        })
        .collect()
}

/// Locks with more candidate holders than this say nothing about who holds
/// them (a struct passed everywhere): they give no edge.
const MAX_HOLDERS: usize = 3;

/// Cycles in the "waits for a lock held by" graph among waiters: one per
/// strongly connected component (Tarjan, linear), the shortest cycle through
/// the component's smallest goroutine, which it starts at.
fn find_cycles(
    waits: &BTreeMap<usize, u64>,
    holders: &BTreeMap<usize, Vec<usize>>,
) -> Vec<Vec<usize>> {
    let nodes: Vec<usize> = waits.keys().copied().collect();
    let index_of: std::collections::HashMap<usize, usize> =
        nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| match holders.get(n) {
            Some(h) if h.len() <= MAX_HOLDERS => {
                h.iter().filter_map(|x| index_of.get(x).copied()).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let mut cycles = Vec::new();
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue;
        }
        let start = *component.iter().min().expect("non-empty");
        if let Some(path) = shortest_cycle(start, &edges, &component) {
            cycles.push(path.into_iter().map(|i| nodes[i]).collect());
        }
    }
    cycles.sort();
    cycles
}

/// Tarjan's strongly connected components, iteratively (no recursion on
/// large graphs).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// The shortest path from `start` back to itself inside `component` (BFS).
fn shortest_cycle(start: usize, edges: &[Vec<usize>], component: &[usize]) -> Option<Vec<usize>> {
    let inside: std::collections::HashSet<usize> = component.iter().copied().collect();
    let mut parent: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &edges[v] {
            if !inside.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                return Some(path);
            }
            if w != start && !parent.contains_key(&w) {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    None
}

fn short(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_and_three_cycles() {
        let waits: BTreeMap<usize, u64> = [(1, 10), (2, 20), (3, 30), (4, 40)].into();
        // 1 -> 2 -> 1; 3 -> 4 -> 3 with 4 also pointing at 1.
        let holders: BTreeMap<usize, Vec<usize>> =
            [(1, vec![2]), (2, vec![1]), (3, vec![4]), (4, vec![1, 3])].into();
        assert_eq!(find_cycles(&waits, &holders), vec![vec![1, 2], vec![3, 4]]);
        let holders: BTreeMap<usize, Vec<usize>> =
            [(1, vec![2]), (2, vec![3]), (3, vec![1]), (4, vec![])].into();
        assert_eq!(find_cycles(&waits, &holders), vec![vec![1, 2, 3]]);
        let holders: BTreeMap<usize, Vec<usize>> =
            [(1, vec![2]), (2, vec![3]), (3, vec![]), (4, vec![])].into();
        assert!(find_cycles(&waits, &holders).is_empty());
    }
}
