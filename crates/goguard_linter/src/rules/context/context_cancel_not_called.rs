//! CX001 context-cancel-not-called.

use goguard_diagnostics::{Applicability, Diagnostic, Fix};
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::closers::escapes;
use crate::analyses::expr::{
    closure_between, is_immediately_called, is_standard_package, place_of, Place,
};
use crate::analyses::fixes::{in_block_outside_loops, insert_after};
use crate::analyses::flow::LeakExit;
use crate::analyses::release::{
    binding_of, call_results, find_leak, is_blank, is_local_of, Obligation, UseRole,
};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds the cancel function returned by `context.WithCancel`,
    /// `WithTimeout`, `WithDeadline`, their `...Cause` variants, and the stop
    /// function of `signal.NotifyContext`, when it is discarded or when some
    /// path returns from the function without calling it.
    ///
    /// Handing the function off counts as calling it: returning it, storing
    /// it in a field, variable, map, slice or struct literal, passing it to a
    /// call, sending it on a channel, or mentioning it in a function literal
    /// (`defer func() { cancel() }()`, a goroutine that calls it later).
    ///
    /// ## Why is this bad?
    /// Until it is cancelled, a derived context stays registered with its
    /// parent and keeps its timer: the memory, the timer and any goroutine
    /// waiting on `ctx.Done()` live until the parent is cancelled, which for
    /// a context derived from `context.Background()` is never. In a request
    /// path this is a leak per request.
    ///
    /// ## Example
    /// ```go
    /// package fetch
    ///
    /// import (
    ///     "context"
    ///     "errors"
    ///     "time"
    /// )
    ///
    /// func lookup(ctx context.Context, key string) (string, error) {
    ///     ctx, cancel := context.WithTimeout(ctx, time.Second)
    ///     if key == "" {
    ///         return "", errors.New("empty key")
    ///     }
    ///     defer cancel()
    ///     <-ctx.Done()
    ///     return key, nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fetch
    ///
    /// import (
    ///     "context"
    ///     "errors"
    ///     "time"
    /// )
    ///
    /// func lookup(ctx context.Context, key string) (string, error) {
    ///     ctx, cancel := context.WithTimeout(ctx, time.Second)
    ///     defer cancel()
    ///     if key == "" {
    ///         return "", errors.New("empty key")
    ///     }
    ///     <-ctx.Done()
    ///     return key, nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files, where a context lives no longer than
    ///   the test.
    /// - Any mention of the cancel function inside a function literal counts
    ///   as calling it, even when the literal calls it only on some paths.
    /// - Passing the function to any call counts as a hand-off, whatever the
    ///   callee does with it.
    /// - Going round a loop back to the call while the previous value is
    ///   still held is reported as a leak of that value, and so is
    ///   overwriting the variable (`ctx, cancel = context.WithTimeout(...)`
    ///   again); the path is not followed further.
    /// - Storing the function in a field of an object made in the function
    ///   (`s.cancel = cancel`, `&server{cancel: cancel}`) or appending it to
    ///   a local slice hands it off only where that object escapes (returned,
    ///   passed, stored, given to a method or a closure).
    /// - Panics and calls that never return (`os.Exit`, `log.Fatal`) are not
    ///   paths that need the cancel.
    pub struct ContextCancelNotCalled {
        name: "context-cancel-not-called",
        code: "CX001",
        domain: Context,
        category: Correctness,
        status: Stable,
        in_tests: false,
    }
}

/// The functions returning a context and its cancel (or stop) function.
const CONSTRUCTORS: &[(&str, &str)] = &[
    ("context", "WithCancel"),
    ("context", "WithTimeout"),
    ("context", "WithDeadline"),
    ("context", "WithCancelCause"),
    ("context", "WithTimeoutCause"),
    ("context", "WithDeadlineCause"),
    ("os/signal", "NotifyContext"),
];

impl ContextCancelNotCalled {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

/// `context.WithTimeout` or `signal.NotifyContext` for a call to one of the
/// constructors.
fn constructor_name(cx: &Context<'_>, call: NodeId) -> Option<String> {
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => CONSTRUCTORS
            .iter()
            .find(|(pkg, name)| n.is(pkg, name))
            .map(|(pkg, name)| format!("{}.{name}", pkg.rsplit('/').next().unwrap_or(pkg))),
        _ => None,
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let ctor = constructor_name(cx, call)?;
    let what = if ctor.starts_with("signal.") {
        "stop"
    } else {
        "cancel"
    };
    let func = cx.enclosing_func(call)?;
    let discarded = || {
        cx.diagnostic(
            call,
            format!("the {what} function returned by {ctor} is discarded"),
        )
        .with_help(format!(
            "keep the {what} function and call it when the work is done, usually with `defer {what}()`"
        ))
    };
    let Some((stmt, lhs)) = call_results(cx, call) else {
        // A call whose results are dropped entirely is a leak; any other
        // place (returned, passed on) hands both results over.
        let parent = cx.parent(crate::analyses::expr::outer_paren(cx, call))?;
        return matches!(cx.node(parent), Node::ExprStmt { .. }).then(discarded);
    };
    let &[_, cancel_expr] = lhs else {
        return None;
    };
    if is_blank(cx, cancel_expr) {
        return Some(discarded());
    }
    let binding = binding_of(cx, cancel_expr)?;
    if !is_local_of(cx, binding, func) {
        return None;
    }
    let name = cx.text(cancel_expr);
    // WithCancelCause returns a CancelCauseFunc, called with a cause.
    let call_text = if ctor.ends_with("CancelCause") {
        format!("{name}(nil)")
    } else {
        format!("{name}()")
    };
    let ob = Obligation {
        func,
        creation: stmt,
        binding,
        error: None,
        nil_exempt: true,
    };
    let classify = |cx: &Context<'_>, ident: NodeId| classify_use(cx, func, ident);
    let exit = find_leak(cx, &ob, &classify)?;
    let label = exit.label(&format!("calling {name}"));
    let fix = defer_fix(cx, &ob, &classify, exit, lhs, &call_text);
    let d = cx
        .diagnostic(
            call,
            format!("the {what} function returned by {ctor} is not called on every path"),
        )
        .with_help(match exit {
            LeakExit::LoopBack(_) => format!(
                "call {call_text} before each iteration ends, `continue` included (a `defer` in a loop waits for the function to return)"
            ),
            LeakExit::Overwritten(_) => {
                format!("call {call_text} before {name} is given another function")
            }
            _ => format!(
                "call {name} on every path, usually with `defer {call_text}` right after the call"
            ),
        })
        .with_related(exit.span(cx), label);
    Some(match fix {
        Some(f) => d.with_fix(f),
        None => d,
    })
}

/// `defer cancel()` right after the call, when the call is not in a loop and
/// the cancel function is not handed off. Safe when the derived context is
/// used only here and by the standard library; when it goes anywhere else
/// (a function of the module, a goroutine, a struct) cancelling it at
/// return may stop work that outlives the function, so the fix is only
/// suggested.
fn defer_fix(
    cx: &Context<'_>,
    ob: &Obligation,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
    exit: LeakExit,
    lhs: &[NodeId],
    call_text: &str,
) -> Option<Fix> {
    if !matches!(exit, LeakExit::Return(_) | LeakExit::FallOff(_))
        || !in_block_outside_loops(cx, ob.creation, ob.func)
        || escapes(cx, ob, classify)
    {
        return None;
    }
    let deferred = format!("defer {call_text}");
    let mut fix = insert_after(cx, ob.creation, &deferred, &format!("add `{deferred}`"))?;
    let ctx_stays_here = match binding_of(cx, lhs[0]) {
        Some(ctx) => cx
            .model()
            .uses(ctx)
            .iter()
            .all(|u| u.file == cx.file() && context_use_stays_here(cx, ob.func, u.ident)),
        None => true,
    };
    if !ctx_stays_here {
        fix.applicability = Applicability::Unsafe;
    }
    Some(fix)
}

/// True when a use of the derived context cannot keep it beyond the
/// function: a method called on it, a read, or an argument of the standard
/// library (a request, a query, `signal.NotifyContext`).
fn context_use_stays_here(cx: &Context<'_>, func: NodeId, ident: NodeId) -> bool {
    if let Some(lit) = closure_between(cx, ident, func) {
        if !is_immediately_called(cx, lit) {
            return false;
        }
    }
    if cx
        .ancestors(ident)
        .take_while(|&a| a != func)
        .any(|a| matches!(cx.node(a), Node::GoStmt { .. }))
    {
        return false;
    }
    match place_of(cx, ident) {
        Place::Selected { .. } | Place::Read | Place::AssignedTo { .. } => true,
        Place::Argument { call, .. } => {
            let pkg = match cx.model().callee(cx.file(), call) {
                Callee::Func(n) => n.pkg,
                Callee::Method { recv, .. } => recv.pkg,
                _ => return false,
            };
            is_standard_package(&pkg, cx.model().import_path())
        }
        _ => false,
    }
}

/// What a use of the cancel function does: calling it releases, mentioning
/// it in a closure counts as calling it, reading it in a comparison does
/// nothing, anything else hands it off.
fn classify_use(cx: &Context<'_>, func: NodeId, ident: NodeId) -> UseRole {
    if closure_between(cx, ident, func).is_some() {
        return UseRole::Release;
    }
    match place_of(cx, ident) {
        Place::Called { .. } => UseRole::Release,
        Place::AssignedTo { .. } => UseRole::Reassign,
        Place::Read | Place::Selected { .. } => UseRole::Other,
        _ => UseRole::Escape,
    }
}
