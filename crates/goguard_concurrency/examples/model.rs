//! Prints what the concurrency model finds in one package (a directory of
//! .go files, or single files), with witnesses; `--ops` also prints the
//! lowered ops of every explored function, `--all-ops` those of every
//! function declared. Why a blocked operation is not reported is what
//! `goguard debug concurrency` prints.
//!
//!     cargo run -p goguard_concurrency --example model -- DIR [--ops|--all-ops]

use std::path::PathBuf;

use goguard_semantic::load::version::NEWEST_KNOWN;
use goguard_semantic::model::{FileInput, PackageModel, Universe};
use goguard_syntax::parse_file;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let ops = args.iter().any(|a| a == "--ops");
    let all_ops = args.iter().any(|a| a == "--all-ops");
    args.retain(|a| a != "--ops" && a != "--all-ops");
    let mut paths: Vec<PathBuf> = Vec::new();
    for a in &args {
        let p = PathBuf::from(a);
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
                .expect("read dir")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "go"))
                .collect();
            entries.sort();
            paths.extend(entries);
        } else {
            paths.push(p);
        }
    }
    let sources: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read file"))
        .collect();
    let parsed: Vec<_> = sources.iter().map(|s| parse_file(s)).collect();
    let inputs: Vec<FileInput> = paths
        .iter()
        .zip(&sources)
        .zip(&parsed)
        .map(|((p, s), f)| FileInput {
            path: p,
            source: s,
            parsed: f,
            go_version: NEWEST_KNOWN,
            is_test: p.to_string_lossy().ends_with("_test.go"),
        })
        .collect();
    let universe = Universe::with_stdlib();
    let model = PackageModel::build("example.com/p", &inputs, &universe);
    if all_ops {
        for (i, f) in inputs.iter().enumerate() {
            let ast = f.parsed.ast();
            for n in ast.walk(f.parsed.root()) {
                if matches!(ast.node(n), goguard_syntax::Node::FuncDecl { .. }) {
                    let id = goguard_concurrency::FuncId::new(i, n);
                    println!("{}", goguard_concurrency::debug_body(&model, id));
                }
            }
        }
    } else if ops {
        for f in goguard_concurrency::roots(&model) {
            println!("{}", goguard_concurrency::debug_body(&model, f));
        }
    }
    let a = goguard_concurrency::analyze(&model, goguard_concurrency::Budget::default());
    let line = |l: goguard_concurrency::Loc| {
        let f = &inputs[l.file()];
        let (line, _) = f.parsed.lines().line_col(f.parsed.ast().pos(l.node));
        format!(
            "{}:{}",
            paths[l.file()].file_name().unwrap().to_string_lossy(),
            line
        )
    };
    for f in &a.findings {
        println!(
            "{:?} at {} (root {}, proc {} spawned at {}) chan {:?} alone={}",
            f.kind,
            line(f.at),
            line(goguard_concurrency::Loc {
                file: f.root.file() as u32,
                node: f.root.node
            }),
            f.proc,
            f.spawn.map_or("-".into(), line),
            f.chan.map(|c| (line(c.alloc), c.cap)),
            f.alone
        );
        for s in &f.witness {
            println!("    p{} {:?} at {}", s.proc, s.kind, line(s.at));
        }
        for o in &f.others {
            println!(
                "    other p{} spawned {} blocked {}",
                o.proc,
                o.spawn.map_or("-".into(), line),
                o.blocked_at.map_or("-".into(), line)
            );
        }
    }
    eprintln!(
        "models {} gave up {} states {} time {} us",
        a.models, a.gave_up, a.states, a.micros
    );
}
