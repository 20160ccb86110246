//! Small syntactic questions about expressions that several rules ask: what
//! a call's parts are, whether an expression is `nil`, what place a value
//! occupies in its parent (argument, returned, assigned, compared...).

use goguard_syntax::{Node, NodeId, Tok};

use crate::engine::Context;

/// The expression without enclosing parentheses.
pub fn unparen(cx: &Context<'_>, id: NodeId) -> NodeId {
    cx.ast().unparen(id)
}

/// The outermost expression that is `id` wrapped in parentheses.
pub fn outer_paren(cx: &Context<'_>, mut id: NodeId) -> NodeId {
    for _ in 0..64 {
        match cx.parent(id) {
            Some(p) if matches!(cx.node(p), Node::ParenExpr { .. }) => id = p,
            _ => break,
        }
    }
    id
}

/// True for the identifier `nil` (possibly parenthesised).
pub fn is_nil(cx: &Context<'_>, id: NodeId) -> bool {
    let id = unparen(cx, id);
    matches!(cx.node(id), Node::Ident { .. }) && cx.text(id) == "nil"
}

/// The function expression and arguments of a call.
pub fn call_parts<'a>(cx: &Context<'a>, call: NodeId) -> Option<(NodeId, &'a [NodeId])> {
    match *cx.node(call) {
        Node::CallExpr { fun, args, .. } => Some((fun, cx.ast().list(args))),
        _ => None,
    }
}

/// `x.sel` as (x, the selected name).
pub fn selector<'a>(cx: &Context<'a>, id: NodeId) -> Option<(NodeId, &'a str)> {
    match *cx.node(id) {
        Node::SelectorExpr { x, sel } => Some((x, cx.text(sel))),
        _ => None,
    }
}

/// For a call `x.name(...)`: the receiver expression `x`, when the method
/// name is `name`.
pub fn method_call_receiver(cx: &Context<'_>, call: NodeId, name: &str) -> Option<NodeId> {
    let (fun, _) = call_parts(cx, call)?;
    let (x, sel) = selector(cx, unparen(cx, fun))?;
    (sel == name).then_some(x)
}

/// Source text of an expression with white space and parentheses removed,
/// so `c.mu` and `( c ).mu` compare equal.
pub fn normalized_text(cx: &Context<'_>, id: NodeId) -> String {
    cx.text(id)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect()
}

/// The place an expression's value goes, seen from its parent (parentheses
/// skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `x()` — the expression is called.
    Called { call: NodeId },
    /// `f(x)` — passed as the `index`-th argument.
    Argument { call: NodeId, index: usize },
    /// `return x`.
    Returned,
    /// On the right of `=`/`:=` or in a `var` initializer: copied elsewhere.
    AssignedFrom { stmt: NodeId },
    /// On the left of `=`/`:=`: overwritten.
    AssignedTo { stmt: NodeId },
    /// An element or value of a composite literal.
    Stored,
    /// `ch <- x`.
    Sent,
    /// `&x`.
    AddressTaken,
    /// `x.name`: the selector expression and the selected name.
    Selected { sel_expr: NodeId },
    /// Operand of `==`/`!=` or another binary operator, `!x`, `<-x`, an
    /// index, a condition: read without being kept.
    Read,
    /// Anything else (kept or not: unknown).
    Other,
}

/// Where the value of `expr` goes.
pub fn place_of(cx: &Context<'_>, expr: NodeId) -> Place {
    let expr = outer_paren(cx, expr);
    let Some(parent) = cx.parent(expr) else {
        return Place::Other;
    };
    let ast = cx.ast();
    match *cx.node(parent) {
        Node::CallExpr { fun, args, .. } => {
            if fun == expr {
                Place::Called { call: parent }
            } else {
                match ast.list(args).iter().position(|&a| a == expr) {
                    Some(index) => Place::Argument {
                        call: parent,
                        index,
                    },
                    None => Place::Other,
                }
            }
        }
        Node::ReturnStmt { .. } => Place::Returned,
        Node::AssignStmt { lhs, .. } => {
            if ast.list(lhs).contains(&expr) {
                Place::AssignedTo { stmt: parent }
            } else {
                Place::AssignedFrom { stmt: parent }
            }
        }
        Node::ValueSpec { values, .. } => {
            if ast.list(values).contains(&expr) {
                Place::AssignedFrom { stmt: parent }
            } else {
                Place::Other
            }
        }
        Node::CompositeLit { .. } => Place::Stored,
        Node::KeyValueExpr { value, .. } => {
            if value == expr {
                Place::Stored
            } else {
                Place::Read
            }
        }
        Node::SendStmt { value, .. } => {
            if value == expr {
                Place::Sent
            } else {
                Place::Read
            }
        }
        Node::UnaryExpr { op: Tok::And, .. } => Place::AddressTaken,
        Node::UnaryExpr { .. }
        | Node::BinaryExpr { .. }
        | Node::IfStmt { .. }
        | Node::SwitchStmt { .. }
        | Node::IncDecStmt { .. }
        | Node::RangeStmt { .. }
        | Node::ExprStmt { .. }
        | Node::TypeAssertExpr { .. } => Place::Read,
        Node::IndexExpr { x, .. } | Node::SliceExpr { x, .. } => {
            if x == expr {
                Place::Read
            } else {
                Place::Other
            }
        }
        Node::SelectorExpr { x, .. } if x == expr => Place::Selected { sel_expr: parent },
        _ => Place::Other,
    }
}

/// True when `expr` is inside the subtree of `ancestor` (or is it).
pub fn is_within(cx: &Context<'_>, expr: NodeId, ancestor: NodeId) -> bool {
    expr == ancestor || cx.ancestors(expr).any(|a| a == ancestor)
}

/// The outermost function literal holding `id` inside `func` (the one
/// `func`'s own CFG sees), if any.
pub fn closure_between(cx: &Context<'_>, id: NodeId, func: NodeId) -> Option<NodeId> {
    let mut found = None;
    for a in cx.ancestors(id) {
        if a == func {
            return found;
        }
        if matches!(cx.node(a), Node::FuncLit { .. }) {
            found = Some(a);
        }
    }
    None
}

/// True when a function literal is called right where it is written
/// (`func() { ... }()`, `defer func() { ... }()`), so it cannot outlive the
/// statement or the function.
pub fn is_immediately_called(cx: &Context<'_>, lit: NodeId) -> bool {
    let lit = outer_paren(cx, lit);
    match cx.parent(lit) {
        Some(p) => {
            matches!(*cx.node(p), Node::CallExpr { fun, .. } if fun == lit)
                && !matches!(cx.parent(p).map(|g| cx.node(g)), Some(Node::GoStmt { .. }))
        }
        None => false,
    }
}

/// For a call through a package-level variable initialized with a function
/// (`var newTicker = time.NewTicker` ... `newTicker(d)`): that function. Tests
/// often replace such variables; the production value is the one declared.
pub fn func_var_target(
    cx: &Context<'_>,
    call: NodeId,
) -> Option<goguard_semantic::types::NamedRef> {
    use goguard_semantic::model::{BindingKind, Callee};
    let Callee::Value(b) = cx.model().callee(cx.file(), call) else {
        return None;
    };
    let binding = cx.model().binding(b);
    if binding.kind != BindingKind::Var || binding.scope.is_some() {
        return None;
    }
    let (file, ident) = binding.decl?;
    let f = cx.model().files().get(file)?;
    let ast = f.parsed.ast();
    let Node::File { decls, .. } = *ast.node(f.parsed.root()) else {
        return None;
    };
    for &d in ast.list(decls) {
        let Node::GenDecl { specs, .. } = *ast.node(d) else {
            continue;
        };
        for &spec in ast.list(specs) {
            let Node::ValueSpec { names, values, .. } = *ast.node(spec) else {
                continue;
            };
            let Some(i) = ast.list(names).iter().position(|&n| n == ident) else {
                continue;
            };
            let value = *ast.list(values).get(i)?;
            return match *ast.node(value) {
                Node::SelectorExpr { x, sel } => {
                    let pkg = cx.model().resolve(file, x)?;
                    match &cx.model().binding(pkg).kind {
                        BindingKind::Import { path } => Some(
                            goguard_semantic::types::NamedRef::new(path, ast.text(sel, f.source)),
                        ),
                        _ => None,
                    }
                }
                Node::Ident { .. } => {
                    let target = cx.model().resolve(file, value)?;
                    let t = cx.model().binding(target);
                    (t.kind == BindingKind::Func && t.scope.is_none()).then(|| {
                        goguard_semantic::types::NamedRef::new(cx.model().import_path(), &t.name)
                    })
                }
                _ => None,
            };
        }
    }
    None
}

/// True for a standard-library import path: its first element has no dot
/// and is not the first element of `own` (the checked package's path, so a
/// module named `example/app` is not mistaken for the standard library).
pub fn is_standard_package(pkg: &str, own: &str) -> bool {
    let first = pkg.split('/').next().unwrap_or("");
    !pkg.is_empty() && !first.contains('.') && Some(first) != own.split('/').next()
}

#[cfg(test)]
mod tests {
    use super::is_standard_package;

    #[test]
    fn standard_packages_have_no_dot_and_are_not_the_checked_module() {
        assert!(is_standard_package("net/http", "example.com/app"));
        assert!(is_standard_package("io", "github.com/x/y"));
        assert!(!is_standard_package("github.com/x/y/z", "github.com/x/y"));
        // A module path without a dot is not mistaken for the standard library.
        assert!(!is_standard_package("app/internal/client", "app/cmd"));
        assert!(!is_standard_package("", "app"));
    }
}
