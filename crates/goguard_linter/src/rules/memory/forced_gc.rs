//! MM007 forced-gc.

use goguard_semantic::model::Callee;
use goguard_syntax::{NodeId, NodeKind};

use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds calls of `runtime.GC()` and `debug.FreeOSMemory()` in
    /// non-test code, unless the function then reads memory statistics or
    /// writes a heap profile (`runtime.ReadMemStats`, `pprof.WriteHeapProfile`,
    /// `pprof.Lookup`, `debug.ReadGCStats`, `debug.WriteHeapDump`): collecting
    /// first is how those numbers are made exact.
    ///
    /// ## Why is this bad?
    /// A forced collection stops the world for its mark termination and
    /// does a full cycle on the calling goroutine whatever the pacer
    /// thinks; `FreeOSMemory` also returns every free page to the system,
    /// which the next allocation burst must fault back in. Called on a
    /// timer or per request, it costs CPU and latency and fights the
    /// runtime's own tuning (`GOGC`, `GOMEMLIMIT`), which is the supported
    /// way to trade memory for CPU.
    ///
    /// ## Example
    /// ```go
    /// package cache
    ///
    /// import "runtime"
    ///
    /// type Cache struct{ items map[string][]byte }
    ///
    /// func (c *Cache) Clear() {
    ///     c.items = map[string][]byte{}
    ///     runtime.GC()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package cache
    ///
    /// type Cache struct{ items map[string][]byte }
    ///
    /// // Clear drops the items; the collector frees them when it runs. Set
    /// // GOMEMLIMIT to keep the heap under a limit.
    /// func (c *Cache) Clear() {
    ///     c.items = map[string][]byte{}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - A preview rule (select it with `--select MM007`): in real trees
    ///   almost every forced collection outside tests is deliberate and
    ///   rare (a debug endpoint or command that frees memory on request, an
    ///   interpreter implementing `runtime.GC`, a leak checker, a shim
    ///   freeing its start-up garbage once); the rule cannot tell those
    ///   from a collection on a hot path.
    pub struct ForcedGc {
        name: "forced-gc",
        code: "MM007",
        domain: Memory,
        category: Perf,
        status: Preview,
        in_tests: false,
    }
}

/// Calls after which a collection is how exact numbers are read.
const MEASUREMENTS: &[(&str, &str)] = &[
    ("runtime", "ReadMemStats"),
    ("runtime/pprof", "WriteHeapProfile"),
    ("runtime/pprof", "Lookup"),
    ("runtime/debug", "ReadGCStats"),
    ("runtime/debug", "WriteHeapDump"),
    ("runtime/metrics", "Read"),
];

impl ForcedGc {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            let callee = cx.model().callee(cx.file(), call);
            let shown = if callee.is_func("runtime", "GC") {
                "runtime.GC()"
            } else if callee.is_func("runtime/debug", "FreeOSMemory") {
                "debug.FreeOSMemory()"
            } else {
                continue;
            };
            if measures(cx, call) {
                continue;
            }
            let d = cx
                .diagnostic(call, format!("{shown} forces a full garbage collection"))
                .with_help("let the runtime pace collections; to bound memory, set GOMEMLIMIT (debug.SetMemoryLimit)");
            cx.report(d);
        }
    }
}

/// True when the function holding `call` also reads memory statistics or
/// writes a heap profile.
fn measures(cx: &Context<'_>, call: NodeId) -> bool {
    let Some(func) = cx.enclosing_func(call) else {
        return false;
    };
    cx.ast().walk(func).take(100_000).any(|n| {
        matches!(cx.model().callee(cx.file(), n), Callee::Func(f)
            if MEASUREMENTS.iter().any(|(p, name)| f.is(p, name)))
    })
}
