//! The mutex behind a condition variable's `L`: `c.L.Lock()` locks the
//! mutex given to `sync.NewCond`, so it is the same lock as `s.mu.Lock()`
//! when the package builds the condition with `sync.NewCond(&s.mu)` (or
//! `sync.NewCond(s.mu.RLocker())`, a read lock). A field of a condition
//! variable stands for the mutex when every assignment of that field in the
//! package (`s.cond = sync.NewCond(&s.mu)`) names the same field of the
//! same value; a local (`c := sync.NewCond(&s.mu)`) when it is given no
//! other value. Otherwise `c.L` stays a mutex of its own.

use std::collections::HashMap;
use std::sync::Arc;

use goguard_semantic::model::{FileIdx, PackageModel};
use goguard_semantic::types::Type;
use goguard_syntax::{Ast, Node, NodeId, Tok};

use crate::engine::Context;

use super::expr::normalized_text;

/// For a field of a condition variable, by owner type name and field name:
/// the path of its mutex from the owner (`.mu`) and whether `L` is the
/// mutex's read locker. None when the package gives the field different
/// or unknown lockers.
pub(crate) type CondFields = HashMap<(Arc<str>, Arc<str>), Option<(String, bool)>>;

/// True when `ty` is `sync.Cond` or a pointer to it.
fn is_cond(ty: &Type) -> bool {
    match ty {
        Type::Named(n) => n.is("sync", "Cond"),
        Type::Pointer(t) => matches!(&**t, Type::Named(n) if n.is("sync", "Cond")),
        _ => false,
    }
}

/// `c` of `c.L` when `c` is a condition variable.
pub(crate) fn cond_of_locker(model: &PackageModel<'_>, fi: FileIdx, x: NodeId) -> Option<NodeId> {
    let ast = model.files()[fi].parsed.ast();
    let source = model.files()[fi].source;
    let Node::SelectorExpr { x: c, sel } = *ast.node(ast.unparen(x)) else {
        return None;
    };
    (ast.text(sel, source) == "L" && is_cond(&model.type_of(fi, c))).then_some(c)
}

/// The argument of a `sync.NewCond(arg)` call; a cheap syntactic test
/// first, so that most calls are never resolved.
pub(crate) fn new_cond_arg(model: &PackageModel<'_>, fi: FileIdx, call: NodeId) -> Option<NodeId> {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let Node::CallExpr { fun, args, .. } = *ast.node(ast.unparen(call)) else {
        return None;
    };
    let Node::SelectorExpr { sel, .. } = *ast.node(ast.unparen(fun)) else {
        return None;
    };
    if ast.text(sel, file.source) != "NewCond" {
        return None;
    }
    if !model
        .callee(fi, ast.unparen(call))
        .is_func("sync", "NewCond")
    {
        return None;
    }
    match ast.list(args) {
        [a] => Some(*a),
        _ => None,
    }
}

/// The mutex a `sync.NewCond` argument locks, and whether as a reader:
/// `&m` and `m` are `m`, `m.RLocker()` is `m` read.
pub(crate) fn locker_mutex(ast: &Ast, source: &str, arg: NodeId) -> (NodeId, bool) {
    let a = ast.unparen(arg);
    match *ast.node(a) {
        Node::UnaryExpr {
            op: Tok::And, x, ..
        } => (ast.unparen(x), false),
        Node::CallExpr { fun, args, .. } if ast.list(args).is_empty() => {
            match *ast.node(ast.unparen(fun)) {
                Node::SelectorExpr { x, sel } if ast.text(sel, source) == "RLocker" => {
                    (ast.unparen(x), true)
                }
                _ => (a, false),
            }
        }
        _ => (a, false),
    }
}

/// The text of an expression without white space or parentheses.
fn compact_text(ast: &Ast, source: &str, x: NodeId) -> String {
    ast.text(ast.unparen(x), source)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect()
}

/// Adds one assignment `lhs = sync.NewCond(arg)` to the table: the field
/// maps to the mutex when the mutex is a field path of the same value
/// (`s.cond = sync.NewCond(&s.mu)`), and to None otherwise.
pub(crate) fn record_cond_field(
    model: &PackageModel<'_>,
    fi: FileIdx,
    lhs: NodeId,
    arg: NodeId,
    table: &mut CondFields,
) {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let Node::SelectorExpr { x: owner, sel } = *ast.node(ast.unparen(lhs)) else {
        return;
    };
    let Some(owner_type) = named_type(&model.type_of(fi, owner)) else {
        return;
    };
    let key = (owner_type, Arc::<str>::from(ast.text(sel, file.source)));
    let (mutex, read) = locker_mutex(ast, file.source, arg);
    let base = compact_text(ast, file.source, owner);
    let target = compact_text(ast, file.source, mutex);
    let value = target
        .strip_prefix(&base)
        .filter(|rest| rest.is_empty() || rest.starts_with('.'))
        .filter(|rest| !rest.contains(['[', '*', '&']))
        .map(|rest| (rest.to_string(), read));
    let entry = table.entry(key).or_insert_with(|| value.clone());
    if *entry != value {
        *entry = None;
    }
}

/// The name of a named type or of the type a pointer points to.
pub(crate) fn named_type(t: &Type) -> Option<Arc<str>> {
    match t {
        Type::Named(n) => Some(n.name.clone()),
        Type::Pointer(p) => match &**p {
            Type::Named(n) => Some(n.name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The mutex `c.L` stands for when `c` is a field of a condition variable
/// (`s.cond.L`): the owner (`s`), the path from it and whether it is a
/// read lock.
pub(crate) fn field_locker(
    model: &PackageModel<'_>,
    fi: FileIdx,
    cond: NodeId,
    table: &CondFields,
) -> Option<(NodeId, String, bool)> {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let Node::SelectorExpr { x: owner, sel } = *ast.node(ast.unparen(cond)) else {
        return None;
    };
    let owner_type = named_type(&model.type_of(fi, owner))?;
    let key = (owner_type, Arc::<str>::from(ast.text(sel, file.source)));
    let (path, read) = table.get(&key)?.clone()?;
    Some((ast.unparen(owner), path, read))
}

/// The text of the mutex `c.L` stands for in the checked function (`s.mu`
/// for `s.cond.L`, or for `c.L` after `c := sync.NewCond(&s.mu)` when `c`
/// is given no other value), and whether it is a read lock; None when
/// the package does not say.
pub(crate) fn locker_text(
    cx: &Context<'_>,
    func: NodeId,
    locker: NodeId,
    table: &CondFields,
) -> Option<(String, bool)> {
    let model = cx.model();
    let fi = cx.file();
    let cond = cond_of_locker(model, fi, locker)?;
    if let Some((owner, path, read)) = field_locker(model, fi, cond, table) {
        return Some((format!("{}{path}", normalized_text(cx, owner)), read));
    }
    // A local: its declaration `c := sync.NewCond(...)`, in this function.
    let binding = model.resolve(fi, cx.ast().unparen(cond))?;
    let (df, decl) = model.binding(binding).decl?;
    if df != fi || cx.enclosing_func(decl) != Some(func) {
        return None;
    }
    let Node::AssignStmt { lhs, rhs, tok, .. } = *cx.node(cx.parent(decl)?) else {
        return None;
    };
    if tok != Tok::Define {
        return None;
    }
    let at = cx.ast().list(lhs).iter().position(|&l| l == decl)?;
    let value = *cx.ast().list(rhs).get(at)?;
    let arg = new_cond_arg(model, fi, value)?;
    let again = cx.ast().walk(func).any(|n| match *cx.node(n) {
        Node::AssignStmt { lhs, .. } => cx
            .ast()
            .list(lhs)
            .iter()
            .any(|&l| l != decl && model.resolve(fi, l) == Some(binding)),
        _ => false,
    });
    if again {
        return None;
    }
    let (mutex, read) = locker_mutex(cx.ast(), cx.source(), arg);
    Some((normalized_text(cx, mutex), read))
}
