//! Package summaries: the package-level declarations of a package (funcs,
//! types with fields and methods, vars, consts) as light types, with names
//! resolved through each file's imports to import paths. Summaries are what
//! a model knows of the other packages of the universe.

use std::cell::Cell;
use std::sync::Arc;

use goguard_syntax::{Node, NodeId, Tok};
use rustc_hash::FxHashMap;

use super::typeexpr::{self, Src};
use super::{FileInput, PackageSummary, Universe};
use crate::types::{NamedRef, Signature, Type};

mod decls;
mod init;
mod names;
mod noreturn;

pub(crate) use decls::{field_list_names, receiver_type_params, type_decl};
use decls::{receiver_base, type_param_names};
use init::{init_call, init_type};
pub(crate) use names::import_path_text;
use names::{file_imports, FileNames, PkgInfo};

/// A declared type.
#[derive(Debug, Clone, Default)]
pub struct TypeDecl {
    /// The type on the right of the declaration: `Struct`, `Interface`, or
    /// another type (`type Celsius float64` has `Basic("float64")`); for an
    /// alias, the aliased type.
    pub underlying: Type,
    /// `type A = B`.
    pub alias: bool,
    /// Struct fields in declaration order.
    pub fields: Vec<FieldDecl>,
    /// Declared methods; for an interface, its own (not embedded) methods.
    pub methods: Vec<MethodDecl>,
    /// Interfaces embedded in an interface.
    pub embeds: Vec<Type>,
    /// Type parameter names of a generic type, in order.
    pub type_params: Vec<Arc<str>>,
}

impl TypeDecl {
    pub fn is_interface(&self) -> bool {
        matches!(self.underlying, Type::Interface)
    }
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct FieldDecl {
    /// The field name; for an embedded field, its type's name.
    pub name: Arc<str>,
    pub ty: Type,
    pub embedded: bool,
}

/// A method of a named type or an interface.
#[derive(Debug, Clone)]
pub struct MethodDecl {
    pub name: Arc<str>,
    pub sig: Arc<Signature>,
    pub pointer_recv: bool,
}

/// A package-level variable.
#[derive(Debug, Clone, Default)]
pub struct VarDecl {
    pub ty: Type,
    /// `var v = pkg.F(...)` (the i-th result) when the type could not be read
    /// from the declaration: resolved against the universe on lookup.
    pub init_call: Option<(NamedRef, usize)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Inner {
    pub funcs: FxHashMap<Arc<str>, Arc<Signature>>,
    pub types: FxHashMap<Arc<str>, TypeDecl>,
    pub vars: FxHashMap<Arc<str>, VarDecl>,
    pub consts: FxHashMap<Arc<str>, Type>,
    /// Package-level functions that never return (see [`noreturn`]).
    pub never_returns: rustc_hash::FxHashSet<Arc<str>>,
    /// Methods that never return: (receiver base type, method).
    pub never_returns_methods: rustc_hash::FxHashSet<(Arc<str>, Arc<str>)>,
    /// Identifies the files summarized (see [`fingerprint`]).
    pub fingerprint: u64,
}

impl PackageSummary {
    /// The signature of package-level function `name`.
    pub fn func(&self, name: &str) -> Option<&Arc<Signature>> {
        self.inner.funcs.get(name)
    }

    /// The declaration of type `name`.
    pub fn type_decl(&self, name: &str) -> Option<&TypeDecl> {
        self.inner.types.get(name)
    }

    /// The declared type of package-level variable `name` (see [`VarDecl`]).
    pub fn var(&self, name: &str) -> Option<&VarDecl> {
        self.inner.vars.get(name)
    }

    /// The type of package-level constant `name`.
    pub fn const_type(&self, name: &str) -> Option<&Type> {
        self.inner.consts.get(name)
    }

    /// True when package-level function `name` never returns to its caller
    /// (it always panics, exits or stops the test on every path).
    pub fn func_never_returns(&self, name: &str) -> bool {
        self.inner.never_returns.contains(name)
    }

    /// True when method `method` declared on type `type_name` never returns.
    pub fn method_never_returns(&self, type_name: &str, method: &str) -> bool {
        self.inner
            .never_returns_methods
            .contains(&(Arc::from(type_name), Arc::from(method)))
    }

    /// Names of all package-level functions, types, vars and consts.
    pub fn names(&self) -> impl Iterator<Item = &Arc<str>> + '_ {
        let i = &self.inner;
        i.funcs
            .keys()
            .chain(i.types.keys())
            .chain(i.vars.keys())
            .chain(i.consts.keys())
    }
}

/// Builds the summary of a package; `known` supplies the real names of
/// imported packages (else they are guessed from the path).
pub(crate) fn summarize<'s>(
    import_path: &'s str,
    name: &str,
    files: &'s [FileInput<'s>],
    known: &'s Universe,
) -> PackageSummary {
    let (imports, dot_imports) = files.iter().map(|f| file_imports(f, known)).unzip();
    let mut info = PkgInfo {
        import_path,
        files,
        imports,
        dot_imports,
        types: FxHashMap::default(),
        known,
    };
    for (fi, f) in files.iter().enumerate() {
        for_each_spec(f, Tok::Type, |spec| {
            if let Node::TypeSpec { name, .. } = *f.parsed.ast().node(spec) {
                let n = typeexpr::ident_text(f.parsed.ast(), name, f.source);
                if n != "_" {
                    info.types.entry(n).or_insert((fi, spec));
                }
            }
        });
    }
    let info = &info;
    let alias_depth = Cell::new(0);
    let mut inner = Inner::default();
    let mut methods: Vec<(&str, MethodDecl)> = Vec::new();
    let mut retry: Vec<(usize, bool, &str, NodeId)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let names = |type_params| FileNames {
            pkg: info,
            file: fi,
            type_params,
            alias_depth: &alias_depth,
        };
        let src = Src {
            ast: f.parsed.ast(),
            text: f.source,
        };
        let Node::File { decls, .. } = *src.ast.node(f.parsed.root()) else {
            continue;
        };
        for &d in src.ast.list(decls) {
            match *src.ast.node(d) {
                Node::FuncDecl { recv, name, ty, .. } => {
                    let fname = src.name(name);
                    if fname == "_" {
                        continue;
                    }
                    let mut tps = type_param_names(src, ty);
                    let recv_base = recv.and_then(|r| receiver_base(src, r, &mut tps));
                    let sig = Arc::new(typeexpr::signature(src, &names(tps), ty));
                    match recv {
                        None => {
                            if fname != "init" {
                                inner.funcs.insert(fname.into(), sig);
                            }
                        }
                        Some(_) => {
                            if let Some((base, pointer_recv)) = recv_base {
                                methods.push((
                                    base,
                                    MethodDecl {
                                        name: fname.into(),
                                        sig,
                                        pointer_recv,
                                    },
                                ));
                            }
                        }
                    }
                }
                Node::GenDecl { tok, specs, .. } => {
                    let mut prev: Option<(Option<NodeId>, goguard_syntax::List)> = None;
                    for (iota, &s) in src.ast.list(specs).iter().enumerate() {
                        let _ = iota;
                        match *src.ast.node(s) {
                            Node::TypeSpec {
                                name,
                                type_params,
                                ty,
                                assign,
                                ..
                            } => {
                                let tname = src.name(name);
                                if tname == "_" || inner.types.contains_key(tname) {
                                    continue;
                                }
                                let tps = field_list_names(src, type_params);
                                let params = tps.iter().map(|&n| n.into()).collect();
                                let mut decl = type_decl(src, &names(tps), ty, assign);
                                decl.type_params = params;
                                inner.types.insert(tname.into(), decl);
                            }
                            Node::ValueSpec {
                                names: vnames,
                                ty,
                                values,
                                ..
                            } => {
                                let (ty, values) =
                                    if tok == Tok::Const && ty.is_none() && values.is_empty() {
                                        prev.unwrap_or((None, values))
                                    } else {
                                        (ty, values)
                                    };
                                if tok == Tok::Const {
                                    prev = Some((ty, values));
                                }
                                let fnames = names(Vec::new());
                                let declared = ty.map(|t| typeexpr::convert(src, &fnames, t));
                                let values = src.ast.list(values);
                                for (i, &n) in src.ast.list(vnames).iter().enumerate() {
                                    let vname = src.name(n);
                                    if vname == "_" {
                                        continue;
                                    }
                                    let mut var = VarDecl::default();
                                    if let Some(t) = &declared {
                                        var.ty = t.clone();
                                    } else if values.len() == 1 && vnames.len > 1 {
                                        var.init_call = init_call(src, &fnames, values[0], i);
                                    } else if let Some(&v) = values.get(i) {
                                        var.ty = init_type(src, &fnames, &inner, v, 0);
                                        if var.ty.is_unknown() {
                                            var.init_call = init_call(src, &fnames, v, 0);
                                            retry.push((fi, tok == Tok::Const, vname, v));
                                        }
                                    }
                                    if tok == Tok::Const {
                                        inner.consts.insert(vname.into(), var.ty);
                                    } else {
                                        inner.vars.insert(vname.into(), var);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // Initializers naming consts and vars declared later (or in another file).
    for _ in 0..2 {
        for &(fi, is_const, vname, v) in &retry {
            let f = &files[fi];
            let src = Src {
                ast: f.parsed.ast(),
                text: f.source,
            };
            let fnames = FileNames {
                pkg: info,
                file: fi,
                type_params: Vec::new(),
                alias_depth: &alias_depth,
            };
            let t = init_type(src, &fnames, &inner, v, 0);
            if t.is_unknown() {
                continue;
            }
            if is_const {
                inner.consts.insert(vname.into(), t);
            } else if let Some(var) = inner.vars.get_mut(vname) {
                var.ty = t;
            }
        }
    }
    for (base, m) in methods {
        if let Some(t) = inner.types.get_mut(base) {
            t.methods.push(m);
        }
    }
    let param_type = |fi: usize, t: NodeId| {
        let f = &files[fi];
        let src = Src {
            ast: f.parsed.ast(),
            text: f.source,
        };
        let fnames = FileNames {
            pkg: info,
            file: fi,
            type_params: Vec::new(),
            alias_depth: &alias_depth,
        };
        typeexpr::convert(src, &fnames, t)
    };
    noreturn::compute(
        import_path,
        files,
        &info.imports,
        known,
        &mut inner,
        &param_type,
    );
    inner.fingerprint = fingerprint(files);
    PackageSummary {
        import_path: import_path.into(),
        name: name.into(),
        inner,
    }
}

/// A cheap identity of a file set (paths and source lengths), so a model
/// can reuse the universe's summary of its own package when it was built
/// from the same files.
pub(crate) fn fingerprint(files: &[FileInput<'_>]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for f in files {
        f.path.hash(&mut h);
        f.source.len().hash(&mut h);
    }
    h.finish()
}

impl PackageSummary {
    pub(crate) fn fingerprint(&self) -> u64 {
        self.inner.fingerprint
    }
}

/// Calls `f` with every spec of the file's `tok` declarations.
fn for_each_spec(f: &FileInput<'_>, tok: Tok, mut each: impl FnMut(NodeId)) {
    let ast = f.parsed.ast();
    let Node::File { decls, .. } = *ast.node(f.parsed.root()) else {
        return;
    };
    for &d in ast.list(decls) {
        if let Node::GenDecl { tok: t, specs, .. } = *ast.node(d) {
            if t == tok {
                ast.list(specs).iter().for_each(|&s| each(s));
            }
        }
    }
}
