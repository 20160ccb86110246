//! `goguard debug concurrency PATH...`: what the concurrency model makes of one
//! package (the .go files named, or those of a directory): the lowered ops of each
//! explored function, the states explored and which budget a search gave up on,
//! the findings, and why each blocked operation it saw was not reported.
//!
//! The package is modelled on its own, with the standard library's declarations
//! but not the module's other packages: their constants, types and summaries are
//! unknown here, so `goguard check` on the module may decide more than this shows.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use goguard_semantic::load::version::NEWEST_KNOWN;
use goguard_semantic::model::{FileInput, PackageModel, Universe};
use goguard_syntax::parse_file;

#[derive(clap::Args)]
pub struct ConcurrencyArgs {
    /// The .go files of one package, or a directory holding them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: ConcurrencyArgs) -> anyhow::Result<ExitCode> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for p in &args.paths {
        let meta =
            std::fs::metadata(p).with_context(|| format!("cannot access {}", p.display()))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "go"))
                .collect();
            entries.sort();
            paths.extend(entries);
        } else {
            paths.push(p.clone());
        }
    }
    if paths.is_empty() {
        anyhow::bail!("no .go file under the paths given");
    }
    let mut sources = Vec::new();
    for p in &paths {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        sources.push(text);
    }
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
    let model = PackageModel::build("debug/concurrency", &inputs, &universe);
    let text = goguard_concurrency::explain(&model, goguard_concurrency::Budget::default());
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
