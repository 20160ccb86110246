//! Runtime findings as diagnostics, the one type every renderer reads.
//!
//! A finding is reported at the `go` statement that started its goroutines
//! (where a fix usually goes, and where code scanning should show it), with
//! the line where they block as a related location; without a creation site
//! it is reported where they block.

use goguard_diagnostics::goroutines::{format_id_ranges, GoroutineFacts, GoroutineGroup, Role};
use goguard_diagnostics::{Confidence, Diagnostic, Severity, Span};
use goguard_runtime::analysis::finding::Finding;
use goguard_runtime::analysis::sites::SiteGroup;
use goguard_runtime::model::Snapshot;

use crate::commands::locate::Locator;

/// Certain and high findings are errors, medium ones warnings, low ones
/// information.
pub fn severity(confidence: Confidence) -> Severity {
    match confidence {
        Confidence::Certain | Confidence::High => Severity::Error,
        Confidence::Medium => Severity::Warning,
        Confidence::Low => Severity::Info,
    }
}

/// Where a snapshot sits in an input, for findings that have no frame to
/// point at (aggregated profiles of unsymbolized programs).
pub struct Origin<'a> {
    pub input: &'a str,
    pub snapshot: usize,
    pub line: u32,
}

pub fn diagnostic(
    f: &Finding,
    origin: &Origin<'_>,
    snapshot: &Snapshot,
    groups: &[SiteGroup],
    loc: &mut Locator<'_>,
) -> Diagnostic {
    let facts: GoroutineFacts = f.goroutine_facts(origin.input, origin.snapshot, snapshot, groups);
    let primary_group = facts
        .groups
        .iter()
        .find(|g| g.role == Role::Accused)
        .or(facts.groups.first());
    let (span, label) = match primary_group {
        Some(g) => primary(g, loc).unwrap_or_else(|| no_frame(origin, loc)),
        None => no_frame(origin, loc),
    };
    let mut d = Diagnostic::new(
        f.rule.code,
        f.rule.name,
        severity(f.confidence),
        span,
        f.message.clone(),
    )
    .with_label(label)
    .with_confidence(f.confidence)
    .with_help(f.help.clone());
    d.evidence = f.evidence.clone();
    for g in &facts.groups {
        for (s, label) in related(g, loc) {
            if s != span {
                d = d.with_related(s, label);
            }
        }
    }
    d.with_goroutines(facts)
}

/// The `go` statement of a group, else where it blocks.
fn primary(g: &GoroutineGroup, loc: &mut Locator<'_>) -> Option<(Span, String)> {
    let n = g.count;
    let (they, block) = if n == 1 {
        ("it", "blocks")
    } else {
        ("they", "block")
    };
    if let Some(c) = &g.created_by {
        let label = match &g.blocking {
            Some(b) => format!(
                "this `go` statement started {}; {they} {block} at {}:{}",
                goroutines(n),
                short(&b.file),
                b.line
            ),
            None => format!("this `go` statement started {}", goroutines(n)),
        };
        return Some((loc.span(c), label));
    }
    let b = g.blocking.as_ref()?;
    Some((loc.span(b), format!("{} {block} here", goroutines(n))))
}

/// The other places of a group: where it blocks (and where it was created,
/// for involved groups).
fn related(g: &GoroutineGroup, loc: &mut Locator<'_>) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let who = match g.role {
        Role::Accused => goroutines(g.count),
        Role::Involved => format!("{} (involved)", goroutines(g.count)),
    };
    let ids = if g.ids.is_empty() {
        String::new()
    } else {
        format!(" [{}]", truncate(&format_id_ranges(&g.ids), 60))
    };
    let block = if g.count == 1 { "blocks" } else { "block" };
    if let Some(b) = &g.blocking {
        out.push((
            loc.span(b),
            format!("{who}{ids} {block} here in {}", g.state),
        ));
    }
    if g.role == Role::Involved {
        if let Some(c) = &g.created_by {
            out.push((loc.span(c), format!("{who} started here")));
        }
    }
    out
}

fn no_frame(origin: &Origin<'_>, loc: &mut Locator<'_>) -> (Span, String) {
    let id = loc.files.add_unread(origin.input);
    (
        loc.files.line_span(id, origin.line.max(1)),
        format!("snapshot {} of this input", origin.snapshot + 1),
    )
}

fn goroutines(n: u64) -> String {
    if n == 1 {
        "1 goroutine".into()
    } else {
        format!("{n} goroutines")
    }
}

fn short(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(", ") {
        Some(i) => format!("{}, …", &cut[..i]),
        None => format!("{cut}…"),
    }
}
