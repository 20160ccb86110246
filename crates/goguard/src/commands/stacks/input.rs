//! Reading inputs and turning flags into analysis options.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use goguard_runtime::analysis::detect_fatal_deadlock;
use goguard_runtime::analysis::diagnose::Options;
use goguard_runtime::analysis::ignore::{parse_ignore_file, IgnorePattern};
use goguard_runtime::analysis::source::SourceTree;
use goguard_runtime::model::ParsedDump;

use super::CommonArgs;

/// One input file, parsed.
pub struct Input {
    pub path: PathBuf,
    pub parsed: ParsedDump,
    /// The runtime's `all goroutines are asleep - deadlock!` is in the file.
    pub fatal_deadlock: bool,
}

/// Reads every file first, so a missing file fails the run before any output.
pub fn load_all(paths: &[PathBuf]) -> anyhow::Result<Vec<Input>> {
    paths
        .iter()
        .map(|path| {
            let data =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok(Input {
                path: path.clone(),
                parsed: goguard_runtime::parse::parse_named(&data, &path.display().to_string()),
                fatal_deadlock: detect_fatal_deadlock(&data),
            })
        })
        .collect()
}

pub fn options(args: &CommonArgs) -> anyhow::Result<Options> {
    let mut ignore = Vec::new();
    for p in &args.ignore {
        ignore.push(IgnorePattern::parse(p).map_err(anyhow::Error::msg)?);
    }
    for file in &args.ignore_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read ignore file {}", file.display()))?;
        let patterns =
            parse_ignore_file(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        ignore.extend(patterns);
    }
    Ok(Options {
        min_count: args.min_count.max(1),
        min_wait_minutes: args.min_wait,
        ignore,
    })
}

pub fn source_tree(dir: Option<&Path>) -> anyhow::Result<Option<SourceTree>> {
    dir.map(|d| {
        SourceTree::scan(d).with_context(|| format!("cannot read source directory {}", d.display()))
    })
    .transpose()
}

pub fn use_color(when: &str) -> bool {
    match when {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}
