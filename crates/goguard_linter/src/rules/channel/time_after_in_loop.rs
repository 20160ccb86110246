//! CH007 time-after-in-loop: `time.After` in a select inside a loop, where
//! another case can start the next iteration and abandon the timer.

use goguard_semantic::load::GoVersion;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

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
