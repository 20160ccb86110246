//! The static findings at the lines a runtime finding names: `goguard stacks`, `goguard
//! heap` and `goguard races` (with `--source DIR`, or run inside a Go module) run the
//! static rules on the module and note each static finding at a line where the accused
//! goroutines block or were started, where memory grows, or where a race happens.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use goguard_diagnostics::{Diagnostic, Files, Span};

use super::locate::Locator;

/// The directory of the go.work or go.mod governing `dir`, if any.
pub fn module_root(dir: &Path) -> Option<PathBuf> {
    let mut found = None;
    for d in dir.ancestors() {
        if d.join("go.work").is_file() {
            return Some(d.to_path_buf());
        }
        if found.is_none() && d.join("go.mod").is_file() {
            found = Some(d.to_path_buf());
        }
    }
    found
}

/// A file and line, with the path made canonical so that the same file
/// reached two ways compares equal.
pub type Place = (PathBuf, u32);

pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Static findings by the lines they mention (primary and related).
pub struct StaticIndex {
    diagnostics: Vec<Diagnostic>,
    files: Files,
    by_place: HashMap<Place, Vec<usize>>,
}

impl StaticIndex {
    /// Runs the static rules on the module at `root`.
    pub fn build(root: &Path) -> anyhow::Result<StaticIndex> {
        let out = crate::commands::check::static_check(root)
            .with_context(|| format!("checking the source in {}", root.display()))?;
        let paths: Vec<PathBuf> = out.absolute_paths.iter().map(|p| canonical(p)).collect();
        let mut by_place: HashMap<Place, Vec<usize>> = HashMap::new();
        for (i, d) in out.diagnostics.iter().enumerate() {
            for span in std::iter::once(d.span).chain(d.related.iter().map(|r| r.span)) {
                let line = out.files.positions(span).0.line;
                let path = paths[span.file.index()].clone();
                let list = by_place.entry((path, line)).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        Ok(StaticIndex {
            diagnostics: out.diagnostics,
            files: out.files,
            by_place,
        })
    }

    /// Notes on a runtime diagnostic naming the static findings at its lines.
    pub fn explain(&self, d: &mut Diagnostic, loc: &Locator<'_>) -> usize {
        let spans: Vec<Span> = std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .collect();
        let mut seen: Vec<usize> = Vec::new();
        for span in spans {
            let Some((path, line)) = loc.local_line(span) else {
                continue;
            };
            for &i in self
                .by_place
                .get(&(canonical(&path), line))
                .into_iter()
                .flatten()
            {
                if !seen.contains(&i) {
                    seen.push(i);
                }
            }
        }
        for &i in &seen {
            let s = &self.diagnostics[i];
            let p = self.files.positions(s.span).0;
            let file = self.files.get(s.span.file).path();
            d.notes.push(format!(
                "static: {} {} at {file}:{}: {}",
                s.code, s.rule, p.line, s.message
            ));
        }
        seen.len()
    }
}

/// The source tree runtime paths map onto, and its root: `--source DIR`, else the Go
/// module or workspace around `cwd`; none with `--no-source`.
pub fn source_tree(
    source: Option<&Path>,
    no_source: bool,
    cwd: &Path,
) -> anyhow::Result<Option<(goguard_runtime::analysis::source::SourceTree, PathBuf)>> {
    if no_source {
        return Ok(None);
    }
    let root = match source {
        Some(dir) => cwd.join(dir),
        None => match module_root(cwd) {
            Some(root) => root,
            None => return Ok(None),
        },
    };
    let tree = goguard_runtime::analysis::source::SourceTree::scan(&root)
        .with_context(|| format!("cannot read source directory {}", root.display()))?;
    Ok(Some((tree, root)))
}

/// Notes on each diagnostic the static findings at its lines, when `root` is a Go module
/// or workspace and some diagnostic points into it.
pub fn join(diagnostics: &mut [Diagnostic], loc: &Locator<'_>, root: &Path) {
    let is_module = root.join("go.mod").is_file() || root.join("go.work").is_file();
    if !is_module || !diagnostics.iter().any(|d| loc.local_line(d.span).is_some()) {
        return;
    }
    match StaticIndex::build(root) {
        Ok(index) => {
            for d in diagnostics.iter_mut() {
                index.explain(d, loc);
            }
        }
        Err(e) => eprintln!("goguard: warning: static findings not joined: {e:#}"),
    }
}
