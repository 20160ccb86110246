//! The semantic model of one package: scopes, bindings, resolution of every
//! identifier, light types, callees and member lookup. Built once per package
//! from its parsed files and a [`Universe`] of package summaries (the other
//! packages of the workspace and the standard-library stubs), immutable after.
//!
//! - [`summarize`] (`summary`) reads a package's package-level declarations;
//! - [`Universe`] (`universe`) holds summaries and predeclared names;
//! - [`PackageModel::build`] (`resolve`, `scope`) binds every identifier
//!   following the Go spec's scoping rules in one pass per file;
//! - [`PackageModel::type_of`] (`infer`), [`PackageModel::callee`]
//!   (`callee`) and [`PackageModel::lookup_member`] (`members`) answer
//!   queries on demand from the bindings and the summaries; `anon` follows
//!   values back to the type expressions written for them (fields of
//!   unnamed structs, type arguments of generic types).
//!
//! Choices: `any` and `comparable` are the unnamed [`Type::Interface`];
//! aliases are replaced by their target; type arguments are not part of
//! [`Type`] (`List[int]` is `List`; a field or method read through a value
//! whose written type is `List[int]` is instantiated, else its type
//! parameters are Unknown); a method's callee names the type that declares
//! it (through embedding, pointers and embedded interfaces); an external
//! test package's model has import path `path_test`.

use std::path::Path;
use std::sync::Arc;

use goguard_syntax::{NodeId, ParsedFile};
use rustc_hash::FxHashMap;

use crate::load::GoVersion;
use crate::types::{NamedRef, Signature, Type};

/// Index of a file in [`PackageModel::files`].
pub type FileIdx = usize;

/// One parsed file of the package, as the model reads it.
#[derive(Clone, Copy)]
pub struct FileInput<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub parsed: &'a ParsedFile,
    /// The file's effective Go language version.
    pub go_version: GoVersion,
    pub is_test: bool,
}

/// Identifies a [`Binding`] within one [`PackageModel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingId(pub u32);

/// What a name denotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingKind {
    /// A variable: package-level when [`Binding::scope`] is None, else local.
    Var,
    Param,
    Result,
    Receiver,
    Const,
    TypeName,
    Func,
    /// An imported package name (`http` in `http.Get`). Its `decl` is the
    /// import's name identifier, or the path literal when it has no name.
    /// Names bound by dot imports are bindings of the imported kind with
    /// `decl` None.
    Import {
        path: Arc<str>,
    },
    Label,
    /// A predeclared function or constant: len, close, panic, true, nil, iota...
    Builtin,
}

/// A declared name.
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: Arc<str>,
    pub kind: BindingKind,
    /// The file and declaring identifier; None for builtins.
    pub decl: Option<(FileIdx, NodeId)>,
    /// The declared or inferred type; Unknown when not known. For a
    /// TypeName, the type it denotes; for a Func, its Func type.
    pub ty: Type,
    /// The node that opens the scope holding the binding (FuncDecl, FuncLit,
    /// BlockStmt, IfStmt, ForStmt, RangeStmt, SwitchStmt, TypeSwitchStmt,
    /// CaseClause, CommClause, or the TypeSpec of a generic type for its
    /// type parameters); labels have their function's node. None for
    /// package-level and universe names, methods and `init` functions.
    pub scope: Option<NodeId>,
}

/// One occurrence of a binding's name other than its declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Use {
    pub file: FileIdx,
    pub ident: NodeId,
}

/// What a call expression calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A predeclared function: close, panic, len, append, make, new, recover...
    Builtin(Arc<str>),
    /// A package-level function, of this package or another (`pkg` is the
    /// import path; the package may be unknown to the universe).
    Func(NamedRef),
    /// A method, named by the type that declares it (through embedding and
    /// pointers; for interfaces, the interface that declares it, possibly an
    /// embedded one: `resp.Body.Close()` is `io.Closer.Close`).
    Method {
        recv: NamedRef,
        name: Arc<str>,
    },
    /// A call through a variable, parameter or field holding a function value
    /// (`cancel()`), when it is a binding.
    Value(BindingId),
    /// An immediately called function literal (`func() { ... }()`).
    Lit(NodeId),
    /// A type conversion `T(x)`.
    Conversion(Type),
    Unknown,
}

impl Callee {
    /// True for the package-level function `pkg.name`.
    pub fn is_func(&self, pkg: &str, name: &str) -> bool {
        matches!(self, Callee::Func(n) if n.is(pkg, name))
    }

    /// True for method `name` declared by `pkg.ty`.
    pub fn is_method(&self, pkg: &str, ty: &str, name: &str) -> bool {
        matches!(self, Callee::Method { recv, name: n } if recv.is(pkg, ty) && &**n == name)
    }

    pub fn is_builtin(&self, name: &str) -> bool {
        matches!(self, Callee::Builtin(n) if &**n == name)
    }

    /// True for a method called `name`, whatever type declares it.
    pub fn is_method_named(&self, name: &str) -> bool {
        matches!(self, Callee::Method { name: n, .. } if &**n == name)
    }

    /// The type declaring the called method.
    pub fn recv(&self) -> Option<&NamedRef> {
        match self {
            Callee::Method { recv, .. } => Some(recv),
            _ => None,
        }
    }
}

/// A field or method found by [`PackageModel::lookup_member`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Field {
        ty: Type,
    },
    Method {
        recv: NamedRef,
        sig: Arc<Signature>,
        pointer_recv: bool,
    },
}

/// What is known of one package's package-level declarations: enough to
/// type calls, fields and methods from other packages.
#[derive(Debug, Clone, Default)]
pub struct PackageSummary {
    pub import_path: Arc<str>,
    pub name: Arc<str>,
    // Private representation: funcs, types (underlying, fields, embedded,
    // methods), vars and consts keyed by name.
    inner: summary::Inner,
}

mod anon;
mod callee;
mod infer;
mod members;
mod resolve;
mod scope;
mod summary;
mod typeexpr;
mod universe;

pub use summary::{FieldDecl, MethodDecl, TypeDecl, VarDecl};
pub use universe::guess_package_name;

/// The base type name of a method's receiver list: `C` for `(c *C[T])`.
pub fn receiver_type_name<'s>(
    ast: &goguard_syntax::Ast,
    source: &'s str,
    recv: NodeId,
) -> Option<&'s str> {
    let goguard_syntax::Node::FieldList { list, .. } = *ast.node(recv) else {
        return None;
    };
    let &field = ast.list(list).first()?;
    let goguard_syntax::Node::Field { ty: Some(ty), .. } = *ast.node(field) else {
        return None;
    };
    let (name, _pointer) = typeexpr::base_type_name(ast, ty)?;
    Some(ast.text(name, source))
}

/// Builds the summary of a package from its files. Imports without a name
/// bind a name guessed from their path (see [`summarize_with`]).
pub fn summarize(import_path: &str, name: &str, files: &[FileInput<'_>]) -> PackageSummary {
    summary::summarize(import_path, name, files, &Universe::new())
}

/// [`summarize`], taking the names of imported packages from `known` when it
/// holds them (e.g. [`Universe::with_stdlib`]).
pub fn summarize_with(
    import_path: &str,
    name: &str,
    files: &[FileInput<'_>],
    known: &Universe,
) -> PackageSummary {
    summary::summarize(import_path, name, files, known)
}

/// All package summaries a model can see: the workspace's packages and the
/// standard-library stubs, keyed by import path.
#[derive(Debug, Default)]
pub struct Universe {
    packages: FxHashMap<Arc<str>, Arc<PackageSummary>>,
}

impl Universe {
    /// An empty universe (no standard library).
    pub fn new() -> Universe {
        Universe::default()
    }

    /// Adds a package. An external test package (`name_test`) never
    /// replaces the package of the same import path: it cannot be imported.
    pub fn insert(&mut self, summary: PackageSummary) {
        self.insert_arc(Arc::new(summary));
    }

    pub fn package(&self, import_path: &str) -> Option<&PackageSummary> {
        self.packages.get(import_path).map(|p| &**p)
    }
}

/// The model of one package.
pub struct PackageModel<'a> {
    import_path: Arc<str>,
    files: &'a [FileInput<'a>],
    universe: &'a Universe,
    /// This package's own summary (package-level declarations).
    own: Arc<PackageSummary>,
    bindings: Vec<Binding>,
    /// Per file, per node index: the binding an identifier resolves to.
    res: Vec<Vec<u32>>,
    /// `uses[use_starts[b]..use_starts[b + 1]]` are binding b's uses.
    use_starts: Vec<u32>,
    uses: Vec<Use>,
    /// Types declared inside functions (first declaration of a name wins).
    local_types: FxHashMap<Arc<str>, TypeDecl>,
    /// Types of composite literals whose type is elided (`[]T{{...}}`).
    elided: FxHashMap<(FileIdx, NodeId), Type>,
    /// Bindings of dot-imported names -> the import path they come from.
    dot_origin: FxHashMap<BindingId, Arc<str>>,
    /// Bindings whose type mentions an unnamed struct -> the type
    /// expression giving it (see `anon`).
    type_nodes: FxHashMap<BindingId, (FileIdx, NodeId)>,
    /// This package's type declarations: name -> right-hand side.
    type_specs: FxHashMap<Arc<str>, (FileIdx, NodeId)>,
}

/// No binding, in [`PackageModel::res`].
const NO_BINDING: u32 = u32::MAX;

impl<'a> PackageModel<'a> {
    /// Builds the model. For an external test package (package clause
    /// `x_test`) given its directory's import path `p`, the model's import
    /// path is `p_test`, so that `p` still names the package under test.
    pub fn build(
        import_path: &str,
        files: &'a [FileInput<'a>],
        universe: &'a Universe,
    ) -> PackageModel<'a> {
        resolve::build(import_path, files, universe)
    }

    pub fn import_path(&self) -> &str {
        &self.import_path
    }

    pub fn files(&self) -> &'a [FileInput<'a>] {
        self.files
    }

    pub fn universe(&self) -> &'a Universe {
        self.universe
    }

    /// This package's summary.
    pub fn summary(&self) -> &PackageSummary {
        &self.own
    }

    /// True when a call to `callee` never returns: a library function known
    /// to exit, panic or stop the test ([`crate::cfg::never_returns`]), or a
    /// function or method whose summary says so (this package's or another
    /// of the universe).
    pub fn never_returns(&self, callee: &Callee) -> bool {
        if crate::cfg::never_returns(callee) {
            return true;
        }
        let summary = |pkg: &str| {
            if pkg == &*self.import_path {
                Some(&*self.own)
            } else {
                self.universe.package(pkg)
            }
        };
        match callee {
            Callee::Func(n) => summary(&n.pkg).is_some_and(|p| p.func_never_returns(&n.name)),
            Callee::Method { recv, name } => {
                summary(&recv.pkg).is_some_and(|p| p.method_never_returns(&recv.name, name))
            }
            _ => false,
        }
    }

    /// The binding an identifier refers to or declares. None for field and
    /// method names after a dot, struct literal keys, blank `_`, and names
    /// that resolve nowhere. `v` in `switch v := x.(type)` declares one
    /// binding per clause (typed by the clause); it resolves to the first.
    pub fn resolve(&self, file: FileIdx, ident: NodeId) -> Option<BindingId> {
        match self.res.get(file)?.get(ident.index()) {
            Some(&b) if b != NO_BINDING => Some(BindingId(b)),
            _ => None,
        }
    }

    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.0 as usize]
    }

    /// All bindings, indexed by [`BindingId`].
    pub fn bindings(&self) -> impl Iterator<Item = (BindingId, &Binding)> + '_ {
        self.bindings
            .iter()
            .enumerate()
            .map(|(i, b)| (BindingId(i as u32), b))
    }

    /// Every occurrence of the binding other than its declaration, in file
    /// and source order.
    pub fn uses(&self, id: BindingId) -> &[Use] {
        let i = id.0 as usize;
        match (self.use_starts.get(i), self.use_starts.get(i + 1)) {
            (Some(&s), Some(&e)) => &self.uses[s as usize..e as usize],
            _ => &[],
        }
    }
}
