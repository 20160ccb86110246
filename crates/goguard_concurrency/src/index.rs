//! The package's function bodies by name: package functions, methods by
//! receiver type, and the free variables of every function literal.

use std::sync::Arc;

use goguard_semantic::model::{BindingId, BindingKind, Callee, PackageModel};
use goguard_syntax::{Ast, Node, NodeId, NodeKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::ir::FuncId;

/// Where the package's functions are.
pub(crate) struct FuncIndex {
    funcs: FxHashMap<Arc<str>, FuncId>,
    methods: FxHashMap<(Arc<str>, Arc<str>), FuncId>,
    /// Free variables of each function literal: local bindings declared
    /// outside it and used inside.
    captures: FxHashMap<FuncId, Arc<[BindingId]>>,
    /// Bindings captured by some function literal: assignments to them may
    /// be seen by another goroutine.
    captured: FxHashSet<BindingId>,
}

impl FuncIndex {
    pub(crate) fn build(model: &PackageModel<'_>) -> FuncIndex {
        let mut index = FuncIndex {
            funcs: FxHashMap::default(),
            methods: FxHashMap::default(),
            captures: FxHashMap::default(),
            captured: FxHashSet::default(),
        };
        for (fi, file) in model.files().iter().enumerate() {
            let ast = file.parsed.ast();
            let src = file.source;
            let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
                continue;
            };
            for &d in ast.list(decls) {
                let Node::FuncDecl {
                    recv,
                    name,
                    body: Some(_),
                    ..
                } = *ast.node(d)
                else {
                    continue;
                };
                let fname: Arc<str> = ast.text(name, src).into();
                let id = FuncId::new(fi, d);
                match recv {
                    None => {
                        if &*fname != "init" && &*fname != "_" {
                            index.funcs.entry(fname).or_insert(id);
                        }
                    }
                    Some(r) => {
                        if let Some(t) = receiver_base(ast, src, r) {
                            index.methods.entry((t.into(), fname)).or_insert(id);
                        }
                    }
                }
            }
            for (lit, _) in ast.nodes_of_kind(NodeKind::FuncLit) {
                let caps = free_variables(model, fi, ast, lit);
                index.captured.extend(caps.iter().copied());
                index.captures.insert(FuncId::new(fi, lit), caps.into());
            }
        }
        index
    }

    /// The body a call to `callee` runs, when it is a function or method of
    /// this package with a body.
    pub(crate) fn target(&self, model: &PackageModel<'_>, callee: &Callee) -> Option<FuncId> {
        let own = model.import_path();
        match callee {
            Callee::Func(n) if &*n.pkg == own => self.funcs.get(&n.name).copied(),
            Callee::Method { recv, name } if &*recv.pkg == own => self
                .methods
                .get(&(recv.name.clone(), name.clone()))
                .copied(),
            _ => None,
        }
    }

    pub(crate) fn func(&self, name: &str) -> Option<FuncId> {
        self.funcs.get(name).copied()
    }

    pub(crate) fn method(&self, type_name: &str, name: &str) -> Option<FuncId> {
        self.methods
            .get(&(Arc::from(type_name), Arc::from(name)))
            .copied()
    }

    pub(crate) fn captures(&self, lit: FuncId) -> Arc<[BindingId]> {
        self.captures
            .get(&lit)
            .cloned()
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }

    pub(crate) fn is_captured(&self, b: BindingId) -> bool {
        self.captured.contains(&b)
    }
}

/// The base type name of a receiver list `(c *C[T])`.
pub(crate) fn receiver_base<'s>(ast: &Ast, source: &'s str, fields: NodeId) -> Option<&'s str> {
    let Node::FieldList { list, .. } = *ast.node(fields) else {
        return None;
    };
    let &field = ast.list(list).first()?;
    let Node::Field {
        ty: Some(mut ty), ..
    } = *ast.node(field)
    else {
        return None;
    };
    for _ in 0..8 {
        match *ast.node(ty) {
            Node::StarExpr { x, .. }
            | Node::ParenExpr { x, .. }
            | Node::IndexExpr { x, .. }
            | Node::IndexListExpr { x, .. } => ty = x,
            Node::Ident { .. } => return Some(ast.text(ty, source)),
            _ => return None,
        }
    }
    None
}

/// Local bindings used inside `lit` but declared outside it, in order of
/// first use.
fn free_variables(
    model: &PackageModel<'_>,
    file: usize,
    ast: &Ast,
    lit: NodeId,
) -> Vec<BindingId> {
    let (start, end) = (ast.pos(lit), ast.end(lit));
    let mut out = Vec::new();
    let mut seen = FxHashSet::default();
    for id in ast.walk(lit) {
        if !matches!(ast.node(id), Node::Ident { .. }) {
            continue;
        }
        let Some(b) = model.resolve(file, id) else {
            continue;
        };
        let binding = model.binding(b);
        // Package-level names, builtins, types and labels are not captured.
        if binding.scope.is_none()
            || !matches!(
                binding.kind,
                BindingKind::Var | BindingKind::Param | BindingKind::Result | BindingKind::Receiver
            )
        {
            continue;
        }
        let Some((dfile, decl)) = binding.decl else {
            continue;
        };
        let inside = dfile == file && start <= ast.pos(decl) && ast.pos(decl) < end;
        if !inside && seen.insert(b) {
            out.push(b);
        }
    }
    out
}
