//! CX003 handler-uses-background-context.

use goguard_diagnostics::Diagnostic;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::http::{handler, is_background, only_for_logging};
use crate::analyses::loops::{lit_run, LitRun};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds `context.Background()` and `context.TODO()` called in an HTTP
    /// handler — a function or literal taking an `http.ResponseWriter` and
    /// an `*http.Request` — where the request's own context, `r.Context()`,
    /// is at hand.
    ///
    /// Calls in a goroutine the handler starts, in a deferred call, or in a
    /// function literal that outlives the handler are left out: work that
    /// must outlive the request is detached on purpose (that is
    /// goroutine-detached-from-context's business).
    ///
    /// ## Why is this bad?
    /// The request's context is cancelled when the client goes away or the
    /// server shuts down. Work started with `context.Background()` instead
    /// keeps running — database queries, calls to other services — for a
    /// client that is no longer there, and a slow dependency then piles up
    /// abandoned requests until the service runs out of connections or
    /// memory.
    ///
    /// ## Example
    /// ```go
    /// package api
    ///
    /// import (
    ///     "context"
    ///     "database/sql"
    ///     "net/http"
    /// )
    ///
    /// type server struct{ db *sql.DB }
    ///
    /// func (s *server) count(w http.ResponseWriter, r *http.Request) {
    ///     var n int
    ///     row := s.db.QueryRowContext(context.Background(), "SELECT count(*) FROM t")
    ///     if err := row.Scan(&n); err != nil {
    ///         http.Error(w, err.Error(), http.StatusInternalServerError)
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package api
    ///
    /// import (
    ///     "database/sql"
    ///     "net/http"
    /// )
    ///
    /// type server struct{ db *sql.DB }
    ///
    /// func (s *server) count(w http.ResponseWriter, r *http.Request) {
    ///     var n int
    ///     row := s.db.QueryRowContext(r.Context(), "SELECT count(*) FROM t")
    ///     if err := row.Scan(&n); err != nil {
    ///         http.Error(w, err.Error(), http.StatusInternalServerError)
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - A `context.Background()` given only to a function that reads a
    ///   logger from it (`log.G(ctx)`, `logrus.WithContext`, `slog`'s
    ///   `...Context` methods: a table) is not reported: it cancels nothing.
    /// - A handler is recognised by its parameters; handlers of other
    ///   frameworks (a `*gin.Context`, an `echo.Context`) are not.
    /// - A handler that needs a context surviving the request should say so
    ///   with `context.WithoutCancel(r.Context())` (Go 1.21), which keeps the
    ///   request's values.
    pub struct HandlerUsesBackgroundContext {
        name: "handler-uses-background-context",
        code: "CX003",
        domain: Context,
        category: Suspicious,
        status: Stable,
        in_tests: false,
    }
}

impl HandlerUsesBackgroundContext {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    if !is_background(cx, call) || only_for_logging(cx, call) {
        return None;
    }
    // The handler holding the call, through literals run in place.
    let mut at = call;
    let func = loop {
        let f = cx.enclosing_func(at)?;
        if handler(cx, f).is_some() {
            break f;
        }
        match cx.node(f) {
            Node::FuncLit { .. } if lit_run(cx, f) == LitRun::CalledInPlace => at = f,
            _ => return None,
        }
    };
    // Deferred or detached on purpose.
    let detached = cx.ancestors(call).take_while(|&a| a != func).any(|a| {
        matches!(cx.node(a), Node::GoStmt { .. } | Node::DeferStmt { .. })
            || (matches!(cx.node(a), Node::FuncLit { .. })
                && lit_run(cx, a) != LitRun::CalledInPlace)
    });
    if detached {
        return None;
    }
    let h = handler(cx, func)?;
    let r = match h.request {
        Some(r) => cx.model().binding(r).name.to_string(),
        None => return None,
    };
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    Some(
        cx.diagnostic(
            call,
            format!(
                "this handler uses {}() instead of the request's context",
                cx.text(fun)
            ),
        )
        .with_help(format!(
            "use {r}.Context(), which is cancelled when the client goes away (or context.WithoutCancel({r}.Context()) for work that must outlive the request)"
        )),
    )
}
