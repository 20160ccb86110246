//! RS001 response-body-not-closed.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::Callee;
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::closers::escapes;
use crate::analyses::expr::{call_parts, outer_paren, place_of, selector, unparen, Place};
use crate::analyses::fixes::{after_error_check, in_block_outside_loops, insert_after};
use crate::analyses::flow::LeakExit;
use crate::analyses::handoff::{passed_role_in_rule, ParamHandoffs};
use crate::analyses::release::{
    binding_of, call_results, find_leak, is_blank, is_local_of, Obligation, UseRole,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

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
    /// needs no close, nor do paths after the body was read to its end or to
    /// a failure (`io.ReadAll(resp.Body)`, `io.Copy(w, resp.Body)`: net/http
    /// has then released the connection), nor HEAD requests, whose body is
    /// empty. Handing the response off counts as closing it:
    /// returning the response or its body, storing either in a field,
    /// variable, map, slice or struct literal that escapes, sending it,
    /// passing the response or its body to a function outside the standard
    /// library (`defer drain(resp.Body)`) or to one of the package's
    /// functions that may close or keep it, or closing it in a function
    /// literal (`defer func() { _ = resp.Body.Close() }()`). Decoding the
    /// body (`json.NewDecoder(resp.Body).Decode(v)`) does not close it, nor
    /// read it to its end.
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
    /// - Passing the body or the response to a function of another package
    ///   of the module counts as a hand-off, whether or not that function
    ///   closes it; functions of the same package are looked into.
    /// - A body read to its end but not closed is not reported: the
    ///   connection is reused, though closing stays good practice. A HEAD
    ///   request is recognised when its request is made in the same function
    ///   with the method written as `"HEAD"` or `http.MethodHead`.
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
        requires: &[ParamHandoffs::ID],
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
    if !is_response_call(cx, call) || is_head_request(cx, call) {
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
    let mut d = cx
        .diagnostic(
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
        .with_related(exit.span(cx), label);
    // `defer resp.Body.Close()` after the error check, when nothing else
    // takes the response.
    let fixable = matches!(exit, LeakExit::Return(_) | LeakExit::FallOff(_))
        && ob.error.is_some()
        && !escapes(cx, &ob, &classify_use);
    if fixable {
        let deferred = format!("defer {resp}.Body.Close()");
        if let Some(fix) = after_error_check(cx, stmt, ob.error)
            .filter(|&at| in_block_outside_loops(cx, at, func))
            .and_then(|at| {
                insert_after(
                    cx,
                    at,
                    &deferred,
                    &format!("add `{deferred}` after the error check"),
                )
            })
        {
            d = d.with_fix(fix);
        }
    }
    Some(d)
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
        Place::Argument { call, index } if dumps_body(cx, call, index) => UseRole::Release,
        Place::Argument { call, index } => passed(cx, call, index),
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
        Place::Argument { call, index } if reads_to_eof(cx, call, index) => UseRole::Release,
        // `io.ReadAll(io.LimitReader(resp.Body, n))`: read to the end of
        // what is wanted, or to a failure.
        Place::Argument { call, .. } if wrapped_and_read(cx, call) => UseRole::Release,
        Place::Argument { call, index } => passed(cx, call, index),
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// Passing the response or its body to a call: see [`passed_role_in_rule`].
fn passed(cx: &Context<'_>, call: NodeId, index: usize) -> UseRole {
    passed_role_in_rule(cx, call, index)
}

/// Standard-library functions that read what they are given to the end (or
/// to a failure): (package, function, argument index). After them net/http
/// has released the connection, closed body or not.
const READ_TO_EOF: &[(&str, &str, usize)] = &[
    ("io", "ReadAll", 0),
    ("io/ioutil", "ReadAll", 0),
    ("io", "Copy", 1),
    ("io", "CopyBuffer", 1),
];

/// True for `io.ReadAll(resp.Body)`, `io.Copy(w, resp.Body)`.
fn reads_to_eof(cx: &Context<'_>, call: NodeId, index: usize) -> bool {
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => READ_TO_EOF
            .iter()
            .any(|&(p, f, i)| n.is(p, f) && i == index),
        _ => false,
    }
}

/// True for `httputil.DumpResponse(resp, true)`, which reads the body to
/// its end (and puts a copy in its place).
fn dumps_body(cx: &Context<'_>, call: NodeId, index: usize) -> bool {
    index == 0
        && cx
            .model()
            .callee(cx.file(), call)
            .is_func("net/http/httputil", "DumpResponse")
        && call_parts(cx, call)
            .is_some_and(|(_, args)| args.get(1).is_some_and(|&a| cx.text(a) == "true"))
}

/// True when `call` is a standard-library call whose result is read to its
/// end on the spot (`io.ReadAll(io.LimitReader(resp.Body, n))`).
fn wrapped_and_read(cx: &Context<'_>, call: NodeId) -> bool {
    let standard = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => {
            crate::analyses::expr::is_standard_package(&n.pkg, cx.model().import_path())
        }
        _ => false,
    };
    standard
        && matches!(place_of(cx, call), Place::Argument { call: outer, index }
            if reads_to_eof(cx, outer, index))
}

/// True for a HEAD request: `http.Head`, `client.Head`, or `Do(req)` with a
/// request made by `http.NewRequest("HEAD", ...)` in this function. Its
/// body is empty and the connection is released with the headers.
fn is_head_request(cx: &Context<'_>, call: NodeId) -> bool {
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) if n.is("net/http", "Head") => return true,
        Callee::Method { recv, name } if recv.is("net/http", "Client") && &*name == "Head" => {
            return true
        }
        _ => {}
    }
    let Some((_, &[req])) = call_parts(cx, call) else {
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
    let made = unparen(cx, made);
    let method_arg = match cx.model().callee(cx.file(), made) {
        Callee::Func(n) if n.is("net/http", "NewRequest") => 0,
        Callee::Func(n) if n.is("net/http", "NewRequestWithContext") => 1,
        _ => return false,
    };
    match call_parts(cx, made).and_then(|(_, args)| args.get(method_arg).copied()) {
        Some(m) => matches!(cx.text(m), "\"HEAD\"" | "`HEAD`" | "http.MethodHead"),
        None => false,
    }
}
