//! Joining the two ends: a runtime finding and the static finding at the
//! same line explain each other. `goguard stacks` notes the static findings
//! at the lines of its findings (`commands::static_join`); `goguard check
//! --dump` notes the static findings that a dump confirms (here).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use goguard_diagnostics::goroutines::{GoroutineFacts, Role};
use goguard_diagnostics::{Diagnostic, Files};
use goguard_runtime::analysis::diagnose::{diagnose, Options};
use goguard_runtime::analysis::source::SourceTree;

use super::fetch::FetchOptions;
use super::input::read;
use crate::commands::static_join::{canonical, Place};

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
