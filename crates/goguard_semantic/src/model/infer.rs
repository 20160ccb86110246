//! Light type inference over the resolved tree: the type of an expression
//! from its bindings, literals, operators, calls (signatures from this
//! package and the universe's summaries), fields and methods. Anything
//! uncertain is Unknown. Also the types `:=`, `var` and `range` give the
//! names they declare.

use std::sync::Arc;

use goguard_syntax::{Node, NodeId, Tok};

use super::summary::TypeDecl;
use super::typeexpr::{self, Src, TypeNames};
use super::universe::BUILTIN_FUNCS;
use super::{BindingKind, FileIdx, PackageModel, PackageSummary};
use crate::types::{NamedRef, Signature, Type};

/// Deepest expression followed by `type_of`.
pub(super) const MAX_INFER_DEPTH: u32 = 48;

/// Names in type expressions, resolved through the model's bindings.
pub(super) struct ModelNames<'m, 'a> {
    m: &'m PackageModel<'a>,
    file: FileIdx,
}

impl TypeNames for ModelNames<'_, '_> {
    fn ident(&self, id: NodeId, _: &str) -> Type {
        match self.m.resolve(self.file, id).map(|b| self.m.binding(b)) {
            Some(b) if b.kind == BindingKind::TypeName => b.ty.clone(),
            _ => Type::Unknown,
        }
    }

    fn qualified(&self, pkg: NodeId, _: &str, name: &str) -> Option<Type> {
        match &self.m.binding(self.m.resolve(self.file, pkg)?).kind {
            BindingKind::Import { path } => Some(self.m.qualified_type(path, name)),
            _ => None,
        }
    }
}

use typeexpr::basic;

impl<'a> PackageModel<'a> {
    pub(super) fn names(&self, file: FileIdx) -> ModelNames<'_, 'a> {
        ModelNames { m: self, file }
    }

    pub(super) fn src(&self, file: FileIdx) -> Src<'a> {
        let f = &self.files[file];
        Src {
            ast: f.parsed.ast(),
            text: f.source,
        }
    }

    /// The summary of package `path`: this package's own, or the universe's.
    pub(super) fn summary_of(&self, path: &str) -> Option<&PackageSummary> {
        if path == &*self.import_path {
            Some(&self.own)
        } else {
            self.universe.package(path)
        }
    }

    /// The declaration of a named type (aliases followed).
    pub fn type_decl(&self, n: &NamedRef) -> Option<&TypeDecl> {
        let mut n = n.clone();
        for _ in 0..8 {
            let decl = if *n.pkg == *self.import_path {
                self.own
                    .type_decl(&n.name)
                    .or_else(|| self.local_types.get(&n.name))
            } else {
                self.universe.package(&n.pkg)?.type_decl(&n.name)
            }?;
            match &decl.underlying {
                Type::Named(target) if decl.alias => n = target.clone(),
                _ => return Some(decl),
            }
        }
        None
    }

    /// The type `path.name` denotes as a type: the alias target for aliases.
    pub(super) fn qualified_type(&self, path: &str, name: &str) -> Type {
        if let Some(d) = self.summary_of(path).and_then(|p| p.type_decl(name)) {
            if d.alias {
                return d.underlying.clone();
            }
        }
        Type::named(path, name)
    }

    /// The type of `path.name` as an expression: a function's Func type, a
    /// var's or const's type, or the type a type name denotes.
    pub fn package_member_type(&self, path: &str, name: &str) -> Type {
        let Some(p) = self.summary_of(path) else {
            return Type::Unknown;
        };
        if let Some(sig) = p.func(name) {
            return Type::Func(sig.clone());
        }
        if let Some(v) = p.var(name) {
            if !v.ty.is_unknown() {
                return v.ty.clone();
            }
            let Some((f, i)) = &v.init_call else {
                return Type::Unknown;
            };
            let Some(fp) = self.summary_of(&f.pkg) else {
                return Type::Unknown;
            };
            if let Some(sig) = fp.func(&f.name) {
                return sig.results.get(*i).cloned().unwrap_or_default();
            }
            if fp.type_decl(&f.name).is_some() && *i == 0 {
                return self.qualified_type(&f.pkg, &f.name);
            }
            return Type::Unknown;
        }
        if let Some(t) = p.const_type(name) {
            return t.clone();
        }
        if p.type_decl(name).is_some() {
            return self.qualified_type(path, name);
        }
        Type::Unknown
    }

    /// The underlying type: named types replaced by their declaration's
    /// right-hand side until a non-named type (Unknown if not known).
    pub fn underlying(&self, t: &Type) -> Type {
        let mut t = t.clone();
        for _ in 0..16 {
            let Type::Named(n) = &t else {
                return t;
            };
            if n.pkg.is_empty() && &*n.name == "error" {
                return Type::Interface;
            }
            match self.type_decl(n) {
                Some(d) => t = d.underlying.clone(),
                None => return Type::Unknown,
            }
        }
        Type::Unknown
    }

    /// The type a type expression denotes (Unknown parts where unknown).
    pub(super) fn type_of_type_expr(&self, file: FileIdx, e: NodeId) -> Type {
        typeexpr::convert(self.src(file), &self.names(file), e)
    }

    /// The type `e` denotes when `e` is a type expression, else None.
    pub fn type_expr(&self, file: FileIdx, e: NodeId) -> Option<Type> {
        self.type_expr_depth(file, e, 0)
    }

    fn type_expr_depth(&self, file: FileIdx, e: NodeId, depth: u32) -> Option<Type> {
        if depth > MAX_INFER_DEPTH {
            return None;
        }
        let src = self.src(file);
        match *src.ast.node(e) {
            Node::Ident { .. } => {
                let b = self.binding(self.resolve(file, e)?);
                (b.kind == BindingKind::TypeName).then(|| b.ty.clone())
            }
            Node::SelectorExpr { x, sel } => {
                let b = self.binding(self.resolve(file, x)?);
                let BindingKind::Import { path } = &b.kind else {
                    return None;
                };
                let name = src.name(sel);
                self.summary_of(path)?.type_decl(name)?;
                Some(self.qualified_type(path, name))
            }
            Node::ParenExpr { x, .. } => self.type_expr_depth(file, x, depth + 1),
            Node::StarExpr { x, .. } => self
                .type_expr_depth(file, x, depth + 1)
                .map(|t| Type::Pointer(Arc::new(t))),
            Node::IndexExpr { x, .. } | Node::IndexListExpr { x, .. } => {
                self.type_expr_depth(file, x, depth + 1)
            }
            Node::ArrayType { .. }
            | Node::MapType { .. }
            | Node::ChanType { .. }
            | Node::FuncType { .. }
            | Node::StructType { .. }
            | Node::InterfaceType { .. } => Some(self.type_of_type_expr(file, e)),
            _ => None,
        }
    }

    /// The light type of an expression; Unknown when not known.
    pub fn type_of(&self, file: FileIdx, expr: NodeId) -> Type {
        self.type_of_depth(file, expr, 0)
    }

    pub(super) fn type_of_depth(&self, f: FileIdx, e: NodeId, depth: u32) -> Type {
        if depth > MAX_INFER_DEPTH {
            return Type::Unknown;
        }
        let d = depth + 1;
        let src = self.src(f);
        match *src.ast.node(e) {
            Node::Ident { .. } => match self.resolve(f, e) {
                Some(b) => {
                    let b = self.binding(b);
                    match &b.kind {
                        BindingKind::Builtin => match &*b.name {
                            "true" | "false" => basic("bool"),
                            "iota" => basic("int"),
                            "nil" => Type::Nil,
                            _ => Type::Unknown,
                        },
                        BindingKind::Import { .. } | BindingKind::Label => Type::Unknown,
                        _ => b.ty.clone(),
                    }
                }
                None => Type::Unknown,
            },
            Node::BasicLit { kind, .. } => typeexpr::literal_type(kind),
            Node::FuncLit { ty, .. } => {
                Type::Func(Arc::new(typeexpr::signature(src, &self.names(f), ty)))
            }
            Node::CompositeLit { ty, .. } => match ty {
                Some(t) => self.type_of_type_expr(f, t),
                None => self.elided.get(&(f, e)).cloned().unwrap_or_default(),
            },
            Node::ParenExpr { x, .. } => self.type_of_depth(f, x, d),
            Node::SelectorExpr { x, sel } => self.selector_type(f, x, src.name(sel), d),
            Node::IndexExpr { x, .. } | Node::IndexListExpr { x, .. } => {
                if let Some(t) = self.type_expr_depth(f, e, d) {
                    return t;
                }
                let tx = self.type_of_depth(f, x, d);
                match self.underlying(&tx) {
                    Type::Slice(t) | Type::Array(t) | Type::Map(_, t) => (*t).clone(),
                    Type::Pointer(p) => match self.underlying(&p) {
                        Type::Array(t) => (*t).clone(),
                        _ => Type::Unknown,
                    },
                    Type::Basic(b) if &*b == "string" => basic("byte"),
                    // A generic function instantiated.
                    t @ Type::Func(_) => t,
                    _ => Type::Unknown,
                }
            }
            Node::SliceExpr { x, .. } => {
                let tx = self.type_of_depth(f, x, d);
                match self.underlying(&tx) {
                    Type::Array(t) => Type::Slice(t),
                    Type::Pointer(p) => match self.underlying(&p) {
                        Type::Array(t) => Type::Slice(t),
                        _ => Type::Unknown,
                    },
                    Type::Slice(_) | Type::Basic(_) => tx,
                    _ => Type::Unknown,
                }
            }
            Node::TypeAssertExpr { ty: Some(t), .. } => self.type_of_type_expr(f, t),
            Node::CallExpr { .. } => self.call_type(f, e, d),
            Node::StarExpr { x, .. } => {
                if let Some(t) = self.type_expr_depth(f, x, d) {
                    return Type::Pointer(Arc::new(t));
                }
                match self.type_of_depth(f, x, d) {
                    Type::Pointer(p) => (*p).clone(),
                    t => match self.underlying(&t) {
                        Type::Pointer(p) => (*p).clone(),
                        _ => Type::Unknown,
                    },
                }
            }
            Node::UnaryExpr { op, x, .. } => match op {
                Tok::And => match self.type_of_depth(f, x, d) {
                    Type::Unknown => Type::Unknown,
                    t => Type::Pointer(Arc::new(t)),
                },
                Tok::Arrow => match self.underlying(&self.type_of_depth(f, x, d)) {
                    Type::Chan(_, t) => (*t).clone(),
                    _ => Type::Unknown,
                },
                Tok::Not => basic("bool"),
                _ => self.type_of_depth(f, x, d),
            },
            Node::BinaryExpr { .. } => self.binary_type(f, e, d),
            Node::ArrayType { .. }
            | Node::MapType { .. }
            | Node::ChanType { .. }
            | Node::FuncType { .. }
            | Node::StructType { .. }
            | Node::InterfaceType { .. } => self.type_of_type_expr(f, e),
            _ => Type::Unknown,
        }
    }

    /// Comparisons and logical operators give bool; other operators the
    /// type of the left operand (the right one when the left is an untyped
    /// literal). Left-deep chains are followed iteratively.
    fn binary_type(&self, f: FileIdx, e: NodeId, depth: u32) -> Type {
        let ast = self.src(f).ast;
        let mut cur = e;
        for step in 0..4096 {
            if step > 32 {
                // A long chain (`"a" + b + ...`): the operands share a type,
                // so the right operand answers in O(1).
                if let Node::BinaryExpr { y, .. } = *ast.node(cur) {
                    let t = self.type_of_depth(f, y, depth);
                    if !t.is_unknown() {
                        return t;
                    }
                }
            }
            match *ast.node(cur) {
                Node::BinaryExpr { x, op, y, .. } => match op {
                    Tok::Eql
                    | Tok::Neq
                    | Tok::Lss
                    | Tok::Leq
                    | Tok::Gtr
                    | Tok::Geq
                    | Tok::Land
                    | Tok::Lor => return basic("bool"),
                    Tok::Shl | Tok::Shr => cur = x,
                    _ => match (*ast.node(x), *ast.node(y)) {
                        // Untyped constants: the later kind of int, rune, float, complex.
                        (Node::BasicLit { kind: kx, .. }, Node::BasicLit { kind: ky, .. }) => {
                            let rank = |k| {
                                [Tok::Int, Tok::Char, Tok::Float, Tok::Imag]
                                    .iter()
                                    .position(|&r| r == k)
                            };
                            let k = if rank(ky) > rank(kx) { ky } else { kx };
                            return typeexpr::literal_type(k);
                        }
                        (Node::BasicLit { .. }, _) => cur = y,
                        _ => cur = x,
                    },
                },
                _ => return self.type_of_depth(f, cur, depth),
            }
        }
        Type::Unknown
    }

    fn selector_type(&self, f: FileIdx, x: NodeId, name: &str, depth: u32) -> Type {
        if let Some(b) = self.resolve(f, x) {
            if let BindingKind::Import { path } = &self.binding(b).kind {
                return self.package_member_type(path, name);
            }
        }
        if let Some(t) = self.type_expr_depth(f, x, depth) {
            // A method expression `T.M`: the receiver becomes the first parameter.
            return match self.lookup_member(&t, name) {
                Some(super::Member::Method { sig, .. }) => {
                    let mut s = (*sig).clone();
                    s.params.insert(0, t);
                    Type::Func(Arc::new(s))
                }
                _ => Type::Unknown,
            };
        }
        let tx = self.type_of_depth(f, x, depth);
        let member = match tx.deref() {
            Type::Struct => self.anon_member(f, x, name),
            _ => self.lookup_member(&tx, name),
        };
        let t = match member {
            Some(super::Member::Field { ty }) => ty,
            Some(super::Member::Method { sig, .. }) => Type::Func(sig),
            None => return Type::Unknown,
        };
        if has_type_param(&t) {
            self.instantiate(f, x, &tx, t)
        } else {
            t
        }
    }

    fn call_type(&self, f: FileIdx, call: NodeId, depth: u32) -> Type {
        let src = self.src(f);
        let Node::CallExpr { fun, args, .. } = *src.ast.node(call) else {
            return Type::Unknown;
        };
        let fun = strip_parens(src, fun);
        if let Some(t) = self.type_expr_depth(f, fun, depth) {
            return t;
        }
        let args = src.ast.list(args);
        if let Node::Ident { .. } = src.ast.node(fun) {
            if let Some(b) = self.resolve(f, fun) {
                let b = self.binding(b);
                if b.kind == BindingKind::Builtin && BUILTIN_FUNCS.contains(&&*b.name) {
                    return self.builtin_result(f, &b.name, args, depth);
                }
            }
        }
        match self.underlying(&self.type_of_depth(f, fun, depth)) {
            Type::Func(sig) => self.results(f, &sig, args, depth),
            _ => Type::Unknown,
        }
    }

    fn builtin_result(&self, f: FileIdx, name: &str, args: &[NodeId], depth: u32) -> Type {
        let arg = |i: usize| args.get(i).copied();
        match name {
            "len" | "cap" | "copy" => basic("int"),
            "make" => arg(0)
                .and_then(|a| self.type_expr_depth(f, a, depth))
                .unwrap_or_default(),
            "new" => match arg(0) {
                Some(a) => match self.type_expr_depth(f, a, depth) {
                    Some(t) => Type::Pointer(Arc::new(t)),
                    // Go 1.26 `new(expr)`.
                    None => match self.type_of_depth(f, a, depth) {
                        Type::Unknown => Type::Unknown,
                        t => Type::Pointer(Arc::new(t)),
                    },
                },
                None => Type::Unknown,
            },
            "append" | "min" | "max" => arg(0)
                .map(|a| self.type_of_depth(f, a, depth))
                .unwrap_or_default(),
            "complex" => basic("complex128"),
            "real" | "imag" => basic("float64"),
            "recover" => Type::Interface,
            _ => Type::Tuple(Arc::from(Vec::new())),
        }
    }

    /// The value of a call: its single result, or a tuple. Type parameters
    /// in results are replaced by the argument types they unify with.
    fn results(&self, f: FileIdx, sig: &Signature, args: &[NodeId], depth: u32) -> Type {
        let mut results: Vec<Type> = sig.results.clone();
        if results.iter().any(has_type_param) {
            let mut subst = Vec::new();
            for (i, p) in sig.params.iter().enumerate() {
                let Some(&a) = args.get(i) else { break };
                if has_type_param(p) {
                    let at = self.type_of_depth(f, a, depth);
                    unify(p, &at, &mut subst, 0);
                }
            }
            for r in &mut results {
                *r = substitute(r, &subst, 0);
            }
        }
        match results.len() {
            1 => results.pop().unwrap_or_default(),
            _ => Type::Tuple(Arc::from(results)),
        }
    }

    /// The types of `n` names declared from the values `rhs` (`:=`, `var`):
    /// one per value, the items of a single tuple-valued call, or the
    /// comma-ok forms (`v, ok := m[k]`, `x.(T)`, `<-ch`).
    pub(super) fn rhs_types(&self, f: FileIdx, n: usize, rhs: &[NodeId]) -> Vec<Type> {
        if rhs.len() == n {
            return rhs
                .iter()
                .map(|&r| super::resolve::binding_type(self.type_of(f, r)))
                .collect();
        }
        let [r] = rhs else {
            return vec![Type::Unknown; n];
        };
        let src = self.src(f);
        let r = strip_parens(src, *r);
        let comma_ok = matches!(
            src.ast.node(r),
            Node::IndexExpr { .. }
                | Node::TypeAssertExpr { .. }
                | Node::UnaryExpr { op: Tok::Arrow, .. }
        );
        let t = self.type_of(f, r);
        if comma_ok && n == 2 {
            return vec![super::resolve::binding_type(t), basic("bool")];
        }
        (0..n)
            .map(|i| super::resolve::binding_type(t.tuple_item(i)))
            .collect()
    }

    /// Key and value types of `for k, v := range x` over a value of type `t`.
    pub(super) fn range_types(&self, t: &Type) -> (Type, Type) {
        let int = || basic("int");
        match self.underlying(t) {
            Type::Slice(e) | Type::Array(e) => (int(), (*e).clone()),
            Type::Pointer(p) => match self.underlying(&p) {
                Type::Array(e) => (int(), (*e).clone()),
                _ => Default::default(),
            },
            Type::Basic(b) if &*b == "string" => (int(), basic("rune")),
            Type::Basic(_) => (t.clone(), Type::Unknown),
            Type::Map(k, v) => ((*k).clone(), (*v).clone()),
            Type::Chan(_, e) => ((*e).clone(), Type::Unknown),
            Type::Func(sig) => match sig.params.first().map(|y| self.underlying(y)) {
                Some(Type::Func(yield_)) => (
                    yield_.params.first().cloned().unwrap_or_default(),
                    yield_.params.get(1).cloned().unwrap_or_default(),
                ),
                _ => Default::default(),
            },
            _ => Default::default(),
        }
    }
}

pub(super) fn strip_parens(src: Src<'_>, mut e: NodeId) -> NodeId {
    for _ in 0..MAX_INFER_DEPTH {
        match *src.ast.node(e) {
            Node::ParenExpr { x, .. } => e = x,
            _ => break,
        }
    }
    e
}

fn has_type_param(t: &Type) -> bool {
    fn go(t: &Type, depth: u32) -> bool {
        if depth > 8 {
            return false;
        }
        match t {
            Type::TypeParam(_) => true,
            Type::Pointer(x) | Type::Slice(x) | Type::Array(x) | Type::Chan(_, x) => {
                go(x, depth + 1)
            }
            Type::Map(k, v) => go(k, depth + 1) || go(v, depth + 1),
            Type::Func(s) => s.params.iter().chain(&s.results).any(|x| go(x, depth + 1)),
            _ => false,
        }
    }
    go(t, 0)
}

/// Binds type parameters of `p` to the matching parts of `a`.
fn unify(p: &Type, a: &Type, out: &mut Vec<(Arc<str>, Type)>, depth: u32) {
    if depth > 8 || a.is_unknown() {
        return;
    }
    match (p, a) {
        (Type::TypeParam(n), a)
            if !out.iter().any(|(m, _)| m == n) && !matches!(a, Type::Nil | Type::Tuple(_)) =>
        {
            out.push((n.clone(), a.clone()));
        }
        (Type::Pointer(x), Type::Pointer(y))
        | (Type::Slice(x), Type::Slice(y))
        | (Type::Array(x), Type::Array(y))
        | (Type::Chan(_, x), Type::Chan(_, y)) => unify(x, y, out, depth + 1),
        (Type::Map(k1, v1), Type::Map(k2, v2)) => {
            unify(k1, k2, out, depth + 1);
            unify(v1, v2, out, depth + 1);
        }
        (Type::Func(s1), Type::Func(s2)) => {
            for (x, y) in s1.params.iter().zip(&s2.params) {
                unify(x, y, out, depth + 1);
            }
            for (x, y) in s1.results.iter().zip(&s2.results) {
                unify(x, y, out, depth + 1);
            }
        }
        _ => {}
    }
}

pub(super) fn substitute(t: &Type, s: &[(Arc<str>, Type)], depth: u32) -> Type {
    if depth > 8 {
        return t.clone();
    }
    let sub = |x: &Arc<Type>| Arc::new(substitute(x, s, depth + 1));
    match t {
        Type::TypeParam(n) => s
            .iter()
            .find(|(m, _)| m == n)
            .map_or_else(|| t.clone(), |(_, x)| x.clone()),
        Type::Pointer(x) => Type::Pointer(sub(x)),
        Type::Slice(x) => Type::Slice(sub(x)),
        Type::Array(x) => Type::Array(sub(x)),
        Type::Chan(dir, x) => Type::Chan(*dir, sub(x)),
        Type::Map(k, v) => Type::Map(sub(k), sub(v)),
        Type::Func(f) => Type::Func(Arc::new(Signature {
            params: f
                .params
                .iter()
                .map(|x| substitute(x, s, depth + 1))
                .collect(),
            results: f
                .results
                .iter()
                .map(|x| substitute(x, s, depth + 1))
                .collect(),
            variadic: f.variadic,
        })),
        t => t.clone(),
    }
}
