//! Function declarations and literals: receiver, type parameters,
//! parameters and results in the function's scope; labels (function scope).

use goguard_syntax::{Node, NodeId};

use super::Builder;
use super::Labels;
use crate::model::summary;
use crate::model::{Binding, BindingKind, Type};

impl<'a> Builder<'a> {
    pub(super) fn func_decl(&mut self, d: NodeId) {
        let Node::FuncDecl { recv, ty, body, .. } = self.node(d) else {
            return;
        };
        self.scopes.push(d);
        if let Some(recv) = recv {
            self.receiver(recv);
        }
        self.signature(ty);
        if let Some(body) = body {
            self.body(body);
        }
        self.scopes.pop();
    }

    pub(super) fn receiver(&mut self, recv: NodeId) {
        let Node::FieldList { list, .. } = self.node(recv) else {
            return;
        };
        for &field in self.list(list) {
            let Node::Field { names, ty, .. } = self.node(field) else {
                continue;
            };
            let Some(ty) = ty else { continue };
            // `func (l *List[K, V])` declares K and V.
            let mut tps = Vec::new();
            summary::receiver_type_params(self.src(), ty, &mut tps);
            let mut e = ty;
            for _ in 0..8 {
                match self.node(e) {
                    Node::StarExpr { x, .. } | Node::ParenExpr { x, .. } => e = x,
                    Node::IndexExpr { x, index, .. } => {
                        self.declare_type_param(index);
                        e = x;
                        break;
                    }
                    Node::IndexListExpr { x, indices, .. } => {
                        for &i in self.list(indices) {
                            self.declare_type_param(i);
                        }
                        e = x;
                        break;
                    }
                    _ => break,
                }
            }
            self.expr(e);
            let t = self.m.type_of_type_expr(self.file, ty);
            for &n in self.list(names) {
                let b = self.declare_local(n, BindingKind::Receiver, t.clone());
                self.m.remember_type_node(b, self.file, Some(ty), None);
            }
        }
    }

    pub(super) fn declare_type_param(&mut self, ident: NodeId) {
        if let Node::Ident { .. } = self.node(ident) {
            let ty = Type::TypeParam(self.name(ident).into());
            self.declare_local(ident, BindingKind::TypeName, ty);
        }
    }

    /// Declares type parameters, parameters and results of a FuncType in
    /// the current (function) scope.
    pub(super) fn signature(&mut self, ty: NodeId) {
        let Node::FuncType {
            type_params,
            params,
            results,
            ..
        } = self.node(ty)
        else {
            return;
        };
        if let Some(tps) = type_params {
            self.type_params(tps);
        }
        let mut declared = Vec::new();
        for (list, kind) in [
            (Some(params), BindingKind::Param),
            (results, BindingKind::Result),
        ] {
            let Some(Node::FieldList { list, .. }) = list.map(|l| self.node(l)) else {
                continue;
            };
            for &field in self.list(list) {
                let Node::Field { names, ty, .. } = self.node(field) else {
                    continue;
                };
                let t = match ty {
                    Some(t) => {
                        self.expr(t);
                        self.m.type_of_type_expr(self.file, t)
                    }
                    None => Type::Unknown,
                };
                for &n in self.list(names) {
                    declared.push((n, kind.clone(), t.clone(), ty));
                }
            }
        }
        for (n, kind, t, ty) in declared {
            let b = self.declare_local(n, kind, t);
            self.m.remember_type_node(b, self.file, ty, None);
        }
    }

    /// Declares the type parameters of a FieldList, then resolves their constraints.
    pub(super) fn type_params(&mut self, list: NodeId) {
        let Node::FieldList { list, .. } = self.node(list) else {
            return;
        };
        let fields = self.list(list);
        for &field in fields {
            if let Node::Field { names, .. } = self.node(field) {
                for &n in self.list(names) {
                    self.declare_type_param(n);
                }
            }
        }
        for &field in fields {
            if let Node::Field { ty: Some(t), .. } = self.node(field) {
                self.expr(t);
            }
        }
    }

    /// A function body, in the function's own scope. Labels have function
    /// scope: declared when met, a `goto` to a later label resolves at the end.
    pub(super) fn body(&mut self, body: NodeId) {
        let Node::BlockStmt { list, .. } = self.node(body) else {
            return;
        };
        let func = self.scopes.current();
        self.labels.push(Labels {
            func,
            ..Labels::default()
        });
        for &s in self.list(list) {
            self.stmt(s);
        }
        if let Some(labels) = self.labels.pop() {
            for ident in labels.pending {
                if let Some(&b) = labels.names.get(self.name(ident)) {
                    self.record_use(ident, b);
                }
            }
        }
    }

    pub(super) fn declare_label(&mut self, label: NodeId) {
        let name = self.name(label);
        let Some(labels) = self.labels.last() else {
            return;
        };
        if name == "_" || labels.names.contains_key(name) {
            return;
        }
        let scope = labels.func;
        let id = self.add_binding(Binding {
            name: name.into(),
            kind: BindingKind::Label,
            decl: Some((self.file, label)),
            ty: Type::Unknown,
            scope,
        });
        self.set_res(label, id);
        if let Some(labels) = self.labels.last_mut() {
            labels.names.insert(name, id);
        }
    }

    pub(super) fn func_lit(&mut self, e: NodeId, ty: NodeId, body: NodeId) {
        self.scopes.push(e);
        self.signature(ty);
        self.body(body);
        self.scopes.pop();
    }
}
