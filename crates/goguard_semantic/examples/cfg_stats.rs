//! Builds the CFG of every function body (FuncDecl and FuncLit) of every
//! `.go` file under the given directories, on one thread, and prints counts
//! and timings next to the time spent parsing the same files.
//!
//! cargo run --release -p goguard_semantic --example cfg_stats -- DIR...
//!
//! With `--liveness` first, it prints instead, per function of each file
//! that parses cleanly, whether control can fall off the end and the
//! offsets of the statements in unreachable blocks: a format easy to
//! compare with the same facts computed by golang.org/x/tools/go/cfg, plus
//! a fingerprint of which statements reach which (for bodies of at most 300
//! statements; select communications left out, as go/cfg places them
//! differently).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use goguard_semantic::cfg::Cfg;
use goguard_semantic::cfg::Exit;
use goguard_syntax::{parse_file, Node};

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "go") {
                out.push(p);
            }
        }
    }
}

#[derive(Default)]
struct Totals {
    files: usize,
    bytes: usize,
    funcs: usize,
    blocks: usize,
    nodes: usize,
    dead_blocks: usize,
    max_blocks: usize,
    parse: Duration,
    build: Duration,
    query: Duration,
}

/// One line per function body: `path lbrace falloff=B dead=[offsets]`.
fn liveness(dir: &str) {
    let mut files = Vec::new();
    go_files(Path::new(dir), &mut files);
    files.sort();
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let parsed = parse_file(&source);
        if !parsed.errors().is_empty() {
            continue;
        }
        let ast = parsed.ast();
        for (_, n) in parsed.nodes() {
            let (Node::FuncDecl {
                body: Some(body), ..
            }
            | Node::FuncLit { body, .. }) = *n
            else {
                continue;
            };
            let cfg = Cfg::build(ast, &source, body, &|_| false);
            let falloff = cfg.exits().iter().any(|e| matches!(e, Exit::FallOff(_)));
            let mut dead: Vec<u32> = cfg
                .blocks
                .iter()
                .filter(|b| !b.live)
                .flat_map(|b| &b.nodes)
                .filter(|&&n| is_simple_stmt(ast, n))
                .map(|&n| ast.pos(n))
                .collect();
            dead.sort_unstable();
            let dead: Vec<String> = dead.iter().map(u32::to_string).collect();
            println!(
                "{} {} falloff={} dead=[{}] reach={}",
                path.display(),
                ast.pos(body),
                falloff,
                dead.join(" "),
                reach_fingerprint(&cfg, ast)
            );
        }
    }
}

fn is_simple_stmt(ast: &goguard_syntax::Ast, n: goguard_syntax::NodeId) -> bool {
    matches!(
        ast.node(n),
        Node::ReturnStmt { .. }
            | Node::ExprStmt { .. }
            | Node::AssignStmt { .. }
            | Node::IncDecStmt { .. }
            | Node::SendStmt { .. }
            | Node::DeferStmt { .. }
            | Node::GoStmt { .. }
    )
}

/// FNV-1a over "from:to,to,...;" for every simple statement (by offset) and
/// the simple statements reachable just after it; "big" past 300 of them.
fn reach_fingerprint(cfg: &Cfg, ast: &goguard_syntax::Ast) -> String {
    let is_comm = |b: &goguard_semantic::cfg::Block, i: usize, n| {
        i == 0
            && b.stmt.is_some_and(
                |c| matches!(*ast.node(c), Node::CommClause { comm: Some(comm), .. } if comm == n),
            )
    };
    let mut stmts: Vec<(u32, goguard_syntax::NodeId)> = Vec::new();
    for b in &cfg.blocks {
        for (i, &n) in b.nodes.iter().enumerate() {
            if is_simple_stmt(ast, n) && !is_comm(b, i, n) {
                stmts.push((ast.pos(n), n));
            }
        }
    }
    if stmts.len() > 300 {
        return "big".to_string();
    }
    stmts.sort_unstable();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |text: &str| {
        for b in text.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for &(p, from) in &stmts {
        eat(&format!("{p}:"));
        for &(q, to) in &stmts {
            if cfg.reaches(from, to) {
                eat(&format!("{q},"));
            }
        }
        eat(";");
    }
    format!("{h:016x}")
}

fn main() {
    let mut dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("usage: cfg_stats [--liveness] DIR...");
        std::process::exit(2);
    }
    if dirs[0] == "--liveness" {
        for dir in &dirs[1..] {
            liveness(dir);
        }
        return;
    }
    dirs.retain(|d| !d.starts_with("--"));
    for dir in dirs {
        let mut files = Vec::new();
        go_files(Path::new(&dir), &mut files);
        files.sort();
        let mut t = Totals::default();
        for path in &files {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let source = String::from_utf8_lossy(&bytes).into_owned();
            t.files += 1;
            t.bytes += source.len();
            let start = Instant::now();
            let parsed = parse_file(&source);
            t.parse += start.elapsed();
            let ast = parsed.ast();
            let bodies: Vec<_> = parsed
                .nodes()
                .filter_map(|(_, n)| match *n {
                    Node::FuncDecl {
                        body: Some(body), ..
                    }
                    | Node::FuncLit { body, .. } => Some(body),
                    _ => None,
                })
                .collect();
            let start = Instant::now();
            let cfgs: Vec<Cfg> = bodies
                .iter()
                .map(|&body| Cfg::build(ast, &source, body, &|_| false))
                .collect();
            t.build += start.elapsed();
            // One typical rule query per function: from its first node, is
            // there an exit avoiding nothing at all?
            let start = Instant::now();
            for cfg in &cfgs {
                if let Some(&first) = cfg.blocks.iter().flat_map(|b| &b.nodes).next() {
                    std::hint::black_box(cfg.path_to_exit_avoiding(
                        first,
                        goguard_semantic::cfg::ExitFilter::Normal,
                        &mut |_| false,
                    ));
                }
            }
            t.query += start.elapsed();
            for cfg in &cfgs {
                t.funcs += 1;
                t.blocks += cfg.blocks.len();
                t.max_blocks = t.max_blocks.max(cfg.blocks.len());
                t.dead_blocks += cfg.blocks.iter().filter(|b| !b.live).count();
                t.nodes += cfg.blocks.iter().map(|b| b.nodes.len()).sum::<usize>();
            }
        }
        let mb = t.bytes as f64 / 1e6;
        println!("{dir}");
        println!(
            "  files {}  {:.1} MB  functions {}  blocks {} (dead {}, max {} in one)  nodes {}",
            t.files, mb, t.funcs, t.blocks, t.dead_blocks, t.max_blocks, t.nodes
        );
        println!(
            "  parse {:.3} s ({:.0} MB/s)   cfg build {:.3} s ({:.0} MB/s, {:.2} us/function)   one query per function {:.3} s",
            t.parse.as_secs_f64(),
            mb / t.parse.as_secs_f64(),
            t.build.as_secs_f64(),
            mb / t.build.as_secs_f64(),
            t.build.as_secs_f64() * 1e6 / t.funcs.max(1) as f64,
            t.query.as_secs_f64(),
        );
    }
}
