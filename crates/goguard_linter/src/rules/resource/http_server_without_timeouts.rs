//! RS010 http-server-without-timeouts.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{outer_paren, place_of, selector, Place};
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds HTTP servers that never time out reading a request: an
    /// `http.Server` literal with neither `ReadHeaderTimeout` nor
    /// `ReadTimeout` (nor either set later on the same variable in the
    /// function), and the helpers `http.ListenAndServe`,
    /// `ListenAndServeTLS`, `Serve` and `ServeTLS`, whose server has no
    /// timeouts at all.
    ///
    /// ## Why is this bad?
    /// A client that opens connections and sends its headers one byte at a
    /// time (Slowloris) keeps each connection, and its goroutine, open for
    /// as long as it likes; a few hundred such clients exhaust the server's
    /// file descriptors or memory. Idle keep-alive connections pile up the
    /// same way.
    ///
    /// ## Example
    /// ```go
    /// package main
    ///
    /// import (
    ///     "log"
    ///     "net/http"
    /// )
    ///
    /// func serve(h http.Handler) {
    ///     log.Fatal(http.ListenAndServe(":8080", h))
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package main
    ///
    /// import (
    ///     "log"
    ///     "net/http"
    ///     "time"
    /// )
    ///
    /// func serve(h http.Handler) {
    ///     srv := &http.Server{
    ///         Addr:              ":8080",
    ///         Handler:           h,
    ///         ReadHeaderTimeout: 10 * time.Second,
    ///     }
    ///     log.Fatal(srv.ListenAndServe())
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - A server literal whose timeouts are set elsewhere (another
    ///   function, a field copied from a configuration struct) is reported.
    /// - A preview rule (select it with `--select RS010`): in a review of
    ///   real trees about a third of the servers listened on a Unix socket
    ///   or on loopback (node-local agents, a CLI's login callback, local
    ///   tools), out of reach of slow clients; the rule does not see the
    ///   listener's address.
    pub struct HttpServerWithoutTimeouts {
        name: "http-server-without-timeouts",
        code: "RS010",
        domain: Resource,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

const HELPERS: &[&str] = &["ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"];
const READ_TIMEOUTS: &[&str] = &["ReadHeaderTimeout", "ReadTimeout"];

impl HttpServerWithoutTimeouts {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Callee::Func(n) = cx.model().callee(cx.file(), call) {
                if &*n.pkg == "net/http" && HELPERS.contains(&&*n.name) {
                    let d = cx
                        .diagnostic(
                            call,
                            format!("http.{} serves with no read timeouts", n.name),
                        )
                        .with_help("use an http.Server with ReadHeaderTimeout (and ReadTimeout, IdleTimeout) set, and its ListenAndServe method");
                    cx.report(d);
                }
            }
        }
        for &lit in cx.nodes_of_kind(NodeKind::CompositeLit) {
            if let Some(d) = check_literal(cx, lit) {
                cx.report(d);
            }
        }
    }
}

fn check_literal(cx: &Context<'_>, lit: NodeId) -> Option<Diagnostic> {
    let Node::CompositeLit {
        ty: Some(_), elts, ..
    } = *cx.node(lit)
    else {
        return None;
    };
    if !cx
        .model()
        .type_of(cx.file(), lit)
        .is_named("net/http", "Server")
    {
        return None;
    }
    let keyed = |names: &[&str]| {
        cx.ast().list(elts).iter().any(|&e| {
            matches!(*cx.node(e), Node::KeyValueExpr { key, .. } if names.contains(&cx.text(key)))
        })
    };
    if keyed(READ_TIMEOUTS) {
        return None;
    }
    // Set later on the variable holding it.
    if let Some(var) = holder(cx, lit) {
        let set_later = cx.model().uses(var).iter().any(|u| {
            u.file == cx.file()
                && matches!(place_of(cx, u.ident), Place::Selected { sel_expr }
                    if selector(cx, sel_expr).is_some_and(|(_, s)| READ_TIMEOUTS.contains(&s))
                        && matches!(place_of(cx, sel_expr), Place::AssignedTo { .. }))
        });
        if set_later {
            return None;
        }
    }
    Some(
        cx.diagnostic(lit, "this http.Server has neither ReadHeaderTimeout nor ReadTimeout")
            .with_help("set ReadHeaderTimeout (and ReadTimeout, IdleTimeout) so slow clients cannot hold connections forever"),
    )
}

/// The variable a literal (possibly under `&`) is assigned to.
fn holder(cx: &Context<'_>, lit: NodeId) -> Option<goguard_semantic::model::BindingId> {
    let mut outer = outer_paren(cx, lit);
    if let Some(p) = cx.parent(outer) {
        if matches!(cx.node(p), Node::UnaryExpr { .. }) {
            outer = outer_paren(cx, p);
        }
    }
    let parent = cx.parent(outer)?;
    let target = match *cx.node(parent) {
        Node::AssignStmt { lhs, rhs, .. } if cx.ast().list(rhs) == [outer] => {
            *cx.ast().list(lhs).first()?
        }
        Node::ValueSpec { names, values, .. } if cx.ast().list(values) == [outer] => {
            *cx.ast().list(names).first()?
        }
        _ => return None,
    };
    binding_of(cx, target)
}
