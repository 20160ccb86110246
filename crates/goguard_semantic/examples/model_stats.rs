//! Builds the semantic model of every package of a tree and prints how much
//! of it resolves: identifiers bound (field and method names after a dot,
//! struct field names and composite-literal keys excluded), calls with a
//! known callee, `:=` bindings with a known type; plus parse, summary and
//! model times and throughput.
//!
//! cargo run --release -p goguard_semantic --example model_stats -- [--threads N] [--unresolved K] PATHS…

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use goguard_semantic::load::{load, GoFile, LoadOptions};
use goguard_semantic::model::{
    summarize_with, Callee, FileInput, PackageModel, PackageSummary, Universe,
};
use goguard_syntax::{parse_file, Node, NodeId, ParsedFile, Tok};
use rayon::prelude::*;

struct LoadedFile {
    path: PathBuf,
    source: String,
    parsed: ParsedFile,
    go_version: goguard_semantic::load::GoVersion,
    is_test: bool,
}

/// A package's import path, name and files (path, source, load facts).
type Sources<'w> = (String, String, Vec<(PathBuf, String, &'w GoFile)>);

#[derive(Default)]
struct Stats {
    idents: usize,
    resolved: usize,
    calls: usize,
    known_callee: usize,
    defines: usize,
    typed_defines: usize,
    unresolved: Vec<(String, String)>,
    /// Calls without a known callee and `:=` without a type: (text, place).
    unknown_calls: Vec<(String, String)>,
    untyped: Vec<(String, String)>,
}

impl Stats {
    fn add(&mut self, o: Stats) {
        self.idents += o.idents;
        self.resolved += o.resolved;
        self.calls += o.calls;
        self.known_callee += o.known_callee;
        self.defines += o.defines;
        self.typed_defines += o.typed_defines;
        self.unresolved.extend(o.unresolved);
        self.unknown_calls.extend(o.unknown_calls);
        self.untyped.extend(o.untyped);
    }
}

fn main() {
    let mut opts = LoadOptions::default();
    let mut threads = 0;
    let mut show = 20;
    // Generated files declare names the other files use: keep them.
    let mut generated = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--no-generated" => generated = false,
            "--unresolved" => show = args.next().and_then(|n| n.parse().ok()).unwrap_or(20),
            _ => opts.paths.push(a),
        }
    }
    opts.include_generated = generated;
    if threads > 0 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .expect("thread pool");
    }
    let ws = load(&opts).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(1)
    });

    let sources: Vec<Sources<'_>> = ws
        .packages
        .par_iter()
        .map(|p| {
            let files = p
                .files
                .iter()
                .filter_map(|f| Some((f.path.clone(), std::fs::read_to_string(&f.path).ok()?, f)))
                .collect();
            (p.import_path.clone(), p.name.clone(), files)
        })
        .collect();
    let (t, c) = (Instant::now(), cpu_seconds());
    let packages: Vec<(String, String, Vec<LoadedFile>)> = sources
        .into_par_iter()
        .map(|(path, name, files)| {
            let files = files
                .into_iter()
                .map(|(path, source, f)| LoadedFile {
                    parsed: parse_file(&source),
                    path,
                    source,
                    go_version: f.go_version,
                    is_test: f.is_test,
                })
                .collect();
            (path, name, files)
        })
        .collect();
    let (parse_time, parse_cpu) = (t.elapsed(), cpu_seconds() - c);
    let bytes: usize = packages
        .iter()
        .flat_map(|p| &p.2)
        .map(|f| f.source.len())
        .sum();
    let files: usize = packages.iter().map(|p| p.2.len()).sum();
    let inputs: Vec<Vec<FileInput<'_>>> = packages
        .iter()
        .map(|p| {
            p.2.iter()
                .map(|f| FileInput {
                    path: &f.path,
                    source: &f.source,
                    parsed: &f.parsed,
                    go_version: f.go_version,
                    is_test: f.is_test,
                })
                .collect()
        })
        .collect();

    let (t, c) = (Instant::now(), cpu_seconds());
    let stdlib = Universe::with_stdlib();
    let summaries: Vec<PackageSummary> = packages
        .par_iter()
        .zip(&inputs)
        .map(|(p, files)| summarize_with(&p.0, &p.1, files, &stdlib))
        .collect();
    let mut universe = stdlib;
    for s in summaries {
        universe.insert(s);
    }
    let (summary_time, summary_cpu) = (t.elapsed(), cpu_seconds() - c);

    // Timed: build and drop, as a checker does package by package.
    let (t, c) = (Instant::now(), cpu_seconds());
    packages.par_iter().zip(&inputs).for_each(|(p, files)| {
        drop(PackageModel::build(&p.0, files, &universe));
    });
    let (model_time, model_cpu) = (t.elapsed(), cpu_seconds() - c);

    let stats = packages
        .par_iter()
        .zip(&inputs)
        .map(|(p, files)| {
            let m = PackageModel::build(&p.0, files, &universe);
            (0..files.len())
                .map(|f| file_stats(&m, f))
                .fold(Stats::default(), |mut a, s| {
                    a.add(s);
                    a
                })
        })
        .reduce(Stats::default, |mut a, s| {
            a.add(s);
            a
        });

    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let mbs = |d: f64| bytes as f64 / 1e6 / d.max(1e-9);
    println!(
        "packages {} files {} ({:.1} MB), threads {}",
        packages.len(),
        files,
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    println!(
        "identifiers {} resolved {:.3}%",
        stats.idents,
        pct(stats.resolved, stats.idents)
    );
    println!(
        "calls {} known callee {:.2}%",
        stats.calls,
        pct(stats.known_callee, stats.calls)
    );
    println!(
        ":= bindings {} known type {:.2}%",
        stats.defines,
        pct(stats.typed_defines, stats.defines)
    );
    for (what, wall, cpu) in [
        ("parse", parse_time, parse_cpu),
        ("summaries", summary_time, summary_cpu),
        ("models", model_time, model_cpu),
    ] {
        println!(
            "{what:<10} wall {:.3}s ({:.0} MB/s), cpu {:.2}s ({:.0} MB/s per thread)",
            wall.as_secs_f64(),
            mbs(wall.as_secs_f64()),
            cpu,
            mbs(cpu)
        );
    }
    let step = |n: usize| (n / show.max(1)).max(1);
    for (text, at) in stats
        .unknown_calls
        .iter()
        .step_by(step(stats.unknown_calls.len()))
    {
        println!("  unknown callee {text}  {at}");
    }
    for (text, at) in stats.untyped.iter().step_by(step(stats.untyped.len())) {
        println!("  untyped {text}  {at}");
    }
    let mut by_name: HashMap<&str, (usize, &str)> = HashMap::new();
    for (name, at) in &stats.unresolved {
        let e = by_name.entry(name).or_insert((0, at));
        e.0 += 1;
    }
    let mut names: Vec<_> = by_name.into_iter().collect();
    names.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    for (name, (n, at)) in names.into_iter().take(show) {
        println!("  unresolved {name} x{n} e.g. {at}");
    }
}

fn file_stats(m: &PackageModel<'_>, fi: usize) -> Stats {
    let f = &m.files()[fi];
    let ast = f.parsed.ast();
    let root = f.parsed.root();
    let mut skip = vec![false; ast.nodes.len()];
    if let Node::File { name, .. } = *ast.node(root) {
        skip[name.index()] = true;
    }
    let mut s = Stats::default();
    for (id, node) in f.parsed.nodes() {
        match *node {
            Node::SelectorExpr { sel, .. } => skip[sel.index()] = true,
            Node::ImportSpec { name: Some(n), .. } => skip[n.index()] = true,
            Node::CompositeLit { elts, .. } => {
                for &e in ast.list(elts) {
                    if let Node::KeyValueExpr { key, .. } = *ast.node(e) {
                        skip[key.index()] = true;
                    }
                }
            }
            Node::StructType { fields, .. } => skip_names(ast, fields, &mut skip),
            Node::InterfaceType { methods, .. } => skip_names(ast, methods, &mut skip),
            // Names of parameters of function types outside declarations.
            Node::FuncType {
                params, results, ..
            } if m
                .resolve(fi, first_name(ast, params).unwrap_or(id))
                .is_none() =>
            {
                skip_names(ast, params, &mut skip);
                if let Some(r) = results {
                    skip_names(ast, r, &mut skip);
                }
            }
            Node::CallExpr { .. } => {
                s.calls += 1;
                if m.callee(fi, id) != Callee::Unknown {
                    s.known_callee += 1;
                } else if let Node::CallExpr { fun, .. } = *node {
                    let (line, _) = f.parsed.lines().line_col(ast.pos(id));
                    let text: String = ast.text(fun, f.source).chars().take(60).collect();
                    s.unknown_calls
                        .push((text, format!("{}:{line}", f.path.display())));
                }
            }
            Node::AssignStmt {
                lhs,
                tok: Tok::Define,
                ..
            } => {
                for &l in ast.list(lhs) {
                    if let Some(b) = m.resolve(fi, l) {
                        if m.binding(b).decl == Some((fi, l)) {
                            s.defines += 1;
                            if !m.binding(b).ty.is_unknown() {
                                s.typed_defines += 1;
                            } else {
                                let (line, _) = f.parsed.lines().line_col(ast.pos(id));
                                let text: String =
                                    ast.text(id, f.source).chars().take(80).collect();
                                s.untyped
                                    .push((text, format!("{}:{line}", f.path.display())));
                            }
                        }
                    }
                }
            }
            Node::Ident { .. } => {
                if skip[id.index()] || ast.text(id, f.source) == "_" {
                    continue;
                }
                s.idents += 1;
                if m.resolve(fi, id).is_some() {
                    s.resolved += 1;
                } else {
                    let (line, _) = f.parsed.lines().line_col(ast.pos(id));
                    s.unresolved.push((
                        ast.text(id, f.source).to_string(),
                        format!("{}:{line}", f.path.display()),
                    ));
                }
            }
            _ => {}
        }
    }
    s
}

fn first_name(ast: &goguard_syntax::Ast, list: NodeId) -> Option<NodeId> {
    let Node::FieldList { list, .. } = *ast.node(list) else {
        return None;
    };
    ast.list(list).iter().find_map(|&f| match *ast.node(f) {
        Node::Field { names, .. } => ast.list(names).first().copied(),
        _ => None,
    })
}

fn skip_names(ast: &goguard_syntax::Ast, list: NodeId, skip: &mut [bool]) {
    let Node::FieldList { list, .. } = *ast.node(list) else {
        return;
    };
    for &f in ast.list(list) {
        if let Node::Field { names, .. } = *ast.node(f) {
            for &n in ast.list(names) {
                skip[n.index()] = true;
            }
        }
    }
}

/// CPU time of the process so far (user + system), from /proc; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesized command name; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
