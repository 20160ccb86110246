//! RS009 http-client-without-timeout.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{outer_paren, place_of, selector, unparen, Place};
use crate::analyses::http::request_given_context;
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds HTTP requests that can wait forever: the package functions
    /// `http.Get`, `Head`, `Post` and `PostForm` and calls on
    /// `http.DefaultClient`, which have no timeout, and an `http.Client`
    /// literal without `Timeout` used in the same function for a request
    /// that carries no deadline either (its `Get`, `Head`, `Post`,
    /// `PostForm`, or `Do` with a request from `http.NewRequest`).
    ///
    /// ## Why is this bad?
    /// Without a timeout a request to a server that accepts the connection
    /// and then stalls never returns: the goroutine, the connection and
    /// whatever the caller holds (a lock, a worker slot) stay blocked, and a
    /// service calling a hung dependency stops answering. `http.DefaultClient`
    /// has no timeout at all.
    ///
    /// ## Example
    /// ```go
    /// package status
    ///
    /// import "net/http"
    ///
    /// func up(url string) bool {
    ///     resp, err := http.Get(url)
    ///     if err != nil {
    ///         return false
    ///     }
    ///     defer resp.Body.Close()
    ///     return resp.StatusCode == http.StatusOK
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package status
    ///
    /// import (
    ///     "net/http"
    ///     "time"
    /// )
    ///
    /// var client = &http.Client{Timeout: 10 * time.Second}
    ///
    /// func up(url string) bool {
    ///     resp, err := client.Get(url)
    ///     if err != nil {
    ///         return false
    ///     }
    ///     defer resp.Body.Close()
    ///     return resp.StatusCode == http.StatusOK
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - A client without `Timeout` is reported only where the same function
    ///   sends it a request without a context; clients stored and used
    ///   elsewhere are not followed (requests made with
    ///   `http.NewRequestWithContext`, or given a context with
    ///   `req.WithContext(ctx)`, may carry a deadline).
    /// - A preview rule (select it with `--select RS009`): in a review of
    ///   real trees most findings were in command-line tools, examples and
    ///   clients of local admin endpoints, where a request without a
    ///   timeout is the user's to interrupt; the rule cannot tell those
    ///   from services.
    pub struct HttpClientWithoutTimeout {
        name: "http-client-without-timeout",
        code: "RS009",
        domain: Resource,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

/// Methods sending a request without a context.
const CONTEXT_LESS: &[&str] = &["Get", "Head", "Post", "PostForm"];

impl HttpClientWithoutTimeout {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
        for &lit in cx.nodes_of_kind(NodeKind::CompositeLit) {
            if let Some(d) = check_client_literal(cx, lit) {
                cx.report(d);
            }
        }
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let shown = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) if &*n.pkg == "net/http" && CONTEXT_LESS.contains(&&*n.name) => {
            format!("http.{}", n.name)
        }
        Callee::Method { recv, name } if recv.is("net/http", "Client") => {
            let (x, _) = selector(cx, unparen(cx, fun))?;
            let x = unparen(cx, x);
            let default = matches!(selector(cx, x), Some((pkg, "DefaultClient"))
                if matches!(cx.node(pkg), Node::Ident { .. }) && cx.text(pkg) == "http");
            if !default {
                return None;
            }
            format!("http.DefaultClient.{name}")
        }
        _ => return None,
    };
    Some(
        cx.diagnostic(
            call,
            format!("{shown} uses http.DefaultClient, which has no timeout"),
        )
        .with_help("use an http.Client with a Timeout, or a request made with http.NewRequestWithContext and a deadline"),
    )
}

/// `&http.Client{...}` without `Timeout`, held in a local variable that the
/// function uses for a request without a deadline.
fn check_client_literal(cx: &Context<'_>, lit: NodeId) -> Option<Diagnostic> {
    let Node::CompositeLit {
        ty: Some(ty), elts, ..
    } = *cx.node(lit)
    else {
        return None;
    };
    if !cx
        .model()
        .type_of(cx.file(), lit)
        .is_named("net/http", "Client")
    {
        return None;
    }
    let _ = ty;
    let has_timeout = cx.ast().list(elts).iter().any(
        |&e| matches!(*cx.node(e), Node::KeyValueExpr { key, .. } if cx.text(key) == "Timeout"),
    );
    if has_timeout {
        return None;
    }
    // The variable it is assigned to.
    let mut outer = outer_paren(cx, lit);
    if let Some(p) = cx.parent(outer) {
        if matches!(cx.node(p), Node::UnaryExpr { .. }) {
            outer = outer_paren(cx, p);
        }
    }
    let (_, lhs) =
        crate::analyses::release::call_results(cx, outer).or_else(|| assigned_to(cx, outer))?;
    let &[var] = lhs else { return None };
    let client = binding_of(cx, var)?;
    let func = cx.enclosing_func(lit)?;
    let mut request = None;
    for u in cx.model().uses(client) {
        if u.file != cx.file() || cx.enclosing_func(u.ident) != Some(func) {
            continue;
        }
        let Place::Selected { sel_expr } = place_of(cx, u.ident) else {
            continue;
        };
        let name = selector(cx, sel_expr).map(|(_, s)| s).unwrap_or("");
        if name == "Timeout" && matches!(place_of(cx, sel_expr), Place::AssignedTo { .. }) {
            return None;
        }
        let Place::Called { call } = place_of(cx, sel_expr) else {
            continue;
        };
        let no_deadline =
            CONTEXT_LESS.contains(&name) || (name == "Do" && request_without_context(cx, call));
        if no_deadline && request.is_none() {
            request = Some(call);
        }
    }
    let request = request?;
    Some(
        cx.diagnostic(lit, "this http.Client has no Timeout and sends a request without a deadline")
            .with_help("set Timeout on the client, or make the request with http.NewRequestWithContext and a context with a deadline")
            .with_related(cx.span(request), "request sent here"),
    )
}

/// For `x := lit` or `var x = lit`: the statement and its left-hand side.
fn assigned_to<'a>(cx: &Context<'a>, value: NodeId) -> Option<(NodeId, &'a [NodeId])> {
    let parent = cx.parent(value)?;
    match *cx.node(parent) {
        Node::AssignStmt { lhs, rhs, .. } if cx.ast().list(rhs) == [value] => {
            Some((parent, cx.ast().list(lhs)))
        }
        Node::ValueSpec { names, values, .. } if cx.ast().list(values) == [value] => {
            Some((parent, cx.ast().list(names)))
        }
        _ => None,
    }
}

/// `client.Do(req)` with `req` made by `http.NewRequest` in this function.
fn request_without_context(cx: &Context<'_>, call: NodeId) -> bool {
    let Node::CallExpr { args, .. } = *cx.node(call) else {
        return false;
    };
    let Some(&req) = cx.ast().list(args).first() else {
        return false;
    };
    let Some(b) = binding_of(cx, unparen(cx, req)) else {
        return false;
    };
    let Some((file, ident)) = cx.model().binding(b).decl else {
        return false;
    };
    if file != cx.file() {
        return false;
    }
    let Some(Node::AssignStmt { rhs, .. }) = cx.parent(ident).map(|p| cx.node(p)) else {
        return false;
    };
    let &[made] = cx.ast().list(*rhs) else {
        return false;
    };
    // `req = req.WithContext(ctx)` gives it the caller's context, and with
    // it the caller's deadline.
    !request_given_context(cx, b)
        && cx
            .model()
            .callee(cx.file(), unparen(cx, made))
            .is_func("net/http", "NewRequest")
}
