//! Shared by the CFG tests: parse a fixture, find its functions, build their
//! graphs with a syntactic "never returns" test, and pick nodes by source
//! markers (`// @name` comments at the end of a line).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use goguard_semantic::cfg::Cfg;
use goguard_syntax::{parse_file, Ast, Node, NodeId, NodeKind, ParsedFile};

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/cfg")
}

/// A parsed fixture file.
pub struct Fixture {
    pub source: String,
    pub parsed: ParsedFile,
}

impl Fixture {
    pub fn load(name: &str) -> Fixture {
        let path = testdata().join(name);
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        Fixture::from_source(source)
    }

    pub fn from_source(source: String) -> Fixture {
        let parsed = parse_file(&source);
        Fixture { source, parsed }
    }

    pub fn ast(&self) -> &Ast {
        self.parsed.ast()
    }

    /// The top-level functions with a body, in source order: (name, body).
    pub fn funcs(&self) -> Vec<(String, NodeId)> {
        let ast = self.ast();
        self.parsed
            .nodes_of_kind(NodeKind::FuncDecl)
            .filter_map(|(_, n)| match *n {
                Node::FuncDecl {
                    name,
                    body: Some(body),
                    ..
                } => Some((ast.ident_name(name, &self.source).to_string(), body)),
                _ => None,
            })
            .collect()
    }

    /// The CFG of the function named `name`.
    pub fn cfg(&self, name: &str) -> Cfg {
        let body = self
            .funcs()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no function {name}"))
            .1;
        self.build(body)
    }

    pub fn build(&self, body: NodeId) -> Cfg {
        Cfg::build(self.ast(), &self.source, body, &|call| {
            no_return_by_name(self.ast(), &self.source, call)
        })
    }

    /// The node of `cfg` marked `// @name`: the earliest-starting node of a
    /// block that begins on the marker's line.
    pub fn marked(&self, cfg: &Cfg, name: &str) -> NodeId {
        let marker = format!("// @{name}");
        let line = self
            .source
            .lines()
            .position(|l| {
                l.find(&marker).is_some_and(|i| {
                    let rest = &l[i + marker.len()..];
                    rest.is_empty() || rest.starts_with(' ')
                })
            })
            .unwrap_or_else(|| panic!("no marker {marker}"));
        let line = line as u32 + 1;
        let lines = self.parsed.lines();
        cfg.blocks
            .iter()
            .flat_map(|b| b.nodes.iter().copied())
            .filter(|&n| lines.line_col(self.ast().pos(n)).0 == line)
            .min_by_key(|&n| self.ast().pos(n))
            .unwrap_or_else(|| panic!("no CFG node on the line of {marker}"))
    }

    pub fn text(&self, node: NodeId) -> &str {
        self.ast().text(node, &self.source)
    }

    /// The source line (1-based) a node starts on.
    pub fn line(&self, node: NodeId) -> u32 {
        self.parsed.lines().line_col(self.ast().pos(node)).0
    }
}

/// A stand-in for callee resolution in tests: calls spelled like the
/// well-known non-returning functions.
pub fn no_return_by_name(ast: &Ast, source: &str, call: NodeId) -> bool {
    let Node::CallExpr { fun, .. } = *ast.node(call) else {
        return false;
    };
    matches!(
        ast.text(fun, source),
        "os.Exit"
            | "log.Fatal"
            | "log.Fatalf"
            | "runtime.Goexit"
            | "t.Fatal"
            | "t.Fatalf"
            | "t.FailNow"
    )
}

/// Every `.go` file under a directory, sorted.
pub fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "go") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
