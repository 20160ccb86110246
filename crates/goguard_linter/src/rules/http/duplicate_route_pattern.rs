//! HT002 duplicate-route-pattern.

use std::collections::HashMap;

use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{normalized_text, selector, unparen};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds one pattern registered twice on the same `http.ServeMux` in one
    /// function: `http.Handle`/`http.HandleFunc` (the default mux) or
    /// `mux.Handle`/`mux.HandleFunc` with the same string literal pattern.
    ///
    /// ## Why is this bad?
    /// `ServeMux` panics when a pattern is registered a second time
    /// ("http: multiple registrations for /path"), so the program dies at
    /// start-up — or, when the routes are registered lazily, on the first
    /// request that takes that code path. Usually one of the two handlers
    /// was meant for another path.
    ///
    /// ## Example
    /// ```go
    /// package web
    ///
    /// import "net/http"
    ///
    /// func routes(mux *http.ServeMux, list, create http.HandlerFunc) {
    ///     mux.HandleFunc("/users", list)
    ///     mux.HandleFunc("/users", create)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package web
    ///
    /// import "net/http"
    ///
    /// func routes(mux *http.ServeMux, list, create http.HandlerFunc) {
    ///     mux.HandleFunc("GET /users", list)
    ///     mux.HandleFunc("POST /users", create)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only registrations in one function, with patterns written as string
    ///   literals, are compared; muxes are told apart by the text of the
    ///   receiver expression.
    /// - Patterns that conflict without being equal (Go 1.22 `GET /x/{id}`
    ///   and `GET /x/{name}`) are not reported.
    pub struct DuplicateRoutePattern {
        name: "duplicate-route-pattern",
        code: "HT002",
        domain: Http,
        category: Correctness,
        status: Stable,
    }
}

impl DuplicateRoutePattern {
    fn run(&self, cx: &mut Context<'_>) {
        // (function, mux, pattern) -> first registration
        let mut seen: HashMap<(NodeId, String, String), NodeId> = HashMap::new();
        let mut found = Vec::new();
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            let Some((mux, pattern, lit)) = registration(cx, call) else {
                continue;
            };
            let Some(func) = cx.enclosing_func(call) else {
                continue;
            };
            match seen.get(&(func, mux.clone(), pattern.clone())) {
                Some(&first) => found.push(
                    cx.diagnostic(
                        lit,
                        format!("pattern {pattern:?} is registered twice on {mux}, which panics"),
                    )
                    .with_help("register each pattern once; give one of the handlers its own path or method")
                    .with_related(cx.span(first), "first registered here"),
                ),
                None => {
                    seen.insert((func, mux, pattern), lit);
                }
            }
        }
        for d in found {
            cx.report(d);
        }
    }
}

/// For `http.Handle(p, h)`, `mux.HandleFunc(p, f)`...: the mux (as text),
/// the pattern's value and its literal.
fn registration(cx: &Context<'_>, call: NodeId) -> Option<(String, String, NodeId)> {
    let Node::CallExpr { fun, args, .. } = *cx.node(call) else {
        return None;
    };
    let mux = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) if n.is("net/http", "Handle") || n.is("net/http", "HandleFunc") => {
            "http.DefaultServeMux".to_string()
        }
        Callee::Method { recv, name }
            if recv.is("net/http", "ServeMux") && matches!(&*name, "Handle" | "HandleFunc") =>
        {
            let (x, _) = selector(cx, unparen(cx, fun))?;
            normalized_text(cx, x)
        }
        _ => return None,
    };
    let lit = unparen(cx, *cx.ast().list(args).first()?);
    if !matches!(cx.node(lit), Node::BasicLit { .. }) {
        return None;
    }
    let text = cx.text(lit);
    let value = text.strip_prefix('"')?.strip_suffix('"')?;
    if value.contains('\\') {
        return None;
    }
    Some((mux, value.to_string(), lit))
}
