//! Light types: what goguard knows about the type of a declaration or an
//! expression without type-checking dependencies.
//!
//! Types are built from declarations (vars, params, results, fields), from
//! the results of calls to functions whose signature is known (same module,
//! or the curated standard-library stubs in `stdlib/`), and from literals.
//! Anything else is [`Type::Unknown`]: rules must treat Unknown as "could be
//! anything" and stay silent rather than guess.

use std::sync::Arc;

/// A named type: a package's import path ("" for predeclared types such as
/// `error`) and the type's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamedRef {
    pub pkg: Arc<str>,
    pub name: Arc<str>,
}

impl NamedRef {
    pub fn new(pkg: &str, name: &str) -> NamedRef {
        NamedRef {
            pkg: pkg.into(),
            name: name.into(),
        }
    }

    /// True for `pkg.name`, e.g. `is("net/http", "Response")`.
    pub fn is(&self, pkg: &str, name: &str) -> bool {
        &*self.pkg == pkg && &*self.name == name
    }
}

/// Direction of a channel type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

/// A function signature. Parameter and result names are not kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Signature {
    pub params: Vec<Type>,
    pub results: Vec<Type>,
    /// The last parameter is `...T` (its type here is `[]T`).
    pub variadic: bool,
}

/// A light type. Structural equality; `Unknown` is never equal to a known type
/// for the purpose of rules (use the `is_*` helpers, which return false on Unknown).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Type {
    /// Not known to goguard.
    #[default]
    Unknown,
    /// A predeclared basic type: bool, string, int, float64, byte, rune,
    /// uintptr, any... (`error` is `Named("", "error")`).
    Basic(Arc<str>),
    /// The type of the `nil` literal.
    Nil,
    Named(NamedRef),
    /// A type parameter of a generic function or type, by name.
    TypeParam(Arc<str>),
    Pointer(Arc<Type>),
    Slice(Arc<Type>),
    Array(Arc<Type>),
    Map(Arc<Type>, Arc<Type>),
    Chan(ChanDir, Arc<Type>),
    Func(Arc<Signature>),
    /// An unnamed struct type literal (fields are looked up through the model).
    Struct,
    /// An unnamed interface type literal.
    Interface,
    /// The results of a call returning several values.
    Tuple(Arc<[Type]>),
}

impl Type {
    pub fn named(pkg: &str, name: &str) -> Type {
        Type::Named(NamedRef::new(pkg, name))
    }

    pub fn pointer_to(t: Type) -> Type {
        Type::Pointer(Arc::new(t))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Type::Unknown)
    }

    /// The pointed-to type for a pointer, else the type itself.
    #[allow(clippy::should_implement_trait)]
    pub fn deref(&self) -> &Type {
        match self {
            Type::Pointer(t) => t,
            t => t,
        }
    }

    /// The named type, through one pointer: `T` and `*T` both give `T`.
    pub fn named_ref(&self) -> Option<&NamedRef> {
        match self.deref() {
            Type::Named(n) => Some(n),
            _ => None,
        }
    }

    /// True for exactly `pkg.name` (not a pointer to it).
    pub fn is_named(&self, pkg: &str, name: &str) -> bool {
        matches!(self, Type::Named(n) if n.is(pkg, name))
    }

    /// True for `*pkg.name`.
    pub fn is_pointer_to(&self, pkg: &str, name: &str) -> bool {
        matches!(self, Type::Pointer(t) if t.is_named(pkg, name))
    }

    /// True for `pkg.name` or `*pkg.name`.
    pub fn is_named_or_pointer(&self, pkg: &str, name: &str) -> bool {
        self.is_named(pkg, name) || self.is_pointer_to(pkg, name)
    }

    /// The i-th value of a tuple; a non-tuple type is its own 0th value.
    pub fn tuple_item(&self, i: usize) -> Type {
        match self {
            Type::Tuple(items) => items.get(i).cloned().unwrap_or_default(),
            t if i == 0 => t.clone(),
            _ => Type::Unknown,
        }
    }
}

/// go/types style: `*net/http.Response`, `[]int`, `map[string]int`,
/// `chan<- int`, `func(int) (string, error)`; `?` for Unknown. Array lengths
/// are not kept (`[N]T`), unnamed struct and interface literals print as
/// `struct{...}` and `interface{...}`.
impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Unknown => f.write_str("?"),
            Type::Basic(name) => f.write_str(name),
            Type::Nil => f.write_str("untyped nil"),
            Type::Named(n) => write!(f, "{n}"),
            Type::TypeParam(name) => f.write_str(name),
            Type::Pointer(t) => write!(f, "*{t}"),
            Type::Slice(t) => write!(f, "[]{t}"),
            Type::Array(t) => write!(f, "[N]{t}"),
            Type::Map(k, v) => write!(f, "map[{k}]{v}"),
            Type::Chan(ChanDir::Both, t) => match &**t {
                // `chan (<-chan int)` needs the parentheses, as go/types prints it.
                Type::Chan(ChanDir::Recv, _) => write!(f, "chan ({t})"),
                _ => write!(f, "chan {t}"),
            },
            Type::Chan(ChanDir::Send, t) => write!(f, "chan<- {t}"),
            Type::Chan(ChanDir::Recv, t) => write!(f, "<-chan {t}"),
            Type::Func(sig) => write!(f, "func{sig}"),
            Type::Struct => f.write_str("struct{...}"),
            Type::Interface => f.write_str("interface{...}"),
            Type::Tuple(items) => {
                f.write_str("(")?;
                write_list(f, items, false)?;
                f.write_str(")")
            }
        }
    }
}

impl std::fmt::Display for NamedRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pkg.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}.{}", self.pkg, self.name)
        }
    }
}

/// `(int, ...string) (string, error)`: the signature after `func`.
impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(")?;
        write_list(f, &self.params, self.variadic)?;
        f.write_str(")")?;
        match self.results.as_slice() {
            [] => Ok(()),
            [one] if !matches!(one, Type::Func(_)) => write!(f, " {one}"),
            many => {
                f.write_str(" (")?;
                write_list(f, many, false)?;
                f.write_str(")")
            }
        }
    }
}

/// Comma-separated types; with `variadic`, the last `[]T` prints as `...T`.
fn write_list(f: &mut std::fmt::Formatter<'_>, items: &[Type], variadic: bool) -> std::fmt::Result {
    for (i, t) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        match t {
            Type::Slice(elem) if variadic && i + 1 == items.len() => write!(f, "...{elem}")?,
            t => write!(f, "{t}")?,
        }
    }
    Ok(())
}
