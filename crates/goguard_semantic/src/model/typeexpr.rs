//! Type expressions to light [`Type`]s. The meaning of names is left to a
//! [`TypeNames`]: package summaries resolve them through the file's imports and
//! the package's declarations, the model through its scopes.

use std::sync::{Arc, OnceLock};

use goguard_syntax::ast::{RECV, SEND};
use goguard_syntax::{Ast, Node, NodeId};

use crate::types::{ChanDir, Signature, Type};

/// Deepest type expression converted; deeper parts are Unknown.
pub(crate) const MAX_TYPE_DEPTH: u32 = 64;

/// What names in type expressions denote.
pub(crate) trait TypeNames {
    /// The type an identifier in type position denotes (Unknown if none).
    fn ident(&self, id: NodeId, name: &str) -> Type;
    /// The type `pkg.name` denotes, or None when `pkg` is not a package name.
    fn qualified(&self, pkg: NodeId, pkg_name: &str, name: &str) -> Option<Type>;
}

/// A file's syntax tree with its source, for reading names.
#[derive(Clone, Copy)]
pub(crate) struct Src<'a> {
    pub ast: &'a Ast,
    pub text: &'a str,
}

impl<'a> Src<'a> {
    pub fn name(&self, id: NodeId) -> &'a str {
        ident_text(self.ast, id, self.text)
    }
}

/// An identifier's name; `_` for synthetic identifiers and for spans that
/// are not in the source (a missing package name), "" for other nodes.
pub(crate) fn ident_text<'s>(ast: &Ast, id: NodeId, source: &'s str) -> &'s str {
    match *ast.node(id) {
        Node::Ident {
            synthetic: true, ..
        } => "_",
        Node::Ident { pos, end, .. } => source.get(pos as usize..end as usize).unwrap_or("_"),
        _ => "",
    }
}

/// The type denoted by the type expression `e`.
pub(crate) fn convert(src: Src<'_>, names: &dyn TypeNames, e: NodeId) -> Type {
    conv(src, names, e, 0)
}

fn conv(src: Src<'_>, names: &dyn TypeNames, e: NodeId, depth: u32) -> Type {
    if depth > MAX_TYPE_DEPTH {
        return Type::Unknown;
    }
    let d = depth + 1;
    match *src.ast.node(e) {
        Node::Ident { .. } => names.ident(e, src.name(e)),
        Node::ParenExpr { x, .. } => conv(src, names, x, d),
        Node::SelectorExpr { x, sel } => match src.ast.node(x) {
            Node::Ident { .. } => names
                .qualified(x, src.name(x), src.name(sel))
                .unwrap_or_default(),
            _ => Type::Unknown,
        },
        Node::StarExpr { x, .. } => Type::Pointer(Arc::new(conv(src, names, x, d))),
        Node::ArrayType { len, elt, .. } => {
            let elem = Arc::new(conv(src, names, elt, d));
            if len.is_some() {
                Type::Array(elem)
            } else {
                Type::Slice(elem)
            }
        }
        Node::MapType { key, value, .. } => Type::Map(
            Arc::new(conv(src, names, key, d)),
            Arc::new(conv(src, names, value, d)),
        ),
        Node::ChanType { dir, value, .. } => {
            let dir = match (dir & SEND != 0, dir & RECV != 0) {
                (true, false) => ChanDir::Send,
                (false, true) => ChanDir::Recv,
                _ => ChanDir::Both,
            };
            Type::Chan(dir, Arc::new(conv(src, names, value, d)))
        }
        Node::FuncType { .. } => Type::Func(Arc::new(sig(src, names, e, d))),
        Node::StructType { .. } => Type::Struct,
        Node::InterfaceType { .. } => Type::Interface,
        // A generic type instantiated: type arguments are not kept.
        Node::IndexExpr { x, .. } | Node::IndexListExpr { x, .. } => conv(src, names, x, d),
        Node::Ellipsis { elt: Some(elt), .. } => Type::Slice(Arc::new(conv(src, names, elt, d))),
        _ => Type::Unknown,
    }
}

/// The signature of a FuncType node (receiver not included).
pub(crate) fn signature(src: Src<'_>, names: &dyn TypeNames, func_type: NodeId) -> Signature {
    sig(src, names, func_type, 0)
}

fn sig(src: Src<'_>, names: &dyn TypeNames, func_type: NodeId, depth: u32) -> Signature {
    let mut out = Signature::default();
    let Node::FuncType {
        params, results, ..
    } = *src.ast.node(func_type)
    else {
        return out;
    };
    out.variadic = fields(src, names, params, depth, &mut out.params);
    if let Some(results) = results {
        fields(src, names, results, depth, &mut out.results);
    }
    out
}

/// Appends one type per declared name of a parameter FieldList; returns
/// whether the last one is variadic.
fn fields(
    src: Src<'_>,
    names: &dyn TypeNames,
    list: NodeId,
    depth: u32,
    out: &mut Vec<Type>,
) -> bool {
    let Node::FieldList { list, .. } = *src.ast.node(list) else {
        return false;
    };
    let mut variadic = false;
    for &field in src.ast.list(list) {
        let Node::Field { names: n, ty, .. } = *src.ast.node(field) else {
            continue;
        };
        let t = ty.map_or(Type::Unknown, |t| conv(src, names, t, depth + 1));
        variadic = ty.is_some_and(|t| matches!(src.ast.node(t), Node::Ellipsis { .. }));
        for _ in 0..n.len.max(1) {
            out.push(t.clone());
        }
    }
    variadic
}

/// The base type name of a receiver or embedded field type: `T`, `*T`,
/// `pkg.T`, `T[K]` give the identifier `T`; whether a pointer was stripped.
pub(crate) fn base_type_name(ast: &Ast, mut e: NodeId) -> Option<(NodeId, bool)> {
    let mut pointer = false;
    for _ in 0..MAX_TYPE_DEPTH {
        match *ast.node(e) {
            Node::Ident { .. } => return Some((e, pointer)),
            Node::StarExpr { x, .. } => {
                pointer = true;
                e = x;
            }
            Node::ParenExpr { x, .. }
            | Node::IndexExpr { x, .. }
            | Node::IndexListExpr { x, .. } => e = x,
            Node::SelectorExpr { sel, .. } => e = sel,
            _ => return None,
        }
    }
    None
}

/// The type for an untyped literal's default type.
pub(crate) fn literal_type(kind: goguard_syntax::Tok) -> Type {
    use goguard_syntax::Tok;
    let name = match kind {
        Tok::Int => "int",
        Tok::Float => "float64",
        Tok::Imag => "complex128",
        Tok::Char => "rune",
        Tok::String => "string",
        _ => return Type::Unknown,
    };
    basic(name)
}

/// `Basic(name)`, sharing one allocation per predeclared type name.
pub(crate) fn basic(name: &str) -> Type {
    static SHARED: OnceLock<Vec<Arc<str>>> = OnceLock::new();
    let shared = SHARED.get_or_init(|| {
        super::universe::BUILTIN_TYPES
            .iter()
            .map(|&n| Arc::from(n))
            .collect()
    });
    match shared.iter().find(|n| ***n == *name) {
        Some(n) => Type::Basic(n.clone()),
        None => Type::Basic(name.into()),
    }
}

/// Predeclared type names and the types they denote (`any` and `comparable`
/// are unnamed interfaces, `error` is `Named("", "error")`).
pub(crate) fn predeclared_type(name: &str) -> Option<Type> {
    Some(match name {
        "bool" | "byte" | "complex64" | "complex128" | "float32" | "float64" | "int" | "int8"
        | "int16" | "int32" | "int64" | "rune" | "string" | "uint" | "uint8" | "uint16"
        | "uint32" | "uint64" | "uintptr" => basic(name),
        "error" => Type::named("", "error"),
        "any" | "comparable" => Type::Interface,
        _ => return None,
    })
}
