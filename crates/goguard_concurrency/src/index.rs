//! The package's function bodies by name: package functions, methods by
//! receiver type, and the free variables of every function literal.

use std::sync::Arc;

use goguard_semantic::model::{BindingId, BindingKind, Callee, PackageModel};
use goguard_syntax::{Ast, Node, NodeId, NodeKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::ir::FuncId;

/// Where the package's functions are.
#[derive(Debug)]
pub(crate) struct FuncIndex {
    funcs: FxHashMap<Arc<str>, FuncId>,
    methods: FxHashMap<(Arc<str>, Arc<str>), FuncId>,
    /// Names of the functions and methods whose body makes a channel, a
    /// WaitGroup, a Cond or a cancellable context (or calls another such
    /// function by name): only calls of these names can return something
    /// made that the model follows.
    producer_names: FxHashSet<Arc<str>>,
}

impl FuncIndex {
    pub(crate) fn build(model: &PackageModel<'_>) -> FuncIndex {
        let mut index = FuncIndex {
            funcs: FxHashMap::default(),
            methods: FxHashMap::default(),
            producer_names: FxHashSet::default(),
        };
        // Bodies that make something followed, by name; then, a few rounds,
        // bodies calling those names.
        let mut bodies: Vec<(Arc<str>, usize, NodeId)> = Vec::new();
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
                if let Node::FuncDecl { body: Some(b), .. } = *ast.node(d) {
                    bodies.push((fname.clone(), fi, b));
                }
                match recv {
                    None => {
                        if &*fname != "init" && &*fname != "_" {
                            index.funcs.entry(fname).or_insert(id);
                        }
                    }
                    Some(r) => {
                        if let Some(t) = goguard_semantic::model::receiver_type_name(ast, src, r) {
                            index.methods.entry((t.into(), fname)).or_insert(id);
                        }
                    }
                }
            }
        }
        // Which body each call of a file lies in, by position: the bodies
        // of a file do not overlap.
        let mut calls_by_body: Vec<Vec<(Option<&str>, bool)>> = vec![Vec::new(); bodies.len()];
        for (fi, file) in model.files().iter().enumerate() {
            let ast = file.parsed.ast();
            let mut spans: Vec<(u32, u32, usize)> = bodies
                .iter()
                .enumerate()
                .filter(|(_, (_, bfi, _))| *bfi == fi)
                .map(|(i, (_, _, b))| (ast.pos(*b), ast.end(*b), i))
                .collect();
            if spans.is_empty() {
                continue;
            }
            spans.sort_unstable();
            for (n, node) in ast.nodes() {
                let entry = match *node {
                    Node::CallExpr { fun, .. } => {
                        let called = call_name(ast, file.source, fun);
                        let makes = matches!(
                            called,
                            Some("make" | "NewCond" | "WithCancel" | "WithCancelCause")
                        ) && makes_followed(ast, n);
                        (called, makes)
                    }
                    Node::CompositeLit { ty: Some(t), .. } => {
                        (None, ast.text(t, file.source).ends_with("WaitGroup"))
                    }
                    _ => continue,
                };
                let pos = ast.pos(n);
                let i = spans.partition_point(|&(start, _, _)| start <= pos);
                if i == 0 {
                    continue;
                }
                let (_, end, body) = spans[i - 1];
                if pos < end {
                    calls_by_body[body].push(entry);
                }
            }
        }
        for round in 0..4 {
            let mut added = false;
            for (i, (name, _, _)) in bodies.iter().enumerate() {
                if index.producer_names.contains(name) {
                    continue;
                }
                let hit = calls_by_body[i].iter().any(|&(called, makes)| {
                    makes || called.is_some_and(|c| index.producer_names.contains(c))
                });
                if hit {
                    index.producer_names.insert(name.clone());
                    added = true;
                }
            }
            if !added {
                break;
            }
            let _ = round;
        }
        index
    }

    /// True when a call's name is that of a function or method that may
    /// return something made that the model follows.
    pub(crate) fn may_produce(&self, ast: &Ast, source: &str, fun: NodeId) -> bool {
        call_name(ast, source, fun).is_some_and(|n| self.producer_names.contains(n))
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

    /// The method `name` declared on the package's type `ty`.
    pub(crate) fn method(&self, ty: &Arc<str>, name: &Arc<str>) -> Option<FuncId> {
        self.methods.get(&(ty.clone(), name.clone())).copied()
    }

    pub(crate) fn func(&self, name: &str) -> Option<FuncId> {
        self.funcs.get(name).copied()
    }
}

/// The free variables of a file's function literals: computed once per file
/// (on first need) from its identifiers and parent links.
#[derive(Default)]
pub(crate) struct Captures {
    /// Local bindings declared outside each literal and used inside, in
    /// order of first use.
    by_lit: FxHashMap<NodeId, Arc<[BindingId]>>,
    /// Bindings captured by some literal.
    captured: FxHashSet<BindingId>,
}

impl Captures {
    pub(crate) fn build(
        model: &PackageModel<'_>,
        file: usize,
        parent: &dyn Fn(NodeId) -> Option<NodeId>,
    ) -> Captures {
        let f = &model.files()[file];
        let ast = f.parsed.ast();
        let mut by_lit: FxHashMap<NodeId, Vec<BindingId>> = FxHashMap::default();
        let mut out = Captures::default();
        if ast.nodes_of_kind(NodeKind::FuncLit).next().is_none() {
            return out;
        }
        for (id, node) in ast.nodes() {
            if !matches!(node, Node::Ident { .. }) {
                continue;
            }
            let Some(b) = model.resolve(file, id) else {
                continue;
            };
            let binding = model.binding(b);
            if binding.scope.is_none()
                || !matches!(
                    binding.kind,
                    BindingKind::Var
                        | BindingKind::Param
                        | BindingKind::Result
                        | BindingKind::Receiver
                )
            {
                continue;
            }
            let Some((dfile, decl)) = binding.decl else {
                continue;
            };
            if dfile != file || decl == id {
                continue;
            }
            let decl_pos = ast.pos(decl);
            // Every literal between the use and the declaration captures it.
            let mut n = id;
            for _ in 0..10_000 {
                let Some(p) = parent(n) else {
                    break;
                };
                match ast.node(p) {
                    Node::FuncLit { .. } => {
                        if ast.pos(p) <= decl_pos && decl_pos < ast.end(p) {
                            break;
                        }
                        let caps = by_lit.entry(p).or_default();
                        if !caps.contains(&b) {
                            caps.push(b);
                        }
                        out.captured.insert(b);
                    }
                    Node::FuncDecl { .. } => break,
                    _ => {}
                }
                n = p;
            }
        }
        out.by_lit = by_lit.into_iter().map(|(k, v)| (k, v.into())).collect();
        out
    }

    pub(crate) fn of(&self, lit: NodeId) -> Arc<[BindingId]> {
        self.by_lit
            .get(&lit)
            .cloned()
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }

    pub(crate) fn is_captured(&self, b: BindingId) -> bool {
        self.captured.contains(&b)
    }
}

/// The name a call calls: `f` in `f(x)`, `m` in `x.m(y)`.
fn call_name<'s>(ast: &Ast, source: &'s str, fun: NodeId) -> Option<&'s str> {
    match *ast.node(fun) {
        Node::Ident { .. } => Some(ast.text(fun, source)),
        Node::SelectorExpr { sel, .. } => Some(ast.text(sel, source)),
        Node::ParenExpr { x, .. } => call_name(ast, source, x),
        _ => None,
    }
}

/// True for `make(chan ...)` and the constructors of followed objects.
fn makes_followed(ast: &Ast, call: NodeId) -> bool {
    let Node::CallExpr { fun, args, .. } = *ast.node(call) else {
        return false;
    };
    match *ast.node(fun) {
        Node::Ident { .. } => ast
            .list(args)
            .first()
            .is_some_and(|&a| matches!(ast.node(a), Node::ChanType { .. })),
        _ => true,
    }
}
