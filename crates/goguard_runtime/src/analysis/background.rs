//! Goroutines every healthy Go program has: runtime helpers, the goroutine writing the
//! dump, net/http accept loops and idle connections, database/sql openers, the testing
//! framework. They are recognised and left out of the suspects.
//!
//! A pattern matches when a frame has one of the listed functions AND every frame above it
//! (nearer the top of the stack) is standard library. That second condition is what keeps
//! a handler stuck in user code inside `net/http.(*conn).serve` a suspect: its stack has
//! user frames above `conn.serve`, an idle connection does not.

use crate::analysis::classify::is_stdlib_func;
use crate::model::Goroutine;

/// One family of expected goroutines.
struct Pattern {
    reason: &'static str,
    funcs: &'static [&'static str],
}

const PATTERNS: &[Pattern] = &[
    Pattern {
        reason: "runtime internals",
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
            "os/signal.signal_recv",
            "os/signal.loop",
            "unique.registerCleanup.func1",
        ],
    },
    Pattern {
        reason: "goroutine writing the dump",
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
        reason: "net/http server accept loop",
        funcs: &["net/http.(*Server).Serve"],
    },
    Pattern {
        reason: "net/http idle server connection",
        funcs: &[
            "net/http.(*conn).serve",
            "net/http.(*http2serverConn).serve",
            "net/http.(*connReader).backgroundRead",
            "golang.org/x/net/http2.(*serverConn).serve",
        ],
    },
    Pattern {
        reason: "net/http idle client connection",
        funcs: &[
            "net/http.(*persistConn).readLoop",
            "net/http.(*persistConn).writeLoop",
            "net/http.(*http2ClientConn).readLoop",
            "net/http.(*http2clientConnReadLoop).run",
            "golang.org/x/net/http2.(*ClientConn).readLoop",
        ],
    },
    Pattern {
        reason: "database/sql connection pool",
        funcs: &[
            "database/sql.(*DB).connectionOpener",
            "database/sql.(*DB).connectionResetter",
            "database/sql.(*DB).connectionCleaner",
        ],
    },
    Pattern {
        reason: "testing framework",
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

/// Why this goroutine is expected, or `None` if it is not a known background goroutine.
pub fn background_reason(g: &Goroutine) -> Option<&'static str> {
    for (i, frame) in g.frames.iter().enumerate() {
        if let Some(p) = PATTERNS.iter().find(|p| p.funcs.contains(&&*frame.func)) {
            if g.frames[..i].iter().all(|f| is_stdlib_func(&f.func)) {
                return Some(p.reason);
            }
        }
    }
    // Runtime goroutines whose stack is only runtime frames (new helpers in new Go
    // versions), or that print no frames but were created by the runtime.
    let runtime_only = g.frames.iter().all(|f| f.func.starts_with("runtime."));
    let created_by_runtime = g
        .created_by
        .as_ref()
        .is_none_or(|c| c.func.starts_with("runtime."));
    if runtime_only && created_by_runtime && (!g.frames.is_empty() || g.created_by.is_some()) {
        return Some("runtime internals");
    }
    None
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
