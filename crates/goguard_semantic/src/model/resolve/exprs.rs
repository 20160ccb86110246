//! Expressions: identifier uses, composite literals (struct keys are field
//! names, not uses; elided element types are recorded), function literals
//! and the types inside type expressions.

use goguard_syntax::{Node, NodeId, Tok};

use super::Builder;
use crate::model::Type;

impl<'a> Builder<'a> {
    /// An expression whose expected type is known (for composite literals
    /// with elided types).
    pub(super) fn value(&mut self, e: NodeId, expected: &Type) {
        match self.node(e) {
            Node::CompositeLit { ty: None, .. } => self.composite(e, expected.clone()),
            Node::UnaryExpr {
                op: Tok::And, x, ..
            } if matches!(self.node(x), Node::CompositeLit { ty: None, .. }) => {
                self.composite(x, expected.deref().clone())
            }
            _ => self.expr(e),
        }
    }

    pub(super) fn composite(&mut self, e: NodeId, expected: Type) {
        if !self.enter() {
            self.leave();
            return;
        }
        let Node::CompositeLit { ty, elts, .. } = self.node(e) else {
            self.leave();
            return;
        };
        let lit = match ty {
            Some(t) => {
                self.expr(t);
                self.m.type_of_type_expr(self.file, t)
            }
            None => {
                // `[]*T{{...}}`: the elided literal is a T.
                let t = match expected {
                    Type::Pointer(p) => (*p).clone(),
                    t => t,
                };
                if !t.is_unknown() {
                    self.m.elided.insert((self.file, e), t.clone());
                }
                t
            }
        };
        let (fields_as_keys, key_ty, elem) = match self.m.underlying(&lit) {
            Type::Map(k, v) => (false, (*k).clone(), (*v).clone()),
            Type::Slice(t) | Type::Array(t) => (false, Type::Unknown, (*t).clone()),
            _ => (true, Type::Unknown, Type::Unknown),
        };
        for &elt in self.list(elts) {
            match self.node(elt) {
                Node::KeyValueExpr { key, value, .. } => {
                    if fields_as_keys && matches!(self.node(key), Node::Ident { .. }) {
                        // A struct field name (or an unknown literal type's key).
                        self.value(value, &Type::Unknown);
                    } else {
                        self.value(key, &key_ty);
                        self.value(value, &elem);
                    }
                }
                _ => self.value(elt, &elem),
            }
        }
        self.leave();
    }

    pub(super) fn expr(&mut self, e: NodeId) {
        if self.enter() {
            self.expr_inner(e);
        }
        self.leave();
    }

    pub(super) fn expr_inner(&mut self, e: NodeId) {
        match self.node(e) {
            Node::Ident { .. } => self.use_ident(e),
            Node::Ellipsis { elt: Some(x), .. }
            | Node::ParenExpr { x, .. }
            | Node::SelectorExpr { x, .. }
            | Node::StarExpr { x, .. }
            | Node::UnaryExpr { x, .. }
            | Node::ChanType { value: x, .. } => self.expr(x),
            Node::FuncLit { ty, body } => self.func_lit(e, ty, body),
            Node::CompositeLit { .. } => self.composite(e, Type::Unknown),
            Node::IndexExpr { x, index, .. } => {
                self.expr(x);
                self.expr(index);
            }
            Node::IndexListExpr { x, indices, .. } => {
                self.expr(x);
                for &i in self.list(indices) {
                    self.expr(i);
                }
            }
            Node::SliceExpr {
                x, low, high, max, ..
            } => {
                self.expr(x);
                for i in [low, high, max].into_iter().flatten() {
                    self.expr(i);
                }
            }
            Node::TypeAssertExpr { x, ty, .. } => {
                self.expr(x);
                if let Some(t) = ty {
                    self.expr(t);
                }
            }
            Node::CallExpr { fun, args, .. } => {
                self.expr(fun);
                for &a in self.list(args) {
                    self.expr(a);
                }
            }
            Node::BinaryExpr { .. } => {
                // Long operator chains are deep on the left: walk them iteratively.
                let mut rights = Vec::new();
                let mut cur = e;
                while let Node::BinaryExpr { x, y, .. } = self.node(cur) {
                    rights.push(y);
                    cur = x;
                }
                self.expr(cur);
                for &y in rights.iter().rev() {
                    self.expr(y);
                }
            }
            Node::KeyValueExpr { key, value, .. } => {
                self.expr(key);
                self.expr(value);
            }
            Node::ArrayType { len, elt, .. } => {
                if let Some(l) = len {
                    self.expr(l);
                }
                self.expr(elt);
            }
            Node::MapType { key, value, .. } => {
                self.expr(key);
                self.expr(value);
            }
            Node::StructType { fields, .. } => self.field_types(fields),
            Node::InterfaceType { methods, .. } => self.field_types(methods),
            Node::FuncType {
                type_params,
                params,
                results,
                ..
            } => {
                // A function type outside a declaration: its parameter names
                // declare nothing visible, only the types are resolved.
                if let Some(tps) = type_params {
                    self.field_types(tps);
                }
                self.field_types(params);
                if let Some(r) = results {
                    self.field_types(r);
                }
            }
            _ => {}
        }
    }

    /// Resolves the types of a FieldList, not its names (struct fields,
    /// interface methods, parameters of a function type).
    pub(super) fn field_types(&mut self, list: NodeId) {
        let Node::FieldList { list, .. } = self.node(list) else {
            return;
        };
        for &field in self.list(list) {
            if let Node::Field { ty: Some(t), .. } = self.node(field) {
                self.expr(t);
            }
        }
    }
}
