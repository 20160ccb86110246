//! CH006 select-default-spin: a loop around a select whose default case
//! never blocks, so the loop burns a CPU while no case is ready.

use std::collections::HashSet;

use goguard_semantic::model::{BindingId, Callee};
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::loops::{
    enclosing_loop, ends_leaving_loop, is_panic_call, loop_header_span, method_call_parts, unparen,
    visit,
};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Reports a `select` with a `default` case inside an endless loop
    /// (`for { ... }`, or `for cond { ... }` whose condition the loop does
    /// not change) when neither the default case nor the rest of the loop
    /// body blocks, sleeps or leaves the loop: empty defaults, and defaults
    /// doing only non-blocking work such as counting or `continue`.
    ///
    /// ## Why is this bad?
    /// A select with a default never waits: when no channel is ready it runs
    /// the default at once. In a loop that does nothing else that waits,
    /// the goroutine spins at full speed until a channel becomes ready,
    /// burning a whole CPU core and competing with the goroutines that
    /// would make progress.
    ///
    /// ## Example
    /// ```go
    /// package poll
    ///
    /// func wait(done <-chan struct{}, polls *int) {
    /// 	for {
    /// 		select {
    /// 		case <-done:
    /// 			return
    /// 		default:
    /// 			*polls++
    /// 		}
    /// 	}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package poll
    ///
    /// func wait(done <-chan struct{}, polls *int) {
    /// 	*polls++
    /// 	<-done
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Any call the rule does not know to be non-blocking (most calls
    /// outside sync/atomic, strings, strconv, math and a few time helpers)
    /// counts as possibly blocking, so spins that call helpers are missed.
    /// Only a select written directly in the loop body is examined, and a
    /// loop with an unconditional `break` or `return` is not reported.
    pub struct SelectDefaultSpin {
        name: "select-default-spin",
        code: "CH006",
        domain: Channel,
        category: Perf,
        status: Stable,
    }
}

impl SelectDefaultSpin {
    fn run(&self, cx: &mut Context<'_>) {
        let selects = cx.nodes_of_kind(NodeKind::SelectStmt).to_vec();
        for select in selects {
            let Some(default) = default_clause(cx, select) else {
                continue;
            };
            let Some(loop_stmt) = enclosing_loop(cx, select) else {
                continue;
            };
            if !spins(cx, loop_stmt, select, default) {
                continue;
            }
            let Node::CommClause {
                case_pos, colon, ..
            } = *cx.node(default)
            else {
                continue;
            };
            let diagnostic = cx
                .diagnostic(
                    default,
                    "select default case never blocks: the loop busy-waits",
                )
                .with_help(
                    "drop the default case so the select waits, or sleep, back off or \
                     return in it",
                )
                .with_related(loop_header_span(cx, loop_stmt), "loop starts here");
            let mut diagnostic = diagnostic;
            diagnostic.span = cx.span_between(case_pos, colon.saturating_add(1));
            cx.report(diagnostic);
        }
    }
}

/// The `default:` clause of a select.
fn default_clause(cx: &Context<'_>, select: NodeId) -> Option<NodeId> {
    let Node::SelectStmt { body, .. } = *cx.node(select) else {
        return None;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return None;
    };
    cx.ast()
        .list(list)
        .iter()
        .copied()
        .find(|&c| matches!(cx.node(c), Node::CommClause { comm: None, .. }))
}

/// True when the loop spins through `select`'s default case.
fn spins(cx: &Context<'_>, loop_stmt: NodeId, select: NodeId, default: NodeId) -> bool {
    let Node::ForStmt {
        init: None,
        post: None,
        cond,
        body,
        ..
    } = *cx.node(loop_stmt)
    else {
        return false;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return false;
    };
    let stmts = cx.ast().list(list);
    // The select must be a statement of the loop body itself, and nothing
    // at the top level of the body may end the iteration for good.
    if !stmts.contains(&select) {
        return false;
    }
    if stmts.iter().any(|&s| leaves_unconditionally(cx, s)) {
        return false;
    }
    let Node::CommClause {
        body: default_body, ..
    } = *cx.node(default)
    else {
        return false;
    };
    if ends_leaving_loop(cx, cx.ast().list(default_body), loop_stmt) {
        return false;
    }
    let mut scan = Scan {
        cx,
        select,
        default,
        blocking: false,
        written: HashSet::new(),
    };
    for &s in stmts {
        scan.stmt(s);
    }
    if scan.blocking {
        return false;
    }
    match cond {
        None => true,
        Some(cond) => {
            let mut scan_cond = Scan {
                cx,
                select,
                default,
                blocking: false,
                written: HashSet::new(),
            };
            scan_cond.expr(cond);
            !scan_cond.blocking && !reads_any(cx, cond, &scan.written)
        }
    }
}

/// A statement that always ends the iteration for good: `return`,
/// `panic(...)`, `goto`, or a `break` of the loop.
fn leaves_unconditionally(cx: &Context<'_>, stmt: NodeId) -> bool {
    match *cx.node(stmt) {
        Node::ReturnStmt { .. } => true,
        Node::BranchStmt { tok, .. } => matches!(tok, Tok::Break | Tok::Goto),
        Node::ExprStmt { x } => is_panic_call(cx, x),
        _ => false,
    }
}

/// True when `expr` reads one of `bindings`.
fn reads_any(cx: &Context<'_>, expr: NodeId, bindings: &HashSet<BindingId>) -> bool {
    let mut found = false;
    visit(cx, expr, |id| {
        if matches!(cx.node(id), Node::Ident { .. }) {
            if let Some(b) = cx.model().resolve(cx.file(), id) {
                found |= bindings.contains(&b);
            }
        }
        !found
    });
    found
}

/// Walks the loop body looking for anything that may block, sleep or
/// yield, skipping the bodies of the select's non-default cases (they run
/// only when a channel was ready), and records the variables it writes.
struct Scan<'c, 'a> {
    cx: &'c Context<'a>,
    select: NodeId,
    default: NodeId,
    blocking: bool,
    written: HashSet<BindingId>,
}

impl Scan<'_, '_> {
    fn stmt(&mut self, stmt: NodeId) {
        let cx = self.cx;
        if stmt == self.select {
            self.select_stmt();
            return;
        }
        visit(cx, stmt, |id| {
            if self.blocking {
                return false;
            }
            match *cx.node(id) {
                Node::CallExpr { .. } => {
                    if !is_nonblocking_call(cx, id) {
                        self.blocking = true;
                    }
                    true
                }
                Node::UnaryExpr { op: Tok::Arrow, .. }
                | Node::SendStmt { .. }
                | Node::SelectStmt { .. }
                | Node::GoStmt { .. }
                | Node::DeferStmt { .. }
                | Node::LabeledStmt { .. }
                | Node::ForStmt { .. }
                | Node::RangeStmt { .. }
                | Node::BadStmt { .. }
                | Node::BadExpr { .. } => {
                    self.blocking = true;
                    false
                }
                Node::BranchStmt { tok: Tok::Goto, .. } => {
                    self.blocking = true;
                    false
                }
                Node::AssignStmt { lhs, .. } => {
                    for &l in cx.ast().list(lhs) {
                        self.record_write(l);
                    }
                    true
                }
                Node::IncDecStmt { x, .. } => {
                    self.record_write(x);
                    true
                }
                // A function value is not run by being written down.
                Node::FuncLit { .. } => false,
                _ => true,
            }
        });
    }

    fn expr(&mut self, expr: NodeId) {
        self.stmt(expr);
    }

    /// The select itself: the operands of each case's communication are
    /// evaluated every time, the default body runs when nothing is ready.
    fn select_stmt(&mut self) {
        let cx = self.cx;
        let Node::SelectStmt { body, .. } = *cx.node(self.select) else {
            return;
        };
        let Node::BlockStmt { list, .. } = *cx.node(body) else {
            return;
        };
        for &clause in cx.ast().list(list) {
            let Node::CommClause { comm, body, .. } = *cx.node(clause) else {
                continue;
            };
            if clause == self.default {
                for &s in cx.ast().list(body) {
                    self.stmt(s);
                }
                continue;
            }
            let Some(comm) = comm else { continue };
            for operand in comm_operands(cx, comm) {
                self.stmt(operand);
            }
        }
    }

    fn record_write(&mut self, lhs: NodeId) {
        let cx = self.cx;
        let mut id = unparen(cx, lhs);
        for _ in 0..32 {
            match *cx.node(id) {
                Node::SelectorExpr { x, .. }
                | Node::IndexExpr { x, .. }
                | Node::StarExpr { x, .. }
                | Node::ParenExpr { x, .. } => id = x,
                Node::Ident { .. } => {
                    if let Some(b) = cx.model().resolve(cx.file(), id) {
                        self.written.insert(b);
                    }
                    return;
                }
                _ => return,
            }
        }
    }
}

/// The expressions a select communication evaluates before the
/// (non-blocking, thanks to the default) channel operation.
fn comm_operands(cx: &Context<'_>, comm: NodeId) -> Vec<NodeId> {
    let recv_operand = |e: NodeId| match *cx.node(unparen(cx, e)) {
        Node::UnaryExpr {
            op: Tok::Arrow, x, ..
        } => Some(x),
        _ => None,
    };
    match *cx.node(comm) {
        Node::SendStmt { chan, value, .. } => vec![chan, value],
        Node::ExprStmt { x } => recv_operand(x).into_iter().collect(),
        Node::AssignStmt { lhs, rhs, .. } => {
            let mut out: Vec<NodeId> = cx
                .ast()
                .list(rhs)
                .iter()
                .filter_map(|&r| recv_operand(r))
                .collect();
            // Assigning to existing index expressions or fields evaluates them too.
            out.extend(
                cx.ast()
                    .list(lhs)
                    .iter()
                    .copied()
                    .filter(|&l| !matches!(cx.node(l), Node::Ident { .. })),
            );
            out
        }
        _ => vec![comm],
    }
}

/// Calls known to return promptly without blocking or yielding.
fn is_nonblocking_call(cx: &Context<'_>, call: NodeId) -> bool {
    match cx.model().callee(cx.file(), call) {
        Callee::Builtin(name) => matches!(
            &*name,
            "len"
                | "cap"
                | "append"
                | "copy"
                | "delete"
                | "make"
                | "new"
                | "min"
                | "max"
                | "clear"
                | "complex"
                | "real"
                | "imag"
        ),
        Callee::Conversion(_) => true,
        Callee::Func(f) => match &*f.pkg {
            "sync/atomic" | "strings" | "strconv" | "unicode" | "unicode/utf8" | "math"
            | "math/bits" | "errors" => true,
            "time" => matches!(&*f.name, "Now" | "Since" | "Until" | "Duration" | "Unix"),
            "fmt" => matches!(&*f.name, "Sprintf" | "Sprint" | "Sprintln" | "Errorf"),
            _ => false,
        },
        Callee::Method { recv, .. } => nonblocking_type(&recv.pkg, &recv.name),
        _ => {
            // A method the model could not resolve, on a receiver whose type
            // it knows (`stop.Load()` on an `*atomic.Bool` parameter).
            let Some((recv, _)) = method_call_parts(cx, call) else {
                return false;
            };
            let ty = cx.model().type_of(cx.file(), recv);
            ty.named_ref()
                .is_some_and(|n| nonblocking_type(&n.pkg, &n.name))
        }
    }
}

/// Types whose every method returns promptly.
fn nonblocking_type(pkg: &str, name: &str) -> bool {
    match pkg {
        "sync/atomic" => true,
        "time" => matches!(name, "Time" | "Duration"),
        _ => false,
    }
}
