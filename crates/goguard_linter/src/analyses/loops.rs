//! Loops and goroutine starts as the rules see them: which loop body holds a
//! node (stopping at function-literal boundaries), how a function literal is
//! run (in place, with `go`, deferred), whether a statement can run again on
//! a later iteration, and the access paths (`wg`, `s.done`) rules compare
//! across statements and closures.

use goguard_semantic::model::{BindingId, BindingKind};
use goguard_syntax::{Child, Node, NodeId, Tok};

use crate::engine::Context;

// Shared with the resource rules: one way to strip parentheses and to find
// the CFG node executing an expression.
pub use super::expr::unparen;
pub use super::flow::anchor;

/// How deep selector chains and parenthesised expressions are followed.
const MAX_DEPTH: usize = 32;

/// True for a `for` or `range` statement.
pub fn is_loop(node: &Node) -> bool {
    matches!(node, Node::ForStmt { .. } | Node::RangeStmt { .. })
}

/// True for a function declaration or literal.
pub fn is_func(node: &Node) -> bool {
    matches!(node, Node::FuncDecl { .. } | Node::FuncLit { .. })
}

/// The body (a BlockStmt) of a `for` or `range` statement.
pub fn loop_body(cx: &Context<'_>, loop_stmt: NodeId) -> Option<NodeId> {
    match *cx.node(loop_stmt) {
        Node::ForStmt { body, .. } | Node::RangeStmt { body, .. } => Some(body),
        _ => None,
    }
}

/// True when `inner` lies within the source span of `outer`.
pub fn contains(cx: &Context<'_>, outer: NodeId, inner: NodeId) -> bool {
    let ast = cx.ast();
    ast.pos(outer) <= ast.pos(inner) && ast.end(inner) <= ast.end(outer)
}

/// How a function literal is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LitRun {
    /// `func() { ... }()`: runs now, synchronously.
    CalledInPlace,
    /// `go func() { ... }()`.
    Go,
    /// `defer func() { ... }()`.
    Deferred,
    /// Stored, passed or returned: runs who knows when.
    Other,
}

/// How the function literal `lit` is run.
pub fn lit_run(cx: &Context<'_>, lit: NodeId) -> LitRun {
    let mut child = lit;
    let mut parent = cx.parent(lit);
    for _ in 0..MAX_DEPTH {
        match parent.map(|p| (p, cx.node(p))) {
            Some((p, Node::ParenExpr { .. })) => {
                child = p;
                parent = cx.parent(p);
            }
            Some((call, &Node::CallExpr { fun, .. })) if fun == child => {
                return match cx.parent(call).map(|s| cx.node(s)) {
                    Some(&Node::GoStmt { call: c, .. }) if c == call => LitRun::Go,
                    Some(&Node::DeferStmt { call: c, .. }) if c == call => LitRun::Deferred,
                    _ => LitRun::CalledInPlace,
                };
            }
            _ => return LitRun::Other,
        }
    }
    LitRun::Other
}

/// The function literal a `go` or `defer` statement runs, if it runs one.
pub fn started_lit(cx: &Context<'_>, stmt: NodeId) -> Option<NodeId> {
    let call = match *cx.node(stmt) {
        Node::GoStmt { call, .. } | Node::DeferStmt { call, .. } => call,
        _ => return None,
    };
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let fun = unparen(cx, fun);
    matches!(cx.node(fun), Node::FuncLit { .. }).then_some(fun)
}

/// The innermost loop whose body holds `node`, within the same function.
pub fn enclosing_loop(cx: &Context<'_>, node: NodeId) -> Option<NodeId> {
    enclosing_loop_where(cx, node, |_| false)
}

/// The innermost loop whose body holds `node`, also looking through
/// function literals called in place (`func() { ... }()` runs in the loop's
/// iteration; a `go` or deferred literal does not).
pub fn enclosing_loop_in_place(cx: &Context<'_>, node: NodeId) -> Option<NodeId> {
    enclosing_loop_where(cx, node, |lit| lit_run(cx, lit) == LitRun::CalledInPlace)
}

/// Where `node` runs often: "in a loop" (a loop of its function, through
/// literals called in place), or "in an HTTP handler" (once per request).
pub fn hot_path(cx: &Context<'_>, node: NodeId) -> Option<&'static str> {
    if enclosing_loop_in_place(cx, node).is_some() {
        return Some("in a loop");
    }
    let mut at = node;
    loop {
        let f = cx.enclosing_func(at)?;
        if super::http::handler(cx, f).is_some() {
            return Some("in an HTTP handler");
        }
        match cx.node(f) {
            Node::FuncLit { .. } if lit_run(cx, f) == LitRun::CalledInPlace => at = f,
            _ => return None,
        }
    }
}

fn enclosing_loop_where(
    cx: &Context<'_>,
    node: NodeId,
    cross_lit: impl Fn(NodeId) -> bool,
) -> Option<NodeId> {
    let mut child = node;
    for anc in cx.ancestors(node) {
        match *cx.node(anc) {
            Node::ForStmt { body, .. } | Node::RangeStmt { body, .. } if body == child => {
                return Some(anc)
            }
            Node::FuncDecl { .. } => return None,
            Node::FuncLit { .. } if !cross_lit(anc) => return None,
            _ => {}
        }
        child = anc;
    }
    None
}

/// Whether the statement holding `node` can run again after it ran, in the
/// function `func` (a loop back edge leads from it to itself). None when the
/// function has no CFG or the node is not in it.
pub fn runs_again(cx: &Context<'_>, func: NodeId, node: NodeId) -> Option<bool> {
    let cfg = cx.cfg(func)?;
    let anchor = anchor(cx, func, cfg, node)?;
    Some(cfg.reaches(anchor, anchor))
}

/// True when the loop's body provably runs at most once: its last statement
/// is an unconditional `return`, `panic(...)` or a `break` leaving this loop,
/// and no `continue` of this loop appears in the body.
pub fn loop_runs_once(cx: &Context<'_>, loop_stmt: NodeId) -> bool {
    let Some(body) = loop_body(cx, loop_stmt) else {
        return false;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return false;
    };
    let Some(&last) = cx.ast().list(list).last() else {
        return false;
    };
    let label = loop_label(cx, loop_stmt);
    let leaves = match *cx.node(last) {
        Node::ReturnStmt { .. } => true,
        Node::BranchStmt {
            tok: Tok::Break,
            label: l,
            ..
        } => l.is_none() || l.map(|l| cx.text(l)) == label,
        Node::ExprStmt { x } => is_panic_call(cx, x),
        _ => false,
    };
    if !leaves {
        return false;
    }
    let mut continues = false;
    visit(cx, body, |id| {
        match *cx.node(id) {
            Node::BranchStmt {
                tok: Tok::Continue,
                label: l,
                ..
            } => {
                let targets_this = match l {
                    Some(l) => Some(cx.text(l)) == label,
                    None => enclosing_loop(cx, id) == Some(loop_stmt),
                };
                continues |= targets_this;
            }
            // A labelled continue can still target us from a nested loop,
            // so loops are entered; function literals cannot.
            Node::FuncLit { .. } => return false,
            _ => {}
        }
        true
    });
    !continues
}

/// The label of a labelled loop (`outer: for ...`).
pub fn loop_label<'a>(cx: &Context<'a>, loop_stmt: NodeId) -> Option<&'a str> {
    match *cx.node(cx.parent(loop_stmt)?) {
        Node::LabeledStmt { label, stmt, .. } if stmt == loop_stmt => Some(cx.text(label)),
        _ => None,
    }
}

/// True for a call of the builtin `panic`.
pub fn is_panic_call(cx: &Context<'_>, expr: NodeId) -> bool {
    let expr = unparen(cx, expr);
    matches!(cx.node(expr), Node::CallExpr { .. })
        && cx.model().callee(cx.file(), expr).is_builtin("panic")
}

/// Pre-order walk of the tree under `root`; `f` returns whether to descend
/// into the node's children. Iterative, so deep trees are fine.
pub fn visit(cx: &Context<'_>, root: NodeId, mut f: impl FnMut(NodeId) -> bool) {
    let ast = cx.ast();
    let mut stack = vec![root];
    let mut buf = Vec::new();
    while let Some(id) = stack.pop() {
        if !f(id) {
            continue;
        }
        buf.clear();
        ast.children(id, &mut buf);
        for &(_, c) in buf.iter().rev() {
            if let Child::Node(c) = c {
                stack.push(c);
            }
        }
    }
}

/// A variable, or a field chain rooted at one (`wg`, `s.done`, `*p`), as
/// rules compare them between statements and closures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessPath<'a> {
    pub root: BindingId,
    pub fields: Vec<&'a str>,
}

/// The access path of an expression: an identifier resolving to a variable,
/// parameter, result or receiver, followed by field selections and
/// dereferences. None for anything else (calls, index expressions, package
/// members).
pub fn access_path<'a>(cx: &Context<'a>, expr: NodeId) -> Option<AccessPath<'a>> {
    let mut fields = Vec::new();
    let mut id = expr;
    for _ in 0..MAX_DEPTH {
        match *cx.node(id) {
            Node::ParenExpr { x, .. } | Node::StarExpr { x, .. } => id = x,
            Node::SelectorExpr { x, sel } => {
                fields.push(cx.text(sel));
                id = x;
            }
            Node::Ident { .. } => {
                let root = cx.model().resolve(cx.file(), id)?;
                let kind = &cx.model().binding(root).kind;
                if !matches!(
                    kind,
                    BindingKind::Var
                        | BindingKind::Param
                        | BindingKind::Result
                        | BindingKind::Receiver
                ) {
                    return None;
                }
                fields.reverse();
                return Some(AccessPath { root, fields });
            }
            _ => return None,
        }
    }
    None
}

/// The receiver expression and method name of a method-style call
/// `x.name(...)`.
pub fn method_call_parts<'a>(cx: &Context<'a>, call: NodeId) -> Option<(NodeId, &'a str)> {
    let (fun, _) = super::expr::call_parts(cx, call)?;
    super::expr::selector(cx, unparen(cx, fun))
}

/// The span of a loop's header, from `for` through the body's opening brace.
pub fn loop_header_span(cx: &Context<'_>, loop_stmt: NodeId) -> goguard_diagnostics::Span {
    let ast = cx.ast();
    let end = match loop_body(cx, loop_stmt) {
        Some(body) => ast.pos(body).saturating_add(1),
        None => ast.end(loop_stmt),
    };
    cx.span_between(ast.pos(loop_stmt), end)
}

/// True when `call` calls the package-level function `pkg.name`, by the
/// model's callee or, when the model does not know the package, by the
/// import the selector names.
pub fn calls_func(cx: &Context<'_>, call: NodeId, pkg: &str, name: &str) -> bool {
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return false;
    };
    if cx.model().callee(cx.file(), call).is_func(pkg, name) {
        return true;
    }
    let Node::SelectorExpr { x, sel } = *cx.node(unparen(cx, fun)) else {
        return false;
    };
    if cx.text(sel) != name || !matches!(cx.node(x), Node::Ident { .. }) {
        return false;
    }
    let Some(b) = cx.model().resolve(cx.file(), x) else {
        return false;
    };
    matches!(&cx.model().binding(b).kind, BindingKind::Import { path } if &**path == pkg)
}

/// True when the statement list ends by leaving the loop `loop_stmt` for
/// good: a `return`, `panic`, `goto`, or a labelled `break`/`continue`
/// naming another statement than a loop inside it; an `if`/`else` whose
/// branches all do. An unlabelled `break` inside a select or switch only
/// leaves that statement, so it does not count.
pub fn ends_leaving_loop(cx: &Context<'_>, stmts: &[NodeId], loop_stmt: NodeId) -> bool {
    ends_leaving_loop_depth(cx, stmts, loop_stmt, 0)
}

fn ends_leaving_loop_depth(
    cx: &Context<'_>,
    stmts: &[NodeId],
    loop_stmt: NodeId,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let Some(&last) = stmts.last() else {
        return false;
    };
    match *cx.node(last) {
        Node::ReturnStmt { .. } => true,
        Node::ExprStmt { x } => is_panic_call(cx, x),
        Node::BranchStmt { tok, label, .. } => match (tok, label) {
            (Tok::Goto, _) => true,
            (Tok::Break, Some(l)) => {
                Some(cx.text(l)) == loop_label(cx, loop_stmt) || {
                    // A label outside the loop: leaves it too.
                    !label_inside(cx, loop_stmt, cx.text(l))
                }
            }
            (Tok::Continue, Some(l)) => {
                !label_inside(cx, loop_stmt, cx.text(l))
                    && Some(cx.text(l)) != loop_label(cx, loop_stmt)
            }
            _ => false,
        },
        Node::BlockStmt { list, .. } => {
            ends_leaving_loop_depth(cx, cx.ast().list(list), loop_stmt, depth + 1)
        }
        Node::IfStmt {
            body,
            else_: Some(else_),
            ..
        } => {
            ends_leaving_loop_depth(cx, &[body], loop_stmt, depth + 1)
                && ends_leaving_loop_depth(cx, &[else_], loop_stmt, depth + 1)
        }
        _ => false,
    }
}

/// True when a statement labelled `name` lies inside `stmt`.
fn label_inside(cx: &Context<'_>, stmt: NodeId, name: &str) -> bool {
    let mut found = false;
    visit(cx, stmt, |id| {
        if let Node::LabeledStmt { label, .. } = *cx.node(id) {
            found |= cx.text(label) == name;
        }
        !found && !matches!(cx.node(id), Node::FuncLit { .. })
    });
    found
}
