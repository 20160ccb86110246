//! GR009 worker-not-stopped: a value whose goroutine runs until its stop
//! method is called, started and then left running on some path.

use goguard_semantic::model::{BindingKind, Callee};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::closers::outlives_process;
use crate::analyses::expr::{outer_paren, place_of, selector, unparen, Place};
use crate::analyses::flow::LeakExit;
use crate::analyses::handoff::{passed_role_in_rule, ParamHandoffs, RELEASING_METHODS};
use crate::analyses::lifecycles::{go_body_call, lifecycles_of, LifecycleValues, Started};
use crate::analyses::loops::visit;
use crate::analyses::release::{
    binding_of, call_results, find_leak, is_local_of, Obligation, UseRole,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds values that run a goroutine until they are stopped, started
    /// and then not stopped on some path to a return. Such a value has a
    /// loop method that keeps receiving from a field of its receiver (a
    /// quit channel, a request channel, `ctx.Done()` of a context it holds)
    /// or keeps calling the methods of a field (`p.queue.Next()`), and a
    /// `Stop`, `Close`, `Shutdown`, `Terminate`, `Cancel` or `Release`
    /// method that closes or sends on that field, stops that field
    /// (`p.queue.Close()`), or calls the `cancel` stored beside the context. The goroutine starts with `go v.run()`, a
    /// method that starts it (`v.Start()`), or a constructor of the module
    /// that starts it and returns the value (`n := newNode()`), also one of
    /// another package of the module.
    ///
    /// Handing the value off counts as stopping it: returning it, storing
    /// it in a field, map or slice that escapes, passing it to a function
    /// that may keep it, or using it in a function literal that outlives
    /// the statement (`t.Cleanup(func() { n.Stop() })`). The branch where
    /// the constructor's error is non-nil needs no stop. A stop or hand-off
    /// deferred before the start (`defer closeDB(t, db)` before
    /// `db.SetConnMaxLifetime(d)`) runs after it too, and counts.
    ///
    /// ## Why is this bad?
    /// Nothing else ends the goroutine: it stays blocked in its loop,
    /// holding the value and everything it references, for the life of the
    /// process. A service that builds such a value per request or per
    /// retry, or returns early on an error after starting it, leaks one
    /// goroutine each time; in tests, each test leaves its workers running
    /// into the next ones (and goroutine leak checkers fail them).
    ///
    /// ## Example
    /// ```go
    /// package poller
    ///
    /// import "errors"
    ///
    /// type Poller struct {
    ///     quit chan struct{}
    ///     reqs chan string
    /// }
    ///
    /// func (p *Poller) run() {
    ///     for {
    ///         select {
    ///         case <-p.quit:
    ///             return
    ///         case r := <-p.reqs:
    ///             _ = r
    ///         }
    ///     }
    /// }
    ///
    /// func (p *Poller) Stop() { close(p.quit) }
    ///
    /// func poll(targets []string) error {
    ///     p := &Poller{quit: make(chan struct{}), reqs: make(chan string)}
    ///     go p.run()
    ///     if len(targets) == 0 {
    ///         return errors.New("no targets")
    ///     }
    ///     defer p.Stop()
    ///     for _, t := range targets {
    ///         p.reqs <- t
    ///     }
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package poller
    ///
    /// import "errors"
    ///
    /// type Poller struct {
    ///     quit chan struct{}
    ///     reqs chan string
    /// }
    ///
    /// func (p *Poller) run() {
    ///     for {
    ///         select {
    ///         case <-p.quit:
    ///             return
    ///         case r := <-p.reqs:
    ///             _ = r
    ///         }
    ///     }
    /// }
    ///
    /// func (p *Poller) Stop() { close(p.quit) }
    ///
    /// func poll(targets []string) error {
    ///     p := &Poller{quit: make(chan struct{}), reqs: make(chan string)}
    ///     go p.run()
    ///     defer p.Stop()
    ///     if len(targets) == 0 {
    ///         return errors.New("no targets")
    ///     }
    ///     for _, t := range targets {
    ///         p.reqs <- t
    ///     }
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only values held in a local variable are followed, and only loops
    ///   receiving from a field of the receiver itself; a loop that also
    ///   ends on its own (a timeout case that returns, its input closed by
    ///   a producer) is still taken to run until stopped.
    /// - Functions and methods taking a `context.Context` or a channel are
    ///   left out (the caller may end the goroutine through them), and so
    ///   are constructors calling `Cleanup`.
    /// - A method of the value that stops it under another name
    ///   (`v.Shutdown2()`) is not recognised, nor a stop made by a helper
    ///   the value is not passed to.
    /// - Not run in `func main` of package main and `init` functions.
    pub struct WorkerNotStopped {
        name: "worker-not-stopped",
        code: "GR009",
        domain: Goroutine,
        category: Correctness,
        status: Preview,
        requires: &[LifecycleValues::ID, ParamHandoffs::ID],
    }
}

impl WorkerNotStopped {
    fn run(&self, cx: &mut Context<'_>) {
        let names = cx.analysis::<LifecycleValues>();
        if names.names.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            // By name first: resolving every call would cost types.
            let Some(fun) = call_fun(cx, call).map(|f| unparen(cx, f)) else {
                continue;
            };
            let name = match cx.node(fun) {
                Node::Ident { .. } => cx.text(fun),
                _ => selector(cx, fun).map_or("", |(_, n)| n),
            };
            if !names.names.contains(name) {
                continue;
            }
            if let Some(start) = started_by_call(cx, call) {
                found.push(start);
            }
        }
        for &stmt in cx.nodes_of_kind(NodeKind::GoStmt) {
            if let Some(start) = started_by_go(cx, stmt) {
                found.push(start);
            }
        }
        for start in found {
            if let Some(d) = check(cx, &start) {
                cx.report(d);
            }
        }
    }
}

/// A value started at one statement.
struct Start {
    /// Where it starts: the call or `go` statement.
    at: NodeId,
    /// The CFG node from which it must be stopped.
    creation: NodeId,
    /// The variable holding it and the constructor's error, if any.
    value: NodeId,
    error: Option<NodeId>,
    started: Started,
    /// How it started, for the message (the goroutine and what it runs).
    how: String,
}

/// A constructor call assigned to a variable, or a starting method called
/// on a variable.
fn started_by_call(cx: &Context<'_>, call: NodeId) -> Option<Start> {
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => {
            let facts = lifecycles_of(cx, &n.pkg)?;
            let started = facts.constructors.get(&*n.name)?.clone();
            let (stmt, lhs) = call_results(cx, call)?;
            // A value and maybe an error: a constructor that also returns
            // a teardown function stops the value through it.
            let returns_error = match cx.model().type_of(cx.file(), call) {
                Type::Tuple(items) => items.len() == 2 && items[1].is_named("", "error"),
                _ => false,
            };
            let (value, error) = match lhs {
                [v] => (*v, None),
                [v, e] if returns_error => (*v, Some(*e)),
                _ => return None,
            };
            Some(Start {
                at: call,
                creation: stmt,
                value,
                error,
                how: format!(
                    "`{}` starts a goroutine (`{}.{}`) that runs",
                    cx.text(call_fun(cx, call)?),
                    started.type_name,
                    started.loop_method
                ),
                started,
            })
        }
        Callee::Method { recv, name } => {
            let facts = lifecycles_of(cx, &recv.pkg)?;
            let started = facts
                .starters
                .get(&(recv.name.to_string(), name.to_string()))?
                .clone();
            let stmt = cx.parent(outer_paren(cx, call))?;
            if !matches!(cx.node(stmt), Node::ExprStmt { .. }) {
                return None;
            }
            let (x, _) = selector(cx, unparen(cx, call_fun(cx, call)?))?;
            Some(Start {
                at: call,
                creation: stmt,
                value: unparen(cx, x),
                error: None,
                how: format!(
                    "`{}.{name}()` starts a goroutine (`{}.{}`) that runs",
                    cx.text(x),
                    started.type_name,
                    started.loop_method
                ),
                started,
            })
        }
        _ => None,
    }
}

/// `go v.run()`, or a literal started with `go` that calls `v.run()`, for a
/// loop method of the package.
fn started_by_go(cx: &Context<'_>, stmt: NodeId) -> Option<Start> {
    let Node::GoStmt { call, .. } = *cx.node(stmt) else {
        return None;
    };
    let own = cx.model().import_path();
    let loop_call = |call: NodeId| -> Option<(NodeId, Started)> {
        let Callee::Method { recv, name } = cx.model().callee(cx.file(), call) else {
            return None;
        };
        if *recv.pkg != *own {
            return None;
        }
        let facts = lifecycles_of(cx, own)?;
        let started = facts
            .loops
            .get(&(recv.name.to_string(), name.to_string()))?
            .clone();
        let (x, _) = selector(cx, unparen(cx, call_fun(cx, call)?))?;
        Some((unparen(cx, x), started))
    };
    let fun = unparen(cx, call_fun(cx, call)?);
    let (value, started) = if matches!(cx.node(fun), Node::FuncLit { .. }) {
        // A statement of the literal's body: `go func() { defer
        // wg.Done(); n.run() }()`.
        let mut found = None;
        visit(cx, fun, |id| {
            if found.is_some() {
                return false;
            }
            if matches!(cx.node(id), Node::CallExpr { .. }) && go_body_call(cx, id) == Some(stmt) {
                found = loop_call(id);
            }
            id == fun || !matches!(cx.node(id), Node::FuncLit { .. })
        });
        found?
    } else {
        loop_call(call)?
    };
    Some(Start {
        at: stmt,
        creation: stmt,
        value,
        error: None,
        how: format!(
            "the goroutine started here runs `{}.{}`",
            cx.text(value),
            started.loop_method
        ),
        started,
    })
}

fn call_fun(cx: &Context<'_>, call: NodeId) -> Option<NodeId> {
    match *cx.node(call) {
        Node::CallExpr { fun, .. } => Some(fun),
        _ => None,
    }
}

/// A finding when some path from the start to a return neither stops the
/// value nor hands it off.
fn check(cx: &Context<'_>, start: &Start) -> Option<goguard_diagnostics::Diagnostic> {
    if !matches!(cx.node(start.value), Node::Ident { .. }) {
        return None;
    }
    let func = cx.enclosing_func(start.creation)?;
    if outlives_process(cx, func) {
        return None;
    }
    let binding = binding_of(cx, start.value)?;
    if cx.model().binding(binding).kind != BindingKind::Var || !is_local_of(cx, binding, func) {
        return None;
    }
    let ob = Obligation {
        func,
        creation: start.creation,
        binding,
        error: start.error.and_then(|e| binding_of(cx, e)),
        nil_exempt: true,
    };
    let stops = &start.started.stops;
    let stopped_by = &start.started.stopped_by;
    if deferred_before(cx, func, start.creation, binding, stopped_by) {
        return None;
    }
    let classify = |cx: &Context<'_>, ident: NodeId| classify_use(cx, ident, stopped_by);
    let exit = find_leak(cx, &ob, &classify)?;
    let v = cx.text(start.value);
    let stop = format!("{v}.{}()", stops[0]);
    let help = match exit {
        LeakExit::LoopBack(_) | LeakExit::Overwritten(_) => {
            format!("call {stop} before {v} is replaced by the next one")
        }
        _ => format!(
            "call {stop} on every path once {v} is no longer needed, usually with `defer {stop}` (`t.Cleanup` in tests)"
        ),
    };
    Some(
        cx.diagnostic(
            start.at,
            format!(
                "{} until `{stop}` is called, and some path never calls it",
                start.how
            ),
        )
        .with_help(help)
        .with_related(exit.span(cx), exit.label(&format!("stopping {v}"))),
    )
}

/// True when a `defer` installed before the start stops the value or hands
/// it off (`defer n.Stop(); go n.run()`, `defer closeDB(t, db);
/// db.SetConnMaxLifetime(d)`): it runs at every exit after the start too.
/// The search from the start sees only what comes after it.
fn deferred_before(
    cx: &Context<'_>,
    func: NodeId,
    start: NodeId,
    binding: goguard_semantic::model::BindingId,
    stopped_by: &[String],
) -> bool {
    let Some(cfg) = cx.cfg(func) else {
        return false;
    };
    cx.ast().walk(func).any(|d| {
        matches!(cx.node(d), Node::DeferStmt { .. })
            && cx.enclosing_func(d) == Some(func)
            && cfg.reaches(d, start)
            && cx.ast().walk(d).any(|id| {
                matches!(cx.node(id), Node::Ident { .. })
                    && binding_of(cx, id) == Some(binding)
                    && matches!(
                        classify_use(cx, id, stopped_by),
                        UseRole::Release | UseRole::Escape
                    )
            })
    })
}

/// What one use of the started value does: a call of a method that stops
/// it (`stopped_by`) or of a usual releasing method stops it, a stop method taken as a value hands it off (`t.Cleanup(v.Close)`),
/// other methods and fields read it; passing it (or its address) follows
/// what the callee does with the parameter.
fn classify_use(cx: &Context<'_>, ident: NodeId, stops: &[String]) -> UseRole {
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => {
            let name = selector(cx, sel_expr).map(|(_, s)| s).unwrap_or("");
            if !stops.iter().any(|s| s == name) && !RELEASING_METHODS.contains(&name) {
                // Its methods and fields, also from a goroutine: they do
                // not stop it.
                return match place_of(cx, sel_expr) {
                    Place::Called { .. } | Place::Read => UseRole::Borrow,
                    _ => UseRole::Other,
                };
            }
            match place_of(cx, sel_expr) {
                Place::Called { .. } => UseRole::Release,
                _ => UseRole::Escape,
            }
        }
        Place::Argument { call, index } => passed_role_in_rule(cx, call, index),
        Place::AddressTaken => {
            let Some(amp) = cx.parent(outer_paren(cx, ident)) else {
                return UseRole::Escape;
            };
            match place_of(cx, amp) {
                Place::Argument { call, index } => passed_role_in_rule(cx, call, index),
                _ => UseRole::Escape,
            }
        }
        Place::AssignedTo { .. } => UseRole::Reassign,
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}
