//! Building a [`PackageModel`]: binds every identifier per the Go spec's
//! scoping rules. Package-level names (all files) are declared first, then
//! each file is walked once in source order with a shadow stack of local
//! scopes, so a local is visible only after its declaration (`x := x` reads
//! the outer x) and `:=` reuses names already declared in the same scope.
//! Binding types are inferred as declarations are met (see `infer`).
//!
//! Here: the build order, the builder's state, name lookup and bindings;
//! `package` (package-level names), `funcs` (functions and labels), `stmts`
//! and `exprs` walk the tree.

use std::sync::Arc;

use goguard_syntax::{List, Node, NodeId};
use rustc_hash::FxHashMap;

mod exprs;
mod funcs;
mod package;
mod stmts;

use super::scope::Scopes;
use super::summary;
use super::typeexpr::{self, Src};
use super::universe::{BUILTIN_FUNCS, BUILTIN_TYPES, BUILTIN_VALUES};
use super::{
    Binding, BindingId, BindingKind, FileIdx, FileInput, PackageModel, Universe, Use, NO_BINDING,
};
use crate::types::Type;

/// Deepest statement/expression nesting walked; deeper parts stay unresolved.
pub(super) const MAX_WALK_DEPTH: u32 = 400;

pub(super) fn build<'a>(
    import_path: &str,
    files: &'a [FileInput<'a>],
    universe: &'a Universe,
) -> PackageModel<'a> {
    let name = files
        .iter()
        .find_map(|f| match *f.parsed.ast().node(f.parsed.root()) {
            Node::File { name, .. } => Some(typeexpr::ident_text(f.parsed.ast(), name, f.source)),
            _ => None,
        })
        .unwrap_or("");
    // An external test package shares its directory's import path but is
    // another package (importing the first): it is `path_test`, as go list names it.
    let xtest;
    let import_path = if name.ends_with("_test") && !import_path.ends_with("_test") {
        xtest = format!("{import_path}_test");
        &xtest
    } else {
        import_path
    };
    // The universe usually holds this package's summary already.
    let own = match universe.packages.get(import_path) {
        Some(s) if *s.name == *name && s.fingerprint() == summary::fingerprint(files) => s.clone(),
        _ => Arc::new(summary::summarize(import_path, name, files, universe)),
    };
    let model = PackageModel {
        import_path: import_path.into(),
        files,
        universe,
        own,
        bindings: Vec::new(),
        res: files
            .iter()
            .map(|f| vec![NO_BINDING; f.parsed.ast().nodes.len()])
            .collect(),
        use_starts: Vec::new(),
        uses: Vec::new(),
        local_types: FxHashMap::default(),
        elided: FxHashMap::default(),
        dot_origin: FxHashMap::default(),
        type_nodes: FxHashMap::default(),
        type_specs: FxHashMap::default(),
    };
    let mut b = Builder {
        m: model,
        scopes: Scopes::default(),
        labels: Vec::new(),
        file: 0,
        src: None,
        universe_names: FxHashMap::default(),
        package: FxHashMap::default(),
        file_names: vec![FxHashMap::default(); files.len()],
        dot_imports: vec![Vec::new(); files.len()],
        dot_cache: FxHashMap::default(),
        uses: Vec::new(),
        depth: 0,
        pkg_vars: Vec::new(),
    };
    b.declare_universe();
    for fi in 0..files.len() {
        b.set_file(fi);
        b.declare_package_level();
    }
    for fi in 0..files.len() {
        b.set_file(fi);
        b.walk_package_values();
    }
    b.infer_package_vars();
    for fi in 0..files.len() {
        b.set_file(fi);
        b.walk_funcs();
    }
    b.finish()
}

/// The labels of one function body.
#[derive(Default)]
pub(super) struct Labels<'a> {
    func: Option<NodeId>,
    names: FxHashMap<&'a str, BindingId>,
    /// Branch statements naming a label not met yet (`goto` forward).
    pending: Vec<NodeId>,
}

struct Builder<'a> {
    m: PackageModel<'a>,
    scopes: Scopes<'a>,
    /// Labels of the enclosing function bodies, innermost last.
    labels: Vec<Labels<'a>>,
    file: FileIdx,
    src: Option<Src<'a>>,
    universe_names: FxHashMap<&'static str, BindingId>,
    package: FxHashMap<&'a str, BindingId>,
    /// Per file: import names.
    file_names: Vec<FxHashMap<&'a str, BindingId>>,
    /// Per file: dot-imported paths.
    dot_imports: Vec<Vec<&'a str>>,
    dot_cache: FxHashMap<(FileIdx, &'a str), Option<BindingId>>,
    /// (binding, file, position, ident) of every use.
    uses: Vec<(u32, u32, u32, NodeId)>,
    depth: u32,
    /// Package-level vars whose type is still unknown: (binding, file,
    /// initializer, tuple index or None for a single value).
    pkg_vars: Vec<(BindingId, FileIdx, NodeId, Option<usize>)>,
}

impl<'a> Builder<'a> {
    fn set_file(&mut self, fi: FileIdx) {
        self.file = fi;
        let f = &self.m.files[fi];
        self.src = Some(Src {
            ast: f.parsed.ast(),
            text: f.source,
        });
    }

    fn src(&self) -> Src<'a> {
        self.src.expect("file set")
    }

    fn name(&self, id: NodeId) -> &'a str {
        self.src().name(id)
    }

    fn list(&self, l: List) -> &'a [NodeId] {
        self.src().ast.list(l)
    }

    fn node(&self, id: NodeId) -> Node {
        *self.src().ast.node(id)
    }

    // ---- bindings ----

    fn add_binding(&mut self, b: Binding) -> BindingId {
        let id = BindingId(self.m.bindings.len() as u32);
        self.m.bindings.push(b);
        id
    }

    fn set_res(&mut self, ident: NodeId, b: BindingId) {
        if let Some(slot) = self.m.res[self.file].get_mut(ident.index()) {
            *slot = b.0;
        }
    }

    fn record_use(&mut self, ident: NodeId, b: BindingId) {
        self.set_res(ident, b);
        let pos = self.src().ast.pos(ident);
        self.uses.push((b.0, self.file as u32, pos, ident));
    }

    /// Declares `ident` in the innermost local scope.
    fn declare_local(&mut self, ident: NodeId, kind: BindingKind, ty: Type) -> Option<BindingId> {
        let name = self.name(ident);
        if name == "_" || !matches!(self.node(ident), Node::Ident { .. }) {
            return None;
        }
        let id = self.add_binding(Binding {
            name: name.into(),
            kind,
            decl: Some((self.file, ident)),
            ty,
            scope: self.scopes.current(),
        });
        self.set_res(ident, id);
        self.scopes.declare(name, id);
        Some(id)
    }

    fn declare_universe(&mut self) {
        let names = BUILTIN_FUNCS
            .iter()
            .chain(BUILTIN_VALUES)
            .map(|&n| (n, BindingKind::Builtin, Type::Unknown))
            .chain(BUILTIN_TYPES.iter().map(|&n| {
                let ty = typeexpr::predeclared_type(n).unwrap_or_default();
                (n, BindingKind::TypeName, ty)
            }));
        for (name, kind, ty) in names.collect::<Vec<_>>() {
            let id = self.add_binding(Binding {
                name: name.into(),
                kind,
                decl: None,
                ty,
                scope: None,
            });
            self.universe_names.insert(name, id);
        }
    }

    /// The binding `name` denotes here: local scopes, the file's imports, the
    /// package, dot imports, the universe.
    fn lookup(&mut self, name: &'a str) -> Option<BindingId> {
        if let Some(b) = self.scopes.lookup(name) {
            return Some(b);
        }
        if let Some(&b) = self.file_names[self.file].get(name) {
            return Some(b);
        }
        if let Some(&b) = self.package.get(name) {
            return Some(b);
        }
        if !self.dot_imports[self.file].is_empty() {
            if let Some(b) = self.dot_lookup(name) {
                return Some(b);
            }
        }
        self.universe_names.get(name).copied()
    }

    /// A name exported by a dot-imported package the universe knows.
    fn dot_lookup(&mut self, name: &'a str) -> Option<BindingId> {
        if let Some(&b) = self.dot_cache.get(&(self.file, name)) {
            return b;
        }
        let mut found = None;
        for &path in &self.dot_imports[self.file] {
            let Some(p) = self.m.universe.package(path) else {
                continue;
            };
            let (kind, ty) = if let Some(sig) = p.func(name) {
                (BindingKind::Func, Type::Func(sig.clone()))
            } else if p.type_decl(name).is_some() {
                (BindingKind::TypeName, self.m.qualified_type(path, name))
            } else if p.var(name).is_some() {
                (BindingKind::Var, self.m.package_member_type(path, name))
            } else if let Some(t) = p.const_type(name) {
                (BindingKind::Const, t.clone())
            } else {
                continue;
            };
            found = Some((kind, ty, path));
            break;
        }
        let b = found.map(|(kind, ty, path)| {
            let id = self.add_binding(Binding {
                name: name.into(),
                kind,
                decl: None,
                ty,
                scope: None,
            });
            self.m.dot_origin.insert(id, path.into());
            id
        });
        self.dot_cache.insert((self.file, name), b);
        b
    }

    fn use_ident(&mut self, ident: NodeId) {
        let name = self.name(ident);
        if name == "_" {
            return;
        }
        if let Some(b) = self.lookup(name) {
            self.record_use(ident, b);
        }
    }

    /// Groups uses by binding (counting sort), each group in file and
    /// source order (the walk's order, nearly sorted already).
    fn finish(mut self) -> PackageModel<'a> {
        let n = self.m.bindings.len();
        let mut starts = vec![0u32; n + 1];
        for &(b, ..) in &self.uses {
            starts[b as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut slots: Vec<(u32, u32, NodeId)> =
            self.uses.iter().map(|&(_, f, p, id)| (f, p, id)).collect();
        for &(b, f, p, ident) in &self.uses {
            let at = &mut next[b as usize];
            slots[*at as usize] = (f, p, ident);
            *at += 1;
        }
        for b in 0..n {
            let group = &mut slots[starts[b] as usize..starts[b + 1] as usize];
            if group
                .windows(2)
                .any(|w| (w[0].0, w[0].1) > (w[1].0, w[1].1))
            {
                group.sort_by_key(|&(f, p, _)| (f, p));
            }
        }
        self.m.uses = slots
            .into_iter()
            .map(|(f, _, ident)| Use {
                file: f as usize,
                ident,
            })
            .collect();
        self.m.use_starts = starts;
        self.m
    }
}

/// The last element of an import path when it is a major version (`v1`).
pub(super) fn version_element(path: &str) -> Option<&str> {
    let last = path.rsplit('/').next()?;
    let digits = last.strip_prefix('v')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(last)
}

/// The type a variable gets from a value of type `t` (nil has none).
pub(super) fn binding_type(t: Type) -> Type {
    match t {
        Type::Nil | Type::Tuple(_) => Type::Unknown,
        t => t,
    }
}
