//! Joining the two ends: a runtime finding and the static finding at the
//! same line explain each other. `goguard stacks` (with `--source DIR`, or
//! run inside a Go module) notes the static findings at the lines where the
//! accused goroutines block or were started; `goguard check --dump` notes the
//! static findings that a dump confirms.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use goguard_diagnostics::goroutines::{GoroutineFacts, Role};
use goguard_diagnostics::{Diagnostic, Files, Span};
use goguard_runtime::analysis::diagnose::{diagnose, Options};
use goguard_runtime::analysis::source::SourceTree;

use super::fetch::FetchOptions;
use super::input::read;
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
type Place = (PathBuf, u32);

fn canonical(path: &Path) -> PathBuf {
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

/// Adds to each static finding the runtime evidence of the dumps whose
/// accused goroutines block at, or were started at, one of its lines.
/// `absolute_paths`: the absolute path of each file in `files`, by index.
/// Returns how many findings were confirmed.
pub fn confirm_with_dumps(
    diagnostics: &mut [Diagnostic],
    files: &Files,
    absolute_paths: &[PathBuf],
    dumps: &[String],
    root: &Path,
) -> anyhow::Result<usize> {
    let tree = SourceTree::scan(root)
        .with_context(|| format!("cannot read source directory {}", root.display()))?;
    // Runtime places: (file, line) -> what the dumps say happens there.
    let mut places: HashMap<Place, Vec<String>> = HashMap::new();
    for spec in dumps {
        let input = read(spec, FetchOptions::default()).map_err(anyhow::Error::msg)?;
        if !input.usable() {
            anyhow::bail!("{}: {}", input.label, input.why_unusable());
        }
        for (index, snapshot) in input.parsed.snapshots.iter().enumerate() {
            let d = diagnose(snapshot, &Options::default(), None);
            for f in &d.findings {
                let facts: GoroutineFacts =
                    f.goroutine_facts(&input.label, index, snapshot, &d.groups);
                for g in facts.groups.iter().filter(|g| g.role == Role::Accused) {
                    let what = format!(
                        "confirmed at runtime: {} goroutine{} in {} in {} ({} {}, {})",
                        g.count,
                        if g.count == 1 { "" } else { "s" },
                        g.state,
                        input.label,
                        f.rule.code,
                        f.rule.name,
                        f.confidence.as_str()
                    );
                    for frame in [&g.blocking, &g.created_by].into_iter().flatten() {
                        if let Some(local) = tree.resolve(&frame.file) {
                            let list = places.entry((canonical(&local), frame.line)).or_default();
                            if !list.contains(&what) {
                                list.push(what.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut confirmed = 0;
    for d in diagnostics.iter_mut() {
        let mut notes: Vec<String> = Vec::new();
        for span in std::iter::once(d.span).chain(d.related.iter().map(|r| r.span)) {
            let Some(path) = absolute_paths.get(span.file.index()) else {
                continue;
            };
            let line = files.positions(span).0.line;
            for n in places.get(&(canonical(path), line)).into_iter().flatten() {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
        }
        if !notes.is_empty() {
            confirmed += 1;
            d.notes.extend(notes);
        }
    }
    Ok(confirmed)
}
