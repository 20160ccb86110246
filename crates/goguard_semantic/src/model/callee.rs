//! What a call expression calls: a builtin (when not shadowed), a package
//! function (of this package, a dot import, or `pkg.F` even when `pkg` is
//! unknown to the universe), a method named by the type that declares it, a
//! function-valued binding, an immediately called literal, or a conversion.

use goguard_syntax::{Node, NodeId};

use super::infer::strip_parens;
use super::universe::BUILTIN_FUNCS;
use super::{BindingKind, Callee, FileIdx, Member, NamedRef, PackageModel};
use crate::types::Type;

impl PackageModel<'_> {
    /// What a CallExpr calls.
    pub fn callee(&self, file: FileIdx, call: NodeId) -> Callee {
        let src = self.src(file);
        let Some(Node::CallExpr { fun, .. }) = src.ast.nodes.get(call.index()).copied() else {
            return Callee::Unknown;
        };
        let mut fun = strip_parens(src, fun);
        if let Some(t) = self.type_expr(file, fun) {
            return Callee::Conversion(t);
        }
        // `f[int](x)` calls f.
        if let Node::IndexExpr { x, .. } | Node::IndexListExpr { x, .. } = *src.ast.node(fun) {
            fun = strip_parens(src, x);
        }
        match *src.ast.node(fun) {
            Node::Ident { .. } => {
                let Some(id) = self.resolve(file, fun) else {
                    return Callee::Unknown;
                };
                let b = self.binding(id);
                match b.kind {
                    BindingKind::Builtin if BUILTIN_FUNCS.contains(&&*b.name) => {
                        Callee::Builtin(b.name.clone())
                    }
                    BindingKind::Func if b.scope.is_none() => {
                        let pkg = self
                            .dot_origin
                            .get(&id)
                            .cloned()
                            .unwrap_or_else(|| self.import_path.clone());
                        Callee::Func(NamedRef {
                            pkg,
                            name: b.name.clone(),
                        })
                    }
                    BindingKind::Var
                    | BindingKind::Param
                    | BindingKind::Result
                    | BindingKind::Receiver => Callee::Value(id),
                    _ => Callee::Unknown,
                }
            }
            Node::FuncLit { .. } => Callee::Lit(fun),
            Node::SelectorExpr { x, sel } => {
                let name = src.name(sel);
                if let Some(b) = self.resolve(file, x) {
                    if let BindingKind::Import { path } = &self.binding(b).kind {
                        return Callee::Func(NamedRef::new(path, name));
                    }
                }
                let recv_ty = match self.type_expr(file, x) {
                    Some(t) => t,
                    None => self.type_of(file, x),
                };
                let member = match recv_ty.deref() {
                    Type::Struct => self.anon_member(file, x, name),
                    _ => self.lookup_member(&recv_ty, name),
                };
                match member {
                    Some(Member::Method { recv, .. }) => Callee::Method {
                        recv,
                        name: name.into(),
                    },
                    _ => Callee::Unknown,
                }
            }
            _ => Callee::Unknown,
        }
    }
}
