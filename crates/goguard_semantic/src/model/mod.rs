//! The semantic model of one package: scopes, bindings, resolution of every
//! identifier, light types, callees and member lookup. Built once per package
//! from its parsed files and a [`Universe`] of package summaries (the other
//! packages of the workspace and the standard-library stubs), immutable after.

use std::path::Path;
use std::sync::Arc;

use goguard_syntax::{NodeId, ParsedFile};

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
    /// An imported package name (`http` in `http.Get`).
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
    /// The declared or inferred type; Unknown when not known.
    pub ty: Type,
    /// The node that opens the scope holding the binding (FuncDecl, FuncLit,
    /// BlockStmt, IfStmt, ForStmt, RangeStmt, SwitchStmt, TypeSwitchStmt,
    /// CaseClause, CommClause); None for package-level and universe names.
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
    /// pointers; for interfaces, the interface type).
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

mod summary;

/// Builds the summary of a package from its files.
pub fn summarize(import_path: &str, name: &str, files: &[FileInput<'_>]) -> PackageSummary {
    summary::summarize(import_path, name, files)
}

/// All package summaries a model can see: the workspace's packages and the
/// standard-library stubs, keyed by import path.
#[derive(Debug, Default)]
pub struct Universe {
    packages: std::collections::HashMap<Arc<str>, Arc<PackageSummary>>,
}

impl Universe {
    /// An empty universe (no standard library).
    pub fn new() -> Universe {
        Universe::default()
    }

    /// A universe holding the standard-library stubs.
    pub fn with_stdlib() -> Universe {
        todo!()
    }

    pub fn insert(&mut self, summary: PackageSummary) {
        self.packages
            .insert(summary.import_path.clone(), Arc::new(summary));
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
}

impl<'a> PackageModel<'a> {
    pub fn build(
        import_path: &str,
        files: &'a [FileInput<'a>],
        universe: &'a Universe,
    ) -> PackageModel<'a> {
        let _ = (import_path, files, universe);
        todo!()
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

    /// The binding an identifier refers to or declares. None for field and
    /// method names after a dot, struct literal keys, blank `_`, and names
    /// that resolve nowhere.
    pub fn resolve(&self, file: FileIdx, ident: NodeId) -> Option<BindingId> {
        let _ = (file, ident);
        todo!()
    }

    pub fn binding(&self, id: BindingId) -> &Binding {
        let _ = id;
        todo!()
    }

    /// Every occurrence of the binding other than its declaration, in file
    /// and source order.
    pub fn uses(&self, id: BindingId) -> &[Use] {
        let _ = id;
        todo!()
    }

    /// The light type of an expression; Unknown when not known.
    pub fn type_of(&self, file: FileIdx, expr: NodeId) -> Type {
        let _ = (file, expr);
        todo!()
    }

    /// What a CallExpr calls.
    pub fn callee(&self, file: FileIdx, call: NodeId) -> Callee {
        let _ = (file, call);
        todo!()
    }

    /// The field or method `name` of a type, through one pointer and
    /// embedded fields (shallowest depth wins, as in Go).
    pub fn lookup_member(&self, ty: &Type, name: &str) -> Option<Member> {
        let _ = (ty, name);
        todo!()
    }
}
