//! MM012 readmemstats-in-loop.

use goguard_syntax::NodeKind;

use crate::analyses::loops::hot_path;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds `runtime.ReadMemStats` called in a loop or in an HTTP handler
    /// (once per request), outside tests.
    ///
    /// ## Why is this bad?
    /// `ReadMemStats` stops the world to collect its numbers: every
    /// goroutine pauses while it runs, for a time that grows with the
    /// heap. In a polling loop or per request it adds pauses to the whole
    /// process. `runtime/metrics.Read` gives the same figures without
    /// stopping the world.
    ///
    /// ## Example
    /// ```go
    /// package watch
    ///
    /// import (
    ///     "runtime"
    ///     "time"
    /// )
    ///
    /// func watch(limit uint64, alarm func()) {
    ///     var m runtime.MemStats
    ///     for range time.Tick(time.Second) {
    ///         runtime.ReadMemStats(&m)
    ///         if m.HeapAlloc > limit {
    ///             alarm()
    ///         }
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package watch
    ///
    /// import (
    ///     "runtime/metrics"
    ///     "time"
    /// )
    ///
    /// func watch(limit uint64, alarm func()) {
    ///     s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
    ///     for range time.Tick(time.Second) {
    ///         metrics.Read(s)
    ///         if s[0].Value.Uint64() > limit {
    ///             alarm()
    ///         }
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - A loop that runs rarely (a ticker of minutes) costs little; the
    ///   rule does not read the loop's pace.
    /// - Calls in functions that a loop or a handler calls are not
    ///   followed.
    /// - A preview rule (select it with `--select MM012`): the only
    ///   findings in a review of real trees were the memory pages of a
    ///   debug endpoint, read once per page view, which is what they are
    ///   for.
    pub struct ReadmemstatsInLoop {
        name: "readmemstats-in-loop",
        code: "MM012",
        domain: Memory,
        category: Perf,
        status: Preview,
        in_tests: false,
    }
}

impl ReadmemstatsInLoop {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if !cx
                .model()
                .callee(cx.file(), call)
                .is_func("runtime", "ReadMemStats")
            {
                continue;
            }
            let Some(where_) = hot_path(cx, call) else {
                continue;
            };
            let d = cx
                .diagnostic(
                    call,
                    format!("runtime.ReadMemStats stops the world, here {where_}"),
                )
                .with_help(
                    "read the figures with runtime/metrics.Read, which does not stop the world",
                );
            cx.report(d);
        }
    }
}
