//! The human report: suspects first (ranked), then the other groups as a compact table,
//! then background goroutines summarised, then parse warnings and unknown lines.

use std::fmt::Write;

use goguard_runtime::analysis::classify::BlockKind;
use goguard_runtime::analysis::finding::{GroupFacts, WaitRange};
use goguard_runtime::analysis::sites::FrameRef;

use super::report::{FileReport, FindingOut, SnapshotReport, SnippetOut};

/// ANSI styling, or nothing when colours are off.
#[derive(Clone, Copy)]
pub struct Paint {
    pub on: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub fn red(self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    pub fn yellow(self, s: &str) -> String {
        self.wrap("33", s)
    }
    pub fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
    pub fn green(self, s: &str) -> String {
        self.wrap("32", s)
    }
}

pub fn render(reports: &[FileReport], color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    for r in reports {
        file(&mut out, r, p);
    }
    out
}

fn file(out: &mut String, r: &FileReport, p: Paint) {
    let _ = writeln!(out, "{}", p.bold(&format!("== {} ==", r.path)));
    if r.snapshots.is_empty() {
        let _ = writeln!(out, "no goroutine dump found in this file");
    }
    for s in &r.snapshots {
        snapshot(out, s, r.snapshots.len() > 1, p);
    }
    if r.noise_lines > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            p.dim(&format!(
                "{} lines of crash output skipped (registers, signal preamble)",
                r.noise_lines
            ))
        );
    }
    if !r.warnings.is_empty() || !r.unknown_lines.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Parse problems"));
        for w in &r.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        for u in &r.unknown_lines {
            let _ = writeln!(out, "  line {}: unknown: {}", u.line, u.text);
        }
    }
    out.push('\n');
}

fn snapshot(out: &mut String, s: &SnapshotReport, numbered: bool, p: Paint) {
    let which = if numbered {
        format!("snapshot {} (line {}), ", s.index + 1, s.line)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{which}{} goroutines, {:?} format",
        s.goroutines, s.format
    );
    if s.findings.is_empty() {
        let _ = writeln!(out, "{}", p.green("No suspects."));
    } else {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("Suspects ({})", s.findings.len()))
        );
        for (i, f) in s.findings.iter().enumerate() {
            finding(out, i + 1, f, p);
        }
    }
    let others: Vec<&GroupFacts> = s
        .groups
        .iter()
        .filter(|g| !g.suspect && g.background.is_none())
        .map(|g| &g.facts)
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Other groups"));
        let _ = writeln!(
            out,
            "  {:>6}  {:<32} {:<9} {:<48} created at",
            "count", "state", "wait", "blocking frame"
        );
        for g in others {
            let _ = writeln!(
                out,
                "  {:>6}  {:<32} {:<9} {:<48} {}",
                g.count,
                truncate(&state_label(g), 32),
                wait(g.wait_minutes),
                truncate(&frame_short(&g.blocking_frame), 48),
                frame_short(&g.created_by)
            );
        }
    }
    if !s.background.is_empty() {
        let total: u64 = s.background.iter().map(|b| b.count).sum();
        let parts: Vec<String> = s
            .background
            .iter()
            .map(|b| format!("{} {}", b.count, b.reason))
            .collect();
        let _ = writeln!(
            out,
            "\n{} {}",
            p.bold(&format!("Background ({total} expected):")),
            p.dim(&parts.join("; "))
        );
    }
}

fn finding(out: &mut String, n: usize, f: &FindingOut, p: Paint) {
    let fi = &f.finding;
    let head = format!("{}. {} {}", n, fi.code, fi.name);
    let _ = writeln!(
        out,
        "\n  {}  {}",
        p.red(&head),
        p.dim(&format!("score {}", fi.score))
    );
    let _ = writeln!(out, "     {}", fi.why);
    let facts = &fi.facts;
    let ids = if facts.ids.is_empty() {
        "-"
    } else {
        &facts.ids
    };
    let _ = writeln!(
        out,
        "     count {}  state {}  wait {}  ids {}",
        facts.count,
        state_label(facts),
        wait(facts.wait_minutes),
        truncate(ids, 60)
    );
    let _ = writeln!(
        out,
        "     blocks at   {}",
        frame_long(&facts.blocking_frame)
    );
    let _ = writeln!(out, "     created at  {}", frame_long(&facts.created_by));
    for e in &fi.evidence {
        let _ = writeln!(out, "     {} {e}", p.yellow("evidence:"));
    }
    for g in fi.involved.iter().skip(1) {
        let _ = writeln!(
            out,
            "     also: {} in {} at {}, created at {}",
            g.count,
            g.state,
            frame_short(&g.blocking_frame),
            frame_short(&g.created_by)
        );
    }
    if let Some(src) = &f.source {
        if let Some(s) = &src.blocking {
            snippet(out, "blocking line", s, p);
        }
        if let Some(s) = &src.creation {
            snippet(out, "go statement", s, p);
        }
        for missing in &src.not_found {
            let _ = writeln!(
                out,
                "     {}",
                p.dim(&format!("source not found: {missing}"))
            );
        }
    }
}

fn snippet(out: &mut String, what: &str, s: &SnippetOut, p: Paint) {
    let _ = writeln!(
        out,
        "     {}",
        p.dim(&format!("{what}, {}:{}", s.path, s.line))
    );
    for l in &s.lines {
        let marker = if l.line == s.line { ">" } else { " " };
        let text = format!("     {marker} {:>5} | {}", l.line, l.text);
        let _ = writeln!(
            out,
            "{}",
            if l.line == s.line {
                p.bold(&text)
            } else {
                text
            }
        );
    }
}

/// The printed state, with what it means when the state is generic (Go ≤1.19
/// `semacquire`): `semacquire (sync.WaitGroup.Wait)`.
pub fn state_label(facts: &GroupFacts) -> String {
    let meaning = facts.kind.label();
    if facts.state == "semacquire" && facts.kind != BlockKind::Semacquire {
        format!("{} ({meaning})", facts.state)
    } else {
        facts.state.clone()
    }
}

pub fn wait(w: Option<WaitRange>) -> String {
    match w {
        None => "-".into(),
        Some(w) if w.min == w.max => format!("{}m", w.min),
        Some(w) => format!("{}-{}m", w.min, w.max),
    }
}

pub fn frame_short(f: &Option<FrameRef>) -> String {
    match f {
        Some(f) => format!("{} ({})", f.function, f.short_location()),
        None => "-".into(),
    }
}

fn frame_long(f: &Option<FrameRef>) -> String {
    match f {
        Some(f) => format!("{}  {}:{}", f.function, f.file, f.line),
        None => "-".into(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let kept: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}
