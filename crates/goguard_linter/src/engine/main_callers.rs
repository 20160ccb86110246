//! Which functions of the module's packages other packages call, and
//! whether every such call is made directly by `func main` of a `main`
//! package: a function only `main` calls runs on the main goroutine, where
//! blocking forever is how a server says "serve until killed"
//! (`analyses/entry.rs`). The callers of a function are in the packages
//! that import it, checked after it, so this is gathered from the syntax
//! of every package in phase 1, before any package is checked.

use std::collections::{BTreeMap, HashMap};

use goguard_syntax::{Ast, Node, NodeId, NodeKind};

/// How the other packages of the module use a package-level name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossPackageUse {
    /// Not named by another package.
    None,
    /// Called by other packages, every time directly by `func main` of a
    /// `main` package (not in a `go` or `defer` statement, not in a
    /// function literal).
    OnlyMain,
    /// Named elsewhere too (another function, a function value, a dot
    /// import).
    Elsewhere,
}

/// One use of an imported package's name, before import names are
/// resolved to paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportUse {
    /// The import path, or the name the file refers to it by when the
    /// import has no explicit name (resolved later through package names).
    pub import: ImportRef,
    /// The selected name (`Run` in `server.Run`); `*` for a dot import.
    pub name: String,
    pub from_main: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRef {
    Path(String),
    /// An import without a name: the candidates' paths, matched against
    /// the package name each declares.
    Unnamed {
        ident: String,
        paths: Vec<String>,
    },
}

/// The uses of imported packages' names in one file.
pub fn import_uses(ast: &Ast, root: NodeId, source: &str) -> Vec<ImportUse> {
    let Node::File { name: pkg_name, .. } = *ast.node(root) else {
        return Vec::new();
    };
    let main_pkg = ast.text(pkg_name, source) == "main";
    // Import names of the file.
    let mut named: HashMap<&str, String> = HashMap::new();
    let mut unnamed: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (_, node) in ast.nodes_of_kind(NodeKind::ImportSpec) {
        let Node::ImportSpec { name, path, .. } = *node else {
            continue;
        };
        let p = ast
            .text(path, source)
            .trim_matches(|c| c == '"' || c == '`')
            .to_string();
        match name.map(|n| ast.text(n, source)) {
            Some(".") => out.push(ImportUse {
                import: ImportRef::Path(p),
                name: "*".to_string(),
                from_main: false,
            }),
            Some("_") => {}
            Some(n) => {
                named.insert(n, p);
            }
            None => unnamed.push(p),
        }
    }
    if named.is_empty() && unnamed.is_empty() {
        return out;
    }
    let parents = ast.parent_map(root);
    let parent = |n: NodeId| parents.get(n.index()).copied().flatten();
    for (id, node) in ast.nodes_of_kind(NodeKind::SelectorExpr) {
        let Node::SelectorExpr { x, sel } = *node else {
            continue;
        };
        if !matches!(ast.node(x), Node::Ident { .. }) {
            continue;
        }
        let ident = ast.text(x, source);
        let import = match named.get(ident) {
            Some(p) => ImportRef::Path(p.clone()),
            None if !unnamed.is_empty() => ImportRef::Unnamed {
                ident: ident.to_string(),
                paths: unnamed.clone(),
            },
            None => continue,
        };
        let from_main = main_pkg && called_directly_by_main(ast, source, id, &parent);
        out.push(ImportUse {
            import,
            name: ast.text(sel, source).to_string(),
            from_main,
        });
    }
    out
}

/// True when `sel` is the function of a call statement of `func main`
/// itself (not in a function literal, a `go` or a `defer`).
fn called_directly_by_main(
    ast: &Ast,
    source: &str,
    sel: NodeId,
    parent: &dyn Fn(NodeId) -> Option<NodeId>,
) -> bool {
    let Some(call) = parent(sel) else {
        return false;
    };
    if !matches!(*ast.node(call), Node::CallExpr { fun, .. } if fun == sel) {
        return false;
    }
    if parent(call)
        .is_some_and(|p| matches!(ast.node(p), Node::GoStmt { .. } | Node::DeferStmt { .. }))
    {
        return false;
    }
    let func = std::iter::successors(parent(call), |&p| parent(p))
        .find(|&p| matches!(ast.node(p), Node::FuncDecl { .. } | Node::FuncLit { .. }));
    match func.map(|f| ast.node(f)) {
        Some(&Node::FuncDecl {
            recv: None, name, ..
        }) => ast.text(name, source) == "main",
        _ => false,
    }
}

/// How the module's packages use each other's package-level names.
#[derive(Debug, Clone, Default)]
pub struct MainCallers {
    uses: BTreeMap<(String, String), bool>,
    dot_imported: std::collections::BTreeSet<String>,
}

impl MainCallers {
    /// Gathers the uses of every package; `names` gives the name each
    /// import path of the module declares, to resolve imports without a
    /// name.
    pub fn new(uses: &[Vec<ImportUse>], names: &HashMap<String, String>) -> MainCallers {
        let mut out = MainCallers::default();
        for list in uses {
            for u in list {
                let path = match &u.import {
                    ImportRef::Path(p) => Some(p.clone()),
                    ImportRef::Unnamed { ident, paths } => paths
                        .iter()
                        .find(|p| names.get(*p).is_some_and(|n| n == ident))
                        .cloned(),
                };
                let Some(path) = path else { continue };
                if u.name == "*" {
                    out.dot_imported.insert(path);
                    continue;
                }
                let all_main = out.uses.entry((path, u.name.clone())).or_insert(true);
                *all_main &= u.from_main;
            }
        }
        out
    }

    /// How other packages use `name` of package `path`.
    pub fn use_of(&self, path: &str, name: &str) -> CrossPackageUse {
        if self.dot_imported.contains(path) {
            return CrossPackageUse::Elsewhere;
        }
        match self.uses.get(&(path.to_string(), name.to_string())) {
            None => CrossPackageUse::None,
            Some(true) => CrossPackageUse::OnlyMain,
            Some(false) => CrossPackageUse::Elsewhere,
        }
    }
}

/// No information: every name is unused by other packages.
pub static NO_MAIN_CALLERS: std::sync::LazyLock<MainCallers> =
    std::sync::LazyLock::new(MainCallers::default);

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(src: &str) -> Vec<ImportUse> {
        let parsed = goguard_syntax::parse_file(src);
        import_uses(parsed.ast(), parsed.root(), src)
    }

    #[test]
    fn calls_from_main_and_elsewhere() {
        let main = uses(
            "package main

import (
	\"example.com/m/server\"
	cl \"example.com/m/client\"
)

func main() {
	server.Run()
	go server.Background()
	cl.Dial()
	f := server.Handler
	_ = f
}

func helper() {
	cl.Dial()
}
",
        );
        let lib = uses(
            "package server

import . \"example.com/m/dot\"

func Run() { Dot() }
",
        );
        let names: HashMap<String, String> = [
            ("example.com/m/server".to_string(), "server".to_string()),
            ("example.com/m/client".to_string(), "client".to_string()),
        ]
        .into_iter()
        .collect();
        let callers = MainCallers::new(&[main, lib], &names);
        let s = "example.com/m/server";
        assert_eq!(callers.use_of(s, "Run"), CrossPackageUse::OnlyMain);
        assert_eq!(callers.use_of(s, "Background"), CrossPackageUse::Elsewhere);
        assert_eq!(callers.use_of(s, "Handler"), CrossPackageUse::Elsewhere);
        assert_eq!(callers.use_of(s, "Other"), CrossPackageUse::None);
        let c = "example.com/m/client";
        assert_eq!(callers.use_of(c, "Dial"), CrossPackageUse::Elsewhere);
        assert_eq!(
            callers.use_of("example.com/m/dot", "Dot"),
            CrossPackageUse::Elsewhere
        );
    }
}
