//! Package summaries: the package-level declarations of a package (funcs,
//! types with fields and methods, vars, consts) as light types, with names
//! resolved through each file's imports to import paths. Summaries are what
//! a model knows of the other packages of the universe.

use std::cell::Cell;
use std::sync::Arc;

use goguard_syntax::{Node, NodeId, Tok};
use rustc_hash::FxHashMap;

use super::typeexpr::{self, Src, TypeNames};
use super::universe::package_name_of;
use super::{FileInput, PackageSummary, Universe};
use crate::types::{NamedRef, Signature, Type};

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

/// How names of one file resolve while summarizing.
struct FileNames<'s> {
    pkg: &'s PkgInfo<'s>,
    file: usize,
    /// Type parameters in scope (of the declaration being summarized).
    type_params: Vec<&'s str>,
    /// Guards alias expansion against cycles.
    alias_depth: &'s Cell<u32>,
}

/// What the summarizer knows of the whole package before converting types.
struct PkgInfo<'s> {
    import_path: &'s str,
    files: &'s [FileInput<'s>],
    /// Per file: import name -> path (dot and blank imports left out).
    imports: Vec<FxHashMap<&'s str, &'s str>>,
    /// Type name -> (file, TypeSpec).
    types: FxHashMap<&'s str, (usize, NodeId)>,
}

impl<'s> FileNames<'s> {
    fn src(&self) -> Src<'s> {
        let f = &self.pkg.files[self.file];
        Src {
            ast: f.parsed.ast(),
            text: f.source,
        }
    }
}

impl TypeNames for FileNames<'_> {
    fn ident(&self, _: NodeId, name: &str) -> Type {
        if self.type_params.contains(&name) {
            return Type::TypeParam(name.into());
        }
        if let Some(&(file, spec)) = self.pkg.types.get(name) {
            let src = FileNames {
                pkg: self.pkg,
                file,
                type_params: Vec::new(),
                alias_depth: self.alias_depth,
            };
            let s = src.src();
            if let Node::TypeSpec { assign, ty, .. } = *s.ast.node(spec) {
                if assign != goguard_syntax::NO_POS {
                    let depth = self.alias_depth.get();
                    if depth > 16 {
                        return Type::Unknown;
                    }
                    self.alias_depth.set(depth + 1);
                    let t = typeexpr::convert(s, &src, ty);
                    self.alias_depth.set(depth);
                    return t;
                }
            }
            return Type::named(self.pkg.import_path, name);
        }
        typeexpr::predeclared_type(name).unwrap_or_default()
    }

    fn qualified(&self, _: NodeId, pkg_name: &str, name: &str) -> Option<Type> {
        let path = self.pkg.imports[self.file].get(pkg_name)?;
        Some(Type::named(path, name))
    }
}

/// Import name -> path for one file: explicit names, else the universe's
/// package name, else a guess from the path. When a qualifier matches no
/// import name, [`fallback_import`] is tried.
fn file_imports<'s>(f: &FileInput<'s>, known: &'s Universe) -> FxHashMap<&'s str, &'s str> {
    let mut out = FxHashMap::default();
    let ast = f.parsed.ast();
    let Node::File { decls, .. } = *ast.node(f.parsed.root()) else {
        return out;
    };
    for &d in ast.list(decls) {
        let Node::GenDecl {
            tok: Tok::Import,
            specs,
            ..
        } = *ast.node(d)
        else {
            continue;
        };
        for &s in ast.list(specs) {
            let Node::ImportSpec { name, path, .. } = *ast.node(s) else {
                continue;
            };
            let path = import_path_text(ast.text(path, f.source));
            let name = match name {
                Some(n) => ast.ident_name(n, f.source),
                None => match package_name_of(known, path) {
                    Some(n) => n,
                    None => continue,
                },
            };
            if name != "_" && name != "." {
                out.insert(name, path);
            }
        }
    }
    out
}

/// The path of an import spec's literal, without quotes.
pub(crate) fn import_path_text(lit: &str) -> &str {
    lit.trim_matches(|c| c == '"' || c == '`')
}

/// Builds the summary of a package; `known` supplies the real names of
/// imported packages (else they are guessed from the path).
pub(crate) fn summarize<'s>(
    import_path: &'s str,
    name: &str,
    files: &'s [FileInput<'s>],
    known: &'s Universe,
) -> PackageSummary {
    let mut info = PkgInfo {
        import_path,
        files,
        imports: files.iter().map(|f| file_imports(f, known)).collect(),
        types: FxHashMap::default(),
    };
    for (fi, f) in files.iter().enumerate() {
        for_each_spec(f, Tok::Type, |spec| {
            if let Node::TypeSpec { name, .. } = *f.parsed.ast().node(spec) {
                let n = f.parsed.ast().ident_name(name, f.source);
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
                                let decl = type_decl(src, &names(tps), ty, assign);
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
    for (base, m) in methods {
        if let Some(t) = inner.types.get_mut(base) {
            t.methods.push(m);
        }
    }
    PackageSummary {
        import_path: import_path.into(),
        name: name.into(),
        inner,
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

/// The names declared by a FieldList (type parameters).
pub(crate) fn field_list_names<'s>(src: Src<'s>, list: Option<NodeId>) -> Vec<&'s str> {
    let mut out = Vec::new();
    let Some(Node::FieldList { list, .. }) = list.map(|l| *src.ast.node(l)) else {
        return out;
    };
    for &field in src.ast.list(list) {
        if let Node::Field { names, .. } = *src.ast.node(field) {
            out.extend(src.ast.list(names).iter().map(|&n| src.name(n)));
        }
    }
    out
}

fn type_param_names<'s>(src: Src<'s>, func_type: NodeId) -> Vec<&'s str> {
    match *src.ast.node(func_type) {
        Node::FuncType { type_params, .. } => field_list_names(src, type_params),
        _ => Vec::new(),
    }
}

/// The receiver's base type name and whether it is a pointer; adds the
/// receiver's type parameters (`func (l *List[T])`) to `tps`.
fn receiver_base<'s>(
    src: Src<'s>,
    recv: NodeId,
    tps: &mut Vec<&'s str>,
) -> Option<(&'s str, bool)> {
    let Node::FieldList { list, .. } = *src.ast.node(recv) else {
        return None;
    };
    let &field = src.ast.list(list).first()?;
    let Node::Field { ty: Some(ty), .. } = *src.ast.node(field) else {
        return None;
    };
    receiver_type_params(src, ty, tps);
    let (id, pointer) = typeexpr::base_type_name(src.ast, ty)?;
    Some((src.name(id), pointer))
}

/// Adds the type parameter names of a receiver type `*T[K, V]` to `tps`.
pub(crate) fn receiver_type_params<'s>(src: Src<'s>, ty: NodeId, tps: &mut Vec<&'s str>) {
    let mut e = ty;
    for _ in 0..8 {
        match *src.ast.node(e) {
            Node::StarExpr { x, .. } | Node::ParenExpr { x, .. } => e = x,
            Node::IndexExpr { index, .. } => {
                if let Node::Ident { .. } = src.ast.node(index) {
                    tps.push(src.name(index));
                }
                return;
            }
            Node::IndexListExpr { indices, .. } => {
                for &i in src.ast.list(indices) {
                    if let Node::Ident { .. } = src.ast.node(i) {
                        tps.push(src.name(i));
                    }
                }
                return;
            }
            _ => return,
        }
    }
}

/// The declaration of a type spec's right-hand side `ty`.
pub(crate) fn type_decl(
    src: Src<'_>,
    names: &dyn TypeNames,
    ty: NodeId,
    assign: goguard_syntax::Pos,
) -> TypeDecl {
    let mut decl = TypeDecl {
        alias: assign != goguard_syntax::NO_POS,
        ..TypeDecl::default()
    };
    let mut e = ty;
    for _ in 0..8 {
        match *src.ast.node(e) {
            Node::ParenExpr { x, .. } => e = x,
            _ => break,
        }
    }
    match *src.ast.node(e) {
        Node::StructType { fields, .. } => {
            decl.underlying = Type::Struct;
            let Node::FieldList { list, .. } = *src.ast.node(fields) else {
                return decl;
            };
            for &field in src.ast.list(list) {
                let Node::Field {
                    names: fnames,
                    ty: Some(fty),
                    ..
                } = *src.ast.node(field)
                else {
                    continue;
                };
                let t = typeexpr::convert(src, names, fty);
                if fnames.is_empty() {
                    if let Some((id, _)) = typeexpr::base_type_name(src.ast, fty) {
                        decl.fields.push(FieldDecl {
                            name: src.name(id).into(),
                            ty: t,
                            embedded: true,
                        });
                    }
                } else {
                    for &n in src.ast.list(fnames) {
                        decl.fields.push(FieldDecl {
                            name: src.name(n).into(),
                            ty: t.clone(),
                            embedded: false,
                        });
                    }
                }
            }
        }
        Node::InterfaceType { methods, .. } => {
            decl.underlying = Type::Interface;
            let Node::FieldList { list, .. } = *src.ast.node(methods) else {
                return decl;
            };
            for &field in src.ast.list(list) {
                let Node::Field {
                    names: fnames,
                    ty: Some(fty),
                    ..
                } = *src.ast.node(field)
                else {
                    continue;
                };
                match src.ast.list(fnames).first() {
                    Some(&n) => decl.methods.push(MethodDecl {
                        name: src.name(n).into(),
                        sig: Arc::new(typeexpr::signature(src, names, fty)),
                        pointer_recv: false,
                    }),
                    None => {
                        let t = typeexpr::convert(src, names, fty);
                        if t.named_ref().is_some() {
                            decl.embeds.push(t);
                        }
                    }
                }
            }
        }
        _ => decl.underlying = typeexpr::convert(src, names, e),
    }
    decl
}

/// The type of a simple package-level initializer: literals, composite
/// literals, func literals, calls of this package's functions, conversions
/// to this package's types, unary and binary operators over those.
fn init_type(src: Src<'_>, names: &FileNames<'_>, inner: &Inner, e: NodeId, depth: u32) -> Type {
    if depth > 16 {
        return Type::Unknown;
    }
    match *src.ast.node(e) {
        Node::BasicLit { kind, .. } => typeexpr::literal_type(kind),
        Node::Ident { .. } => match src.name(e) {
            "true" | "false" => Type::Basic("bool".into()),
            "iota" => Type::Basic("int".into()),
            _ => Type::Unknown,
        },
        Node::CompositeLit { ty: Some(t), .. } => typeexpr::convert(src, names, t),
        Node::FuncLit { ty, .. } => Type::Func(Arc::new(typeexpr::signature(src, names, ty))),
        Node::ParenExpr { x, .. } => init_type(src, names, inner, x, depth + 1),
        Node::UnaryExpr {
            op: Tok::And, x, ..
        } => match init_type(src, names, inner, x, depth + 1) {
            Type::Unknown => Type::Unknown,
            t => Type::pointer_to(t),
        },
        Node::UnaryExpr { op: Tok::Not, .. } => Type::Basic("bool".into()),
        Node::UnaryExpr { x, .. } => init_type(src, names, inner, x, depth + 1),
        Node::BinaryExpr { x, op, y, .. } => match op {
            Tok::Eql
            | Tok::Neq
            | Tok::Lss
            | Tok::Leq
            | Tok::Gtr
            | Tok::Geq
            | Tok::Land
            | Tok::Lor => Type::Basic("bool".into()),
            _ => {
                let (tx, ty) = (
                    init_type(src, names, inner, x, depth + 1),
                    init_type(src, names, inner, y, depth + 1),
                );
                // An untyped literal operand takes the other operand's type.
                if matches!(src.ast.node(x), Node::BasicLit { .. }) && !ty.is_unknown() {
                    ty
                } else {
                    tx
                }
            }
        },
        Node::CallExpr { fun, .. } => match *src.ast.node(fun) {
            Node::Ident { .. } => {
                let n = src.name(fun);
                if let Some(sig) = inner.funcs.get(n) {
                    return match sig.results.as_slice() {
                        [one] => one.clone(),
                        _ => Type::Unknown,
                    };
                }
                match names.ident(fun, n) {
                    Type::Unknown => Type::Unknown,
                    t => t,
                }
            }
            Node::ArrayType { .. } | Node::MapType { .. } | Node::StarExpr { .. } => {
                typeexpr::convert(src, names, fun)
            }
            Node::ParenExpr { x, .. } => typeexpr::convert(src, names, x),
            _ => Type::Unknown,
        },
        _ => Type::Unknown,
    }
}

/// `pkg.F(...)` as (the function, result index), for later resolution.
fn init_call(
    src: Src<'_>,
    names: &FileNames<'_>,
    e: NodeId,
    i: usize,
) -> Option<(NamedRef, usize)> {
    let Node::CallExpr { fun, .. } = *src.ast.node(e) else {
        return None;
    };
    let Node::SelectorExpr { x, sel } = *src.ast.node(fun) else {
        return None;
    };
    if !matches!(src.ast.node(x), Node::Ident { .. }) {
        return None;
    }
    let path = names.pkg.imports[names.file].get(src.name(x))?;
    Some((NamedRef::new(path, src.name(sel)), i))
}
