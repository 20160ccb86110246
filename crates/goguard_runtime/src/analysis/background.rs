//! Goroutines every healthy Go program has: runtime helpers, the goroutine writing the
//! dump, net/http accept loops and idle connections, database/sql openers, the testing
//! framework. They are recognised and left out of the suspects.
//!
//! A pattern matches when a frame has one of the listed functions AND every frame above it
//! (nearer the top of the stack) is standard library. That second condition is what keeps
//! a handler stuck in user code inside `net/http.(*conn).serve` a suspect: its stack has
//! user frames above `conn.serve`, an idle connection does not.

use crate::analysis::classify::is_stdlib_func;
use crate::model::{DumpCause, Goroutine};

/// Why a goroutine is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Background {
    RuntimeInternals,
    /// `os/signal`'s loop: waits for signals the process may never get.
    SignalHandling,
    /// The goroutine printing the dump (`pprof`, `runtime.Stack`).
    DumpWriter,
    /// The goroutine whose panic or fatal error printed the dump.
    Crashing,
    /// The goroutine that sent the process the signal that printed the dump.
    SignalSender,
    HttpServerAccept,
    HttpServerConnection,
    HttpClientConnection,
    SqlPool,
    Testing,
}

impl Background {
    pub fn reason(self) -> &'static str {
        match self {
            Background::RuntimeInternals => "runtime internals",
            Background::SignalHandling => "signal handling",
            Background::DumpWriter => "goroutine writing the dump",
            Background::Crashing => "goroutine that crashed the program",
            Background::SignalSender => "goroutine that sent the dump signal",
            Background::HttpServerAccept => "net/http server accept loop",
            Background::HttpServerConnection => "net/http idle server connection",
            Background::HttpClientConnection => "net/http idle client connection",
            Background::SqlPool => "database/sql connection pool",
            Background::Testing => "testing framework",
        }
    }

    /// Whether this goroutine, when it can run, can wake the program's own
    /// goroutines: a server loop in IO wait starts handlers when a request
    /// comes; the runtime's helpers, the signal loop, the dump writer and the
    /// test framework's bookkeeping do not.
    pub fn wakes_others(self) -> bool {
        matches!(
            self,
            Background::HttpServerAccept
                | Background::HttpServerConnection
                | Background::HttpClientConnection
                | Background::SqlPool
        )
    }
}

/// One family of expected goroutines.
struct Pattern {
    kind: Background,
    funcs: &'static [&'static str],
}

const PATTERNS: &[Pattern] = &[
    Pattern {
        kind: Background::SignalHandling,
        funcs: &["os/signal.signal_recv", "os/signal.loop"],
    },
    Pattern {
        kind: Background::RuntimeInternals,
        funcs: &[
            "runtime.forcegchelper",
            "runtime.bgsweep",
            "runtime.bgscavenge",
            "runtime.runfinq",
            "runtime.runCleanups",
            "runtime.gcBgMarkWorker",
            "runtime.timerproc",
            "runtime.ensureSigM.func1",
            "runtime.ensureSigM",
            "runtime.unique_runtime_registerUniqueMapCleanup.func1",
            "runtime.(*traceAdvancerState).start.func1",
            "unique.registerCleanup.func1",
        ],
    },
    Pattern {
        kind: Background::DumpWriter,
        funcs: &[
            "runtime/pprof.writeGoroutineStacks",
            "runtime/pprof.writeRuntimeProfile",
            "runtime/pprof.writeGoroutine",
            "runtime.Stack",
            "runtime/debug.Stack",
            "runtime.goroutineProfileWithLabels",
        ],
    },
    Pattern {
        kind: Background::HttpServerAccept,
        funcs: &["net/http.(*Server).Serve"],
    },
    Pattern {
        kind: Background::HttpServerConnection,
        funcs: &[
            "net/http.(*conn).serve",
            "net/http.(*http2serverConn).serve",
            "net/http.(*connReader).backgroundRead",
            "golang.org/x/net/http2.(*serverConn).serve",
        ],
    },
    Pattern {
        kind: Background::HttpClientConnection,
        funcs: &[
            "net/http.(*persistConn).readLoop",
            "net/http.(*persistConn).writeLoop",
            "net/http.(*http2ClientConn).readLoop",
            "net/http.(*http2clientConnReadLoop).run",
            "golang.org/x/net/http2.(*ClientConn).readLoop",
        ],
    },
    Pattern {
        kind: Background::SqlPool,
        funcs: &[
            "database/sql.(*DB).connectionOpener",
            "database/sql.(*DB).connectionResetter",
            "database/sql.(*DB).connectionCleaner",
        ],
    },
    Pattern {
        kind: Background::Testing,
        funcs: &[
            "testing.(*T).Run",
            "testing.tRunner",
            "testing.tRunner.func1",
            "testing.runTests",
            "testing.(*M).Run",
            "testing.(*M).startAlarm",
            "testing.(*M).startAlarm.func1",
            "testing.(*T).Parallel",
        ],
    },
];

/// Functions a goroutine is in when it sends a signal to its own process.
const SIGNAL_SENDERS: &[&str] = &[
    "syscall.Kill",
    "syscall.Tgkill",
    "syscall.RawSyscall",
    "syscall.RawSyscall6",
    "syscall.Syscall",
    "os.(*Process).signal",
    "os.(*Process).Signal",
];

/// Frames of a goroutine that is panicking or throwing.
const CRASH_FRAMES: &[&str] = &[
    "panic",
    "runtime.gopanic",
    "runtime.fatalpanic",
    "runtime.throw",
    "runtime.fatalthrow",
    "runtime.sigpanic",
    "runtime.crash",
];

/// Why this goroutine is expected, or `None` if it is not a known background
/// goroutine. `first`: it is the first goroutine of its dump, which a crash
/// prints first. `cause`: what printed the dump.
pub fn background_of(g: &Goroutine, first: bool, cause: Option<&DumpCause>) -> Option<Background> {
    for (i, frame) in g.frames.iter().enumerate() {
        if let Some(p) = PATTERNS.iter().find(|p| p.funcs.contains(&&*frame.func)) {
            if g.frames[..i].iter().all(|f| is_stdlib_func(&f.func)) {
                return Some(p.kind);
            }
        }
    }
    let running = g.state == "running" || g.state == "syscall";
    match cause {
        Some(DumpCause::Crash { .. } | DumpCause::TestTimeout { .. })
            if first && running && g.frames.iter().any(|f| CRASH_FRAMES.contains(&&*f.func)) =>
        {
            return Some(Background::Crashing);
        }
        Some(DumpCause::Signal { .. }) if running => {
            let top: Vec<&str> = g
                .frames
                .iter()
                .take_while(|f| is_stdlib_func(&f.func))
                .map(|f| &*f.func)
                .collect();
            if top
                .iter()
                .any(|f| *f == "syscall.Kill" || *f == "syscall.Tgkill")
                && top.iter().all(|f| {
                    SIGNAL_SENDERS.contains(f)
                        || f.starts_with("internal/runtime/syscall")
                        || f.starts_with("runtime.")
                })
            {
                return Some(Background::SignalSender);
            }
        }
        _ => {}
    }
    // Runtime goroutines whose stack is only runtime frames (new helpers in new Go
    // versions), or that print no frames but were created by the runtime.
    let runtime_only = g.frames.iter().all(|f| f.func.starts_with("runtime."));
    let created_by_runtime = g
        .created_by
        .as_ref()
        .is_none_or(|c| c.func.starts_with("runtime."));
    if runtime_only && created_by_runtime && (!g.frames.is_empty() || g.created_by.is_some()) {
        return Some(Background::RuntimeInternals);
    }
    None
}

/// The reason text of [`background_of`] in a dump of unknown cause.
pub fn background_reason(g: &Goroutine) -> Option<&'static str> {
    background_of(g, false, None).map(Background::reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::{created_by, goroutine};

    #[test]
    fn idle_server_connection_is_background() {
        let g = goroutine(
            3,
            "IO wait",
            &[
                "internal/poll.runtime_pollWait",
                "net.(*conn).Read",
                "net/http.(*connReader).Read",
                "bufio.(*Reader).Peek",
                "net/http.(*conn).serve",
            ],
        );
        assert_eq!(
            background_reason(&g),
            Some("net/http idle server connection")
        );
    }

    #[test]
    fn handler_stuck_in_user_code_is_not_background() {
        let g = goroutine(
            3,
            "chan send",
            &[
                "main.handler",
                "net/http.HandlerFunc.ServeHTTP",
                "net/http.(*conn).serve",
            ],
        );
        assert_eq!(background_reason(&g), None);
    }

    #[test]
    fn runtime_helpers_are_background() {
        let g = goroutine(
            2,
            "force gc (idle)",
            &["runtime.gopark", "runtime.forcegchelper"],
        );
        assert_eq!(background_reason(&g), Some("runtime internals"));
        let g = created_by(
            goroutine(
                5,
                "GC worker (idle)",
                &["runtime.gopark", "runtime.gcNewHelper"],
            ),
            "runtime.gcBgMarkStartWorkers",
            "runtime/mgc.go",
            1,
        );
        assert_eq!(background_reason(&g), Some("runtime internals"));
    }

    #[test]
    fn testing_framework_waiting_for_subtests_is_background() {
        let g = goroutine(
            1,
            "chan receive",
            &[
                "runtime.gopark",
                "runtime.chanrecv1",
                "testing.(*T).Run",
                "main.TestX",
            ],
        );
        assert_eq!(background_reason(&g), Some("testing framework"));
    }
}
