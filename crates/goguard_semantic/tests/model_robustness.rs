//! The model must survive any parsed input: every file of the parser's test
//! inputs (valid and with syntax errors) and deterministic mutations of them
//! build a model, and every query on every node answers, without panicking
//! or hanging. Cyclic type declarations terminate.

use std::path::{Path, PathBuf};

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{summarize, FileInput, PackageModel, Universe};
use goguard_syntax::{parse_file, Node};

fn parser_inputs() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_syntax/tests/testdata");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "go") {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 70, "parser inputs missing: {}", out.len());
    out
}

/// Builds the model of `source` as a one-file package and queries every node.
fn exercise(source: &str, universe: &Universe) -> usize {
    let parsed = parse_file(source);
    let files = [FileInput {
        path: Path::new("x.go"),
        source,
        parsed: &parsed,
        go_version: GoVersion::new(1, 23),
        is_test: false,
    }];
    let summary = summarize("example.com/x", "x", &files);
    let _ = summary.names().count();
    let model = PackageModel::build("example.com/x", &files, universe);
    let mut answered = 0;
    for (id, node) in parsed.nodes() {
        let t = model.type_of(0, id);
        let _ = t.to_string();
        let _ = model.resolve(0, id);
        if let Node::CallExpr { .. } = node {
            let _ = model.callee(0, id);
        }
        if let Node::SelectorExpr { sel, .. } = *node {
            let _ = model.lookup_member(&t, parsed.ast().text(sel, source));
        }
        answered += 1;
    }
    for (id, b) in model.bindings() {
        let _ = model.uses(id);
        let _ = model.lookup_member(&b.ty, "X");
    }
    answered
}

#[test]
fn models_build_for_every_parser_input() {
    let universe = Universe::with_stdlib();
    for (path, source) in parser_inputs() {
        let n = exercise(&source, &universe);
        assert!(n > 0, "{}: no nodes", path.display());
    }
}

/// SplitMix64 with a fixed seed: failures are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn upto(&mut self, max: usize) -> usize {
        (self.next() % (max as u64 + 1)) as usize
    }
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn models_build_for_mutated_inputs() {
    let universe = Universe::with_stdlib();
    let inputs = parser_inputs();
    let mut rng = Rng(0x005e_ed0f_6060);
    let fragments = [
        "{",
        "}",
        "(",
        ")",
        "x := ",
        "func",
        "type T ",
        ".(type)",
        "range ",
        ":",
        "[",
        "]",
        "*",
        "&",
        "<-",
        "switch ",
        "case ",
        "interface{",
        "struct{",
        "goto L",
        "L:",
        ",",
        "...",
    ];
    for (path, source) in inputs
        .iter()
        .filter(|(p, _)| p.to_string_lossy().contains("valid"))
    {
        for round in 0..6 {
            let mut s = source.clone();
            for _ in 0..3 {
                let at = floor_boundary(&s, rng.upto(s.len()));
                match rng.upto(2) {
                    0 => {
                        let end = floor_boundary(&s, at + rng.upto(40));
                        s.replace_range(at..end, "");
                    }
                    1 => s.insert_str(at, fragments[rng.upto(fragments.len() - 1)]),
                    _ => {
                        let from = floor_boundary(&s, rng.upto(s.len()));
                        let to = floor_boundary(&s, from + rng.upto(80));
                        let piece = s[from..to].to_string();
                        s.insert_str(at, &piece);
                    }
                }
            }
            let _ = (path, round);
            exercise(&s, &universe);
        }
    }
}

#[test]
fn cyclic_and_deep_declarations_terminate() {
    let universe = Universe::new();
    let cyclic = "package x
type T *T
type A struct{ A; *B }
type B struct{ *A; B2 }
type B2 = B
type I interface{ I; J }
type J interface{ I }
type C = C
type D = E
type E = D
type F F
func f(a A, i I, t T, c C, d D, f F) {
	_ = a.Missing
	_ = i.Missing
	_ = (*t).x
	a.B.A.B.Missing()
	var x = x
	y := y
	_ = d.Q
	_ = f.Z
}
var p, q = q, p
";
    exercise(cyclic, &universe);
    let deep = format!(
        "package x\nvar v = {}1{}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    exercise(&deep, &universe);
    let chain = format!("package x\nvar s = \"a\"{}\n", " + \"b\"".repeat(20000));
    exercise(&chain, &universe);
    let calls = format!(
        "package x\nvar c = {}x{}\n",
        "f(".repeat(900),
        ")".repeat(900)
    );
    exercise(&calls, &universe);
    let lits = format!(
        "package x\nfunc f() {{ _ = {}1{} }}\n",
        "func() int { return ".repeat(300),
        " }()".repeat(300)
    );
    exercise(&lits, &universe);
    let comps = format!(
        "package x\nvar v = {}{}\n",
        "[]any{".repeat(900),
        "}".repeat(900)
    );
    exercise(&comps, &universe);
    // Generic fields at every step of a long selector chain.
    let generic = format!(
        "package x\ntype G[T any] struct{{ f *G[T]; v T }}\nfunc h(g *G[int]) {{ _ = g{}.v }}\n",
        ".f".repeat(60)
    );
    exercise(&generic, &universe);
    let blocks = format!(
        "package x\nfunc f() {{{}}}\n",
        "{".repeat(3000) + &"}".repeat(3000)
    );
    exercise(&blocks, &universe);
}
