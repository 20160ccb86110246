//! GR004 goroutine-detached-from-context.

use goguard_diagnostics::Diagnostic;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::http::{context_name, context_source, is_background, only_for_logging};
use crate::analyses::loops::{lit_run, LitRun};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a goroutine started by a function that holds a context (a
    /// `context.Context` parameter, or an `*http.Request`) whose work is
    /// given `context.Background()` or `context.TODO()` instead: in the
    /// arguments of the `go` call, or in the body of the function literal
    /// it runs.
    ///
    /// ## Why is this bad?
    /// The caller's context carries the deadline and the cancellation of the
    /// operation the goroutine belongs to. A goroutine detached from it
    /// keeps running after the caller gave up, the request ended or the
    /// server started shutting down: per-request goroutines pile up behind a
    /// slow dependency, and shutdown waits for work nobody wants.
    ///
    /// ## Example
    /// ```go
    /// package jobs
    ///
    /// import "context"
    ///
    /// func process(ctx context.Context, ids []int, work func(context.Context, int)) {
    ///     for _, id := range ids {
    ///         go work(context.Background(), id)
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package jobs
    ///
    /// import "context"
    ///
    /// func process(ctx context.Context, ids []int, work func(context.Context, int)) {
    ///     for _, id := range ids {
    ///         go work(ctx, id)
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - Work deliberately detached should say so with
    ///   `context.WithoutCancel(ctx)` (Go 1.21), which the rule accepts.
    /// - A goroutine that uses no context at all is not reported, nor one
    ///   whose function gets `context.Background()` some other way, nor a
    ///   `context.Background()` given only to a logger (`log.G(ctx)`).
    /// - A preview rule (select it with `--select GR004`): in a review of
    ///   real trees most findings were work detached on purpose without
    ///   saying so (a release or a wait for a process to exit that must
    ///   outlive the request, a semaphore taken during start-up).
    pub struct GoroutineDetachedFromContext {
        name: "goroutine-detached-from-context",
        code: "GR004",
        domain: Goroutine,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

impl GoroutineDetachedFromContext {
    fn run(&self, cx: &mut Context<'_>) {
        for &stmt in cx.nodes_of_kind(NodeKind::GoStmt) {
            if let Some(d) = check_go(cx, stmt) {
                cx.report(d);
            }
        }
    }
}

fn check_go(cx: &Context<'_>, stmt: NodeId) -> Option<Diagnostic> {
    let func = cx.enclosing_func(stmt)?;
    let source = context_source(cx, func)?;
    let Node::GoStmt { call, .. } = *cx.node(stmt) else {
        return None;
    };
    // The first Background/TODO the goroutine's work is given, not counting
    // goroutines it starts itself.
    let background = cx.ast().walk(call).take(100_000).find(|&n| {
        matches!(cx.node(n), Node::CallExpr { .. })
            && is_background(cx, n)
            && !only_for_logging(cx, n)
            && !started_deeper(cx, n, stmt)
    })?;
    let shown = context_name(cx, source);
    let Node::CallExpr { fun, .. } = *cx.node(background) else {
        return None;
    };
    Some(
        cx.diagnostic(
            background,
            format!(
                "the goroutine is given {}() although this function holds {shown}",
                cx.text(fun)
            ),
        )
        .with_help(format!(
            "pass {shown} (or a context derived from it) so the goroutine stops with the operation; use context.WithoutCancel({shown}) for work that must outlive it"
        ))
        .with_related(cx.span(stmt), "goroutine started here"),
    )
}

/// True when `node` lies in a goroutine or a stored literal started inside
/// the `go` statement `stmt` (their context is their own business).
fn started_deeper(cx: &Context<'_>, node: NodeId, stmt: NodeId) -> bool {
    cx.ancestors(node).take_while(|&a| a != stmt).any(|a| {
        matches!(cx.node(a), Node::GoStmt { .. })
            || (matches!(cx.node(a), Node::FuncLit { .. })
                && !matches!(
                    lit_run(cx, a),
                    LitRun::CalledInPlace | LitRun::Go | LitRun::Deferred
                ))
    })
}
