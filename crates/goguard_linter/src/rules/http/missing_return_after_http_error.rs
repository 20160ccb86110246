//! HT001 missing-return-after-http-error.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::{BindingId, Callee};
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{closure_between, place_of, selector, unparen, Place};
use crate::analyses::flow::anchor;
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a handler that goes on writing to its `http.ResponseWriter`
    /// after `http.Error(w, ...)`, or that sets a status again after
    /// `w.WriteHeader` with an error status (4xx or 5xx): a path from the
    /// call reaches another write to `w` (`w.Write`, `w.WriteHeader`,
    /// `http.Error`, `http.Redirect`, or `w` passed to any function, such as
    /// `fmt.Fprintf(w, ...)` or `json.NewEncoder(w)`) — usually a missing
    /// `return`.
    ///
    /// ## Why is this bad?
    /// The error has been sent, but the handler carries on as if the request
    /// had succeeded: it runs the work the error was meant to prevent (with
    /// a nil value, an unauthorised user, a bad input) and appends the
    /// success body to the error message. net/http logs "superfluous
    /// response.WriteHeader call" and the client gets a 4xx status with a
    /// mangled body.
    ///
    /// ## Example
    /// ```go
    /// package api
    ///
    /// import (
    ///     "encoding/json"
    ///     "net/http"
    /// )
    ///
    /// func get(w http.ResponseWriter, r *http.Request) {
    ///     id := r.URL.Query().Get("id")
    ///     if id == "" {
    ///         http.Error(w, "missing id", http.StatusBadRequest)
    ///     }
    ///     json.NewEncoder(w).Encode(map[string]string{"id": id})
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package api
    ///
    /// import (
    ///     "encoding/json"
    ///     "net/http"
    /// )
    ///
    /// func get(w http.ResponseWriter, r *http.Request) {
    ///     id := r.URL.Query().Get("id")
    ///     if id == "" {
    ///         http.Error(w, "missing id", http.StatusBadRequest)
    ///         return
    ///     }
    ///     json.NewEncoder(w).Encode(map[string]string{"id": id})
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Paths are followed without looking at conditions: a later write
    ///   guarded by a condition that excludes the error path is still
    ///   reported.
    /// - Setting headers (`w.Header().Set`) is not a write. A status is an
    ///   error status when written as a number or an `http.Status...`
    ///   constant of the table.
    pub struct MissingReturnAfterHttpError {
        name: "missing-return-after-http-error",
        code: "HT001",
        domain: Http,
        category: Correctness,
        status: Stable,
    }
}

/// `http.Status...` constants of 4xx and 5xx statuses.
const ERROR_STATUSES: &[&str] = &[
    "StatusBadRequest",
    "StatusUnauthorized",
    "StatusPaymentRequired",
    "StatusForbidden",
    "StatusNotFound",
    "StatusMethodNotAllowed",
    "StatusNotAcceptable",
    "StatusProxyAuthRequired",
    "StatusRequestTimeout",
    "StatusConflict",
    "StatusGone",
    "StatusLengthRequired",
    "StatusPreconditionFailed",
    "StatusRequestEntityTooLarge",
    "StatusRequestURITooLong",
    "StatusUnsupportedMediaType",
    "StatusRequestedRangeNotSatisfiable",
    "StatusExpectationFailed",
    "StatusTeapot",
    "StatusMisdirectedRequest",
    "StatusUnprocessableEntity",
    "StatusLocked",
    "StatusFailedDependency",
    "StatusTooEarly",
    "StatusUpgradeRequired",
    "StatusPreconditionRequired",
    "StatusTooManyRequests",
    "StatusRequestHeaderFieldsTooLarge",
    "StatusUnavailableForLegalReasons",
    "StatusInternalServerError",
    "StatusNotImplemented",
    "StatusBadGateway",
    "StatusServiceUnavailable",
    "StatusGatewayTimeout",
    "StatusHTTPVersionNotSupported",
    "StatusVariantAlsoNegotiates",
    "StatusInsufficientStorage",
    "StatusLoopDetected",
    "StatusNotExtended",
    "StatusNetworkAuthenticationRequired",
];

impl MissingReturnAfterHttpError {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

/// What a call writes to a response writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// `http.Error(w, ...)`: status and body.
    Error,
    /// `w.WriteHeader(4xx or 5xx)`: the status; a body may follow.
    ErrorStatus,
}

/// The writer binding and what the call sends, for `http.Error(w, ...)`
/// and `w.WriteHeader(errorStatus)`.
fn error_sent(cx: &Context<'_>, call: NodeId) -> Option<(BindingId, Sent)> {
    let Node::CallExpr { fun, args, .. } = *cx.node(call) else {
        return None;
    };
    let args = cx.ast().list(args);
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) if n.is("net/http", "Error") => {
            Some((binding_of(cx, unparen(cx, *args.first()?))?, Sent::Error))
        }
        Callee::Method { recv, name }
            if recv.is("net/http", "ResponseWriter") && &*name == "WriteHeader" =>
        {
            let (x, _) = selector(cx, unparen(cx, fun))?;
            let status = unparen(cx, *args.first()?);
            let is_error = match cx.node(status) {
                Node::BasicLit { .. } => cx.text(status).parse::<u32>().is_ok_and(|c| c >= 400),
                Node::SelectorExpr { .. } => {
                    selector(cx, status).is_some_and(|(_, s)| ERROR_STATUSES.contains(&s))
                }
                _ => false,
            };
            is_error.then_some((binding_of(cx, unparen(cx, x))?, Sent::ErrorStatus))
        }
        _ => None,
    }
}

/// How a use of the writer writes: its whole response (a status), or only
/// a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Status,
    Body,
}

fn write_of(cx: &Context<'_>, ident: NodeId) -> Option<Write> {
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => {
            let Place::Called { .. } = place_of(cx, sel_expr) else {
                return None;
            };
            match selector(cx, sel_expr).map(|(_, s)| s) {
                Some("WriteHeader") => Some(Write::Status),
                Some("Write") => Some(Write::Body),
                _ => None,
            }
        }
        Place::Argument { call, .. } => match cx.model().callee(cx.file(), call) {
            Callee::Func(n)
                if n.is("net/http", "Error")
                    || n.is("net/http", "Redirect")
                    || n.is("net/http", "NotFound") =>
            {
                Some(Write::Status)
            }
            _ => Some(Write::Body),
        },
        _ => None,
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let (w, sent) = error_sent(cx, call)?;
    if !cx
        .model()
        .binding(w)
        .ty
        .is_named("net/http", "ResponseWriter")
    {
        return None;
    }
    let func = cx.enclosing_func(call)?;
    let cfg = cx.cfg(func)?;
    let from = anchor(cx, func, cfg, call)?;
    let closure = closure_between(cx, call, func);
    let later = cx.model().uses(w).iter().find_map(|u| {
        if u.file != cx.file() || closure_between(cx, u.ident, func) != closure {
            return None;
        }
        let write = write_of(cx, u.ident)?;
        if sent == Sent::ErrorStatus && write == Write::Body {
            return None;
        }
        let at = anchor(cx, func, cfg, u.ident)?;
        (at != from && cfg.reaches(from, at)).then_some(u.ident)
    })?;
    let what = match sent {
        Sent::Error => "http.Error",
        Sent::ErrorStatus => "WriteHeader with an error status",
    };
    let w_name = cx.model().binding(w).name.clone();
    let write_stmt = anchor(cx, func, cfg, later).unwrap_or(later);
    Some(
        cx.diagnostic(
            call,
            format!("the handler goes on after {what} and writes to {w_name} again"),
        )
        .with_help("return right after sending the error")
        .with_related(
            cx.span(write_stmt),
            format!("{w_name} is written again here"),
        ),
    )
}
