//! MM001 pool-put-without-reset.

use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{selector, unparen};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a `*bytes.Buffer` put back into a `sync.Pool` without being
    /// reset, when nothing in the file resets the buffers the same pool
    /// hands out either: the function calling `Put` calls neither
    /// `Reset()` nor `Truncate(0)` on it, and no function calling the
    /// pool's `Get` resets a buffer.
    ///
    /// ## Why is this bad?
    /// The next `Get` returns the buffer with its old content: whatever is
    /// written next is appended to the previous user's data, which then
    /// leaks into another request's output (a response, a log line, a
    /// signature). The buffer also keeps growing, so the pool holds ever
    /// larger buffers.
    ///
    /// ## Example
    /// ```go
    /// package render
    ///
    /// import (
    ///     "bytes"
    ///     "sync"
    /// )
    ///
    /// var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
    ///
    /// func render(parts []string) string {
    ///     b := buffers.Get().(*bytes.Buffer)
    ///     defer buffers.Put(b)
    ///     for _, p := range parts {
    ///         b.WriteString(p)
    ///     }
    ///     return b.String()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package render
    ///
    /// import (
    ///     "bytes"
    ///     "sync"
    /// )
    ///
    /// var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
    ///
    /// func render(parts []string) string {
    ///     b := buffers.Get().(*bytes.Buffer)
    ///     b.Reset()
    ///     defer buffers.Put(b)
    ///     for _, p := range parts {
    ///         b.WriteString(p)
    ///     }
    ///     return b.String()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only `*bytes.Buffer` values are followed, and only resets in the
    ///   same file count: a pool whose buffers are reset by a helper in
    ///   another file is reported.
    pub struct PoolPutWithoutReset {
        name: "pool-put-without-reset",
        code: "MM001",
        domain: Memory,
        category: Correctness,
        status: Stable,
    }
}

impl PoolPutWithoutReset {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if !cx
                .model()
                .callee(cx.file(), call)
                .is_method("sync", "Pool", "Put")
            {
                continue;
            }
            let Node::CallExpr { fun, args, .. } = *cx.node(call) else {
                continue;
            };
            let &[value] = cx.ast().list(args) else {
                continue;
            };
            if !cx
                .model()
                .type_of(cx.file(), value)
                .is_pointer_to("bytes", "Buffer")
            {
                continue;
            }
            let Some((pool, _)) = selector(cx, unparen(cx, fun)) else {
                continue;
            };
            let pool = cx.text(pool);
            let Some(func) = cx.enclosing_func(call) else {
                continue;
            };
            if resets(cx, func) || reset_on_get(cx, pool) {
                continue;
            }
            let d = cx
                .diagnostic(
                    value,
                    format!("this *bytes.Buffer goes back into {pool} without a Reset: the next Get returns it with its old content"),
                )
                .with_help("call Reset() before Put (or right after Get)");
            cx.report(d);
        }
    }
}

/// True when `func` calls `Reset()` or `Truncate` on something.
fn resets(cx: &Context<'_>, func: NodeId) -> bool {
    cx.ast()
        .walk(func)
        .take(100_000)
        .any(|n| match *cx.node(n) {
            Node::CallExpr { fun, .. } => {
                matches!(
                    selector(cx, unparen(cx, fun)),
                    Some((_, "Reset" | "Truncate"))
                )
            }
            _ => false,
        })
}

/// True when a function of the file that calls `<pool>.Get()` resets.
fn reset_on_get(cx: &Context<'_>, pool: &str) -> bool {
    cx.nodes_of_kind(NodeKind::CallExpr).iter().any(|&c| {
        let Node::CallExpr { fun, .. } = *cx.node(c) else {
            return false;
        };
        matches!(selector(cx, unparen(cx, fun)), Some((p, "Get")) if cx.text(p) == pool)
            && cx.enclosing_func(c).is_some_and(|f| resets(cx, f))
    })
}
