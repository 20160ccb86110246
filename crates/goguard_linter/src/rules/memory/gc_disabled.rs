//! MM008 gc-disabled.

use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::expr::unparen;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds code that turns the garbage collector off:
    /// `debug.SetGCPercent` with a negative constant.
    ///
    /// ## Why is this bad?
    /// With the collector off the heap only grows: a long-running process
    /// runs out of memory, at a time that depends on its load. Set from
    /// code, it overrides what the operator configured with `GOGC`. If
    /// the aim is fewer collections, a memory limit (`GOMEMLIMIT`,
    /// `debug.SetMemoryLimit`) with a high `GOGC` keeps a bound.
    ///
    /// ## Example
    /// ```go
    /// package main
    ///
    /// import "runtime/debug"
    ///
    /// func init() {
    ///     debug.SetGCPercent(-1)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package main
    ///
    /// import "runtime/debug"
    ///
    /// func init() {
    ///     debug.SetGCPercent(400)
    ///     debug.SetMemoryLimit(2 << 30)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers (a benchmark may
    ///   turn the collector off on purpose).
    /// - Only constants are recognised: a percentage computed at run time,
    ///   or restored later in the same function, is not followed (a
    ///   `SetGCPercent` call whose result is kept, to be restored, is left
    ///   out).
    /// - `os.Setenv("GOGC", "off")` is not reported: the runtime reads
    ///   `GOGC` once at start, so setting it later changes only the
    ///   environment of child processes (and what the program reports).
    pub struct GcDisabled {
        name: "gc-disabled",
        code: "MM008",
        domain: Memory,
        category: Correctness,
        status: Stable,
        in_tests: false,
    }
}

impl GcDisabled {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            let callee = cx.model().callee(cx.file(), call);
            let Node::CallExpr { args, .. } = *cx.node(call) else {
                continue;
            };
            let args = cx.ast().list(args);
            if !callee.is_func("runtime/debug", "SetGCPercent") {
                continue;
            }
            // `old := debug.SetGCPercent(-1)` is restored later.
            if !matches!(
                cx.parent(call).map(|p| cx.node(p)),
                Some(Node::ExprStmt { .. })
            ) || !args.first().is_some_and(|&a| negative(cx, a))
            {
                continue;
            }
            let d = cx
                .diagnostic(
                    call,
                    "debug.SetGCPercent with a negative value turns the garbage collector off",
                )
                .with_help("keep the collector on; to collect less often, raise GOGC and bound the heap with GOMEMLIMIT (debug.SetMemoryLimit)");
            cx.report(d);
        }
    }
}

/// `-N` for a literal N.
fn negative(cx: &Context<'_>, e: NodeId) -> bool {
    matches!(*cx.node(unparen(cx, e)), Node::UnaryExpr { op: Tok::Sub, x, .. }
        if matches!(cx.node(unparen(cx, x)), Node::BasicLit { kind: Tok::Int, .. }))
}
