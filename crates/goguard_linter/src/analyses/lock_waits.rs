//! Lock deadlocks in the concurrency model's findings: a goroutine blocked
//! forever on `Lock`/`RLock` (or on taking a `cond.Wait`'s lock back), and
//! why, read from who holds the mutexes at the end of the witness.

use goguard_concurrency::{Finding, FindingKind, Loc, LockWait, Other, StepKind};

/// Why a goroutine waits forever for a mutex.
#[derive(Debug, Clone)]
pub enum LockDeadlock {
    /// It holds the mutex itself (a second `Lock`, or `Lock` while holding
    /// the read lock).
    SelfHeld { wait: LockWait },
    /// It holds a read lock and asks for another, while a writer waits for
    /// the first one to be released (`writer`, when the model saw it).
    ReadAgain {
        wait: LockWait,
        writer: Option<LockWait>,
    },
    /// A cycle of goroutines each waiting for a mutex the next one holds,
    /// starting with the finding's goroutine.
    Cycle { waits: Vec<LockWait> },
    /// The mutex is held by a goroutine blocked forever on something else
    /// (a channel operation, `wg.Wait`, `cond.Wait`).
    HolderBlocked {
        wait: LockWait,
        holder: u8,
        holder_at: Loc,
        holder_spawn: Option<Loc>,
    },
}

/// A goroutine waiting forever for a mutex that goroutines blocked on
/// nothing hold and never release: they end (or, for the explored
/// function, return) still holding it, or go on without unlocking it.
#[derive(Debug, Clone)]
pub struct HeldByRunning {
    pub wait: LockWait,
    /// One of the holders (the first started).
    pub holder: u8,
    pub holder_spawn: Option<Loc>,
}

/// The finding `f` (of the model that found `all`) as a wait for a mutex
/// whose holders are not blocked forever themselves: no finding of the
/// same model has any of them blocked anywhere (each ends, or runs on).
pub fn held_by_running(f: &Finding, all: &[Finding]) -> Option<HeldByRunning> {
    if f.kind != FindingKind::BlockedLock {
        return None;
    }
    let wait = *f.lock_waits.iter().find(|w| w.proc == f.proc)?;
    if wait.holders & (1 << f.proc) != 0 || wait.holders == 0 {
        return None;
    }
    // Every holder is another goroutine of the finding.
    let holders: Vec<&Other> = f
        .others
        .iter()
        .filter(|o| wait.holders & (1 << o.proc) != 0)
        .collect();
    if holders.len() as u32 != wait.holders.count_ones() {
        return None;
    }
    // A holder the same model finds blocked forever somewhere holds the
    // mutex while it waits (CH008's case), whatever it is about to do in
    // this state.
    let stuck = |o: &Other| {
        all.iter().any(|g| {
            g.root == f.root && g.spawn == o.spawn && (o.spawn.is_some() || g.proc == o.proc)
        })
    };
    if holders.iter().any(|o| stuck(o)) {
        return None;
    }
    let holder = holders.first()?.proc;
    Some(HeldByRunning {
        wait,
        holder,
        holder_spawn: spawn_of(f, holder),
    })
}

/// The reason a blocked-lock finding of the model waits, when the model
/// knows who holds the mutex.
pub fn classify(f: &Finding) -> Option<LockDeadlock> {
    if f.kind != FindingKind::BlockedLock {
        return None;
    }
    let wait = *f.lock_waits.iter().find(|w| w.proc == f.proc)?;
    let me = 1u32 << f.proc;
    if wait.holders & me != 0 {
        if wait.read_held && !wait.write {
            let writer = f
                .lock_waits
                .iter()
                .find(|w| w.proc != f.proc && w.write && w.mutex == wait.mutex)
                .copied();
            return Some(LockDeadlock::ReadAgain { wait, writer });
        }
        return Some(LockDeadlock::SelfHeld { wait });
    }
    if let Some(waits) = cycle_from(f, wait) {
        return Some(LockDeadlock::Cycle { waits });
    }
    for o in &f.others {
        if wait.holders & (1 << o.proc) == 0 {
            continue;
        }
        if f.lock_waits.iter().any(|w| w.proc == o.proc) {
            continue;
        }
        if let Some(at) = o.blocked_at {
            return Some(LockDeadlock::HolderBlocked {
                wait,
                holder: o.proc,
                holder_at: at,
                holder_spawn: o.spawn,
            });
        }
    }
    None
}

/// Where goroutine `proc` ended (its last `return`, or the end of its
/// body), when the witness shows it.
pub fn ended_at(f: &Finding, proc: u8) -> Option<Loc> {
    f.witness
        .iter()
        .rev()
        .find(|s| s.proc == proc && s.kind == StepKind::Returned)
        .map(|s| s.at)
}

/// The goroutines a lock wait waits for: the holders, or for a read lock
/// refused while readers hold it, the writers queued on the same mutex.
fn waits_for(f: &Finding, w: &LockWait) -> u32 {
    if !w.write && w.read_held {
        f.lock_waits
            .iter()
            .filter(|x| x.proc != w.proc && x.write && x.mutex == w.mutex)
            .fold(0, |m, x| m | 1 << x.proc)
    } else {
        w.holders
    }
}

/// A shortest cycle of lock waits from `start` back to its goroutine.
fn cycle_from(f: &Finding, start: LockWait) -> Option<Vec<LockWait>> {
    // Breadth-first over goroutines blocked on locks; at most 32 of them.
    let mut parent: Vec<Option<usize>> = vec![None; f.lock_waits.len()];
    let mut seen = vec![false; f.lock_waits.len()];
    let idx = |p: u8| f.lock_waits.iter().position(|w| w.proc == p);
    let s = idx(start.proc)?;
    seen[s] = true;
    let mut queue = std::collections::VecDeque::from([s]);
    while let Some(i) = queue.pop_front() {
        let next = waits_for(f, &f.lock_waits[i]);
        if next & (1 << start.proc) != 0 && i != s {
            let mut chain = vec![f.lock_waits[i]];
            let mut at = i;
            while let Some(p) = parent[at] {
                chain.push(f.lock_waits[p]);
                at = p;
            }
            chain.reverse();
            return Some(chain);
        }
        for (j, w) in f.lock_waits.iter().enumerate() {
            if !seen[j] && next & (1 << w.proc) != 0 {
                seen[j] = true;
                parent[j] = Some(i);
                queue.push_back(j);
            }
        }
    }
    None
}

/// Where goroutine `proc` last took a lock on the way to the finding's
/// state (the lock it holds, when it holds one).
pub fn last_locked(f: &Finding, proc: u8) -> Option<Loc> {
    f.witness
        .iter()
        .rev()
        .find(|s| s.proc == proc && s.kind == StepKind::Locked)
        .map(|s| s.at)
}

/// The `go` statement that started goroutine `proc` (None: the explored
/// function itself).
pub fn spawn_of(f: &Finding, proc: u8) -> Option<Loc> {
    if proc == f.proc {
        return f.spawn;
    }
    f.others
        .iter()
        .find(|o| o.proc == proc)
        .and_then(|o| o.spawn)
}
