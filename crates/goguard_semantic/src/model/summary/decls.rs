//! Declarations read for summaries (and for local types of the model):
//! the right-hand side of type specs (struct fields, interface methods and
//! embeds), receivers and type parameter names.

use std::sync::Arc;

use goguard_syntax::{Node, NodeId};

use crate::model::typeexpr::{self, Src, TypeNames};
use crate::types::Type;

use super::{FieldDecl, MethodDecl, TypeDecl};

/// The names declared by a FieldList (type parameters).
pub(crate) fn field_list_names<'s>(src: Src<'s>, list: Option<NodeId>) -> Vec<&'s str> {
    let mut out = Vec::new();
    let Some(Node::FieldList { list, .. }) = list.map(|l| *src.ast.node(l)) else {
        return out;
    };
    for &field in src.ast.list(list) {
        if let Node::Field { names, .. } = *src.ast.node(field) {
            out.extend(src.ast.list(names).iter().map(|&n| src.name(n)));
        }
    }
    out
}

pub(super) fn type_param_names<'s>(src: Src<'s>, func_type: NodeId) -> Vec<&'s str> {
    match *src.ast.node(func_type) {
        Node::FuncType { type_params, .. } => field_list_names(src, type_params),
        _ => Vec::new(),
    }
}

/// The receiver's base type name and whether it is a pointer; adds the
/// receiver's type parameters (`func (l *List[T])`) to `tps`.
pub(super) fn receiver_base<'s>(
    src: Src<'s>,
    recv: NodeId,
    tps: &mut Vec<&'s str>,
) -> Option<(&'s str, bool)> {
    let Node::FieldList { list, .. } = *src.ast.node(recv) else {
        return None;
    };
    let &field = src.ast.list(list).first()?;
    let Node::Field { ty: Some(ty), .. } = *src.ast.node(field) else {
        return None;
    };
    receiver_type_params(src, ty, tps);
    let (id, pointer) = typeexpr::base_type_name(src.ast, ty)?;
    Some((src.name(id), pointer))
}

/// Adds the type parameter names of a receiver type `*T[K, V]` to `tps`.
pub(crate) fn receiver_type_params<'s>(src: Src<'s>, ty: NodeId, tps: &mut Vec<&'s str>) {
    let mut e = ty;
    for _ in 0..8 {
        match *src.ast.node(e) {
            Node::StarExpr { x, .. } | Node::ParenExpr { x, .. } => e = x,
            Node::IndexExpr { index, .. } => {
                if let Node::Ident { .. } = src.ast.node(index) {
                    tps.push(src.name(index));
                }
                return;
            }
            Node::IndexListExpr { indices, .. } => {
                for &i in src.ast.list(indices) {
                    if let Node::Ident { .. } = src.ast.node(i) {
                        tps.push(src.name(i));
                    }
                }
                return;
            }
            _ => return,
        }
    }
}

/// The declaration of a type spec's right-hand side `ty`.
pub(crate) fn type_decl(
    src: Src<'_>,
    names: &dyn TypeNames,
    ty: NodeId,
    assign: goguard_syntax::Pos,
) -> TypeDecl {
    let mut decl = TypeDecl {
        alias: assign != goguard_syntax::NO_POS,
        ..TypeDecl::default()
    };
    let mut e = ty;
    for _ in 0..8 {
        match *src.ast.node(e) {
            Node::ParenExpr { x, .. } => e = x,
            _ => break,
        }
    }
    match *src.ast.node(e) {
        Node::StructType { fields, .. } => {
            decl.underlying = Type::Struct;
            let Node::FieldList { list, .. } = *src.ast.node(fields) else {
                return decl;
            };
            for &field in src.ast.list(list) {
                let Node::Field {
                    names: fnames,
                    ty: Some(fty),
                    ..
                } = *src.ast.node(field)
                else {
                    continue;
                };
                let t = typeexpr::convert(src, names, fty);
                if fnames.is_empty() {
                    if let Some((id, _)) = typeexpr::base_type_name(src.ast, fty) {
                        decl.fields.push(FieldDecl {
                            name: src.name(id).into(),
                            ty: t,
                            embedded: true,
                        });
                    }
                } else {
                    for &n in src.ast.list(fnames) {
                        decl.fields.push(FieldDecl {
                            name: src.name(n).into(),
                            ty: t.clone(),
                            embedded: false,
                        });
                    }
                }
            }
        }
        Node::InterfaceType { methods, .. } => {
            decl.underlying = Type::Interface;
            let Node::FieldList { list, .. } = *src.ast.node(methods) else {
                return decl;
            };
            for &field in src.ast.list(list) {
                let Node::Field {
                    names: fnames,
                    ty: Some(fty),
                    ..
                } = *src.ast.node(field)
                else {
                    continue;
                };
                match src.ast.list(fnames).first() {
                    Some(&n) => decl.methods.push(MethodDecl {
                        name: src.name(n).into(),
                        sig: Arc::new(typeexpr::signature(src, names, fty)),
                        pointer_recv: false,
                    }),
                    None => {
                        let t = typeexpr::convert(src, names, fty);
                        if t.named_ref().is_some() {
                            decl.embeds.push(t);
                        }
                    }
                }
            }
        }
        _ => decl.underlying = typeexpr::convert(src, names, e),
    }
    decl
}
