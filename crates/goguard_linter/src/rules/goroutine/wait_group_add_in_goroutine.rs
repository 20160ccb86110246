//! GR003 wait-group-add-in-goroutine: a goroutine counts itself in a
//! WaitGroup (`wg.Add` inside it, before its `wg.Done`) while the function
//! that started it waits on that WaitGroup.

use goguard_semantic::model::BindingKind;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::loops::{
    access_path, anchor, lit_run, method_call_parts, started_lit, visit, AccessPath, LitRun,
};
use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{findings_here, report_blocked, span_of, ConcurrencyModel};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports `wg.Add(n)` executed inside a goroutine that also calls
    /// `wg.Done()` for the same WaitGroup, when the function that starts the
    /// goroutine calls `wg.Wait()` after the `go` statement and does not
    /// itself call `wg.Add` before starting it. The `Add` may be anywhere
    /// in the goroutine before its `Done`, not only its first statement, and
    /// the goroutine may be a literal or a method of the package started
    /// with `go obj.method()`. Also reports, from the package's concurrency
    /// model, a `Wait` whose count never reaches zero on some path (an
    /// `Add(n)` for more goroutines than a `continue` lets start, a `Done`
    /// skipped on an early return) and a `Done` that drives the count
    /// negative.
    ///
    /// ## Why is this bad?
    /// `Wait` returns as soon as the counter is zero. Nothing guarantees
    /// that the new goroutine runs its `Add` before the parent reaches
    /// `Wait`: the parent can see a zero counter and continue while the
    /// goroutine is still working (or has not even started), so results
    /// are read too early or channels are closed under a sender. The race
    /// detector reports it only when the timing happens to line up.
    ///
    /// ## Example
    /// ```go
    /// package fanout
    ///
    /// import "sync"
    ///
    /// func process(items []int, handle func(int)) {
    /// 	var wg sync.WaitGroup
    /// 	for _, it := range items {
    /// 		go func(it int) {
    /// 			wg.Add(1)
    /// 			defer wg.Done()
    /// 			handle(it)
    /// 		}(it)
    /// 	}
    /// 	wg.Wait()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fanout
    ///
    /// import "sync"
    ///
    /// func process(items []int, handle func(int)) {
    /// 	var wg sync.WaitGroup
    /// 	for _, it := range items {
    /// 		wg.Add(1)
    /// 		go func(it int) {
    /// 			defer wg.Done()
    /// 			handle(it)
    /// 		}(it)
    /// 	}
    /// 	wg.Wait()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// For the race, only goroutines started with `go func() { ... }()` or
    /// `go obj.method()` (a method declared in the same file) are examined,
    /// and only when the `Wait` is in the same function as the `go` statement
    /// (directly or in a closure it starts) or, for a WaitGroup in a field
    /// of the receiver, in another method of the same type in the same
    /// file. The receiver
    /// of `Add`, `Done` and `Wait` must be typed `sync.WaitGroup`.
    pub struct WaitGroupAddInGoroutine {
        name: "wait-group-add-in-goroutine",
        code: "GR003",
        domain: Goroutine,
        category: Correctness,
        status: Stable,
        requires: &[ConcurrencyModel::ID],
    }
}

/// A WaitGroup method call found in a function body.
struct WgCall<'a> {
    call: NodeId,
    path: AccessPath<'a>,
    /// Runs as part of the searched body itself: outside function literals
    /// or only in literals called in place or deferred (not in a goroutine
    /// it starts, nor in a stored function value).
    own: bool,
    /// Deferred, directly or through a deferred literal.
    deferred: bool,
}

impl WaitGroupAddInGoroutine {
    fn run(&self, cx: &mut Context<'_>) {
        self.add_in_literal(cx);
        self.add_in_method(cx);
        // What the package's concurrency model sees: a Wait whose count
        // never reaches zero, a count that goes negative.
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::BlockedWait]) {
            report_blocked(
                cx,
                f,
                &[],
                "waits forever in WaitGroup.Wait: the count never reaches zero",
                "make every goroutine counted by Add call Done on every path (`defer \
                 wg.Done()` first thing), and Add exactly once per goroutine started, next \
                 to its `go` statement",
            );
        }
        for f in findings_here(cx, &model, &[FindingKind::NegativeWaitGroup]) {
            let d = cx
                .diagnostic_at(
                    span_of(cx, f.at),
                    "WaitGroup counter can go negative here (more Done than Add), which panics",
                )
                .with_help("call Done once per Add, on every path");
            cx.report(d);
        }
    }

    /// `go obj.method()` whose method counts itself in a WaitGroup of its
    /// receiver (`s.wg.Add(1)` ... `s.wg.Done()`) while the spawner waits on
    /// the same WaitGroup of `obj`.
    fn add_in_method(&self, cx: &mut Context<'_>) {
        let gos = cx.nodes_of_kind(NodeKind::GoStmt).to_vec();
        for go in gos {
            let Some((decl, recv_expr)) = started_method(cx, go) else {
                continue;
            };
            let Some(parent_func) = cx.enclosing_func(go) else {
                continue;
            };
            let Node::FuncDecl {
                recv: Some(recv_list),
                body: Some(body),
                ..
            } = *cx.node(decl)
            else {
                continue;
            };
            let Some(recv_binding) = receiver_binding(cx, recv_list) else {
                continue;
            };
            let Some(caller_path) = access_path(cx, recv_expr) else {
                continue;
            };
            let adds = wg_calls(cx, body, "Add");
            let dones = wg_calls(cx, body, "Done");
            for add in adds
                .iter()
                .filter(|a| a.own && !a.deferred && a.path.root == recv_binding)
            {
                let counts_itself = dones.iter().any(|d| d.own && d.path == add.path);
                let done_before = dones.iter().any(|d| {
                    d.path == add.path
                        && d.own
                        && !d.deferred
                        && cx.ast().pos(d.call) < cx.ast().pos(add.call)
                });
                if !counts_itself || done_before {
                    continue;
                }
                let mut mapped = caller_path.clone();
                mapped.fields.extend(add.path.fields.iter().copied());
                let Some(wait) = wait_after(cx, parent_func, go, go, &mapped) else {
                    continue;
                };
                if parent_adds_before(cx, parent_func, go, go, &mapped) {
                    continue;
                }
                let diagnostic = cx
                    .diagnostic(
                        add.call,
                        "WaitGroup.Add inside the goroutine it counts races with Wait",
                    )
                    .with_help("call Add before the go statement that starts the goroutine")
                    .with_related(cx.span(go), "goroutine started here")
                    .with_related(cx.span(wait), "Wait may return before the Add runs");
                cx.report(diagnostic);
            }
        }
    }

    fn add_in_literal(&self, cx: &mut Context<'_>) {
        let gos = cx.nodes_of_kind(NodeKind::GoStmt).to_vec();
        for go in gos {
            let Some(lit) = started_lit(cx, go) else {
                continue;
            };
            let Some(parent_func) = cx.enclosing_func(go) else {
                continue;
            };
            let Node::FuncLit { body, .. } = *cx.node(lit) else {
                continue;
            };
            let adds = wg_calls(cx, body, "Add");
            let dones = wg_calls(cx, body, "Done");
            for add in adds.iter().filter(|a| a.own && !a.deferred) {
                let counts_itself = dones.iter().any(|d| d.own && d.path == add.path);
                let done_before = dones.iter().any(|d| {
                    d.path == add.path
                        && d.own
                        && !d.deferred
                        && cx.ast().pos(d.call) < cx.ast().pos(add.call)
                });
                if !counts_itself || done_before {
                    continue;
                }
                let Some(wait) = wait_after(cx, parent_func, go, lit, &add.path)
                    .or_else(|| wait_in_sibling_method(cx, parent_func, &add.path))
                else {
                    continue;
                };
                if parent_adds_before(cx, parent_func, go, lit, &add.path) {
                    continue;
                }
                let diagnostic = cx
                    .diagnostic(
                        add.call,
                        "WaitGroup.Add inside the goroutine it counts races with Wait",
                    )
                    .with_help("call Add before the go statement that starts the goroutine")
                    .with_related(go_header_span(cx, go, lit), "goroutine started here")
                    .with_related(cx.span(wait), "Wait may return before the Add runs");
                cx.report(diagnostic);
            }
        }
    }
}

/// For `go x.m(...)` calling a method declared in this file: its FuncDecl
/// and the receiver expression `x`.
fn started_method(cx: &Context<'_>, go: NodeId) -> Option<(NodeId, NodeId)> {
    let Node::GoStmt { call, .. } = *cx.node(go) else {
        return None;
    };
    let (x, name) = method_call_parts(cx, call)?;
    let callee = cx.model().callee(cx.file(), call);
    let recv = callee.recv()?;
    if &*recv.pkg != cx.model().import_path() {
        return None;
    }
    let decl = cx
        .nodes_of_kind(NodeKind::FuncDecl)
        .iter()
        .copied()
        .find(|&d| {
            let Node::FuncDecl {
                recv: Some(r),
                name: n,
                ..
            } = *cx.node(d)
            else {
                return false;
            };
            cx.text(n) == name
                && goguard_semantic::model::receiver_type_name(cx.ast(), cx.source(), r)
                    == Some(&*recv.name)
        })?;
    Some((decl, x))
}

/// The binding of a method's receiver name.
fn receiver_binding(cx: &Context<'_>, list: NodeId) -> Option<goguard_semantic::model::BindingId> {
    let Node::FieldList { list, .. } = *cx.node(list) else {
        return None;
    };
    let &field = cx.ast().list(list).first()?;
    let Node::Field { names, .. } = *cx.node(field) else {
        return None;
    };
    let &name = cx.ast().list(names).first()?;
    cx.model().resolve(cx.file(), name)
}

/// The calls `x.<method>(...)` on a sync.WaitGroup under `root`, with their
/// access paths. Deferred calls and calls in function literals are marked.
fn wg_calls<'a>(cx: &Context<'a>, root: NodeId, method: &str) -> Vec<WgCall<'a>> {
    let mut out = Vec::new();
    visit(cx, root, |id| {
        if let Some((recv, name)) = method_call_parts(cx, id) {
            if name == method
                && cx
                    .model()
                    .callee(cx.file(), id)
                    .is_method("sync", "WaitGroup", method)
            {
                if let Some(path) = access_path(cx, recv) {
                    let within = || cx.ancestors(id).take_while(|&a| a != root);
                    let own = within().all(|a| {
                        !matches!(cx.node(a), Node::FuncLit { .. })
                            || matches!(lit_run(cx, a), LitRun::CalledInPlace | LitRun::Deferred)
                    });
                    let deferred = within().any(|a| matches!(cx.node(a), Node::DeferStmt { .. }));
                    out.push(WgCall {
                        call: id,
                        path,
                        own,
                        deferred,
                    });
                }
            }
        }
        true
    });
    out
}

/// A `Wait` on `path` in the spawning function (outside the goroutine's
/// literal) that can run after the `go` statement.
fn wait_after(
    cx: &Context<'_>,
    func: NodeId,
    go: NodeId,
    lit: NodeId,
    path: &AccessPath<'_>,
) -> Option<NodeId> {
    let body = func_body(cx, func)?;
    let cfg = cx.cfg(func);
    wg_calls(cx, body, "Wait")
        .into_iter()
        .filter(|w| &w.path == path && !crate::analyses::loops::contains(cx, lit, w.call))
        .filter(|w| !in_stored_lit(cx, w.call, func))
        .find(|w| match cfg {
            Some(cfg) => match (anchor(cx, func, cfg, go), anchor(cx, func, cfg, w.call)) {
                (Some(g), Some(wa)) => cfg.reaches(g, wa),
                _ => false,
            },
            None => cx.ast().pos(w.call) > cx.ast().pos(go),
        })
        .map(|w| w.call)
}

/// For a WaitGroup in a field of the method's receiver (`s.wg`), a `Wait`
/// on the same field in another method of the same type in this file
/// (`Close`, `Stop`): it can run as soon as the spawning method returns.
fn wait_in_sibling_method(cx: &Context<'_>, func: NodeId, path: &AccessPath<'_>) -> Option<NodeId> {
    if path.fields.is_empty() {
        return None;
    }
    let Node::FuncDecl { recv: Some(_), .. } = *cx.node(func) else {
        return None;
    };
    let recv_binding = cx.model().binding(path.root);
    if recv_binding.kind != BindingKind::Receiver {
        return None;
    }
    let recv_type = recv_binding.ty.named_ref()?.clone();
    cx.nodes_of_kind(NodeKind::FuncDecl)
        .iter()
        .copied()
        .filter(|&f| f != func)
        .find_map(|f| {
            let Node::FuncDecl {
                recv: Some(_),
                body: Some(body),
                ..
            } = *cx.node(f)
            else {
                return None;
            };
            wg_calls(cx, body, "Wait").into_iter().find_map(|w| {
                let b = cx.model().binding(w.path.root);
                (w.own
                    && b.kind == BindingKind::Receiver
                    && b.ty.named_ref() == Some(&recv_type)
                    && w.path.fields == path.fields)
                    .then_some(w.call)
            })
        })
}

/// True when the spawning function calls `Add` on `path` (outside the
/// goroutine) on a path that reaches the `go` statement: it counts the
/// goroutine itself.
fn parent_adds_before(
    cx: &Context<'_>,
    func: NodeId,
    go: NodeId,
    lit: NodeId,
    path: &AccessPath<'_>,
) -> bool {
    let Some(body) = func_body(cx, func) else {
        return true;
    };
    let cfg = cx.cfg(func);
    wg_calls(cx, body, "Add")
        .into_iter()
        .filter(|a| &a.path == path && !crate::analyses::loops::contains(cx, lit, a.call))
        .any(|a| match cfg {
            Some(cfg) => match (anchor(cx, func, cfg, a.call), anchor(cx, func, cfg, go)) {
                (Some(ad), Some(g)) => ad == g || cfg.reaches(ad, g),
                // Unsure where it runs: assume it covers the goroutine.
                _ => true,
            },
            None => true,
        })
}

/// True when `node` lies in a function literal (inside `func`) that is
/// neither called in place, started nor deferred: it may never run here.
fn in_stored_lit(cx: &Context<'_>, node: NodeId, func: NodeId) -> bool {
    cx.ancestors(node)
        .take_while(|&a| a != func)
        .any(|a| matches!(cx.node(a), Node::FuncLit { .. }) && lit_run(cx, a) == LitRun::Other)
}

fn func_body(cx: &Context<'_>, func: NodeId) -> Option<NodeId> {
    match *cx.node(func) {
        Node::FuncDecl { body, .. } => body,
        Node::FuncLit { body, .. } => Some(body),
        _ => None,
    }
}

/// The span of `go func(...) {`.
fn go_header_span(cx: &Context<'_>, go: NodeId, lit: NodeId) -> goguard_diagnostics::Span {
    let ast = cx.ast();
    match *cx.node(lit) {
        Node::FuncLit { body, .. } => cx.span_between(ast.pos(go), ast.pos(body).saturating_add(1)),
        _ => cx.span(go),
    }
}
