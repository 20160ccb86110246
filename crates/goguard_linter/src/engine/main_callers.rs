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

/// One use of a name of another package of the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportUse {
    pub path: String,
    /// The selected name (`Run` in `server.Run`); `*` for a dot import.
    pub name: String,
    pub from_main: bool,
}

/// The uses of the names of the module's packages in one file; `module`
/// gives the name each import path of the module declares (other imports
/// are ignored).
pub fn import_uses(
    ast: &Ast,
    root: NodeId,
    source: &str,
    module: &HashMap<String, String>,
) -> Vec<ImportUse> {
    let Node::File { name: pkg_name, .. } = *ast.node(root) else {
        return Vec::new();
    };
    let main_pkg = ast.text(pkg_name, source) == "main";
    // The names the file refers to the module's packages by.
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut out = Vec::new();
    for (_, node) in ast.nodes_of_kind(NodeKind::ImportSpec) {
        let Node::ImportSpec { name, path, .. } = *node else {
            continue;
        };
        let p = goguard_semantic::importpath::unquote(ast.text(path, source));
        let Some((p, declared)) = module.get_key_value(p) else {
            continue;
        };
        match name.map(|n| ast.text(n, source)) {
            Some(".") => out.push(ImportUse {
                path: p.clone(),
                name: "*".to_string(),
                from_main: false,
            }),
            Some("_") => {}
            Some(n) => {
                names.insert(n, p);
            }
            None => {
                names.insert(declared, p);
            }
        }
    }
    if names.is_empty() {
        return out;
    }
    let parents = if main_pkg {
        ast.parent_map(root)
    } else {
        Vec::new()
    };
    let parent = |n: NodeId| parents.get(n.index()).copied().flatten();
    for (id, node) in ast.nodes_of_kind(NodeKind::SelectorExpr) {
        let Node::SelectorExpr { x, sel } = *node else {
            continue;
        };
        if !matches!(ast.node(x), Node::Ident { .. }) {
            continue;
        }
        let Some(&path) = names.get(ast.text(x, source)) else {
            continue;
        };
        let from_main = main_pkg && called_directly_by_main(ast, source, id, &parent);
        out.push(ImportUse {
            path: path.to_string(),
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
    /// Gathers the uses of every package.
    pub fn new(uses: impl IntoIterator<Item = ImportUse>) -> MainCallers {
        let mut out = MainCallers::default();
        for u in uses {
            if u.name == "*" {
                out.dot_imported.insert(u.path);
                continue;
            }
            let all_main = out.uses.entry((u.path, u.name)).or_insert(true);
            *all_main &= u.from_main;
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
        let module: HashMap<String, String> = [
            ("example.com/m/server", "server"),
            ("example.com/m/client", "client"),
            ("example.com/m/dot", "dot"),
        ]
        .into_iter()
        .map(|(p, n)| (p.to_string(), n.to_string()))
        .collect();
        let parsed = goguard_syntax::parse_file(src);
        import_uses(parsed.ast(), parsed.root(), src, &module)
    }

    #[test]
    fn calls_from_main_and_elsewhere() {
        let main = uses(
            "package main

import (
	\"fmt\"

	\"example.com/m/server\"
	cl \"example.com/m/client\"
)

func main() {
	server.Run()
	go server.Background()
	cl.Dial()
	f := server.Handler
	fmt.Println(f)
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
        let callers = MainCallers::new(main.into_iter().chain(lib));
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
