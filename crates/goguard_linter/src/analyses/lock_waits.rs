//! Lock deadlocks in the concurrency model's findings: a goroutine blocked
//! forever on `Lock`/`RLock` (or on taking a `cond.Wait`'s lock back), and
//! why, read from who holds the mutexes at the end of the witness.

use goguard_concurrency::{Finding, FindingKind, Loc, LockWait, StepKind};

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
