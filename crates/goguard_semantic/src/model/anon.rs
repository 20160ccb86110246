//! Fields of unnamed struct types (`var cache struct{ sync.Mutex; m map[K]V }`,
//! `tests := []struct{ name string }{...}; for _, tt := range tests`).
//! [`Type::Struct`] carries no fields, so the model remembers, for bindings
//! whose type mentions an unnamed struct, the type expression written for
//! them, and follows expressions back to it through the syntax.

use goguard_syntax::{Node, NodeId, Tok};

use super::typeexpr::base_type_name;
use super::{BindingId, FieldDecl, FileIdx, Member, PackageModel};
use crate::types::Type;

/// Deepest expression or type expression followed.
const MAX_DEPTH: u32 = 16;

/// True when `t` is or holds (through pointers, slices, arrays, maps,
/// channels) an unnamed struct.
pub(super) fn mentions_struct(t: &Type) -> bool {
    let mut t = t;
    for _ in 0..MAX_DEPTH {
        match t {
            Type::Struct => return true,
            Type::Pointer(x) | Type::Slice(x) | Type::Array(x) | Type::Chan(_, x) => t = x,
            Type::Map(_, v) => t = v,
            _ => return false,
        }
    }
    false
}

impl PackageModel<'_> {
    /// Remembers where binding `b`'s type is written: its declared type
    /// expression `ty`, else the type behind `value` (when it mentions an
    /// unnamed struct).
    pub(super) fn remember_type_node(
        &mut self,
        b: Option<BindingId>,
        file: FileIdx,
        ty: Option<NodeId>,
        value: Option<NodeId>,
    ) {
        let Some(b) = b else { return };
        if !mentions_struct(&self.binding(b).ty) && !self.is_generic(&self.binding(b).ty) {
            return;
        }
        let node = match (ty, value) {
            (Some(t), _) => Some((file, t)),
            (None, Some(v)) => self.type_node_of(file, v),
            _ => None,
        };
        if let Some(n) = node {
            self.type_nodes.insert(b, n);
        }
    }

    /// True for a generic named type (through one pointer).
    fn is_generic(&self, t: &Type) -> bool {
        t.named_ref()
            .and_then(|n| self.type_decl(n))
            .is_some_and(|d| !d.type_params.is_empty())
    }

    /// Replaces the type parameters of the generic type of `x` in `t` (a
    /// field or method type read through `x`) by the type arguments written
    /// where `x`'s type is declared, or by Unknown when they are not known.
    pub(super) fn instantiate(&self, f: FileIdx, x: NodeId, recv: &Type, t: Type) -> Type {
        let Some(decl) = recv.named_ref().and_then(|n| self.type_decl(n)) else {
            return t;
        };
        if decl.type_params.is_empty() {
            return t;
        }
        let args: Vec<Type> = match self.type_node_of(f, x).map(|n| self.strip(n)) {
            Some((tf, n)) => {
                let ast = self.src(tf).ast;
                let ids: Vec<NodeId> = match *ast.node(n) {
                    Node::IndexExpr { index, .. } => vec![index],
                    Node::IndexListExpr { indices, .. } => ast.list(indices).to_vec(),
                    _ => Vec::new(),
                };
                ids.into_iter()
                    .map(|i| self.type_of_type_expr(tf, i))
                    .collect()
            }
            None => Vec::new(),
        };
        let subst: Vec<(std::sync::Arc<str>, Type)> = decl
            .type_params
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), args.get(i).cloned().unwrap_or_default()))
            .collect();
        super::infer::substitute(&t, &subst, 0)
    }

    /// Remembers the element type of the container `x` ranged over for `b`.
    pub(super) fn remember_elem_node(&mut self, b: Option<BindingId>, file: FileIdx, x: NodeId) {
        let Some(b) = b else { return };
        if !mentions_struct(&self.binding(b).ty) {
            return;
        }
        if let Some(n) = self.type_node_of(file, x).and_then(|t| self.elem_node(t)) {
            self.type_nodes.insert(b, n);
        }
    }

    /// The type expression behind the type of `e`, when written in this
    /// package: a composite literal's type, a binding's declared type, an
    /// element or field type of those.
    pub(super) fn type_node_of(&self, f: FileIdx, e: NodeId) -> Option<(FileIdx, NodeId)> {
        self.type_node_depth(f, e, 0)
    }

    fn type_node_depth(&self, f: FileIdx, e: NodeId, depth: u32) -> Option<(FileIdx, NodeId)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match *self.src(f).ast.node(e) {
            Node::Ident { .. } => self.type_nodes.get(&self.resolve(f, e)?).copied(),
            Node::ParenExpr { x, .. }
            | Node::StarExpr { x, .. }
            | Node::UnaryExpr {
                op: Tok::And, x, ..
            } => self.type_node_depth(f, x, d),
            Node::CompositeLit { ty: Some(t), .. } => Some((f, t)),
            Node::CompositeLit { ty: None, .. } => None,
            Node::IndexExpr { x, .. } => self.elem_node(self.type_node_depth(f, x, d)?),
            Node::SelectorExpr { x, sel } => {
                let name = self.src(f).name(sel);
                // A field of an unnamed struct, or of a struct type declared here.
                let st = match self
                    .type_node_depth(f, x, d)
                    .and_then(|t| self.struct_node(t))
                {
                    Some(st) => st,
                    None => {
                        // A small budget: type_of may come back here for generic fields.
                        let budget = super::infer::MAX_INFER_DEPTH - 6;
                        let n = self.type_of_depth(f, x, budget).named_ref().cloned()?;
                        if *n.pkg != *self.import_path {
                            return None;
                        }
                        self.struct_node(*self.type_specs.get(&n.name)?)?
                    }
                };
                self.anon_field(st, name).map(|(ty, _)| (st.0, ty))
            }
            _ => None,
        }
    }

    /// The type expression without parentheses and pointers.
    fn strip(&self, (f, mut n): (FileIdx, NodeId)) -> (FileIdx, NodeId) {
        let ast = self.src(f).ast;
        for _ in 0..MAX_DEPTH {
            match *ast.node(n) {
                Node::ParenExpr { x, .. } | Node::StarExpr { x, .. } => n = x,
                _ => break,
            }
        }
        (f, n)
    }

    /// The element type expression of a slice, array or map type expression.
    pub(super) fn elem_node(&self, t: (FileIdx, NodeId)) -> Option<(FileIdx, NodeId)> {
        let (f, n) = self.strip(t);
        match *self.src(f).ast.node(n) {
            Node::ArrayType { elt, .. } => Some((f, elt)),
            Node::MapType { value, .. } => Some((f, value)),
            _ => None,
        }
    }

    /// The StructType node a type expression is (through pointers).
    fn struct_node(&self, t: (FileIdx, NodeId)) -> Option<(FileIdx, NodeId)> {
        let (f, n) = self.strip(t);
        matches!(self.src(f).ast.node(n), Node::StructType { .. }).then_some((f, n))
    }

    /// The type node of field `name` of a StructType, and whether it is embedded.
    fn anon_field(&self, (f, st): (FileIdx, NodeId), name: &str) -> Option<(NodeId, bool)> {
        let src = self.src(f);
        let Node::StructType { fields, .. } = *src.ast.node(st) else {
            return None;
        };
        let Node::FieldList { list, .. } = *src.ast.node(fields) else {
            return None;
        };
        for &field in src.ast.list(list) {
            let Node::Field {
                names,
                ty: Some(ty),
                ..
            } = *src.ast.node(field)
            else {
                continue;
            };
            let names = src.ast.list(names);
            if names.is_empty() {
                if base_type_name(src.ast, ty).is_some_and(|(id, _)| src.name(id) == name) {
                    return Some((ty, true));
                }
            } else if names.iter().any(|&n| src.name(n) == name) {
                return Some((ty, false));
            }
        }
        None
    }

    /// The fields of field `field` of the struct type `owner` declared in
    /// this package, when that field's type is an unnamed struct
    /// (`mu struct{ sync.Mutex; closing bool }`, through pointers): their
    /// names and types in declaration order, embedded fields named after
    /// their type. None for any other field.
    pub fn unnamed_struct_fields(&self, owner: &Type, field: &str) -> Option<Vec<FieldDecl>> {
        let n = owner.named_ref()?;
        if *n.pkg != *self.import_path {
            return None;
        }
        let owner_st = self.struct_node(*self.type_specs.get(&n.name)?)?;
        let (ty, _) = self.anon_field(owner_st, field)?;
        let (f, st) = self.struct_node((owner_st.0, ty))?;
        let src = self.src(f);
        let Node::StructType { fields, .. } = *src.ast.node(st) else {
            return None;
        };
        let Node::FieldList { list, .. } = *src.ast.node(fields) else {
            return None;
        };
        let mut out = Vec::new();
        for &fl in src.ast.list(list) {
            let Node::Field {
                names,
                ty: Some(fty),
                ..
            } = *src.ast.node(fl)
            else {
                continue;
            };
            let t = self.type_of_type_expr(f, fty);
            let names = src.ast.list(names);
            if names.is_empty() {
                if let Some((id, _)) = base_type_name(src.ast, fty) {
                    out.push(FieldDecl {
                        name: src.name(id).into(),
                        ty: t,
                        embedded: true,
                    });
                }
            } else {
                out.extend(names.iter().map(|&id| FieldDecl {
                    name: src.name(id).into(),
                    ty: t.clone(),
                    embedded: false,
                }));
            }
        }
        Some(out)
    }

    /// Field or promoted method `name` of the unnamed struct behind `x`.
    pub(super) fn anon_member(&self, f: FileIdx, x: NodeId, name: &str) -> Option<Member> {
        let st = self.struct_node(self.type_node_of(f, x)?)?;
        if let Some((ty, _)) = self.anon_field(st, name) {
            return Some(Member::Field {
                ty: self.type_of_type_expr(st.0, ty),
            });
        }
        // Promoted through an embedded field (one level).
        let src = self.src(st.0);
        let Node::StructType { fields, .. } = *src.ast.node(st.1) else {
            return None;
        };
        let Node::FieldList { list, .. } = *src.ast.node(fields) else {
            return None;
        };
        src.ast
            .list(list)
            .iter()
            .find_map(|&field| match *src.ast.node(field) {
                Node::Field {
                    names,
                    ty: Some(ty),
                    ..
                } if names.is_empty() => {
                    let t = self.type_of_type_expr(st.0, ty);
                    self.lookup_member(&t, name)
                }
                _ => None,
            })
    }
}
