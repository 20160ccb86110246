//! Types of package-level vars and consts from simple initializers, and
//! calls of other packages' functions recorded for later resolution.

use std::sync::Arc;

use goguard_syntax::{Node, NodeId, Tok};

use crate::model::typeexpr::{self, Src, TypeNames};
use crate::types::{NamedRef, Type};

use super::names::FileNames;
use super::Inner;

/// The type of a simple package-level initializer: literals, composite
/// literals, func literals, calls of this package's functions, conversions
/// to this package's types, unary and binary operators over those.
pub(super) fn init_type(
    src: Src<'_>,
    names: &FileNames<'_>,
    inner: &Inner,
    e: NodeId,
    depth: u32,
) -> Type {
    if depth > 16 {
        return Type::Unknown;
    }
    match *src.ast.node(e) {
        Node::BasicLit { kind, .. } => typeexpr::literal_type(kind),
        Node::Ident { .. } => match src.name(e) {
            "true" | "false" => typeexpr::basic("bool"),
            "iota" => typeexpr::basic("int"),
            // Another package-level const or var summarized already.
            n => match (inner.consts.get(n), inner.vars.get(n)) {
                (Some(t), _) => t.clone(),
                (None, Some(v)) => v.ty.clone(),
                _ => Type::Unknown,
            },
        },
        Node::CompositeLit { ty: Some(t), .. } => typeexpr::convert(src, names, t),
        Node::FuncLit { ty, .. } => Type::Func(Arc::new(typeexpr::signature(src, names, ty))),
        Node::ParenExpr { x, .. } => init_type(src, names, inner, x, depth + 1),
        Node::UnaryExpr {
            op: Tok::And, x, ..
        } => match init_type(src, names, inner, x, depth + 1) {
            Type::Unknown => Type::Unknown,
            t => Type::pointer_to(t),
        },
        Node::UnaryExpr { op: Tok::Not, .. } => typeexpr::basic("bool"),
        Node::UnaryExpr { x, .. } => init_type(src, names, inner, x, depth + 1),
        Node::BinaryExpr { x, op, y, .. } => match op {
            Tok::Eql
            | Tok::Neq
            | Tok::Lss
            | Tok::Leq
            | Tok::Gtr
            | Tok::Geq
            | Tok::Land
            | Tok::Lor => typeexpr::basic("bool"),
            _ => {
                let (tx, ty) = (
                    init_type(src, names, inner, x, depth + 1),
                    init_type(src, names, inner, y, depth + 1),
                );
                // An untyped literal operand takes the other operand's type.
                if matches!(src.ast.node(x), Node::BasicLit { .. }) && !ty.is_unknown() {
                    ty
                } else {
                    tx
                }
            }
        },
        Node::CallExpr { fun, .. } => match *src.ast.node(fun) {
            Node::Ident { .. } => {
                let n = src.name(fun);
                if let Some(sig) = inner.funcs.get(n) {
                    return match sig.results.as_slice() {
                        [one] => one.clone(),
                        _ => Type::Unknown,
                    };
                }
                match names.ident(fun, n) {
                    Type::Unknown => Type::Unknown,
                    t => t,
                }
            }
            Node::ArrayType { .. } | Node::MapType { .. } | Node::StarExpr { .. } => {
                typeexpr::convert(src, names, fun)
            }
            Node::ParenExpr { x, .. } => typeexpr::convert(src, names, x),
            _ => Type::Unknown,
        },
        _ => Type::Unknown,
    }
}

/// `pkg.F(...)` or `F(...)` as (the function, result index), for later resolution.
pub(super) fn init_call(
    src: Src<'_>,
    names: &FileNames<'_>,
    e: NodeId,
    i: usize,
) -> Option<(NamedRef, usize)> {
    let Node::CallExpr { fun, .. } = *src.ast.node(e) else {
        return None;
    };
    let (x, sel) = match *src.ast.node(fun) {
        Node::SelectorExpr { x, sel } => (x, sel),
        // A function of this package.
        Node::Ident { .. } => {
            return Some((NamedRef::new(names.pkg.import_path, src.name(fun)), i));
        }
        _ => return None,
    };
    if !matches!(src.ast.node(x), Node::Ident { .. }) {
        return None;
    }
    let path = names.pkg.imports[names.file].get(src.name(x))?;
    Some((NamedRef::new(path, src.name(sel)), i))
}
