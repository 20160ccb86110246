//! What the model found in a package, for the rules to report: operations
//! that block forever and misuses that panic, each with the function whose
//! model found it, the goroutine involved and a witness path.

use crate::ir::{FuncId, Loc};

/// What a goroutine blocks on forever, or the misuse it commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// A send (or a select whose followed cases all send).
    BlockedSend,
    /// A receive (or a select with a followed receive case).
    BlockedRecv,
    /// `for range ch`: waiting for a value or a close that never comes.
    BlockedRange,
    /// An operation on a nil channel.
    BlockedNil,
    /// `select {}`.
    BlockedForever,
    /// `wg.Wait()` (or errgroup Wait) whose count never reaches zero.
    BlockedWait,
    /// `mu.Lock()`, `mu.RLock()`.
    BlockedLock,
    /// `cond.Wait()` never signalled.
    BlockedCond,
    /// Send on a closed channel (panics).
    SendOnClosed,
    /// Close of a closed channel (panics).
    CloseOfClosed,
    /// Close of a nil channel (panics).
    CloseOfNil,
    /// A WaitGroup counter going negative (panics).
    NegativeWaitGroup,
    /// Unlock of an unlocked mutex (fatal).
    UnlockOfUnlocked,
}

/// The channel a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChanInfo {
    /// The `make` call.
    pub alloc: Loc,
    pub cap: u8,
}

/// One event of a witness path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// 0 is the explored function; goroutines are numbered as started.
    pub proc: u8,
    pub kind: StepKind,
    pub at: Loc,
    /// The followed channel the step is about (its `make`), if any.
    pub chan: Option<Loc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Started goroutine number `.0` (at the `go` statement's call).
    Started(u8),
    /// Took a select case (at its communication).
    Case,
    /// Took the select's default case (at the select).
    Default,
    /// Returned (at the return statement, or the body's block when it
    /// falls off the end).
    Returned,
    Sent,
    Received,
    Closed,
    Locked,
    Unlocked,
    Added,
    Done,
    Waited,
    Signalled,
}

/// Where another goroutine is when the finding's goroutine is stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Other {
    pub proc: u8,
    /// Its `go` statement's call; None for the explored function.
    pub spawn: Option<Loc>,
    /// None: it has ended; Some: it is blocked too, at this operation.
    pub blocked_at: Option<Loc>,
}

/// One thing the model found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The operation that blocks or panics.
    pub at: Loc,
    /// The function whose model found it.
    pub root: FuncId,
    /// The goroutine: 0 for the explored function itself.
    pub proc: u8,
    /// The call of its `go` statement; None for the explored function.
    pub spawn: Option<Loc>,
    pub chan: Option<ChanInfo>,
    /// The events that lead there, in order.
    pub witness: Vec<Step>,
    /// The other goroutines at the end of the witness.
    pub others: Vec<Other>,
    /// No goroutine was ever started: the function blocks itself.
    pub alone: bool,
    /// For a blocked operation: every goroutine (the finding's included)
    /// waiting for a mutex at the end of the witness, with who holds it.
    pub lock_waits: Vec<LockWait>,
}

/// A goroutine waiting for a followed mutex, and who holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LockWait {
    pub proc: u8,
    /// Where it waits (the `Lock`/`RLock` call, or the `cond.Wait` that
    /// takes the lock back).
    pub at: Loc,
    /// It waits for the write lock (`Lock`), not a read lock.
    pub write: bool,
    /// The goroutines holding the mutex, as a bit set: the writer, or the
    /// readers.
    pub holders: u32,
    /// Held for reading (by `holders`), not writing.
    pub read_held: bool,
    /// Which mutex, comparable between the waits of one finding only.
    pub mutex: u32,
}

/// What exploring one function's model cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelStats {
    pub states: usize,
    /// The state budget ran out before the search ended.
    pub gave_up: bool,
}
