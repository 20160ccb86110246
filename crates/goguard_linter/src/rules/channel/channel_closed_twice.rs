//! CH004 channel-closed-twice: one path through a function closes the same
//! channel twice (sequential closes, a close repeated by a loop, or a
//! `defer close` plus an explicit close).

use goguard_semantic::cfg::ExitFilter;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::loops::{
    access_path, anchor, enclosing_loop, lit_run, loop_body, loop_header_span, unparen, visit,
    AccessPath, LitRun,
};
use goguard_concurrency::{FindingKind, StepKind};

use crate::analyses::concurrency::{
    actor_start, chan_name, findings_here, go_span, span_of, ConcurrencyModel,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a `close(ch)` that can run after another `close` of the same
    /// channel: two closes in sequence on one path through a function, a
    /// close that a loop runs on every iteration, `defer close(ch)` plus an
    /// explicit `close(ch)` before the function returns (the channel the
    /// same variable or field chain `s.done`, not reassigned in the
    /// function); closes that the package's concurrency model sees run
    /// twice across calls and goroutines (two goroutines each closing a
    /// channel made by the function that starts them); and a method that
    /// checks a field channel is open and closes it
    /// (`select { case <-s.done: default: close(s.done) }`) without holding
    /// a lock, which two goroutines calling it at once both get through.
    ///
    /// ## Why is this bad?
    /// Closing a closed channel panics, and the panic happens far from the
    /// cause, usually only on the error or shutdown path that tests rarely
    /// exercise.
    ///
    /// ## Example
    /// ```go
    /// package pipeline
    ///
    /// func produce(out chan<- int, items []int) {
    /// 	defer close(out)
    /// 	for _, it := range items {
    /// 		if it < 0 {
    /// 			break
    /// 		}
    /// 		out <- it
    /// 	}
    /// 	close(out)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package pipeline
    ///
    /// func produce(out chan<- int, items []int) {
    /// 	defer close(out)
    /// 	for _, it := range items {
    /// 		if it < 0 {
    /// 			break
    /// 		}
    /// 		out <- it
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Across goroutines, only channels made in the explored function (or
    /// the package functions it calls) are followed; a field channel closed
    /// by two methods is compared only in the check-then-close form. Within
    /// one function, two closes that are each under their own condition are
    /// not reported (the conditions may exclude each other), nor a close
    /// under a condition inside a loop; a channel reassigned anywhere in the
    /// function, or whose variable is declared inside a loop, is skipped.
    pub struct ChannelClosedTwice {
        name: "channel-closed-twice",
        code: "CH004",
        domain: Channel,
        category: Correctness,
        status: Stable,
        requires: &[ConcurrencyModel::ID],
    }
}

/// One `close(ch)` of a function.
struct Close<'a> {
    /// The `close(...)` call.
    call: NodeId,
    /// The statement the CFG holds: the ExprStmt, or the DeferStmt for a
    /// deferred close.
    stmt: NodeId,
    path: AccessPath<'a>,
    deferred: bool,
}

impl ChannelClosedTwice {
    fn run(&self, cx: &mut Context<'_>) {
        let mut all_reported: Vec<NodeId> = Vec::new();
        let mut funcs = cx.nodes_of_kind(NodeKind::FuncDecl).to_vec();
        funcs.extend_from_slice(cx.nodes_of_kind(NodeKind::FuncLit));
        for func in funcs {
            let body = match *cx.node(func) {
                Node::FuncDecl { body: Some(b), .. } | Node::FuncLit { body: b, .. } => b,
                _ => continue,
            };
            let closes = closes_in(cx, body);
            if closes.is_empty() {
                continue;
            }
            let mut reported = Vec::new();
            for (i, second) in closes.iter().enumerate() {
                if reported.contains(&second.call) || !stable_channel(cx, func, &second.path) {
                    continue;
                }
                if let Some(first) = closes[..i]
                    .iter()
                    .chain(&closes[i + 1..])
                    .find(|first| closed_before(cx, func, first, second))
                {
                    reported.push(second.call);
                    all_reported.push(second.call);
                    let label = if second.deferred && !first.deferred {
                        "first closed here, before the deferred close runs at return"
                    } else {
                        "first closed here"
                    };
                    let d = cx
                        .diagnostic(second.call, message(cx, second))
                        .with_help(HELP)
                        .with_related(cx.span(first.call), label);
                    cx.report(d);
                } else if let Some(loop_stmt) = repeated_by_loop(cx, func, second) {
                    reported.push(second.call);
                    all_reported.push(second.call);
                    let d = cx
                        .diagnostic(second.call, message(cx, second))
                        .with_help(HELP)
                        .with_related(
                            loop_header_span(cx, loop_stmt),
                            "the loop closes it again on its next iteration",
                        );
                    cx.report(d);
                }
            }
        }
        self.check_then_close(cx);
        // Closes the model of the package sees run twice across calls and
        // goroutines.
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::CloseOfClosed]) {
            if all_reported.contains(&f.at.node) {
                continue;
            }
            let alloc = f.chan.map(|c| c.alloc);
            let first = f
                .witness
                .iter()
                .rev()
                .find(|s| s.kind == StepKind::Closed && s.chan == alloc && s.at != f.at)
                .or_else(|| {
                    f.witness
                        .iter()
                        .find(|s| s.kind == StepKind::Closed && s.chan == alloc)
                });
            let name = chan_name(cx, f);
            let mut d = cx
                .diagnostic_at(
                    span_of(cx, f.at),
                    format!("channel `{name}` may be closed twice, which panics"),
                )
                .with_help(HELP);
            if let Some(first) = first {
                let label = if first.at == f.at {
                    "another goroutine runs this close first"
                } else {
                    "first closed here"
                };
                d = d.with_related(span_of(cx, first.at), label);
            }
            if let Some(start) = actor_start(f) {
                d = d.with_related(go_span(cx, start), "goroutine started here");
            }
            cx.report(d);
        }
    }

    /// `select { case <-s.done: default: close(s.done) }` in a method,
    /// with no lock held: two goroutines calling the method at once can
    /// both see the channel open and both close it.
    fn check_then_close(&self, cx: &mut Context<'_>) {
        for &sel in cx.nodes_of_kind(NodeKind::SelectStmt) {
            let Some(func) = cx.enclosing_func(sel) else {
                continue;
            };
            let Node::FuncDecl { recv: Some(_), .. } = *cx.node(func) else {
                continue;
            };
            let Node::SelectStmt { body, .. } = *cx.node(sel) else {
                continue;
            };
            let Node::BlockStmt { list, .. } = *cx.node(body) else {
                continue;
            };
            let clauses = cx.ast().list(list);
            let mut received: Vec<AccessPath<'_>> = Vec::new();
            let mut default_close: Option<(NodeId, AccessPath<'_>)> = None;
            for &clause in clauses {
                let Node::CommClause { comm, body, .. } = *cx.node(clause) else {
                    continue;
                };
                match comm {
                    Some(c) => {
                        if let Node::ExprStmt { x } = *cx.node(c) {
                            if let Node::UnaryExpr {
                                op: Tok::Arrow, x, ..
                            } = *cx.node(unparen(cx, x))
                            {
                                if let Some(p) = access_path(cx, x) {
                                    received.push(p);
                                }
                            }
                        }
                    }
                    None => {
                        for &st in cx.ast().list(body) {
                            if let Node::ExprStmt { x } = *cx.node(st) {
                                if let Some(c) = close_of(cx, x, st, false) {
                                    default_close = Some((c.call, c.path));
                                }
                            }
                        }
                    }
                }
            }
            let Some((call, path)) = default_close else {
                continue;
            };
            // A field of the receiver, checked by the same select.
            let recv_field = !path.fields.is_empty()
                && cx.model().binding(path.root).kind
                    == goguard_semantic::model::BindingKind::Receiver;
            if !recv_field || !received.contains(&path) || locked_before(cx, func, sel) {
                continue;
            }
            let d = cx
                .diagnostic(
                    call,
                    format!(
                        "checking that `{}` is open then closing it is not atomic: two goroutines \
                         calling this method at once can both close it, which panics",
                        path.fields.join(".")
                    ),
                )
                .with_help(
                    "close it through a sync.Once, or check and close while holding the mutex \
                     that guards the struct",
                )
                .with_related(cx.span(sel), "checked here, without a lock");
            cx.report(d);
        }
    }
}

/// True when the function calls a Lock method (or runs inside a
/// `sync.Once`'s Do) before `node`: the check-then-close is guarded.
fn locked_before(cx: &Context<'_>, func: NodeId, node: NodeId) -> bool {
    let pos = cx.ast().pos(node);
    let mut locked = false;
    visit(cx, func, |id| {
        if let Some((_, name)) = crate::analyses::loops::method_call_parts(cx, id) {
            if matches!(name, "Lock" | "RLock") && cx.ast().pos(id) < pos {
                locked = true;
            }
        }
        !locked
    });
    locked
        || cx.ancestors(node).any(|a| {
            matches!(cx.node(a), Node::CallExpr { .. })
                && crate::analyses::loops::method_call_parts(cx, a).is_some_and(|(_, n)| n == "Do")
        })
}

const HELP: &str = "close a channel exactly once, on one path (return after closing, or \
                    guard the close with sync.Once)";

fn message(cx: &Context<'_>, close: &Close<'_>) -> String {
    let arg = match *cx.node(close.call) {
        Node::CallExpr { args, .. } => cx.ast().list(args).first().map(|&a| cx.text(a)),
        _ => None,
    };
    format!(
        "channel `{}` may be closed twice, which panics",
        arg.unwrap_or("?")
    )
}

/// The closes of a function body: `close(x)` statements outside function
/// literals, and deferred closes (`defer close(x)`, or an unconditional
/// `close(x)` in the body of a deferred literal).
fn closes_in<'a>(cx: &Context<'a>, body: NodeId) -> Vec<Close<'a>> {
    let mut out = Vec::new();
    visit(cx, body, |id| match *cx.node(id) {
        Node::FuncLit { .. } => false,
        Node::ExprStmt { x } => {
            if let Some(c) = close_of(cx, x, id, false) {
                out.push(c);
            }
            false
        }
        Node::DeferStmt { call, .. } => {
            if let Some(c) = close_of(cx, call, id, true) {
                out.push(c);
            } else if let Node::CallExpr { fun, args, .. } = *cx.node(call) {
                let fun = unparen(cx, fun);
                if let (Node::FuncLit { body: lb, .. }, true) =
                    (*cx.node(fun), cx.ast().list(args).is_empty())
                {
                    if let Node::BlockStmt { list, .. } = *cx.node(lb) {
                        for &s in cx.ast().list(list) {
                            if let Node::ExprStmt { x } = *cx.node(s) {
                                if let Some(mut c) = close_of(cx, x, id, true) {
                                    c.stmt = id;
                                    out.push(c);
                                }
                            }
                        }
                    }
                }
            }
            false
        }
        _ => true,
    });
    out
}

/// A `close(x)` call expression, as a Close anchored at `stmt`.
fn close_of<'a>(cx: &Context<'a>, expr: NodeId, stmt: NodeId, deferred: bool) -> Option<Close<'a>> {
    let call = unparen(cx, expr);
    let Node::CallExpr { args, .. } = *cx.node(call) else {
        return None;
    };
    if !cx.model().callee(cx.file(), call).is_builtin("close") {
        return None;
    }
    let &[arg] = cx.ast().list(args) else {
        return None;
    };
    let path = access_path(cx, arg)?;
    Some(Close {
        call,
        stmt,
        path,
        deferred,
    })
}

/// True when the channel at `path` stays the same channel throughout the
/// function: its variable is not declared inside a loop (a fresh channel
/// every iteration), and neither it nor a prefix of its field chain is
/// assigned (after its declaration) or has its address taken anywhere in
/// the function, closures included.
fn stable_channel(cx: &Context<'_>, func: NodeId, path: &AccessPath<'_>) -> bool {
    let binding = cx.model().binding(path.root);
    let Some((file, decl)) = binding.decl else {
        return false;
    };
    if file == cx.file()
        && cx
            .ancestors(decl)
            .take_while(|&a| a != func)
            .any(|a| matches!(cx.node(a), Node::ForStmt { .. } | Node::RangeStmt { .. }))
    {
        return false;
    }
    let mut stable = true;
    visit(cx, func, |id| {
        match *cx.node(id) {
            Node::AssignStmt { lhs, .. } => {
                for &l in cx.ast().list(lhs) {
                    if l == decl {
                        continue;
                    }
                    if let Some(p) = access_path(cx, l) {
                        if p.root == path.root && path.fields.starts_with(&p.fields) {
                            stable = false;
                        }
                    }
                }
            }
            Node::UnaryExpr {
                op: Tok::And, x, ..
            } => {
                if let Some(p) = access_path(cx, x) {
                    if p.root == path.root && path.fields.starts_with(&p.fields) {
                        stable = false;
                    }
                }
            }
            _ => {}
        }
        stable
    });
    stable
}

/// True when `first` can close the channel and then `second` close it
/// again on one path.
fn closed_before(cx: &Context<'_>, func: NodeId, first: &Close<'_>, second: &Close<'_>) -> bool {
    if first.path != second.path || first.call == second.call {
        return false;
    }
    let Some(cfg) = cx.cfg(func) else {
        return false;
    };
    if guarded(cx, func, second) || guarded(cx, func, first) {
        return false;
    }
    let (Some(a), Some(b)) = (
        anchor(cx, func, cfg, first.stmt),
        anchor(cx, func, cfg, second.stmt),
    ) else {
        return false;
    };
    // Each under its own condition: the conditions may exclude each other.
    let (a_cond, b_cond) = conditional_pair(cx, first.stmt, second.stmt);
    if a_cond && b_cond {
        return false;
    }
    match (first.deferred, second.deferred) {
        // An explicit close, then the deferred one at exit: the defer must
        // be registered on a path through the explicit close that returns.
        (false, true) => {
            (cfg.reaches(a, b) || cfg.reaches(b, a))
                && cfg
                    .path_to_exit_avoiding(a, ExitFilter::Normal, &mut |_| false)
                    .is_some()
        }
        (true, false) => false,
        (true, true) => cfg.reaches(a, b),
        (false, false) => cfg.reaches(a, b),
    }
}

/// A loop that runs the (explicit, unconditional within the loop body)
/// close again on its next iteration.
fn repeated_by_loop(cx: &Context<'_>, func: NodeId, close: &Close<'_>) -> Option<NodeId> {
    if close.deferred || guarded(cx, func, close) {
        return None;
    }
    let loop_stmt = enclosing_loop(cx, close.stmt)?;
    let body = loop_body(cx, loop_stmt)?;
    let conditional = cx
        .ancestors(close.stmt)
        .take_while(|&a| a != body)
        .any(|a| is_conditional(cx, a));
    if conditional {
        return None;
    }
    let cfg = cx.cfg(func)?;
    let anchor = anchor(cx, func, cfg, close.stmt)?;
    cfg.reaches(anchor, anchor).then_some(loop_stmt)
}

/// Statements under which a nested statement may or may not run.
fn is_conditional(cx: &Context<'_>, id: NodeId) -> bool {
    matches!(
        cx.node(id),
        Node::IfStmt { .. }
            | Node::SwitchStmt { .. }
            | Node::TypeSwitchStmt { .. }
            | Node::SelectStmt { .. }
            | Node::ForStmt { .. }
            | Node::RangeStmt { .. }
    )
}

/// Whether each of two statements sits under a condition (or loop) that
/// the other one does not share.
fn conditional_pair(cx: &Context<'_>, a: NodeId, b: NodeId) -> (bool, bool) {
    let a_anc: Vec<NodeId> = cx.ancestors(a).collect();
    let b_anc: Vec<NodeId> = cx.ancestors(b).collect();
    let common = a_anc.iter().find(|x| b_anc.contains(x)).copied();
    let cond_below = |anc: &[NodeId]| {
        anc.iter()
            .take_while(|&&x| Some(x) != common)
            .any(|&x| is_conditional(cx, x))
    };
    (cond_below(&a_anc), cond_below(&b_anc))
}

/// A close protected by a check of the channel itself: under an `if`
/// whose condition mentions the channel's variable (`if ch != nil`,
/// `if !isClosed(ch)`), or in a select with a case receiving from it
/// (`select { case <-ch: default: close(ch) }`).
fn guarded(cx: &Context<'_>, func: NodeId, close: &Close<'_>) -> bool {
    for anc in cx.ancestors(close.stmt).take_while(|&a| a != func) {
        match *cx.node(anc) {
            Node::IfStmt { cond, init, .. }
                if mentions(cx, cond, close) || init.is_some_and(|i| mentions(cx, i, close)) =>
            {
                return true
            }
            Node::SelectStmt { body, .. }
                if mentions(cx, body, close) && selects_on(cx, body, close) =>
            {
                return true
            }
            Node::FuncLit { .. } if lit_run(cx, anc) != LitRun::CalledInPlace => return true,
            _ => {}
        }
    }
    false
}

/// True when `root` contains an identifier of the close's channel variable.
fn mentions(cx: &Context<'_>, root: NodeId, close: &Close<'_>) -> bool {
    let mut found = false;
    visit(cx, root, |id| {
        if matches!(cx.node(id), Node::Ident { .. })
            && cx.model().resolve(cx.file(), id) == Some(close.path.root)
        {
            found = true;
        }
        !found
    });
    found
}

/// True when a case of the select body receives from the close's channel.
fn selects_on(cx: &Context<'_>, body: NodeId, close: &Close<'_>) -> bool {
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return false;
    };
    cx.ast().list(list).iter().any(|&clause| {
        let Node::CommClause {
            comm: Some(comm), ..
        } = *cx.node(clause)
        else {
            return false;
        };
        let mut found = false;
        visit(cx, comm, |id| {
            if let Node::UnaryExpr {
                op: Tok::Arrow, x, ..
            } = *cx.node(id)
            {
                found |= access_path(cx, x).as_ref() == Some(&close.path);
            }
            !found
        });
        found
    })
}
