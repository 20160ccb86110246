//! How names resolve while summarizing: each file's imports (name -> path,
//! dot imports), the package's type names (aliases expanded), type
//! parameters in scope and predeclared types.

use std::cell::Cell;

use goguard_syntax::{Node, NodeId, Tok};
use rustc_hash::FxHashMap;

use crate::model::typeexpr::{self, Src, TypeNames};
use crate::model::universe::package_name_of;
use crate::model::{FileInput, Universe};
use crate::types::Type;

/// How names of one file resolve while summarizing.
pub(super) struct FileNames<'s> {
    pub(super) pkg: &'s PkgInfo<'s>,
    pub(super) file: usize,
    /// Type parameters in scope (of the declaration being summarized).
    pub(super) type_params: Vec<&'s str>,
    /// Guards alias expansion against cycles.
    pub(super) alias_depth: &'s Cell<u32>,
}

/// What the summarizer knows of the whole package before converting types.
pub(super) struct PkgInfo<'s> {
    pub(super) import_path: &'s str,
    pub(super) files: &'s [FileInput<'s>],
    /// Per file: import name -> path (dot and blank imports left out).
    pub(super) imports: Vec<FxHashMap<&'s str, &'s str>>,
    /// Per file: dot-imported paths.
    pub(super) dot_imports: Vec<Vec<&'s str>>,
    /// Type name -> (file, TypeSpec).
    pub(super) types: FxHashMap<&'s str, (usize, NodeId)>,
    pub(super) known: &'s Universe,
}

impl<'s> FileNames<'s> {
    pub(super) fn src(&self) -> Src<'s> {
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
        if let Some(t) = typeexpr::predeclared_type(name) {
            return t;
        }
        // A dot-imported type: the package that declares it when known,
        // else the only dot import.
        let dots = &self.pkg.dot_imports[self.file];
        let from = dots
            .iter()
            .find(|p| {
                self.pkg
                    .known
                    .package(p)
                    .is_some_and(|s| s.type_decl(name).is_some())
            })
            .or_else(|| (dots.len() == 1).then(|| &dots[0]));
        match from {
            Some(path) => Type::named(path, name),
            None => Type::Unknown,
        }
    }

    fn qualified(&self, _: NodeId, pkg_name: &str, name: &str) -> Option<Type> {
        let path = self.pkg.imports[self.file].get(pkg_name)?;
        Some(Type::named(path, name))
    }
}

/// Import name -> path for one file (explicit names, else the universe's
/// package name, else a guess from the path), and its dot imports.
pub(super) fn file_imports<'s>(
    f: &FileInput<'s>,
    known: &'s Universe,
) -> (FxHashMap<&'s str, &'s str>, Vec<&'s str>) {
    let mut out = FxHashMap::default();
    let mut dots = Vec::new();
    let ast = f.parsed.ast();
    let Node::File { decls, .. } = *ast.node(f.parsed.root()) else {
        return (out, dots);
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
            let explicit = name.is_some();
            let name = match name {
                Some(n) => typeexpr::ident_text(ast, n, f.source),
                None => match package_name_of(known, path) {
                    Some(n) => n,
                    None => continue,
                },
            };
            match name {
                "_" => {}
                "." => dots.push(path),
                _ => {
                    out.insert(name, path);
                    // An unknown `.../core/v1` may be named `v1` rather than `core`.
                    let last = path.rsplit('/').next().unwrap_or(path);
                    let is_version = last.len() > 1
                        && last.starts_with('v')
                        && last[1..].bytes().all(|b| b.is_ascii_digit());
                    if is_version && !explicit && known.package(path).is_none() {
                        out.entry(last).or_insert(path);
                    }
                }
            }
        }
    }
    (out, dots)
}

/// The path of an import spec's literal, without quotes, as the package is
/// known ([`crate::importpath::canonical`]: vendored copies and aliases of
/// standard-library packages name the original).
pub(crate) fn import_path_text(lit: &str) -> &str {
    crate::importpath::canonical(crate::importpath::unquote(lit))
}
