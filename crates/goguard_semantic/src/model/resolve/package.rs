//! Package-level names: imports, declarations of every file (visible in
//! the whole package regardless of order), and the types of package-level
//! vars and consts from their initializers.

use goguard_syntax::{List, Node, NodeId, Tok};

use super::Builder;
use std::sync::Arc;

use super::{binding_type, version_element};
use crate::model::summary::import_path_text;
use crate::model::typeexpr;
use crate::model::{Binding, BindingKind, Type};

impl<'a> Builder<'a> {
    pub(super) fn decls(&self) -> &'a [NodeId] {
        let src = self.src();
        match *src.ast.node(self.m.files[self.file].parsed.root()) {
            Node::File { decls, .. } => src.ast.list(decls),
            _ => &[],
        }
    }

    pub(super) fn declare_package_level(&mut self) {
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
                            Node::TypeSpec { name, ty: rhs, .. } => {
                                let tname = self.name(name);
                                let ip = self.m.import_path.clone();
                                let ty = self.m.qualified_type(&ip, tname);
                                self.declare_package(name, BindingKind::TypeName, ty);
                                self.m
                                    .type_specs
                                    .entry(tname.into())
                                    .or_insert((self.file, rhs));
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

    pub(super) fn declare_package(&mut self, ident: NodeId, kind: BindingKind, ty: Type) {
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

    pub(super) fn declare_import(&mut self, name: Option<NodeId>, path: NodeId) {
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
                // `k8s.io/api/core/v1` guessed as `core` may well be named `v1`.
                if let Some(alt) = name
                    .is_none()
                    .then(|| version_element(path_text))
                    .flatten()
                    .filter(|_| self.m.universe.package(path_text).is_none())
                {
                    self.file_names[self.file].entry(alt).or_insert(id);
                }
            }
        }
    }

    /// Resolves the types and initializers of package-level var, const and
    /// type declarations.
    pub(super) fn walk_package_values(&mut self) {
        for &d in self.decls() {
            let Node::GenDecl { tok, specs, .. } = self.node(d) else {
                continue;
            };
            // A const spec without values repeats the previous one's.
            let mut prev_values = List::default();
            for &s in self.list(specs) {
                match self.node(s) {
                    Node::ValueSpec {
                        names, ty, values, ..
                    } => {
                        let repeated = if tok == Tok::Const && values.is_empty() && ty.is_none() {
                            prev_values
                        } else {
                            prev_values = values;
                            values
                        };
                        let expected = ty.map(|t| {
                            self.expr(t);
                            self.m.type_of(self.file, t)
                        });
                        let expected = expected.unwrap_or_default();
                        for &v in self.list(values) {
                            self.value(v, &expected);
                        }
                        let (names, values) = (self.list(names), self.list(repeated));
                        for (i, &n) in names.iter().enumerate() {
                            let b = self.m.resolve(self.file, n);
                            let value = values.get(i).filter(|_| values.len() == names.len());
                            self.m.remember_type_node(b, self.file, ty, value.copied());
                        }
                        if ty.is_some() {
                            continue;
                        }
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

    /// Types package-level vars and consts from their initializers (twice,
    /// so one initialized from another declared later gets a type too).
    pub(super) fn infer_package_vars(&mut self) {
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

    pub(super) fn walk_funcs(&mut self) {
        for &d in self.decls() {
            if let Node::FuncDecl { .. } = self.node(d) {
                self.func_decl(d);
            }
        }
    }
}
