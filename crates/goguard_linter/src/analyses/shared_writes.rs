//! Where a variable is written by goroutines that run at the same time:
//! function literals started with `go` inside a loop, writing a variable
//! declared before the loop, with no lock taken in the literal.

use goguard_semantic::model::{BindingId, BindingKind};
use goguard_syntax::{Node, NodeId, Tok};

use crate::engine::Context;

use super::expr::{is_within, outer_paren, unparen};

/// For a write to the identifier `var` inside the function literal `func`:
/// the `go` statement that starts `func` inside a loop, when `var` is
/// shared by the goroutines the loop starts (declared before the loop, so
/// not a per-iteration variable) and `func` takes no lock.
pub fn shared_by_loop_goroutines(cx: &Context<'_>, var: NodeId, func: NodeId) -> Option<NodeId> {
    let b: BindingId = cx.model().resolve(cx.file(), var)?;
    let binding = cx.model().binding(b);
    if binding.kind != BindingKind::Var {
        return None;
    }
    let go = go_statement_of(cx, func)?;
    let lp = loop_of(cx, go)?;
    let shared = match binding.decl {
        Some((file, decl)) => file != cx.file() || !is_within(cx, decl, lp),
        None => false,
    };
    (shared && !locks_anything(cx, func) && !joined_in_turn(cx, lp, go)).then_some(go)
}

/// True when the loop's body waits, after the `go` statement and in the
/// same turn, by a receive or a `Wait()` call: the goroutine of one turn
/// has ended (or handed over) before the next one starts.
fn joined_in_turn(cx: &Context<'_>, lp: NodeId, go: NodeId) -> bool {
    let after = cx.ast().end(go);
    cx.ast().walk(lp).any(|id| {
        if cx.ast().pos(id) < after || cx.enclosing_func(id) != cx.enclosing_func(go) {
            return false;
        }
        match *cx.node(id) {
            Node::UnaryExpr { op: Tok::Arrow, .. } => true,
            Node::CallExpr { fun, .. } => {
                matches!(*cx.node(unparen(cx, fun)), Node::SelectorExpr { sel, .. } if cx.text(sel) == "Wait")
            }
            _ => false,
        }
    })
}

/// True when `func` selects `Lock` or `RLock` anywhere.
pub fn locks_anything(cx: &Context<'_>, func: NodeId) -> bool {
    cx.ast().walk(func).any(|id| match *cx.node(id) {
        Node::SelectorExpr { sel, .. } => matches!(cx.text(sel), "Lock" | "RLock"),
        _ => false,
    })
}

/// The `go` statement that starts the function literal `func` directly
/// (`go func() { ... }()`).
fn go_statement_of(cx: &Context<'_>, func: NodeId) -> Option<NodeId> {
    if !matches!(cx.node(func), Node::FuncLit { .. }) {
        return None;
    }
    let call = cx.parent(outer_paren(cx, func))?;
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    if unparen(cx, fun) != func {
        return None;
    }
    let go = cx.parent(call)?;
    matches!(cx.node(go), Node::GoStmt { .. }).then_some(go)
}

/// The innermost `for` or `range` loop of its own function around `node`.
fn loop_of(cx: &Context<'_>, node: NodeId) -> Option<NodeId> {
    cx.ancestors(node)
        .take_while(|&a| !matches!(cx.node(a), Node::FuncDecl { .. } | Node::FuncLit { .. }))
        .find(|&a| matches!(cx.node(a), Node::ForStmt { .. } | Node::RangeStmt { .. }))
}
