//! What HTTP handlers and context-holding functions look like to the rules:
//! the parameters of a function, which of them is the `http.ResponseWriter`,
//! the `*http.Request` or a `context.Context`, and calls of
//! `context.Background`/`TODO`.

use goguard_semantic::model::{BindingId, Callee};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId};

use crate::engine::Context;

use super::release::binding_of;

/// The parameters of a FuncDecl or FuncLit, with their bindings (None for
/// `_` and unnamed ones) and declared types.
pub fn params(cx: &Context<'_>, func: NodeId) -> Vec<(Option<BindingId>, Type)> {
    let ty = match *cx.node(func) {
        Node::FuncDecl { ty, .. } | Node::FuncLit { ty, .. } => ty,
        _ => return Vec::new(),
    };
    let Node::FuncType { params, .. } = *cx.node(ty) else {
        return Vec::new();
    };
    let Node::FieldList { list, .. } = *cx.node(params) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &field in cx.ast().list(list) {
        let Node::Field { names, .. } = *cx.node(field) else {
            continue;
        };
        for &n in cx.ast().list(names) {
            let b = binding_of(cx, n);
            let t = b
                .map(|b| cx.model().binding(b).ty.clone())
                .unwrap_or_default();
            out.push((b, t));
        }
    }
    out
}

/// The `http.ResponseWriter` and `*http.Request` parameters of a handler:
/// a function or literal taking both.
pub struct Handler {
    pub writer: BindingId,
    pub request: Option<BindingId>,
}

/// The handler parameters of `func`, if it is one.
pub fn handler(cx: &Context<'_>, func: NodeId) -> Option<Handler> {
    let ps = params(cx, func);
    let writer = ps
        .iter()
        .find(|(_, t)| t.is_named("net/http", "ResponseWriter"))
        .and_then(|(b, _)| *b)?;
    let request = ps
        .iter()
        .find(|(_, t)| t.is_pointer_to("net/http", "Request"))
        .and_then(|(b, _)| *b);
    Some(Handler { writer, request })
}

/// Where a function gets its context from.
#[derive(Debug, Clone, Copy)]
pub enum ContextSource {
    /// A `context.Context` parameter.
    Param(BindingId),
    /// The `*http.Request` parameter (`r.Context()`).
    Request(BindingId),
}

/// The context `func` holds: a named `context.Context` parameter, else its
/// `*http.Request` parameter.
pub fn context_source(cx: &Context<'_>, func: NodeId) -> Option<ContextSource> {
    let ps = params(cx, func);
    if let Some(b) = ps
        .iter()
        .find(|(_, t)| t.is_named("context", "Context"))
        .and_then(|(b, _)| *b)
    {
        return Some(ContextSource::Param(b));
    }
    ps.iter()
        .find(|(_, t)| t.is_pointer_to("net/http", "Request"))
        .and_then(|(b, _)| *b)
        .map(ContextSource::Request)
}

/// How to name the held context in messages: `ctx`, `r.Context()`.
pub fn context_name(cx: &Context<'_>, source: ContextSource) -> String {
    match source {
        ContextSource::Param(b) => cx.model().binding(b).name.to_string(),
        ContextSource::Request(b) => format!("{}.Context()", cx.model().binding(b).name),
    }
}

/// True for `context.Background()` and `context.TODO()`.
pub fn is_background(cx: &Context<'_>, call: NodeId) -> bool {
    matches!(cx.model().callee(cx.file(), call), Callee::Func(n)
        if n.is("context", "Background") || n.is("context", "TODO"))
}

/// True when the request held by `req` is given a context after it is made:
/// `req = req.WithContext(ctx)`, `client.Do(req.WithContext(ctx))`,
/// `req.Clone(ctx)`, or passed to a function together with a context
/// (`send(ctx, client, req)`).
pub fn request_given_context(cx: &Context<'_>, req: BindingId) -> bool {
    use super::expr::{place_of, selector, Place};
    cx.model().uses(req).iter().any(|u| {
        u.file == cx.file()
            && match place_of(cx, u.ident) {
                Place::Selected { sel_expr } => {
                    matches!(selector(cx, sel_expr), Some((_, "WithContext" | "Clone")))
                }
                Place::Argument { call, .. } => {
                    let Node::CallExpr { args, .. } = *cx.node(call) else {
                        return false;
                    };
                    cx.ast().list(args).iter().any(|&a| {
                        cx.model()
                            .type_of(cx.file(), a)
                            .is_named("context", "Context")
                    })
                }
                _ => false,
            }
    })
}

/// Functions that take a context only to find a logger in it (the request's
/// fields): a `context.Background()` given to them cancels nothing.
const LOGGERS_FROM_CONTEXT: &[(&str, &str)] = &[
    ("github.com/containerd/log", "G"),
    ("github.com/containerd/log", "GetLogger"),
    ("github.com/containerd/containerd/log", "G"),
    ("github.com/containerd/containerd/log", "GetLogger"),
    ("github.com/sirupsen/logrus", "WithContext"),
    ("github.com/rs/zerolog", "Ctx"),
    ("github.com/rs/zerolog/log", "Ctx"),
    ("github.com/go-logr/logr", "FromContext"),
    ("github.com/go-logr/logr", "FromContextOrDiscard"),
    ("k8s.io/klog/v2", "FromContext"),
    ("log/slog", "DebugContext"),
    ("log/slog", "InfoContext"),
    ("log/slog", "WarnContext"),
    ("log/slog", "ErrorContext"),
    ("log/slog", "Log"),
    ("log/slog", "LogAttrs"),
];

/// Methods of loggers that take a context for its logging fields only.
const LOGGER_METHODS_WITH_CONTEXT: &[(&str, &str)] = &[
    ("log/slog", "Logger"),
    ("github.com/sirupsen/logrus", "Logger"),
    ("github.com/sirupsen/logrus", "Entry"),
];

/// True when `ctx_call` (a `context.Background()`) is given straight to a
/// function or method that only reads a logger from it.
pub fn only_for_logging(cx: &Context<'_>, ctx_call: NodeId) -> bool {
    let outer = super::expr::outer_paren(cx, ctx_call);
    let Some(parent) = cx.parent(outer) else {
        return false;
    };
    let Node::CallExpr { args, .. } = *cx.node(parent) else {
        return false;
    };
    if !cx.ast().list(args).contains(&outer) {
        return false;
    }
    match cx.model().callee(cx.file(), parent) {
        Callee::Func(n) => LOGGERS_FROM_CONTEXT.iter().any(|(p, f)| n.is(p, f)),
        Callee::Method { recv, name } => {
            LOGGER_METHODS_WITH_CONTEXT
                .iter()
                .any(|(p, t)| recv.is(p, t))
                && (name.ends_with("Context") || matches!(&*name, "Log" | "LogAttrs"))
        }
        _ => false,
    }
}
