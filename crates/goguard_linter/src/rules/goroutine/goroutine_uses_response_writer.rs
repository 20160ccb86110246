//! GR005 goroutine-uses-response-writer.

use goguard_diagnostics::Diagnostic;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::expr::{is_within, place_of, selector, Place};
use crate::analyses::flow::anchor;
use crate::analyses::http::handler;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a goroutine started by an HTTP handler that uses the handler's
    /// `http.ResponseWriter`, or reads the request's `Body`, when the
    /// handler does not wait for it: nothing after the `go` statement waits
    /// (a `Wait()` call, a channel receive or a `select`).
    ///
    /// ## Why is this bad?
    /// When the handler returns, net/http finishes the response and reuses
    /// or frees what the handler was given: a `ResponseWriter` used
    /// afterwards writes into a finished (or another request's) response,
    /// or panics, and the request body is closed. The race shows up under
    /// load as garbled responses and crashes far from the cause.
    ///
    /// ## Example
    /// ```go
    /// package api
    ///
    /// import (
    ///     "fmt"
    ///     "net/http"
    /// )
    ///
    /// func slow(w http.ResponseWriter, r *http.Request, work func() string) {
    ///     go func() {
    ///         fmt.Fprintln(w, work())
    ///     }()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package api
    ///
    /// import (
    ///     "fmt"
    ///     "net/http"
    /// )
    ///
    /// func slow(w http.ResponseWriter, r *http.Request, work func() string) {
    ///     done := make(chan string, 1)
    ///     go func() { done <- work() }()
    ///     select {
    ///     case s := <-done:
    ///         fmt.Fprintln(w, s)
    ///     case <-r.Context().Done():
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - Any `Wait()` call, receive or `select` after the `go` statement
    ///   counts as waiting for the goroutine, whatever it waits for.
    /// - Only goroutines started in the handler itself are followed, not in
    ///   functions it calls.
    pub struct GoroutineUsesResponseWriter {
        name: "goroutine-uses-response-writer",
        code: "GR005",
        domain: Goroutine,
        category: Correctness,
        status: Stable,
        in_tests: false,
    }
}

impl GoroutineUsesResponseWriter {
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
    let h = handler(cx, func)?;
    // The first use of the writer, or of the request's body, in the goroutine.
    let writer_use = cx
        .model()
        .uses(h.writer)
        .iter()
        .find(|u| u.file == cx.file() && is_within(cx, u.ident, stmt))
        .map(|u| (u.ident, cx.model().binding(h.writer).name.to_string()));
    let body_use = || {
        let r = h.request?;
        cx.model().uses(r).iter().find_map(|u| {
            if u.file != cx.file() || !is_within(cx, u.ident, stmt) {
                return None;
            }
            match place_of(cx, u.ident) {
                Place::Selected { sel_expr }
                    if selector(cx, sel_expr).map(|(_, s)| s) == Some("Body") =>
                {
                    Some((sel_expr, format!("{}.Body", cx.model().binding(r).name)))
                }
                _ => None,
            }
        })
    };
    let (used, what) = writer_use.or_else(body_use)?;
    if waits_after(cx, func, stmt) {
        return None;
    }
    Some(
        cx.diagnostic(
            used,
            format!("a goroutine the handler does not wait for uses {what}, which is only valid until the handler returns"),
        )
        .with_help("do the work in the handler, or wait for the goroutine (a channel, a WaitGroup) before returning")
        .with_related(cx.span(stmt), "goroutine started here"),
    )
}

/// True when something after the `go` statement (on some path) may wait for
/// the goroutine: a `Wait()` call, a receive or a `select`.
fn waits_after(cx: &Context<'_>, func: NodeId, stmt: NodeId) -> bool {
    let Some(cfg) = cx.cfg(func) else {
        return true;
    };
    let body = match *cx.node(func) {
        Node::FuncDecl { body: Some(b), .. } => b,
        Node::FuncLit { body, .. } => body,
        _ => return true,
    };
    cx.ast().walk(body).take(200_000).any(|n| {
        let waits = match cx.node(n) {
            Node::UnaryExpr { op: Tok::Arrow, .. } | Node::SelectStmt { .. } => true,
            Node::CallExpr { fun, .. } => {
                matches!(selector(cx, *fun), Some((_, "Wait")))
            }
            _ => false,
        };
        waits
            && !is_within(cx, n, stmt)
            && cx.enclosing_func(n) == Some(func)
            && anchor(cx, func, cfg, n).is_some_and(|a| a != stmt && cfg.reaches(stmt, a))
    })
}
