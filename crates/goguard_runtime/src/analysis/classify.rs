//! What a goroutine is blocked on, and where the user's code blocks.
//!
//! The header's wait reason is the best evidence, but it changed across Go versions (Go
//! 1.19 and older print `semacquire` for every sync primitive, 1.20+ print
//! `sync.Mutex.Lock`, `sync.WaitGroup.Wait`...), and aggregated formats print none. So a
//! generic or missing state is resolved from the runtime/sync frames on top of the stack.

use serde::Serialize;

use crate::model::{Frame, Goroutine};

/// The blocking operation of a goroutine, as far as a dump can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    ChanSend,
    ChanReceive,
    NilChanSend,
    NilChanReceive,
    Select,
    SelectNoCases,
    Mutex,
    RwMutexRead,
    RwMutexWrite,
    WaitGroup,
    Cond,
    /// `semacquire` with no sync frame that says which primitive.
    Semacquire,
    IoWait,
    Syscall,
    Sleep,
    Running,
    Runnable,
    /// Runtime bookkeeping waits: GC workers, finalizer wait, timers...
    RuntimeIdle,
    /// A user goroutine held up by the runtime for a moment (GC assist,
    /// stopping the world): it resumes by itself.
    Transient,
    /// Parked in an `iter.Pull` coroutine switch: woken by its partner.
    Coroutine,
    Unknown,
}

impl BlockKind {
    /// Short human label.
    pub fn label(self) -> &'static str {
        match self {
            BlockKind::ChanSend => "chan send",
            BlockKind::ChanReceive => "chan receive",
            BlockKind::NilChanSend => "chan send (nil chan)",
            BlockKind::NilChanReceive => "chan receive (nil chan)",
            BlockKind::Select => "select",
            BlockKind::SelectNoCases => "select (no cases)",
            BlockKind::Mutex => "sync.Mutex.Lock",
            BlockKind::RwMutexRead => "sync.RWMutex.RLock",
            BlockKind::RwMutexWrite => "sync.RWMutex.Lock",
            BlockKind::WaitGroup => "sync.WaitGroup.Wait",
            BlockKind::Cond => "sync.Cond.Wait",
            BlockKind::Semacquire => "semacquire",
            BlockKind::IoWait => "IO wait",
            BlockKind::Syscall => "syscall",
            BlockKind::Sleep => "sleep",
            BlockKind::Running => "running",
            BlockKind::Runnable => "runnable",
            BlockKind::RuntimeIdle => "runtime idle",
            BlockKind::Transient => "transient runtime wait",
            BlockKind::Coroutine => "coroutine",
            BlockKind::Unknown => "unknown",
        }
    }

    /// The snake_case name used in JSON (`chan_send`, `mutex`...).
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::ChanSend => "chan_send",
            BlockKind::ChanReceive => "chan_receive",
            BlockKind::NilChanSend => "nil_chan_send",
            BlockKind::NilChanReceive => "nil_chan_receive",
            BlockKind::Select => "select",
            BlockKind::SelectNoCases => "select_no_cases",
            BlockKind::Mutex => "mutex",
            BlockKind::RwMutexRead => "rw_mutex_read",
            BlockKind::RwMutexWrite => "rw_mutex_write",
            BlockKind::WaitGroup => "wait_group",
            BlockKind::Cond => "cond",
            BlockKind::Semacquire => "semacquire",
            BlockKind::IoWait => "io_wait",
            BlockKind::Syscall => "syscall",
            BlockKind::Sleep => "sleep",
            BlockKind::Running => "running",
            BlockKind::Runnable => "runnable",
            BlockKind::RuntimeIdle => "runtime_idle",
            BlockKind::Transient => "transient",
            BlockKind::Coroutine => "coroutine",
            BlockKind::Unknown => "unknown",
        }
    }

    /// Could be making progress, or will without help from another
    /// goroutine: running, runnable, in a system call or IO wait (an event
    /// from outside can come), asleep (a timer ends it), held up by the
    /// runtime for a moment, or of unknown state (aggregated profiles).
    pub fn can_progress(self) -> bool {
        matches!(
            self,
            BlockKind::Running
                | BlockKind::Runnable
                | BlockKind::Syscall
                | BlockKind::IoWait
                | BlockKind::Sleep
                | BlockKind::Transient
                | BlockKind::Unknown
        )
    }

    /// Only another goroutine can end this wait, and no timer or signal
    /// delivers it directly: a lock, WaitGroup, Cond, a send, a nil channel,
    /// `select {}`. When no goroutine can make progress, these never end.
    pub fn needs_a_partner(self) -> bool {
        matches!(
            self,
            BlockKind::ChanSend
                | BlockKind::NilChanSend
                | BlockKind::NilChanReceive
                | BlockKind::SelectNoCases
                | BlockKind::Mutex
                | BlockKind::RwMutexRead
                | BlockKind::RwMutexWrite
                | BlockKind::WaitGroup
                | BlockKind::Cond
                | BlockKind::Semacquire
        )
    }

    /// A receive or select: a timer's channel or a signal's channel can end
    /// it without any goroutine of the program acting.
    pub fn timer_could_wake(self) -> bool {
        matches!(
            self,
            BlockKind::ChanReceive | BlockKind::Select | BlockKind::Coroutine
        )
    }

    /// Blocked on a channel, select or sync primitive: can wait forever if nobody acts.
    pub fn is_sync_block(self) -> bool {
        self.needs_a_partner() || matches!(self, BlockKind::ChanReceive | BlockKind::Select)
    }

    /// Waiting to acquire a mutex (the kinds a lock deadlock is made of).
    pub fn is_lock(self) -> bool {
        matches!(
            self,
            BlockKind::Mutex | BlockKind::RwMutexRead | BlockKind::RwMutexWrite
        )
    }

    /// Blocks forever by construction, whatever the count or wait.
    pub fn is_nil_chan(self) -> bool {
        matches!(self, BlockKind::NilChanSend | BlockKind::NilChanReceive)
    }
}

/// Classifies one goroutine from its state, falling back to its frames.
pub fn classify(g: &Goroutine) -> BlockKind {
    match kind_from_state(&g.state) {
        Some(kind) => kind,
        None => kind_from_frames(&g.frames).unwrap_or(BlockKind::Unknown),
    }
}

/// `None` when the state is generic (`semacquire`) or absent: look at the frames.
/// The states are the runtime's wait reasons (runtime2.go `waitReasonStrings`, Go
/// 1.10 to 1.27) and goroutine statuses.
fn kind_from_state(state: &str) -> Option<BlockKind> {
    let kind = match state {
        "chan send (nil chan)" => BlockKind::NilChanSend,
        "chan receive (nil chan)" => BlockKind::NilChanReceive,
        "select (no cases)" => BlockKind::SelectNoCases,
        "sync.Mutex.Lock" => BlockKind::Mutex,
        "sync.RWMutex.RLock" => BlockKind::RwMutexRead,
        "sync.RWMutex.Lock" => BlockKind::RwMutexWrite,
        "sync.WaitGroup.Wait" => BlockKind::WaitGroup,
        "sync.Cond.Wait" => BlockKind::Cond,
        "IO wait" => BlockKind::IoWait,
        "syscall" => BlockKind::Syscall,
        "sleep" => BlockKind::Sleep,
        "running" => BlockKind::Running,
        "runnable" | "preempted" => BlockKind::Runnable,
        "coroutine" => BlockKind::Coroutine,
        "" | "semacquire" | "sync.Mutex.Lock (semacquire)" | "waiting" => return None,
        s if s.starts_with("chan send") => BlockKind::ChanSend,
        s if s.starts_with("chan receive") => BlockKind::ChanReceive,
        s if s.starts_with("select") => BlockKind::Select,
        s if s.starts_with("sync.WaitGroup.Wait") => BlockKind::WaitGroup,
        s if is_transient_wait(s) => BlockKind::Transient,
        s if is_runtime_wait(s) => BlockKind::RuntimeIdle,
        _ => return None,
    };
    Some(kind)
}

/// Waits in which the runtime holds a user goroutine for a moment; it goes on
/// by itself afterwards.
fn is_transient_wait(state: &str) -> bool {
    matches!(
        state,
        "GC assist marking"
            | "GC assist wait"
            | "wait for GC cycle"
            | "GC weak to strong wait"
            | "stopping the world"
            | "flushing proc caches"
            | "garbage collection"
            | "garbage collection scan"
            | "GC mark termination"
            | "dumping heap"
            | "debug call"
            | "trace goroutine status"
            | "trace proc status"
            | "page trace flush"
            | "copystack"
    )
}

/// Wait reasons of the runtime's own goroutines (runtime2.go waitReasonStrings)
/// and of testing/synctest's bubble bookkeeping.
fn is_runtime_wait(state: &str) -> bool {
    state.starts_with("GC ")
        || state.starts_with("force gc")
        || state.starts_with("finalizer wait")
        || state.starts_with("cleanup wait")
        || state.starts_with("timer goroutine")
        || state.starts_with("trace reader")
        || state.starts_with("GOMAXPROCS updater")
        || state.starts_with("synctest.")
        || state == "panicwait"
        || state == "idle"
        || state == "dead"
        || state == "moribund"
}

/// Resolves the kind from the runtime/sync frames above the first user frame. The
/// outermost recognised internal frame wins: `sync.(*RWMutex).Lock` calls into the
/// Mutex code and semacquire, and it is what the user called.
pub fn kind_from_frames(frames: &[Frame]) -> Option<BlockKind> {
    let internal_end = frames
        .iter()
        .position(|f| !is_internal_func(&f.func))
        .unwrap_or(frames.len());
    frames[..internal_end]
        .iter()
        .rev()
        .find_map(|f| kind_of_internal_func(&f.func))
}

fn kind_of_internal_func(func: &str) -> Option<BlockKind> {
    let kind = match func {
        "sync.(*RWMutex).RLock" | "sync.(*RWMutex).rUnlockSlow" => BlockKind::RwMutexRead,
        "sync.(*RWMutex).Lock" => BlockKind::RwMutexWrite,
        "sync.(*WaitGroup).Wait" | "sync.runtime_SemacquireWaitGroup" => BlockKind::WaitGroup,
        "sync.(*Cond).Wait" | "sync.runtime_notifyListWait" => BlockKind::Cond,
        "sync.(*Mutex).Lock"
        | "sync.(*Mutex).lockSlow"
        | "internal/sync.(*Mutex).Lock"
        | "internal/sync.(*Mutex).lockSlow"
        | "sync.runtime_SemacquireMutex"
        | "internal/sync.runtime_SemacquireMutex" => BlockKind::Mutex,
        "sync.runtime_SemacquireRWMutexR" => BlockKind::RwMutexRead,
        "sync.runtime_SemacquireRWMutex" => BlockKind::RwMutexWrite,
        "sync.runtime_Semacquire" | "runtime.semacquire1" => BlockKind::Semacquire,
        "runtime.chansend" | "runtime.chansend1" => BlockKind::ChanSend,
        "runtime.chanrecv" | "runtime.chanrecv1" | "runtime.chanrecv2" => BlockKind::ChanReceive,
        "runtime.selectgo" => BlockKind::Select,
        "runtime.block" => BlockKind::SelectNoCases,
        "internal/poll.runtime_pollWait" | "runtime.netpollblock" => BlockKind::IoWait,
        "time.Sleep" | "runtime.timeSleep" => BlockKind::Sleep,
        f if f.starts_with("syscall.Syscall") || f.starts_with("syscall.RawSyscall") => {
            BlockKind::Syscall
        }
        _ => return None,
    };
    Some(kind)
}

/// Runtime and sync internals: frames that say how a goroutine blocks, not where the
/// user's code blocks.
pub fn is_internal_func(func: &str) -> bool {
    func.starts_with("runtime.")
        || func.starts_with("runtime/internal/")
        || func.starts_with("internal/")
        || func.starts_with("sync.")
        || func.starts_with("syscall.")
        || func == "time.Sleep"
}

/// The first frame outside runtime and sync internals: where the user's code blocks.
/// Falls back to the innermost frame when every frame is internal.
pub fn blocking_frame(g: &Goroutine) -> Option<&Frame> {
    g.frames
        .iter()
        .find(|f| !is_internal_func(&f.func))
        .or_else(|| g.frames.first())
}

/// The package path of a function name: `net/http.(*conn).serve` → `net/http`,
/// `main.worker.func1` → `main`, `example.com/a/b.F` → `example.com/a/b`.
pub fn package_of(func: &str) -> &str {
    let last_slash = func.rfind('/').map_or(0, |i| i + 1);
    match func[last_slash..].find('.') {
        Some(dot) => &func[..last_slash + dot],
        None => func,
    }
}

/// A function of the standard library (by the list of its packages).
pub fn is_stdlib_func(func: &str) -> bool {
    crate::analysis::stdlib::is_std_package(package_of(func))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::{frame, goroutine};

    #[test]
    fn modern_wait_reasons_classify_from_state() {
        let g = goroutine(1, "sync.Mutex.Lock", &["main.f"]);
        assert_eq!(classify(&g), BlockKind::Mutex);
        let g = goroutine(1, "chan receive (nil chan)", &["main.f"]);
        assert_eq!(classify(&g), BlockKind::NilChanReceive);
        let g = goroutine(1, "chan send", &["main.f"]);
        assert_eq!(classify(&g), BlockKind::ChanSend);
    }

    #[test]
    fn old_semacquire_resolves_from_sync_frames() {
        let mutex = goroutine(
            1,
            "semacquire",
            &[
                "sync.runtime_SemacquireMutex",
                "sync.(*Mutex).lockSlow",
                "sync.(*Mutex).Lock",
                "main.transfer",
            ],
        );
        assert_eq!(classify(&mutex), BlockKind::Mutex);
        let wg = goroutine(
            1,
            "semacquire",
            &[
                "sync.runtime_Semacquire",
                "sync.(*WaitGroup).Wait",
                "main.run",
            ],
        );
        assert_eq!(classify(&wg), BlockKind::WaitGroup);
        let rw = goroutine(
            1,
            "semacquire",
            &[
                "sync.runtime_SemacquireMutex",
                "sync.(*Mutex).Lock",
                "sync.(*RWMutex).Lock",
                "main.write",
            ],
        );
        assert_eq!(classify(&rw), BlockKind::RwMutexWrite);
    }

    #[test]
    fn aggregated_records_without_state_use_frames() {
        let g = goroutine(
            1,
            "",
            &[
                "runtime.gopark",
                "runtime.chanrecv",
                "runtime.chanrecv1",
                "main.f",
            ],
        );
        assert_eq!(classify(&g), BlockKind::ChanReceive);
        assert_eq!(classify(&goroutine(1, "", &["main.f"])), BlockKind::Unknown);
    }

    #[test]
    fn blocking_frame_skips_runtime_and_sync() {
        let g = goroutine(
            1,
            "sync.Mutex.Lock",
            &[
                "internal/sync.runtime_SemacquireMutex",
                "internal/sync.(*Mutex).lockSlow",
                "sync.(*Mutex).Lock",
                "main.transfer",
                "main.main",
            ],
        );
        assert_eq!(&*blocking_frame(&g).unwrap().func, "main.transfer");
        let only_runtime = goroutine(1, "GC sweep wait", &["runtime.gopark", "runtime.bgsweep"]);
        assert_eq!(
            &*blocking_frame(&only_runtime).unwrap().func,
            "runtime.gopark"
        );
        let _ = frame("x", "y", 1);
    }

    #[test]
    fn packages_and_stdlib() {
        assert_eq!(package_of("net/http.(*conn).serve"), "net/http");
        assert_eq!(package_of("main.main.func1"), "main");
        assert_eq!(package_of("example.com/a/b.F"), "example.com/a/b");
        assert!(is_stdlib_func("net/http.(*conn).serve"));
        assert!(!is_stdlib_func("main.main"));
        assert!(!is_stdlib_func("github.com/acme/app.Run"));
        // A module path without a dot is still the program's own code.
        assert!(!is_stdlib_func("myservice/internal/worker.(*Pool).run"));
        assert!(!is_stdlib_func("myservice.handler"));
    }
}
