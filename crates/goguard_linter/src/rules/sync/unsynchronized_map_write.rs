//! SY007 unsynchronized-map-write: a map written without a lock from code
//! that runs in several goroutines at once.

use goguard_semantic::model::{BindingKind, Callee};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::expr::unparen;
use crate::analyses::shared_writes::{locks_anything, shared_by_loop_goroutines};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a map written (`m[k] = v`, `m[k]++`, `delete(m, k)`) without
    /// any `Lock`/`RLock` in the function that writes it, where that
    /// function runs in several goroutines at once:
    /// - a function literal started with `go` inside a loop, writing a map
    ///   it shares with the other goroutines (captured or package-level);
    /// - an HTTP handler (`func(w http.ResponseWriter, r *http.Request)`)
    ///   writing a package-level map: the server runs one goroutine per
    ///   request.
    ///
    /// ## Why is this bad?
    /// Go maps are not safe for concurrent writes. The runtime detects the
    /// race and stops the whole program with `fatal error: concurrent map
    /// writes`, which `recover` cannot catch; when it does not detect it,
    /// the map is corrupted. It shows under load, never in a unit test that
    /// sends one request.
    ///
    /// ## Example
    /// ```go
    /// package counter
    ///
    /// import "net/http"
    ///
    /// var hits = map[string]int{}
    ///
    /// func Count(w http.ResponseWriter, r *http.Request) {
    ///     hits[r.URL.Path]++
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package counter
    ///
    /// import (
    ///     "net/http"
    ///     "sync"
    /// )
    ///
    /// var (
    ///     mu   sync.Mutex
    ///     hits = map[string]int{}
    /// )
    ///
    /// func Count(w http.ResponseWriter, r *http.Request) {
    ///     mu.Lock()
    ///     hits[r.URL.Path]++
    ///     mu.Unlock()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Any `Lock`/`RLock` in the writing function counts as protecting the
    ///   write; locks taken by a caller, and channels used as locks, are not
    ///   seen, so a handler wrapped in middleware that serialises requests
    ///   is reported.
    /// - Only the two shapes above: goroutines started once, handlers
    ///   registered as method values or closures over other types, and
    ///   maps reached through fields are not considered.
    pub struct UnsynchronizedMapWrite {
        name: "unsynchronized-map-write",
        code: "SY007",
        domain: Sync,
        category: Correctness,
        status: Preview,
    }
}

impl UnsynchronizedMapWrite {
    fn run(&self, cx: &mut Context<'_>) {
        let mut writes: Vec<NodeId> = Vec::new();
        for &a in cx.nodes_of_kind(NodeKind::AssignStmt) {
            let Node::AssignStmt { lhs, tok, .. } = *cx.node(a) else {
                continue;
            };
            if tok == Tok::Define {
                continue;
            }
            for &l in cx.ast().list(lhs) {
                if let Node::IndexExpr { x, .. } = *cx.node(unparen(cx, l)) {
                    writes.push(unparen(cx, x));
                }
            }
        }
        for &s in cx.nodes_of_kind(NodeKind::IncDecStmt) {
            if let Node::IncDecStmt { x, .. } = *cx.node(s) {
                if let Node::IndexExpr { x, .. } = *cx.node(unparen(cx, x)) {
                    writes.push(unparen(cx, x));
                }
            }
        }
        for &c in cx.nodes_of_kind(NodeKind::CallExpr) {
            let Node::CallExpr { args, .. } = *cx.node(c) else {
                continue;
            };
            let is_delete =
                matches!(cx.model().callee(cx.file(), c), Callee::Builtin(n) if &*n == "delete");
            if let (true, Some(&m)) = (is_delete, cx.ast().list(args).first()) {
                writes.push(unparen(cx, m));
            }
        }
        writes.sort_unstable();
        writes.dedup();
        for m in writes {
            if let Some(msg) = concurrent_write(cx, m) {
                let d = cx.diagnostic(m, msg).with_help(
                    "guard the map with a mutex (every reader and writer), or use sync.Map, or \
                     give each goroutine its own map and merge the results",
                );
                cx.report(d);
            }
        }
    }
}

/// Why the map `m` (an identifier being written) is written concurrently
/// without a lock, if it is.
fn concurrent_write(cx: &Context<'_>, m: NodeId) -> Option<String> {
    if !matches!(cx.node(m), Node::Ident { .. }) {
        return None;
    }
    let model = cx.model();
    let b = model.resolve(cx.file(), m)?;
    let binding = model.binding(b);
    if binding.kind != BindingKind::Var {
        return None;
    }
    let is_map = matches!(
        model.underlying(&model.type_of(cx.file(), m)),
        Type::Map(..)
    );
    if !is_map {
        return None;
    }
    let func = cx.enclosing_func(m)?;
    let package_level = binding.scope.is_none();
    let name = cx.text(m);
    // Started with `go` in a loop, sharing the map with its siblings.
    if shared_by_loop_goroutines(cx, m, func).is_some() {
        return Some(format!(
            "map `{name}` is written without a lock by every goroutine this loop starts: \
             concurrent map writes stop the program"
        ));
    }
    if locks_anything(cx, func) {
        return None;
    }
    if package_level && is_http_handler(cx, func) {
        return Some(format!(
            "package-level map `{name}` is written without a lock in an HTTP handler: requests \
             run concurrently, and concurrent map writes stop the program"
        ));
    }
    None
}

/// `func(w http.ResponseWriter, r *http.Request)`, by its parameter types.
fn is_http_handler(cx: &Context<'_>, func: NodeId) -> bool {
    let ty = match *cx.node(func) {
        Node::FuncDecl { ty, .. } | Node::FuncLit { ty, .. } => ty,
        _ => return false,
    };
    let Node::FuncType { params, .. } = *cx.node(ty) else {
        return false;
    };
    let Node::FieldList { list, .. } = *cx.node(params) else {
        return false;
    };
    let types: Vec<String> = cx
        .ast()
        .list(list)
        .iter()
        .filter_map(|&f| match *cx.node(f) {
            Node::Field { ty: Some(t), .. } => Some(cx.text(t).replace(' ', "")),
            _ => None,
        })
        .collect();
    types.iter().any(|t| t == "http.ResponseWriter") && types.iter().any(|t| t == "*http.Request")
}
