//! CH007 time-after-in-loop: `time.After` in a select inside a loop, where
//! another case can start the next iteration and abandon the timer.

use goguard_diagnostics::{Applicability, Fix};
use goguard_semantic::load::GoVersion;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::fixes::in_block_outside_loops;
use crate::analyses::loops::{
    anchor, calls_func, enclosing_loop_in_place, ends_leaving_loop, loop_header_span, runs_again,
    unparen,
};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Reports `time.After(d)` used as a case of a `select` inside a loop,
    /// when another case of that select can lead to the next iteration: each
    /// iteration then creates a new timer and abandons the previous one.
    ///
    /// ## Why is this bad?
    /// `time.After` creates a `time.Timer` that nobody can stop. When a
    /// message arrives before the timeout, the loop goes round and creates
    /// another timer while the old one keeps running. Before Go 1.23 (when
    /// the main module declares a lower `go` version) each abandoned timer
    /// and its channel stay in memory until the timer fires: a loop
    /// receiving thousands of messages per second with a one-minute timeout
    /// holds millions of live timers. Since Go 1.23 unreferenced timers are
    /// collected and every iteration only allocates one, which is not worth a
    /// finding: in modules declaring go 1.23 or later the rule is silent.
    ///
    /// ## Example
    /// ```go
    /// package worker
    ///
    /// import "time"
    ///
    /// func consume(jobs <-chan int, handle func(int)) {
    /// 	for {
    /// 		select {
    /// 		case j := <-jobs:
    /// 			handle(j)
    /// 		case <-time.After(time.Minute):
    /// 			return
    /// 		}
    /// 	}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package worker
    ///
    /// import "time"
    ///
    /// func consume(jobs <-chan int, handle func(int)) {
    /// 	idle := time.NewTimer(time.Minute)
    /// 	defer idle.Stop()
    /// 	for {
    /// 		select {
    /// 		case j := <-jobs:
    /// 			handle(j)
    /// 			idle.Reset(time.Minute)
    /// 		case <-idle.C:
    /// 			return
    /// 		}
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only `time.After` written directly as a select case, or stored in a
    /// variable in the loop body and then used as a case, is followed. A
    /// select whose other cases all leave the loop (return, break out of
    /// it) behaves like `time.Sleep` and is not reported, nor is a plain
    /// `<-time.After(d)`. A timer kept in a variable declared outside the
    /// loop (the debounce idiom `if t == nil { t = time.After(d) }`) lives
    /// across iterations and is not reported, nor is a select whose other
    /// cases only wait for `ctx.Done()` (a cancellable sleep: cancellation
    /// happens once). Test files are not checked: a test's timers live no
    /// longer than the test binary. A loop that only ever runs
    /// once because of its data is not recognised.
    pub struct TimeAfterInLoop {
        name: "time-after-in-loop",
        code: "CH007",
        domain: Channel,
        category: Perf,
        status: Stable,
        go_below: (1, 23),
        in_tests: false,
    }
}

impl TimeAfterInLoop {
    fn run(&self, cx: &mut Context<'_>) {
        // The timers leak only when the main module is below go 1.23; the
        // file's version (go_below) is checked by the engine.
        if cx.main_module_go_version() >= GoVersion::new(1, 23) {
            return;
        }
        let calls = cx.nodes_of_kind(NodeKind::CallExpr).to_vec();
        for call in calls {
            if !calls_func(cx, call, "time", "After") {
                continue;
            }
            let Some(loop_stmt) = enclosing_loop_in_place(cx, call) else {
                continue;
            };
            let Some(clause) = select_clause_of(cx, call, loop_stmt) else {
                continue;
            };
            let Some(select) = cx.parent(clause).and_then(|b| cx.parent(b)) else {
                continue;
            };
            let Some(other) = clause_continuing_loop(cx, select, clause, loop_stmt) else {
                continue;
            };
            let Some(func) = cx.enclosing_func(loop_stmt) else {
                continue;
            };
            if !can_go_round(cx, func, call, clause, other) {
                continue;
            }
            let message = "time.After in a loop leaves a timer behind on every iteration; each timer stays alive until it fires";
            let diagnostic = cx
                .diagnostic(call, message)
                .with_help(
                    "create one time.Timer before the loop and Reset it, or set a deadline \
                     with context.WithTimeout outside the loop",
                )
                .with_related(
                    clause_header_span(cx, other),
                    "when this case runs, the loop starts again with a new timer",
                )
                .with_related(loop_header_span(cx, loop_stmt), "loop starts here");
            let diagnostic = match timer_fix(cx, func, call, loop_stmt, select) {
                Some(fix) => diagnostic.with_fix(fix),
                None => diagnostic,
            };
            cx.report(diagnostic);
        }
    }
}

/// The select CommClause (inside `loop_stmt`) whose communication receives
/// from the result of `call`: written in the case itself
/// (`case <-time.After(d):`) or through a variable assigned in the loop body
/// (`t := time.After(d)` ... `case <-t:`).
fn select_clause_of(cx: &Context<'_>, call: NodeId, loop_stmt: NodeId) -> Option<NodeId> {
    let mut expr = call;
    while let Some(p) = cx.parent(expr) {
        if matches!(cx.node(p), Node::ParenExpr { .. }) {
            expr = p;
        } else {
            break;
        }
    }
    let parent = cx.parent(expr)?;
    match *cx.node(parent) {
        Node::UnaryExpr {
            op: Tok::Arrow, x, ..
        } if x == expr => clause_of_receive(cx, parent),
        Node::AssignStmt { lhs, rhs, .. } => {
            let (lhs, rhs) = (cx.ast().list(lhs), cx.ast().list(rhs));
            if lhs.len() != 1 || rhs.len() != 1 || rhs[0] != expr {
                return None;
            }
            let var = cx.model().resolve(cx.file(), unparen(cx, lhs[0]))?;
            let body = crate::analyses::loops::loop_body(cx, loop_stmt)?;
            // A variable declared outside the loop keeps its timer from one
            // iteration to the next (debouncing): nothing is abandoned.
            let (decl_file, decl) = cx.model().binding(var).decl?;
            if decl_file != cx.file() || !crate::analyses::loops::contains(cx, body, decl) {
                return None;
            }
            cx.model().uses(var).iter().find_map(|u| {
                if u.file != cx.file() || !crate::analyses::loops::contains(cx, body, u.ident) {
                    return None;
                }
                let recv = cx.parent(u.ident)?;
                match *cx.node(recv) {
                    Node::UnaryExpr {
                        op: Tok::Arrow, x, ..
                    } if x == u.ident => clause_of_receive(cx, recv),
                    _ => None,
                }
            })
        }
        _ => None,
    }
}

/// The CommClause whose communication is the receive expression `recv`
/// (`case <-x:`, `case v := <-x:`, `case v, ok = <-x:`).
fn clause_of_receive(cx: &Context<'_>, recv: NodeId) -> Option<NodeId> {
    let stmt = cx.parent(recv)?;
    let stmt_ok = match *cx.node(stmt) {
        Node::ExprStmt { x } => x == recv,
        Node::AssignStmt { rhs, .. } => cx.ast().list(rhs) == [recv],
        _ => false,
    };
    if !stmt_ok {
        return None;
    }
    let clause = cx.parent(stmt)?;
    match *cx.node(clause) {
        Node::CommClause { comm: Some(c), .. } if c == stmt => Some(clause),
        _ => None,
    }
}

/// Another clause of `select` (a case or the default) after which the loop
/// can go round again; None when every other clause leaves the loop.
fn clause_continuing_loop(
    cx: &Context<'_>,
    select: NodeId,
    after_clause: NodeId,
    loop_stmt: NodeId,
) -> Option<NodeId> {
    let Node::SelectStmt { body, .. } = *cx.node(select) else {
        return None;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return None;
    };
    cx.ast().list(list).iter().copied().find(|&clause| {
        if clause == after_clause {
            return false;
        }
        match *cx.node(clause) {
            Node::CommClause { comm, body, .. } => {
                !ends_leaving_loop(cx, cx.ast().list(body), loop_stmt)
                    && !comm.is_some_and(|c| receives_done(cx, c))
            }
            _ => false,
        }
    })
}

/// `case <-ctx.Done():` (also `case _, ok := <-x.Done():`): cancellation
/// happens once, so the select behaves as a cancellable sleep and at most
/// one timer is left behind.
fn receives_done(cx: &Context<'_>, comm: NodeId) -> bool {
    let recv = match *cx.node(comm) {
        Node::ExprStmt { x } => x,
        Node::AssignStmt { rhs, .. } => match cx.ast().list(rhs) {
            [r] => *r,
            _ => return false,
        },
        _ => return false,
    };
    let Node::UnaryExpr {
        op: Tok::Arrow, x, ..
    } = *cx.node(unparen(cx, recv))
    else {
        return false;
    };
    let x = unparen(cx, x);
    match *cx.node(x) {
        Node::CallExpr { fun, args, .. } if args.is_empty() => matches!(
            *cx.node(unparen(cx, fun)),
            Node::SelectorExpr { sel, .. } if cx.text(sel) == "Done"
        ),
        _ => false,
    }
}

/// The span of `case ...:` or `default:`.
fn clause_header_span(cx: &Context<'_>, clause: NodeId) -> goguard_diagnostics::Span {
    match *cx.node(clause) {
        Node::CommClause {
            case_pos, colon, ..
        } => cx.span_between(case_pos, colon.saturating_add(1)),
        _ => cx.span(clause),
    }
}

/// Whether the timer's creation can run again after `other` was chosen.
/// The CFG holds each case's communication in that case's block, while Go
/// evaluates every case's operands on entry to the select: for a call
/// written in the case, ask whether the other case leads back to it; for a
/// call stored earlier, whether its statement runs again. Without a CFG
/// (or a node to anchor the question), assume it can.
fn can_go_round(
    cx: &Context<'_>,
    func: NodeId,
    call: NodeId,
    after_clause: NodeId,
    other: NodeId,
) -> bool {
    let in_case = crate::analyses::loops::contains(cx, after_clause, call);
    if !in_case {
        return runs_again(cx, func, call) != Some(false);
    }
    let Some(cfg) = cx.cfg(func) else {
        return true;
    };
    let Node::CommClause { comm, body, .. } = *cx.node(other) else {
        return true;
    };
    let from = comm.or_else(|| cx.ast().list(body).first().copied());
    let (Some(from), Some(to)) = (from, anchor(cx, func, cfg, call)) else {
        return true;
    };
    match anchor(cx, func, cfg, from) {
        Some(from) => cfg.reaches(from, to),
        None => true,
    }
}

/// One timer made before the loop, stopped at return, and reset before the
/// select: `timer := time.NewTimer(d)` / `defer timer.Stop()` before the
/// loop; before the select, a stop that drains a timer that already fired
/// and `timer.Reset(d)`; `<-timer.C` in the case. Only for
/// `case <-time.After(d):` in a select that is a statement of the loop
/// body, in a loop that no other loop of the function encloses, with a
/// duration the loop does not change.
fn timer_fix(
    cx: &Context<'_>,
    func: NodeId,
    call: NodeId,
    loop_stmt: NodeId,
    select: NodeId,
) -> Option<Fix> {
    let Node::CallExpr { args, .. } = *cx.node(call) else {
        return None;
    };
    let &[d] = cx.ast().list(args) else {
        return None;
    };
    // `case <-time.After(d):` written in the case.
    let recv = cx.parent(call)?;
    if !matches!(cx.node(recv), Node::UnaryExpr { op: Tok::Arrow, .. }) {
        return None;
    }
    let body = crate::analyses::loops::loop_body(cx, loop_stmt)?;
    if cx.parent(select) != Some(body) {
        return None;
    }
    let outer = match cx.parent(loop_stmt).map(|p| (p, cx.node(p))) {
        Some((p, Node::LabeledStmt { .. })) => p,
        _ => loop_stmt,
    };
    if !in_block_outside_loops(cx, outer, func) || !invariant(cx, d, loop_stmt) {
        return None;
    }
    let duration = cx.text(d);
    if duration.contains('\n') {
        return None;
    }
    let name = fresh_name(cx, func, "timer")?;
    let source = cx.source();
    let indent_of = |node: NodeId| {
        let pos = cx.ast().pos(node) as usize;
        let start = source[..pos].rfind('\n').map_or(0, |i| i + 1);
        let line = &source[start..];
        line[..line.len() - line.trim_start_matches([' ', '\t']).len()].to_string()
    };
    let (outer_indent, select_indent) = (indent_of(outer), indent_of(select));
    let at = |node: NodeId| {
        let p = cx.ast().pos(node);
        cx.span_between(p, p)
    };
    let i = &select_indent;
    Some(
        Fix::new(
            format!("make one timer before the loop and reset it: `{name} := time.NewTimer({duration})`"),
            Applicability::Safe,
        )
        .with_edit(
            at(outer),
            format!(
                "{name} := time.NewTimer({duration})\n{outer_indent}defer {name}.Stop()\n{outer_indent}"
            ),
        )
        .with_edit(
            at(select),
            format!(
                "if !{name}.Stop() {{\n{i}\tselect {{\n{i}\tcase <-{name}.C:\n{i}\tdefault:\n{i}\t}}\n{i}}}\n{i}{name}.Reset({duration})\n{i}"
            ),
        )
        .with_edit(cx.span(call), format!("{name}.C")),
    )
}

/// True when the loop cannot change the value of `expr`: no calls but
/// conversions, and no variable it reads is assigned in the loop.
fn invariant(cx: &Context<'_>, expr: NodeId, loop_stmt: NodeId) -> bool {
    cx.ast().walk(expr).take(1000).all(|n| match cx.node(n) {
        Node::CallExpr { .. } => matches!(
            cx.model().callee(cx.file(), n),
            goguard_semantic::model::Callee::Conversion(_)
        ),
        Node::Ident { .. } => match cx.model().resolve(cx.file(), n) {
            Some(b) => !cx.model().uses(b).iter().any(|u| {
                u.file == cx.file()
                    && crate::analyses::loops::contains(cx, loop_stmt, u.ident)
                    && matches!(
                        crate::analyses::expr::place_of(cx, u.ident),
                        crate::analyses::expr::Place::AssignedTo { .. }
                            | crate::analyses::expr::Place::AddressTaken
                    )
            }),
            None => true,
        },
        _ => true,
    })
}

/// `base`, or `base2`, `base3`..., whichever no identifier of the function
/// is called.
fn fresh_name(cx: &Context<'_>, func: NodeId, base: &str) -> Option<String> {
    let used: std::collections::HashSet<&str> = cx
        .ast()
        .walk(func)
        .take(200_000)
        .filter(|&n| matches!(cx.node(n), Node::Ident { .. }))
        .map(|n| cx.text(n))
        .collect();
    (1..10)
        .map(|i| {
            if i == 1 {
                base.to_string()
            } else {
                format!("{base}{i}")
            }
        })
        .find(|n| !used.contains(n.as_str()))
}
