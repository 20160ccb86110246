//! Building a [`PackageModel`]: binds every identifier per the Go spec's
//! scoping rules. Package-level names (all files) are declared first, then
//! each file is walked once in source order with a shadow stack of local
//! scopes, so a local is visible only after its declaration (`x := x` reads
//! the outer x) and `:=` reuses names already declared in the same scope.
//! Binding types are inferred as declarations are met (see `infer`).

use std::sync::Arc;

use goguard_syntax::{List, Node, NodeId, Tok};
use rustc_hash::FxHashMap;

use super::scope::Scopes;
use super::summary::{self, import_path_text};
use super::typeexpr::{self, Src};
use super::universe::{BUILTIN_FUNCS, BUILTIN_TYPES, BUILTIN_VALUES};
use super::{
    Binding, BindingId, BindingKind, FileIdx, FileInput, PackageModel, Universe, Use, NO_BINDING,
};
use crate::types::Type;

/// Deepest statement/expression nesting walked; deeper parts stay unresolved.
const MAX_WALK_DEPTH: u32 = 400;

pub(super) fn build<'a>(
    import_path: &str,
    files: &'a [FileInput<'a>],
    universe: &'a Universe,
) -> PackageModel<'a> {
    let name = files
        .iter()
        .find_map(|f| match *f.parsed.ast().node(f.parsed.root()) {
            Node::File { name, .. } => Some(f.parsed.ast().ident_name(name, f.source)),
            _ => None,
        })
        .unwrap_or("");
    let own = summary::summarize(import_path, name, files, universe);
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

struct Builder<'a> {
    m: PackageModel<'a>,
    scopes: Scopes<'a>,
    /// Labels of the enclosing function bodies, innermost last.
    labels: Vec<FxHashMap<&'a str, BindingId>>,
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

    // ---- package level ----

    fn decls(&self) -> &'a [NodeId] {
        let src = self.src();
        match *src.ast.node(self.m.files[self.file].parsed.root()) {
            Node::File { decls, .. } => src.ast.list(decls),
            _ => &[],
        }
    }

    fn declare_package_level(&mut self) {
        let fi = self.file;
        for &d in self.decls() {
            match self.node(d) {
                Node::GenDecl { tok, specs, .. } => {
                    for &s in self.list(specs) {
                        match self.node(s) {
                            Node::ImportSpec { name, path, .. } => self.declare_import(name, path),
                            Node::ValueSpec { names, .. } => {
                                for &n in self.list(names) {
                                    let vname = self.name(n);
                                    let (kind, ty) = if tok == Tok::Const {
                                        let t = self.m.own.const_type(vname).cloned();
                                        (BindingKind::Const, t.unwrap_or_default())
                                    } else {
                                        let ip = self.m.import_path.clone();
                                        (BindingKind::Var, self.m.package_member_type(&ip, vname))
                                    };
                                    self.declare_package(n, kind, ty);
                                }
                            }
                            Node::TypeSpec { name, .. } => {
                                let tname = self.name(name);
                                let ip = self.m.import_path.clone();
                                let ty = self.m.qualified_type(&ip, tname);
                                self.declare_package(name, BindingKind::TypeName, ty);
                            }
                            _ => {}
                        }
                    }
                }
                Node::FuncDecl { recv, name, ty, .. } => {
                    let fname = self.name(name);
                    let sig = match recv {
                        None => self.m.own.func(fname).cloned(),
                        Some(_) => None,
                    };
                    let sig = sig.unwrap_or_else(|| {
                        let names = self.m.names(fi);
                        Arc::new(typeexpr::signature(self.src(), &names, ty))
                    });
                    let fty = Type::Func(sig);
                    if recv.is_some() || fname == "init" {
                        // Methods and init functions are not in any scope.
                        if fname != "_" {
                            let id = self.add_binding(Binding {
                                name: fname.into(),
                                kind: BindingKind::Func,
                                decl: Some((fi, name)),
                                ty: fty,
                                scope: None,
                            });
                            self.set_res(name, id);
                        }
                    } else {
                        self.declare_package(name, BindingKind::Func, fty);
                    }
                }
                _ => {}
            }
        }
    }

    fn declare_package(&mut self, ident: NodeId, kind: BindingKind, ty: Type) {
        let name = self.name(ident);
        if name == "_" {
            return;
        }
        let id = self.add_binding(Binding {
            name: name.into(),
            kind,
            decl: Some((self.file, ident)),
            ty,
            scope: None,
        });
        self.set_res(ident, id);
        self.package.entry(name).or_insert(id);
    }

    fn declare_import(&mut self, name: Option<NodeId>, path: NodeId) {
        let src = self.src();
        let path_text = import_path_text(src.ast.text(path, src.text));
        let (bound, decl) = match name {
            Some(n) => (self.name(n), n),
            None => (self.m.universe.package_name(path_text), path),
        };
        match bound {
            "_" | "" => {}
            "." => self.dot_imports[self.file].push(path_text),
            _ => {
                let id = self.add_binding(Binding {
                    name: bound.into(),
                    kind: BindingKind::Import {
                        path: path_text.into(),
                    },
                    decl: Some((self.file, decl)),
                    ty: Type::Unknown,
                    scope: None,
                });
                if name.is_some() {
                    self.set_res(decl, id);
                }
                self.file_names[self.file].insert(bound, id);
            }
        }
    }

    /// Resolves the types and initializers of package-level var, const and
    /// type declarations.
    fn walk_package_values(&mut self) {
        for &d in self.decls() {
            let Node::GenDecl { tok, specs, .. } = self.node(d) else {
                continue;
            };
            for &s in self.list(specs) {
                match self.node(s) {
                    Node::ValueSpec {
                        names, ty, values, ..
                    } => {
                        let expected = ty.map(|t| {
                            self.expr(t);
                            self.m.type_of(self.file, t)
                        });
                        let expected = expected.unwrap_or_default();
                        for &v in self.list(values) {
                            self.value(v, &expected);
                        }
                        if tok != Tok::Var || ty.is_some() {
                            continue;
                        }
                        let (names, values) = (self.list(names), self.list(values));
                        for (i, &n) in names.iter().enumerate() {
                            let Some(b) = self.m.resolve(self.file, n) else {
                                continue;
                            };
                            if !self.m.binding(b).ty.is_unknown() {
                                continue;
                            }
                            let init = if values.len() == names.len() {
                                values.get(i).map(|&v| (v, None))
                            } else {
                                values.first().map(|&v| (v, Some(i)))
                            };
                            if let Some((v, idx)) = init {
                                self.pkg_vars.push((b, self.file, v, idx));
                            }
                        }
                    }
                    Node::TypeSpec { .. } => self.type_spec(s, false),
                    _ => {}
                }
            }
        }
    }

    /// Types package-level vars from their initializers (twice, so a var
    /// initialized from another var declared later gets a type too).
    fn infer_package_vars(&mut self) {
        for _ in 0..2 {
            for i in 0..self.pkg_vars.len() {
                let (b, fi, v, idx) = self.pkg_vars[i];
                if !self.m.bindings[b.0 as usize].ty.is_unknown() {
                    continue;
                }
                let t = self.m.type_of(fi, v);
                let t = match idx {
                    Some(i) => t.tuple_item(i),
                    None => t,
                };
                self.m.bindings[b.0 as usize].ty = binding_type(t);
            }
        }
    }

    fn walk_funcs(&mut self) {
        for &d in self.decls() {
            if let Node::FuncDecl { .. } = self.node(d) {
                self.func_decl(d);
            }
        }
    }

    // ---- functions ----

    fn func_decl(&mut self, d: NodeId) {
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

    fn receiver(&mut self, recv: NodeId) {
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
                self.declare_local(n, BindingKind::Receiver, t.clone());
            }
        }
    }

    fn declare_type_param(&mut self, ident: NodeId) {
        if let Node::Ident { .. } = self.node(ident) {
            let ty = Type::TypeParam(self.name(ident).into());
            self.declare_local(ident, BindingKind::TypeName, ty);
        }
    }

    /// Declares type parameters, parameters and results of a FuncType in
    /// the current (function) scope.
    fn signature(&mut self, ty: NodeId) {
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
                    declared.push((n, kind.clone(), t.clone()));
                }
            }
        }
        for (n, kind, t) in declared {
            self.declare_local(n, kind, t);
        }
    }

    /// Declares the type parameters of a FieldList, then resolves their constraints.
    fn type_params(&mut self, list: NodeId) {
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

    /// A function body: labels first (they have function scope), then the
    /// statements, in the function's own scope.
    fn body(&mut self, body: NodeId) {
        let Node::BlockStmt { list, .. } = self.node(body) else {
            return;
        };
        let mut labels = FxHashMap::default();
        self.collect_labels(list, &mut labels, 0);
        self.labels.push(labels);
        for &s in self.list(list) {
            self.stmt(s);
        }
        self.labels.pop();
    }

    fn collect_labels(&mut self, list: List, out: &mut FxHashMap<&'a str, BindingId>, depth: u32) {
        for &s in self.list(list) {
            self.collect_label(s, out, depth + 1);
        }
    }

    fn collect_label(&mut self, s: NodeId, out: &mut FxHashMap<&'a str, BindingId>, depth: u32) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match self.node(s) {
            Node::LabeledStmt { label, stmt, .. } => {
                let name = self.name(label);
                if name != "_" && !out.contains_key(name) {
                    let id = self.add_binding(Binding {
                        name: name.into(),
                        kind: BindingKind::Label,
                        decl: Some((self.file, label)),
                        ty: Type::Unknown,
                        scope: self.scopes.current(),
                    });
                    self.set_res(label, id);
                    out.insert(name, id);
                }
                self.collect_label(stmt, out, depth + 1);
            }
            Node::BlockStmt { list, .. }
            | Node::CaseClause { body: list, .. }
            | Node::CommClause { body: list, .. } => self.collect_labels(list, out, depth),
            Node::IfStmt { body, else_, .. } => {
                self.collect_label(body, out, depth + 1);
                if let Some(e) = else_ {
                    self.collect_label(e, out, depth + 1);
                }
            }
            Node::ForStmt { body, .. }
            | Node::RangeStmt { body, .. }
            | Node::SwitchStmt { body, .. }
            | Node::TypeSwitchStmt { body, .. }
            | Node::SelectStmt { body, .. } => self.collect_label(body, out, depth + 1),
            _ => {}
        }
    }

    fn func_lit(&mut self, e: NodeId, ty: NodeId, body: NodeId) {
        self.scopes.push(e);
        self.signature(ty);
        self.body(body);
        self.scopes.pop();
    }

    // ---- statements ----

    fn enter(&mut self) -> bool {
        self.depth += 1;
        self.depth <= MAX_WALK_DEPTH
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn stmts(&mut self, list: List) {
        for &s in self.list(list) {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: NodeId) {
        if self.enter() {
            self.stmt_inner(s);
        }
        self.leave();
    }

    fn stmt_inner(&mut self, s: NodeId) {
        match self.node(s) {
            Node::DeclStmt { decl } => self.local_decl(decl),
            Node::LabeledStmt { stmt, .. } => self.stmt(stmt),
            Node::ExprStmt { x } | Node::IncDecStmt { x, .. } => self.expr(x),
            Node::SendStmt { chan, value, .. } => {
                self.expr(chan);
                self.expr(value);
            }
            Node::AssignStmt { lhs, tok, rhs, .. } => self.assign(lhs, tok, rhs),
            Node::GoStmt { call, .. } | Node::DeferStmt { call, .. } => self.expr(call),
            Node::ReturnStmt { results, .. } => {
                for &r in self.list(results) {
                    self.expr(r);
                }
            }
            Node::BranchStmt {
                label: Some(label), ..
            } => {
                let name = self.name(label);
                if let Some(&b) = self.labels.last().and_then(|l| l.get(name)) {
                    self.record_use(label, b);
                }
            }
            Node::BlockStmt { list, .. } => {
                self.scopes.push(s);
                self.stmts(list);
                self.scopes.pop();
            }
            Node::IfStmt {
                init,
                cond,
                body,
                else_,
                ..
            } => {
                self.scopes.push(s);
                if let Some(i) = init {
                    self.stmt(i);
                }
                self.expr(cond);
                self.stmt(body);
                if let Some(e) = else_ {
                    self.stmt(e);
                }
                self.scopes.pop();
            }
            Node::SwitchStmt {
                init, tag, body, ..
            } => {
                self.scopes.push(s);
                if let Some(i) = init {
                    self.stmt(i);
                }
                if let Some(t) = tag {
                    self.expr(t);
                }
                self.clauses(body);
                self.scopes.pop();
            }
            Node::TypeSwitchStmt {
                init, assign, body, ..
            } => self.type_switch(s, init, assign, body),
            Node::SelectStmt { body, .. } => self.clauses(body),
            Node::ForStmt {
                init,
                cond,
                post,
                body,
                ..
            } => {
                self.scopes.push(s);
                if let Some(i) = init {
                    self.stmt(i);
                }
                if let Some(c) = cond {
                    self.expr(c);
                }
                if let Some(p) = post {
                    self.stmt(p);
                }
                self.stmt(body);
                self.scopes.pop();
            }
            Node::RangeStmt {
                key,
                value,
                tok,
                x,
                body,
                ..
            } => {
                self.scopes.push(s);
                self.expr(x);
                if tok == Tok::Define {
                    let xt = self.m.type_of(self.file, x);
                    let (kt, vt) = self.m.range_types(&xt);
                    if let Some(k) = key {
                        self.declare_local(k, BindingKind::Var, kt);
                    }
                    if let Some(v) = value {
                        self.declare_local(v, BindingKind::Var, vt);
                    }
                } else {
                    if let Some(k) = key {
                        self.expr(k);
                    }
                    if let Some(v) = value {
                        self.expr(v);
                    }
                }
                self.stmt(body);
                self.scopes.pop();
            }
            _ => {}
        }
    }

    /// The case or comm clauses of a switch or select body, each its own scope.
    fn clauses(&mut self, body: NodeId) {
        let Node::BlockStmt { list, .. } = self.node(body) else {
            return;
        };
        for &c in self.list(list) {
            match self.node(c) {
                Node::CaseClause { list, body, .. } => {
                    self.scopes.push(c);
                    for &e in self.list(list) {
                        self.expr(e);
                    }
                    self.stmts(body);
                    self.scopes.pop();
                }
                Node::CommClause { comm, body, .. } => {
                    self.scopes.push(c);
                    if let Some(comm) = comm {
                        self.stmt(comm);
                    }
                    self.stmts(body);
                    self.scopes.pop();
                }
                _ => self.stmt(c),
            }
        }
    }

    /// `switch v := x.(type)`: v is declared once per clause, with the
    /// clause's type when it lists exactly one, else x's type.
    fn type_switch(&mut self, s: NodeId, init: Option<NodeId>, assign: NodeId, body: NodeId) {
        self.scopes.push(s);
        if let Some(i) = init {
            self.stmt(i);
        }
        let (var, guard) = match self.node(assign) {
            Node::AssignStmt { lhs, rhs, .. } => {
                let (l, r) = (self.list(lhs), self.list(rhs));
                let var = l
                    .first()
                    .copied()
                    .filter(|&v| l.len() == 1 && matches!(self.node(v), Node::Ident { .. }));
                (var, r.first().copied())
            }
            Node::ExprStmt { x } => (None, Some(x)),
            _ => (None, None),
        };
        let mut x_type = Type::Unknown;
        if let Some(g) = guard {
            match self.node(g) {
                Node::TypeAssertExpr { x, .. } => {
                    self.expr(x);
                    x_type = self.m.type_of(self.file, x);
                }
                _ => self.expr(g),
            }
        }
        let Node::BlockStmt { list, .. } = self.node(body) else {
            self.scopes.pop();
            return;
        };
        let mut first = true;
        for &c in self.list(list) {
            let Node::CaseClause { list, body, .. } = self.node(c) else {
                continue;
            };
            self.scopes.push(c);
            let types = self.list(list);
            for &t in types {
                self.expr(t);
            }
            if let Some(v) = var {
                let ty = match types {
                    [one] if self.name(*one) != "nil" => self.m.type_of_type_expr(self.file, *one),
                    _ => x_type.clone(),
                };
                let keep = if first {
                    None
                } else {
                    Some(self.m.res[self.file][v.index()])
                };
                self.declare_local(v, BindingKind::Var, ty);
                if let Some(prev) = keep {
                    // The identifier resolves to the first clause's binding.
                    self.m.res[self.file][v.index()] = prev;
                }
                first = false;
            }
            self.stmts(body);
            self.scopes.pop();
        }
        self.scopes.pop();
    }

    fn assign(&mut self, lhs: List, tok: Tok, rhs: List) {
        if tok != Tok::Define {
            for &l in self.list(lhs) {
                self.expr(l);
            }
            for &r in self.list(rhs) {
                self.expr(r);
            }
            return;
        }
        for &r in self.list(rhs) {
            self.expr(r);
        }
        let lhs = self.list(lhs);
        let types = self.m.rhs_types(self.file, lhs.len(), self.list(rhs));
        for (i, &l) in lhs.iter().enumerate() {
            if !matches!(self.node(l), Node::Ident { .. }) {
                self.expr(l);
                continue;
            }
            let name = self.name(l);
            if name == "_" {
                continue;
            }
            match self.scopes.in_current(name) {
                Some(b) => self.record_use(l, b),
                None => {
                    let t = types.get(i).cloned().unwrap_or_default();
                    self.declare_local(l, BindingKind::Var, t);
                }
            }
        }
    }

    fn local_decl(&mut self, decl: NodeId) {
        let Node::GenDecl { tok, specs, .. } = self.node(decl) else {
            return;
        };
        let mut prev_const: Option<(Option<NodeId>, List)> = None;
        for &s in self.list(specs) {
            match self.node(s) {
                Node::ValueSpec {
                    names, ty, values, ..
                } => {
                    let mut own_values = values;
                    let (ty, values) = if tok == Tok::Const && ty.is_none() && values.is_empty() {
                        own_values = List::default();
                        prev_const.unwrap_or((None, values))
                    } else {
                        if tok == Tok::Const {
                            prev_const = Some((ty, values));
                        }
                        (ty, values)
                    };
                    let declared = ty.map(|t| {
                        if tok != Tok::Const || !own_values.is_empty() {
                            self.expr(t);
                        }
                        self.m.type_of_type_expr(self.file, t)
                    });
                    let expected = declared.clone().unwrap_or_default();
                    for &v in self.list(own_values) {
                        self.value(v, &expected);
                    }
                    let names = self.list(names);
                    let types = match &declared {
                        Some(t) => vec![t.clone(); names.len()],
                        None => self.m.rhs_types(self.file, names.len(), self.list(values)),
                    };
                    let kind = if tok == Tok::Const {
                        BindingKind::Const
                    } else {
                        BindingKind::Var
                    };
                    for (i, &n) in names.iter().enumerate() {
                        let t = types.get(i).cloned().unwrap_or_default();
                        self.declare_local(n, kind.clone(), t);
                    }
                }
                Node::TypeSpec { .. } => self.type_spec(s, true),
                _ => {}
            }
        }
    }

    /// A type declaration: local ones declare their name first (it is in
    /// scope in its own definition), then type parameters, then the type.
    fn type_spec(&mut self, s: NodeId, local: bool) {
        let Node::TypeSpec {
            name,
            type_params,
            assign,
            ty,
            ..
        } = self.node(s)
        else {
            return;
        };
        let tname = self.name(name);
        let b = if local {
            let ip = self.m.import_path.clone();
            let t = Type::named(&ip, tname);
            self.declare_local(name, BindingKind::TypeName, t)
        } else {
            None
        };
        if let Some(tps) = type_params {
            self.scopes.push(s);
            self.type_params(tps);
        }
        self.expr(ty);
        if local {
            let names = self.m.names(self.file);
            let decl = summary::type_decl(self.src(), &names, ty, assign);
            if decl.alias {
                if let Some(b) = b {
                    self.m.bindings[b.0 as usize].ty = decl.underlying.clone();
                }
            } else if tname != "_"
                && self.m.own.type_decl(tname).is_none()
                && !self.m.local_types.contains_key(tname)
            {
                self.m.local_types.insert(tname.into(), decl);
            }
        }
        if type_params.is_some() {
            self.scopes.pop();
        }
    }

    // ---- expressions ----

    /// An expression whose expected type is known (for composite literals
    /// with elided types).
    fn value(&mut self, e: NodeId, expected: &Type) {
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

    fn composite(&mut self, e: NodeId, expected: Type) {
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

    fn expr(&mut self, e: NodeId) {
        if self.enter() {
            self.expr_inner(e);
        }
        self.leave();
    }

    fn expr_inner(&mut self, e: NodeId) {
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
    fn field_types(&mut self, list: NodeId) {
        let Node::FieldList { list, .. } = self.node(list) else {
            return;
        };
        for &field in self.list(list) {
            if let Node::Field { ty: Some(t), .. } = self.node(field) {
                self.expr(t);
            }
        }
    }

    fn finish(mut self) -> PackageModel<'a> {
        self.uses.sort_unstable_by_key(|&(b, f, p, _)| (b, f, p));
        let n = self.m.bindings.len();
        let mut starts = Vec::with_capacity(n + 1);
        let mut uses = Vec::with_capacity(self.uses.len());
        let mut i = 0;
        for b in 0..n as u32 {
            starts.push(uses.len() as u32);
            while i < self.uses.len() && self.uses[i].0 == b {
                let (_, f, _, ident) = self.uses[i];
                uses.push(Use {
                    file: f as usize,
                    ident,
                });
                i += 1;
            }
        }
        starts.push(uses.len() as u32);
        self.m.use_starts = starts;
        self.m.uses = uses;
        self.m
    }
}

/// The type a variable gets from a value of type `t` (nil has none).
pub(super) fn binding_type(t: Type) -> Type {
    match t {
        Type::Nil | Type::Tuple(_) => Type::Unknown,
        t => t,
    }
}
