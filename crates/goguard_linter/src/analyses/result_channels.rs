//! Result channels handed to the caller: a function makes an unbuffered
//! channel, starts a goroutine that sends one result on it and ends, and
//! returns the channel (`func Go(f func() error) chan error`, a `Wait(ctx)`
//! returning `<-chan Status`). The goroutine's send completes only if the
//! caller receives; a caller that stops waiting (a `select` with a timeout
//! or `ctx.Done()`, an early return) leaves it blocked forever. The callers
//! are often in other packages, where the concurrency model of this
//! function cannot follow the channel, so the shape is judged here, in the
//! function itself: a buffer of one is the whole fix.
//!
//! Narrow on purpose: the function is exported (the callers of an
//! unexported function or a literal are in the package, where the model
//! explores them), the channel is made unbuffered in the function by
//! `ch := make(chan T)`, used there only by the goroutine (a function
//! literal started with `go`) and by `return ch`; the goroutine only sends
//! on it, outside any `select` and any loop, each send but the last one
//! followed by a `return`, so it sends at most one value (a stream of
//! values is another protocol).

use goguard_semantic::model::BindingId;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::engine::Context;

use super::expr::{outer_paren, unparen};
use super::loops::{enclosing_loop, started_lit};

/// A send of a goroutine's one result on a channel its starter returns.
pub struct ResultSend {
    /// The `SendStmt`.
    pub send: NodeId,
    /// The `make` call and the `return` handing the channel out.
    pub made: NodeId,
    pub returned: NodeId,
    /// The channel variable's name and the returning (exported) function's
    /// name.
    pub chan: String,
    pub func: String,
}

/// The result sends of this file's functions.
pub fn result_sends(cx: &Context<'_>) -> Vec<ResultSend> {
    let mut out = Vec::new();
    let mut funcs = cx.nodes_of_kind(NodeKind::FuncDecl).to_vec();
    funcs.extend_from_slice(cx.nodes_of_kind(NodeKind::FuncLit));
    for func in funcs {
        // Exported functions only: the callers of the others are in the
        // package, where the model explores them with this function entered
        // (and sees whether they receive), as it does for a literal's.
        let (body, name) = match *cx.node(func) {
            Node::FuncDecl {
                body: Some(b),
                name,
                ..
            } if cx.text(name).starts_with(|c: char| c.is_uppercase()) => {
                (b, cx.text(name).to_string())
            }
            _ => continue,
        };
        let Node::BlockStmt { list, .. } = *cx.node(body) else {
            continue;
        };
        for &stmt in cx.ast().list(list) {
            let Some((var, made)) = made_unbuffered(cx, stmt) else {
                continue;
            };
            if let Some(found) = judge(cx, func, var, made, &name) {
                out.extend(found);
            }
        }
    }
    out
}

/// `ch := make(chan T)`: the variable and the `make` call.
fn made_unbuffered(cx: &Context<'_>, stmt: NodeId) -> Option<(BindingId, NodeId)> {
    let Node::AssignStmt {
        lhs,
        rhs,
        tok: Tok::Define,
        ..
    } = *cx.node(stmt)
    else {
        return None;
    };
    let (&[l], &[r]) = (cx.ast().list(lhs), cx.ast().list(rhs)) else {
        return None;
    };
    let call = unparen(cx, r);
    let Node::CallExpr { args, .. } = *cx.node(call) else {
        return None;
    };
    if !cx.model().callee(cx.file(), call).is_builtin("make") {
        return None;
    }
    let &[ty] = cx.ast().list(args) else {
        return None;
    };
    if !matches!(cx.node(unparen(cx, ty)), Node::ChanType { .. }) {
        return None;
    }
    let var = cx.model().resolve(cx.file(), l)?;
    Some((var, call))
}

/// The sends of the one goroutine that produces the result, when `func`
/// only hands `var` to that goroutine and to its caller.
fn judge(
    cx: &Context<'_>,
    func: NodeId,
    var: BindingId,
    made: NodeId,
    name: &str,
) -> Option<Vec<ResultSend>> {
    let mut returned = None;
    let mut lit = None;
    let mut sends = Vec::new();
    for id in cx.ast().walk(func) {
        if !matches!(cx.node(id), Node::Ident { .. })
            || cx.model().resolve(cx.file(), id) != Some(var)
        {
            continue;
        }
        let expr = outer_paren(cx, id);
        let parent = cx.parent(expr)?;
        let owner = cx.enclosing_func(id)?;
        match *cx.node(parent) {
            // The declaration itself.
            Node::AssignStmt { lhs, .. } if cx.ast().list(lhs).contains(&expr) => {
                if cx.ast().list(lhs) != [expr] || cx.ast().pos(parent) > cx.ast().pos(made) {
                    return None;
                }
            }
            Node::ReturnStmt { .. } if owner == func => returned = Some(parent),
            Node::SendStmt { chan, .. } if chan == expr && owner != func => {
                let started = cx.parent(owner).and_then(|call| cx.parent(call));
                let by_go = started.filter(|&s| {
                    matches!(cx.node(s), Node::GoStmt { .. }) && started_lit(cx, s) == Some(owner)
                });
                match by_go {
                    Some(_) if lit.is_none_or(|l| l == owner) => lit = Some(owner),
                    _ => return None,
                }
                sends.push(parent);
            }
            _ => return None,
        }
    }
    let (returned, lit) = (returned?, lit?);
    if sends.iter().any(|&s| !single_send(cx, s, lit)) {
        return None;
    }
    let chan = cx.model().binding(var).name.to_string();
    Some(
        sends
            .into_iter()
            .map(|send| ResultSend {
                send,
                made,
                returned,
                chan: chan.clone(),
                func: name.to_string(),
            })
            .collect(),
    )
}

/// True when the send is a statement of the literal's own code, outside
/// any `select` and loop, and it is either the last statement of the
/// literal's body or followed by a `return`: the goroutine sends at most
/// once.
fn single_send(cx: &Context<'_>, send: NodeId, lit: NodeId) -> bool {
    if cx.enclosing_func(send) != Some(lit) || enclosing_loop(cx, send).is_some() {
        return false;
    }
    let Some(block) = cx.parent(send) else {
        return false;
    };
    let list = match *cx.node(block) {
        Node::BlockStmt { list, .. } => cx.ast().list(list),
        Node::CaseClause { body, .. } => cx.ast().list(body),
        // The communication of a select case: not a plain send.
        Node::CommClause { comm: Some(c), .. } if c == send => return false,
        Node::CommClause { body, .. } => cx.ast().list(body),
        _ => return false,
    };
    let Some(i) = list.iter().position(|&s| s == send) else {
        return false;
    };
    match list.get(i + 1) {
        Some(&next) => matches!(cx.node(next), Node::ReturnStmt { .. }),
        // The last statement of the literal's body: the goroutine ends.
        None => matches!(*cx.node(lit), Node::FuncLit { body, .. } if body == block),
    }
}
