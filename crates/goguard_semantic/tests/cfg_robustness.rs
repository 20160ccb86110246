//! The CFG builder and its queries on bad and odd input: every function body
//! of the parser's test corpus (valid files and syntax-error files), seeded
//! mutations of the CFG fixtures, and nesting as deep as the parser allows.
//! Nothing may panic or hang, and every graph must be well formed.

mod cfg_support;

use std::path::Path;

use cfg_support::{go_files, no_return_by_name, testdata, Fixture};
use goguard_semantic::cfg::{BlockKind, Cfg, ExitFilter};
use goguard_syntax::{Node, NodeId, NodeKind};

/// Every FuncDecl and FuncLit body of a parsed file.
fn bodies(fx: &Fixture) -> Vec<NodeId> {
    fx.parsed
        .nodes()
        .filter_map(|(_, n)| match *n {
            Node::FuncDecl {
                body: Some(body), ..
            }
            | Node::FuncLit { body, .. } => Some(body),
            _ => None,
        })
        .collect()
}

/// Structural invariants of a built graph; runs a bounded number of queries.
fn check(fx: &Fixture, cfg: &Cfg, what: &str) {
    let n = cfg.blocks.len();
    assert!(n >= 2, "{what}: entry and exit");
    assert_eq!(cfg.block(cfg.entry()).kind, BlockKind::Entry, "{what}");
    assert_eq!(cfg.block(cfg.exit()).kind, BlockKind::Exit, "{what}");
    assert!(cfg.block(cfg.entry()).live, "{what}");
    let exit = cfg.block(cfg.exit());
    assert!(exit.succs.is_empty() && exit.nodes.is_empty(), "{what}");
    for (i, b) in cfg.blocks.iter().enumerate() {
        for s in &b.succs {
            assert!((s.0 as usize) < n, "{what}: block {i} has a dangling edge");
            if b.live {
                assert!(cfg.block(*s).live, "{what}: live {i} -> dead {}", s.0);
            }
        }
        // An exit edge is a block's only edge, and it is annotated.
        let to_exit = b.succs.contains(&cfg.exit());
        assert_eq!(to_exit, b.exit.is_some(), "{what}: block {i}");
        if to_exit {
            assert_eq!(b.succs.len(), 1, "{what}: block {i}");
        }
        for (j, &node) in b.nodes.iter().enumerate() {
            assert_eq!(
                cfg.locate(node),
                Some((goguard_semantic::cfg::BlockId(i as u32), j)),
                "{what}"
            );
        }
    }
    let _ = cfg.format(fx.ast(), &fx.source);
    for exit in cfg.exits() {
        if let goguard_semantic::cfg::Exit::FallOff(pos) = exit {
            assert!(pos as usize <= fx.source.len(), "{what}: fall-off position");
        }
    }
    // A few queries from the first nodes: they must terminate and agree.
    let nodes: Vec<NodeId> = cfg
        .blocks
        .iter()
        .flat_map(|b| b.nodes.iter().copied())
        .take(40)
        .collect();
    for &from in &nodes {
        let any = cfg.path_to_exit_avoiding(from, ExitFilter::All, &mut |_| false);
        let exits = cfg.exits_from(from, ExitFilter::All);
        assert_eq!(any, exits.first().copied(), "{what}: nearest exit");
        // Stopping at every node, only exits reached through node-less
        // blocks are left: a subset of the unconstrained ones.
        if let Some(exit) = cfg.path_to_exit_avoiding(from, ExitFilter::All, &mut |_| true) {
            assert!(exits.contains(&exit), "{what}");
        }
        if let Some(exit) = any {
            assert!(cfg.exits().contains(&exit) || !cfg.block(cfg.locate(from).unwrap().0).live);
        }
        for &to in nodes.iter().take(10) {
            let _ = cfg.reaches(from, to);
        }
    }
}

fn build_all(source: String, what: &str) -> usize {
    let fx = Fixture::from_source(source);
    let bodies = bodies(&fx);
    for &body in &bodies {
        let cfg = Cfg::build(fx.ast(), &fx.source, body, &|call| {
            no_return_by_name(fx.ast(), &fx.source, call)
        });
        check(&fx, &cfg, what);
    }
    bodies.len()
}

#[test]
fn parser_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_syntax/tests/testdata");
    let files = go_files(&dir);
    assert!(
        files.len() > 50,
        "parser corpus not found at {}",
        dir.display()
    );
    let mut funcs = 0;
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let source = String::from_utf8_lossy(&bytes).into_owned();
        funcs += build_all(source, &path.display().to_string());
    }
    assert!(funcs > 100, "only {funcs} function bodies");
}

/// xorshift64*: tiny and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Fragments that stress control flow when dropped into a function.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "\n",
    ";",
    "goto L\n",
    "L:",
    "L: ",
    "break\n",
    "break L\n",
    "continue\n",
    "continue L\n",
    "fallthrough\n",
    "case 1:",
    "default:",
    "return\n",
    "panic(1)\n",
    "for {",
    "select {",
    "switch {",
    "if x {",
    "} else {",
    "func() {",
    "range ",
    "go ",
    "defer ",
    "os.Exit(1)\n",
    "var v = 1\n",
];

fn mutate(rng: &mut Rng, source: &str) -> String {
    let mut s = source.as_bytes().to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(3) {
            0 => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                s.splice(at..at, frag.bytes());
            }
            1 => {
                let end = (at + 1 + rng.below(20)).min(s.len());
                s.drain(at.min(end)..end);
            }
            _ => {
                let end = (at + 1 + rng.below(40)).min(s.len());
                let copy = s[at.min(end)..end].to_vec();
                let to = rng.below(s.len() + 1);
                s.splice(to..to, copy);
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

#[test]
fn seeded_mutations() {
    let valid =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_syntax/tests/testdata/valid");
    let sources: Vec<(String, String)> = go_files(&testdata())
        .into_iter()
        .chain(go_files(&valid))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    let mut rng = Rng(0x00C0_FFEE_D15E_A5E5);
    for i in 0..3000 {
        let (name, source) = &sources[i % sources.len()];
        let mutated = mutate(&mut rng, source);
        build_all(mutated, &format!("{name}, mutation {i}"));
    }
}

#[test]
fn stray_branches_and_labels() {
    let source = r#"package p

func f(x int) {
	break
	continue
	fallthrough
	goto nowhere
	break missing
	continue missing
L:
	x++
L:
	x--
	goto L
}

func g() {
	switch {
	case true:
		continue
	}
	select {
	default:
		fallthrough
	}
}
"#;
    assert_eq!(build_all(source.to_string(), "stray"), 2);
}

/// Nesting as deep as the parser accepts, on a 2 MiB thread like the
/// checker's workers: the builder must degrade, not overflow its stack.
#[test]
fn deep_nesting_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for open in [
                "if x {\n",
                "for {\n",
                "{\n",
                "switch {\ncase true:\n",
                "select {\ndefault:\n",
            ] {
                let depth = 2000;
                let mut s = String::from("package p\n\nfunc f(x bool) {\n");
                for _ in 0..depth {
                    s.push_str(open);
                }
                s.push_str("return\n");
                for _ in 0..depth {
                    s.push_str("}\n");
                }
                s.push_str("}\n");
                let fx = Fixture::from_source(s);
                for body in bodies(&fx) {
                    let cfg = Cfg::build(fx.ast(), &fx.source, body, &|_| false);
                    check(&fx, &cfg, open);
                }
            }
        })
        .unwrap();
    handle.join().expect("deep nesting");
}

#[test]
fn non_block_body_does_not_panic() {
    let fx = Fixture::from_source("package p\n\nfunc f() { x := 1; _ = x }\n".to_string());
    // Any node may be handed in by mistake: a statement, an expression.
    for (id, _) in fx.parsed.nodes_of_kind(NodeKind::AssignStmt) {
        let cfg = Cfg::build(fx.ast(), &fx.source, id, &|_| false);
        check(&fx, &cfg, "assign as body");
    }
    let cfg = Cfg::build(fx.ast(), "", bodies(&fx)[0], &|_| false);
    check(&fx, &cfg, "empty source text");
}

/// Realistic depths are built exactly: the innermost return is an exit.
#[test]
fn moderate_nesting_is_built_exactly() {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let depth = 150;
            let mut s = String::from("package p\n\nfunc f(x bool) int {\n");
            for _ in 0..depth {
                s.push_str("for x {\nif x {\nswitch {\ncase x:\n");
            }
            s.push_str("return 1\n");
            for _ in 0..depth {
                s.push_str("}\n}\n}\n");
            }
            s.push_str("return 0\n}\n");
            let fx = Fixture::from_source(s);
            assert!(
                fx.parsed.errors().is_empty(),
                "{:?}",
                &fx.parsed.errors()[..1]
            );
            let cfg = Cfg::build(fx.ast(), &fx.source, bodies(&fx)[0], &|_| false);
            let returns = cfg
                .exits()
                .into_iter()
                .filter(|e| matches!(e, goguard_semantic::cfg::Exit::Return(_)))
                .count();
            assert_eq!(returns, 2);
            check(&fx, &cfg, "moderate nesting");
        })
        .unwrap();
    handle.join().expect("moderate nesting");
}
