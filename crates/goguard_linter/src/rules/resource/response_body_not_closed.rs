//! RS001 response-body-not-closed.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::Callee;
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{
    call_parts, is_standard_package, outer_paren, place_of, selector, Place,
};
use crate::analyses::flow::LeakExit;
use crate::analyses::release::{
    binding_of, call_results, find_leak, is_blank, is_local_of, Obligation, UseRole,
};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds HTTP responses (from `http.Get`, `Post`, `Head`, `PostForm`, the
    /// same methods of `*http.Client` and its `Do`, `RoundTrip`, and any
    /// `Do(req)`/`RoundTrip(req)` method returning `(*http.Response, error)`,
    /// such as a client interface) whose
    /// body is not closed on some path from the call to a return, after the
    /// error check, and responses that are discarded.
    ///
    /// The branch where the call's error is non-nil (or the response is nil)
    /// needs no close. Handing the response off counts as closing it:
    /// returning the response or its body, storing either in a field,
    /// variable, map, slice or struct literal, sending it, passing the
    /// response to a function outside the standard library or its body to
    /// any function outside the standard library (`defer drain(resp.Body)`),
    /// or closing it in a function literal (`defer func() { _ =
    /// resp.Body.Close() }()`). Reading the body with `io.ReadAll`, `io.Copy`
    /// or a decoder does not close it.
    ///
    /// ## Why is this bad?
    /// An unclosed body keeps its connection busy: the transport cannot reuse
    /// it, so every leaked response costs a file descriptor, buffers and a
    /// goroutine until the server closes the connection, and a client under
    /// load runs out of connections.
    ///
    /// ## Example
    /// ```go
    /// package fetch
    ///
    /// import (
    ///     "fmt"
    ///     "io"
    ///     "net/http"
    /// )
    ///
    /// func get(url string) ([]byte, error) {
    ///     resp, err := http.Get(url)
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     if resp.StatusCode != http.StatusOK {
    ///         return nil, fmt.Errorf("status %d", resp.StatusCode)
    ///     }
    ///     defer resp.Body.Close()
    ///     return io.ReadAll(resp.Body)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fetch
    ///
    /// import (
    ///     "fmt"
    ///     "io"
    ///     "net/http"
    /// )
    ///
    /// func get(url string) ([]byte, error) {
    ///     resp, err := http.Get(url)
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     defer resp.Body.Close()
    ///     if resp.StatusCode != http.StatusOK {
    ///         return nil, fmt.Errorf("status %d", resp.StatusCode)
    ///     }
    ///     return io.ReadAll(resp.Body)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files: a body left open by a test costs a
    ///   connection until the test binary exits.
    /// - Only responses held in a local variable are followed; the receiver
    ///   of `Do` must have a known type (`*http.Client`, `http.RoundTripper`,
    ///   `*http.Transport`).
    /// - Passing the body or the response to any function outside the
    ///   standard library counts as a hand-off, whether or not that function
    ///   closes it.
    /// - Any function literal that closes the body counts, even if it runs
    ///   only on some paths.
    /// - Going round a loop back to the call while the previous value is
    ///   still held is reported as a leak of that value; the path is not
    ///   followed further.
    pub struct ResponseBodyNotClosed {
        name: "response-body-not-closed",
        code: "RS001",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
    }
}

/// Package-level functions returning a response.
const FUNCS: &[&str] = &["Get", "Post", "Head", "PostForm"];
/// (type, method) pairs of net/http returning a response.
const METHODS: &[(&str, &str)] = &[
    ("Client", "Do"),
    ("Client", "Get"),
    ("Client", "Post"),
    ("Client", "Head"),
    ("Client", "PostForm"),
    ("RoundTripper", "RoundTrip"),
    ("Transport", "RoundTrip"),
];

impl ResponseBodyNotClosed {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

/// True when the call returns an `*http.Response` that the caller owns: a
/// net/http request function, or a `Do`/`RoundTrip` method of any type
/// taking one argument and returning `(*http.Response, error)` (a client
/// interface or wrapper standing in for `*http.Client`).
fn is_response_call(cx: &Context<'_>, call: NodeId) -> bool {
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => &*n.pkg == "net/http" && FUNCS.contains(&&*n.name),
        Callee::Method { recv, name } if &*recv.pkg == "net/http" => METHODS
            .iter()
            .any(|(ty, m)| &*recv.name == *ty && &*name == *m),
        Callee::Method { name, .. } if matches!(&*name, "Do" | "RoundTrip") => {
            let one_arg = call_parts(cx, call).is_some_and(|(_, args)| args.len() == 1);
            let ty = cx.model().type_of(cx.file(), call);
            one_arg
                && matches!(&ty, Type::Tuple(items) if items.len() == 2)
                && ty.tuple_item(0).is_pointer_to("net/http", "Response")
                && ty.tuple_item(1).is_named("", "error")
        }
        _ => false,
    }
}

/// How to name the call in messages: its source text when short.
fn call_name(cx: &Context<'_>, call: NodeId) -> String {
    let &Node::CallExpr { fun, .. } = cx.node(call) else {
        return "the call".to_string();
    };
    let text = cx.text(fun);
    if text.len() <= 40 && !text.contains('\n') {
        text.to_string()
    } else {
        match selector(cx, fun) {
            Some((_, sel)) => sel.to_string(),
            None => "the call".to_string(),
        }
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    if !is_response_call(cx, call) {
        return None;
    }
    let func = cx.enclosing_func(call)?;
    let name = call_name(cx, call);
    let discarded = || {
        cx.diagnostic(
            call,
            format!("the response of {name} is discarded, so its body is never closed"),
        )
        .with_help("keep the response and close its body after checking the error")
    };
    let Some((stmt, lhs)) = call_results(cx, call) else {
        let parent = cx.parent(outer_paren(cx, call))?;
        return matches!(cx.node(parent), Node::ExprStmt { .. }).then(discarded);
    };
    let &[resp_expr, err_expr] = lhs else {
        return None;
    };
    if is_blank(cx, resp_expr) {
        return Some(discarded());
    }
    let binding = binding_of(cx, resp_expr)?;
    if !is_local_of(cx, binding, func) {
        return None;
    }
    let resp = cx.text(resp_expr);
    let ob = Obligation {
        func,
        creation: stmt,
        binding,
        error: binding_of(cx, err_expr),
        nil_exempt: true,
    };
    let exit = find_leak(cx, &ob, &classify_use)?;
    let label = match exit {
        LeakExit::LoopBack(_) => {
            format!("the loop makes the next request without closing {resp}.Body")
        }
        _ => exit.label(&format!("closing {resp}.Body")),
    };
    Some(
        cx.diagnostic(
            call,
            format!("the body of the response from {name} is not closed on every path"),
        )
        .with_help(match exit {
            LeakExit::LoopBack(_) => format!(
                "close {resp}.Body before the next request, `continue` included (a `defer` in a loop waits for the function to return)"
            ),
            _ => format!(
                "close the body on every path after the error check, usually with `defer {resp}.Body.Close()`"
            ),
        })
        .with_related(exit.span(cx), label),
    )
}

/// What a use of the response variable does.
fn classify_use(cx: &Context<'_>, ident: NodeId) -> UseRole {
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => match selector(cx, sel_expr).map(|(_, s)| s) {
            Some("Body") => classify_body(cx, sel_expr),
            // (*http.Response).Write closes the body once it is sent.
            Some("Write") if matches!(place_of(cx, sel_expr), Place::Called { .. }) => {
                UseRole::Release
            }
            _ => UseRole::Other,
        },
        Place::Argument { call, .. } => passed(cx, call),
        Place::AssignedTo { .. } => UseRole::Reassign,
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// What a use of `resp.Body` does.
fn classify_body(cx: &Context<'_>, body: NodeId) -> UseRole {
    match place_of(cx, body) {
        Place::Selected { sel_expr } => {
            let method = selector(cx, sel_expr).map(|(_, s)| s);
            let called = matches!(place_of(cx, sel_expr), Place::Called { .. });
            match (method, called) {
                (Some("Close"), true) => UseRole::Release,
                (Some("Close"), false) => UseRole::Escape,
                _ => UseRole::Other,
            }
        }
        Place::Argument { call, .. } => passed(cx, call),
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// Standard-library packages whose functions keep what they are given.
const KEEPING_PACKAGES: &[&str] = &["sync", "sync/atomic", "context", "runtime"];

/// Passing the response or its body to a call: the standard library reads
/// it (io.ReadAll, io.Copy, json.NewDecoder, httputil.DumpResponse) without
/// taking ownership; any other function may close it.
fn passed(cx: &Context<'_>, call: NodeId) -> UseRole {
    let pkg = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => n.pkg,
        Callee::Method { recv, .. } => recv.pkg,
        _ => return UseRole::Escape,
    };
    let keeps = KEEPING_PACKAGES.contains(&&*pkg) || pkg.starts_with("container/");
    if is_standard_package(&pkg, cx.model().import_path()) && !keeps {
        UseRole::Other
    } else {
        UseRole::Escape
    }
}
