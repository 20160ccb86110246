//! RS007 defer-in-loop: a `defer` directly inside a loop body.

use goguard_semantic::model::BindingId;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{outer_paren, place_of, selector, unparen, Place};
use crate::analyses::loops::{
    contains, enclosing_loop, loop_body, loop_header_span, loop_runs_once, runs_again,
};
use crate::analyses::release::{binding_of, call_results};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Reports a `defer` statement inside the body of a `for` or `range`
    /// loop (in the same function, not inside a function literal called by
    /// the loop) when the loop can run the `defer` again.
    ///
    /// The shapes real code writes on purpose are left out: a rollback
    /// closure that first tests a variable of the function (`defer func() {
    /// if err != nil { undo() } }()`), a loop made only of defers (one
    /// close per item), a `defer` guarded by a flag its `if` sets (runs
    /// once), releasing the value of a range over a slice or map (the loop
    /// did not make it), and a value also kept beyond the iteration
    /// (appended to a slice of the function, stored, sent, or used by a
    /// goroutine), which must stay alive until the function returns.
    ///
    /// ## Why is this bad?
    /// Deferred calls run when the function returns, not at the end of the
    /// iteration. Every iteration adds one more pending call: files, response
    /// bodies and connections stay open until the whole loop is done (a
    /// loop over many files runs out of descriptors), locks taken in the loop
    /// are never released before the next iteration locks again (deadlock),
    /// and the pending calls hold on to their arguments' memory.
    ///
    /// ## Example
    /// ```go
    /// package files
    ///
    /// import "os"
    ///
    /// func sizes(paths []string) (int64, error) {
    /// 	var total int64
    /// 	for _, p := range paths {
    /// 		f, err := os.Open(p)
    /// 		if err != nil {
    /// 			return 0, err
    /// 		}
    /// 		defer f.Close()
    /// 		st, err := f.Stat()
    /// 		if err != nil {
    /// 			return 0, err
    /// 		}
    /// 		total += st.Size()
    /// 	}
    /// 	return total, nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package files
    ///
    /// import "os"
    ///
    /// func sizes(paths []string) (int64, error) {
    /// 	var total int64
    /// 	for _, p := range paths {
    /// 		n, err := size(p)
    /// 		if err != nil {
    /// 			return 0, err
    /// 		}
    /// 		total += n
    /// 	}
    /// 	return total, nil
    /// }
    ///
    /// func size(p string) (int64, error) {
    /// 	f, err := os.Open(p)
    /// 	if err != nil {
    /// 		return 0, err
    /// 	}
    /// 	defer f.Close()
    /// 	st, err := f.Stat()
    /// 	if err != nil {
    /// 		return 0, err
    /// 	}
    /// 	return st.Size(), nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// A preview rule (select it with `--select RS007`): even with the
    /// shapes above left out, about half of its findings in a review of
    /// real trees were deliberate (resources held on purpose until the
    /// function returns in ways the rule cannot see, such as a chain of
    /// layers each released at the end).
    ///
    /// A loop whose every path after the `defer` leaves the function or the
    /// loop is recognised (the `defer` cannot run twice), but a loop that
    /// runs once because of its data (`for range oneElementSlice`) is not.
    /// `goto` loops are not loops to this rule. Test files are not checked:
    /// a test's loops are short and its deferred cleanups of each
    /// iteration's containers, servers or files are usually deliberate.
    pub struct DeferInLoop {
        name: "defer-in-loop",
        code: "RS007",
        domain: Resource,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

impl DeferInLoop {
    fn run(&self, cx: &mut Context<'_>) {
        let defers = cx.nodes_of_kind(NodeKind::DeferStmt).to_vec();
        for stmt in defers {
            let Some(loop_stmt) = enclosing_loop(cx, stmt) else {
                continue;
            };
            let Some(func) = cx.enclosing_func(loop_stmt) else {
                continue;
            };
            let again = runs_again(cx, func, stmt).unwrap_or(!loop_runs_once(cx, loop_stmt));
            if !again || looks_deliberate(cx, stmt, loop_stmt) {
                continue;
            }
            let diagnostic = cx
                .diagnostic(
                    stmt,
                    "defer inside a loop runs only when the function returns",
                )
                .with_help(
                    "move the loop body into a function so the deferred call runs each \
                     iteration, or call it explicitly at the end of the iteration",
                )
                .with_related(loop_header_span(cx, loop_stmt), "loop starts here");
            cx.report(diagnostic);
        }
    }
}

/// The shapes of a `defer` in a loop that real code writes on purpose:
/// - a rollback closure that looks at a variable of the enclosing function
///   (`defer func() { if err != nil { undo() } }()`) or at a flag the
///   iteration sets when it released the value itself;
/// - a loop whose only job is to defer one call per item, acquiring nothing
///   (`for _, c := range closers { defer c.Close() }`);
/// - a `defer` guarded to run once by a flag it sets
///   (`if !locked { mu.Lock(); defer mu.Unlock(); locked = true }`);
/// - a release of something the loop did not make (the value of a range
///   over a slice or map);
/// - a resource kept beyond the iteration on purpose: collected into a slice
///   or map of the function, stored, or handed to a goroutine.
fn looks_deliberate(cx: &Context<'_>, defer: NodeId, loop_stmt: NodeId) -> bool {
    rollback_closure(cx, defer, loop_stmt)
        || only_defers(cx, loop_stmt)
        || guarded_once(cx, defer, loop_stmt)
        || releases_range_value(cx, defer, loop_stmt)
        || kept_beyond_iteration(cx, defer, loop_stmt)
}

/// The call a `defer` statement defers.
fn deferred_call(cx: &Context<'_>, defer: NodeId) -> Option<NodeId> {
    match *cx.node(defer) {
        Node::DeferStmt { call, .. } => Some(call),
        _ => None,
    }
}

/// True when `ident` resolves to a variable declared outside `loop_stmt`.
fn declared_outside(cx: &Context<'_>, ident: NodeId, loop_stmt: NodeId) -> bool {
    let Some(b) = binding_of(cx, ident) else {
        return false;
    };
    match cx.model().binding(b).decl {
        Some((file, decl)) => file != cx.file() || !contains(cx, loop_stmt, decl),
        None => false,
    }
}

/// `defer func() { if err != nil { ... } }()` where `err` lives outside the
/// loop: it runs only when the function fails, which is why it waits.
fn rollback_closure(cx: &Context<'_>, defer: NodeId, loop_stmt: NodeId) -> bool {
    let Some(call) = deferred_call(cx, defer) else {
        return false;
    };
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return false;
    };
    let Node::FuncLit { body, .. } = *cx.node(unparen(cx, fun)) else {
        return false;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return false;
    };
    let Some(&first) = cx.ast().list(list).first() else {
        return false;
    };
    let Node::IfStmt { cond, .. } = *cx.node(first) else {
        return false;
    };
    // A variable of the function (a named `err`), or a flag the iteration
    // sets once it released the value itself (`closed = true`).
    cx.ast().walk(cond).take(1000).any(|n| {
        matches!(cx.node(n), Node::Ident { .. })
            && (declared_outside(cx, n, loop_stmt) || assigned_in(cx, n, loop_stmt))
    })
}

/// True when the variable `ident` names is assigned inside `scope` (not
/// counting its declaration).
fn assigned_in(cx: &Context<'_>, ident: NodeId, scope: NodeId) -> bool {
    let Some(b) = binding_of(cx, ident) else {
        return false;
    };
    cx.model().uses(b).iter().any(|u| {
        u.file == cx.file()
            && contains(cx, scope, u.ident)
            && matches!(place_of(cx, u.ident), Place::AssignedTo { .. })
    })
}

/// A loop body made only of defers and `if`s (without else) holding only
/// defers: nothing is acquired per iteration (`f, _ := os.Open(p); defer
/// f.Close()` is not such a loop).
fn only_defers(cx: &Context<'_>, loop_stmt: NodeId) -> bool {
    let Some(body) = loop_body(cx, loop_stmt) else {
        return false;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return false;
    };
    fn simple(cx: &Context<'_>, stmts: &[NodeId], depth: u32) -> bool {
        depth < 4
            && stmts.iter().all(|&s| match *cx.node(s) {
                Node::DeferStmt { .. } | Node::EmptyStmt { .. } => true,
                Node::IfStmt {
                    init: None,
                    body,
                    else_: None,
                    ..
                } => match *cx.node(body) {
                    Node::BlockStmt { list, .. } => simple(cx, cx.ast().list(list), depth + 1),
                    _ => false,
                },
                _ => false,
            })
    }
    simple(cx, cx.ast().list(list), 0)
}

/// The `defer` is inside an `if` of the loop whose condition reads a
/// variable of the function that the same `if` body assigns: it runs once.
fn guarded_once(cx: &Context<'_>, defer: NodeId, loop_stmt: NodeId) -> bool {
    for a in cx.ancestors(defer) {
        if a == loop_stmt {
            return false;
        }
        let Node::IfStmt { cond, body, .. } = *cx.node(a) else {
            continue;
        };
        let flags: Vec<BindingId> = cx
            .ast()
            .walk(cond)
            .take(1000)
            .filter(|&n| {
                matches!(cx.node(n), Node::Ident { .. }) && declared_outside(cx, n, loop_stmt)
            })
            .filter_map(|n| binding_of(cx, n))
            .collect();
        let sets_flag = cx.ast().walk(body).take(100_000).any(|n| {
            matches!(cx.node(n), Node::Ident { .. })
                && matches!(place_of(cx, n), Place::AssignedTo { .. })
                && binding_of(cx, n).is_some_and(|b| flags.contains(&b))
        });
        if sets_flag {
            return true;
        }
    }
    false
}

/// The variable at the root of the deferred call's receiver (`f` in
/// `f.Close()`, `t` in `t.transfer.release(w)`), or of its only argument
/// for a plain function (`release(ref)`).
fn deferred_subject(cx: &Context<'_>, defer: NodeId) -> Option<NodeId> {
    let call = deferred_call(cx, defer)?;
    let Node::CallExpr { fun, args, .. } = *cx.node(call) else {
        return None;
    };
    let mut x = match selector(cx, unparen(cx, fun)) {
        Some((x, _)) => x,
        None => *cx.ast().list(args).first()?,
    };
    for _ in 0..8 {
        match *cx.node(unparen(cx, x)) {
            Node::SelectorExpr { x: inner, .. } => x = inner,
            Node::Ident { .. } => return Some(unparen(cx, x)),
            _ => return None,
        }
    }
    None
}

/// `for _, b := range batches { ...; defer b.close() }`: the loop releases
/// values it did not make.
fn releases_range_value(cx: &Context<'_>, defer: NodeId, loop_stmt: NodeId) -> bool {
    let Node::RangeStmt { key, value, x, .. } = *cx.node(loop_stmt) else {
        return false;
    };
    // Values received from a channel arrive with the iteration.
    if matches!(
        cx.model().type_of(cx.file(), x),
        goguard_semantic::types::Type::Chan(..)
    ) {
        return false;
    }
    let Some(subject) = deferred_subject(cx, defer).and_then(|s| binding_of(cx, s)) else {
        return false;
    };
    [key, value]
        .into_iter()
        .flatten()
        .any(|v| binding_of(cx, v) == Some(subject))
}

/// The deferred call's subject is also kept beyond the iteration: appended
/// to (or stored in) a variable of the function, sent, or used by a
/// goroutine started in the loop.
fn kept_beyond_iteration(cx: &Context<'_>, defer: NodeId, loop_stmt: NodeId) -> bool {
    let Some(subject) = deferred_subject(cx, defer).and_then(|s| binding_of(cx, s)) else {
        return false;
    };
    cx.model().uses(subject).iter().any(|u| {
        u.file == cx.file()
            && contains(cx, loop_stmt, u.ident)
            && !contains(cx, defer, u.ident)
            && kept(cx, u.ident, loop_stmt)
    })
}

/// Whether this use of a value keeps it beyond the iteration.
fn kept(cx: &Context<'_>, ident: NodeId, loop_stmt: NodeId) -> bool {
    if cx
        .ancestors(ident)
        .take_while(|&a| a != loop_stmt)
        .any(|a| matches!(cx.node(a), Node::GoStmt { .. }))
    {
        return true;
    }
    // Through `x.(T)`, `&x`, `T{f: x}` and `append(s, x)` to where it goes.
    let mut e = outer_paren(cx, ident);
    for _ in 0..8 {
        let Some(parent) = cx.parent(e) else {
            return false;
        };
        match cx.node(parent) {
            Node::TypeAssertExpr { .. }
            | Node::UnaryExpr { .. }
            | Node::KeyValueExpr { .. }
            | Node::CompositeLit { .. }
            | Node::ParenExpr { .. } => e = parent,
            _ => break,
        }
    }
    match place_of(cx, e) {
        Place::Sent => true,
        Place::Argument { call, .. } => {
            cx.model().callee(cx.file(), call).is_builtin("append")
                && matches!(call_results(cx, call), Some((_, &[dst]))
                    if target_outside(cx, dst, loop_stmt))
        }
        Place::AssignedFrom { stmt } => match *cx.node(stmt) {
            Node::AssignStmt { lhs, .. } => cx
                .ast()
                .list(lhs)
                .iter()
                .any(|&l| target_outside(cx, l, loop_stmt)),
            _ => false,
        },
        _ => false,
    }
}

/// True when an assignment target outlives the iteration: a variable
/// declared outside the loop, or a field, map or slice element.
fn target_outside(cx: &Context<'_>, target: NodeId, loop_stmt: NodeId) -> bool {
    let t = unparen(cx, target);
    match cx.node(t) {
        Node::Ident { .. } => declared_outside(cx, t, loop_stmt),
        Node::SelectorExpr { .. } | Node::IndexExpr { .. } => true,
        _ => false,
    }
}
