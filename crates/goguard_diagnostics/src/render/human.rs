//! Terminal output for people, in the style of rustc and ruff:
//!
//! ```text
//! svc/run.go:4:7: CX001 context cancel function is never called
//!   |
//! 4 |     ctx, cancel := context.WithTimeout(ctx, time.Second)
//!   |          ^^^^^^ cancel is never called
//! ```
//!
//! Frames are drawn by `annotate-snippets`, the library behind rustc's and
//! cargo's output, which already handles multi-line spans, label placement,
//! folding, tabs (shown as four spaces, underlines kept aligned) and colour.
//! This file only decides what goes in which frame. The header is ours: the
//! `path:line:col: CODE message` form is what editors and terminals
//! recognise as a clickable location.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Patch, Renderer, Snippet};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::goroutines::{format_id_ranges, FrameLocation, GoroutineGroup, Role};
use crate::render::resolve;
use crate::sanitize::display_safe;
use crate::source::{FileId, Files, Span};
use crate::summary::Summary;

/// Related spans within this many lines of the primary span's frame are
/// drawn in that frame (with `...` over the gap); farther ones get a frame
/// of their own so one finding never prints a screenful of unrelated code.
const SAME_FRAME_MAX_GAP: u32 = 8;

#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    /// Emit ANSI colours. The caller decides (TTY, `--color`, `NO_COLOR`).
    pub color: bool,
}

/// Renders each diagnostic as a header plus code frames, a blank line
/// between findings, then the summary line if one is given.
pub fn render_human(
    diagnostics: &[Diagnostic],
    files: &Files,
    options: HumanOptions,
    summary: Option<&Summary>,
) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render_one(&renderer, d, files));
        out.push_str("\n\n");
    }
    if let Some(s) = summary {
        if options.color {
            let _ = writeln!(out, "\x1b[1m{s}\x1b[0m");
        } else {
            let _ = writeln!(out, "{s}");
        }
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// One annotation to place: which span, primary or not, and its label.
#[derive(Clone, Copy)]
struct Mark<'a> {
    span: Span,
    primary: bool,
    label: Option<&'a str>,
}

/// Annotations that share one frame: a run of nearby lines in one file.
struct Frame<'a> {
    file: FileId,
    first_line: u32,
    last_line: u32,
    marks: Vec<Mark<'a>>,
}

fn render_one(renderer: &Renderer, d: &Diagnostic, files: &Files) -> String {
    let primary = resolve(files, d.span);
    let has_text = files.get(d.span.file).has_text();
    let location = if has_text {
        format!(
            "{}:{}:{}",
            primary.path, primary.start.line, primary.start.char_column
        )
    } else {
        format!("{}:{}", primary.path, primary.start.line)
    };
    let header = display_safe(&format!("{location}: {} {}", d.code, d.message)).into_owned();
    let mut group = Group::with_title(level(d.severity).no_name().primary_title(header));
    for (i, frame) in frames(d, files).into_iter().enumerate() {
        let file = files.get(frame.file);
        let base = file.line_range(frame.first_line).start;
        let end = file.line_range(frame.last_line).end;
        let mut snippet = Snippet::source(&file.text()[base..end])
            .line_start(frame.first_line as usize)
            .fold(true);
        // The header already names the primary location; later frames name
        // theirs (drawn as `::: path:line:col`).
        if i > 0 {
            snippet = snippet.path(display_safe(file.path()));
        }
        for m in frame.marks {
            let r = resolve(files, m.span);
            let kind = if m.primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let mut a = kind.span(r.start_offset - base..r.end_offset - base);
            if let Some(l) = m.label {
                a = a.label(display_safe(l));
            }
            snippet = snippet.annotation(a);
        }
        group = group.element(snippet);
    }
    // Locations in files whose text is not here (a dump's build paths) are
    // listed by path and line, with their labels.
    if !has_text {
        if let Some(label) = &d.label {
            group = group.element(Level::NOTE.with_name("here").message(display_safe(label)));
        }
    }
    for r in d
        .related
        .iter()
        .filter(|r| !files.get(r.span.file).has_text())
    {
        let p = resolve(files, r.span);
        group = group.element(Level::NOTE.with_name("at").message(
            display_safe(&format!("{}:{}: {}", p.path, p.start.line, r.label)).into_owned(),
        ));
    }
    if let Some(c) = d.confidence {
        group = group.element(Level::NOTE.with_name("confidence").message(c.as_str()));
    }
    if let Some(facts) = &d.goroutines {
        for g in &facts.groups {
            let name = match g.role {
                Role::Accused => "goroutines",
                Role::Involved => "involved",
            };
            group = group.element(
                Level::NOTE
                    .with_name(name)
                    .message(display_safe(&group_line(g)).into_owned()),
            );
        }
    }
    for e in &d.evidence {
        group = group.element(Level::NOTE.with_name("evidence").message(display_safe(e)));
    }
    for n in &d.notes {
        group = group.element(Level::NOTE.message(display_safe(n)));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(display_safe(help)));
    }
    let mut report = vec![group];
    if let Some(fix) = &d.fix {
        report.push(fix_group(fix, d.span.file, files));
    }
    renderer.render(&report)
}

/// `3 (ids 7-9) in chan send at main.f (x.go:21), created at x.go:20 by main.g`.
pub(crate) fn group_line(g: &GoroutineGroup) -> String {
    let mut line = g.count.to_string();
    if !g.ids.is_empty() {
        line.push_str(&format!(" (ids {})", format_id_ranges(&g.ids)));
    }
    line.push_str(&format!(" in {}", g.state));
    if let Some(w) = g.wait {
        line.push_str(&format!(", {}", wait_text(w.min, w.max)));
    }
    if let Some(b) = &g.blocking {
        line.push_str(&format!(" at {} ({})", b.function, short_location(b)));
    }
    if let Some(c) = &g.created_by {
        line.push_str(&format!(
            ", created at {} by {}",
            short_location(c),
            c.function
        ));
    }
    line
}

/// `waiting 5s` / `waiting 3-12 min`.
fn wait_text(min: u64, max: u64) -> String {
    let one = |s: u64| {
        if s >= 60 && s.is_multiple_of(60) {
            format!("{} min", s / 60)
        } else {
            format!("{s}s")
        }
    };
    if min == max {
        format!("waiting {}", one(max))
    } else if min.is_multiple_of(60) && max.is_multiple_of(60) && min > 0 {
        format!("waiting {}-{} min", min / 60, max / 60)
    } else {
        format!("waiting {}-{}", one(min), one(max))
    }
}

/// `leaks.go:21`: the last path element and the line.
pub(crate) fn short_location(f: &FrameLocation) -> String {
    let base = f.file.rsplit(['/', '\\']).next().unwrap_or(&f.file);
    format!("{base}:{}", f.line)
}

/// Splits the primary and related spans into frames: per file, a new frame
/// wherever the gap between annotated lines exceeds [`SAME_FRAME_MAX_GAP`].
/// The frame holding the primary span comes first; the rest follow in file
/// order of first mention, then by line.
fn frames<'a>(d: &'a Diagnostic, files: &Files) -> Vec<Frame<'a>> {
    let mut marks = vec![Mark {
        span: d.span,
        primary: true,
        label: d.label.as_deref(),
    }];
    marks.extend(d.related.iter().map(|r| Mark {
        span: r.span,
        primary: false,
        label: Some(r.label.as_str()),
    }));
    marks.retain(|m| files.get(m.span.file).has_text());

    let mut file_order: Vec<FileId> = Vec::new();
    for m in &marks {
        if !file_order.contains(&m.span.file) {
            file_order.push(m.span.file);
        }
    }

    let mut frames: Vec<Frame<'a>> = Vec::new();
    for file in file_order {
        let mut in_file: Vec<(u32, u32, Mark<'a>)> = marks
            .iter()
            .filter(|m| m.span.file == file)
            .map(|&m| {
                let (s, e) = files.positions(m.span);
                (s.line, e.line, m)
            })
            .collect();
        in_file.sort_by_key(|&(s, e, ref m)| (s, e, !m.primary));
        for (first, last, mark) in in_file {
            match frames.last_mut() {
                Some(f) if f.file == file && first <= f.last_line + SAME_FRAME_MAX_GAP => {
                    f.last_line = f.last_line.max(last);
                    f.marks.push(mark);
                }
                _ => frames.push(Frame {
                    file,
                    first_line: first,
                    last_line: last,
                    marks: vec![mark],
                }),
            }
        }
    }
    // Stable: frames keep their relative order apart from the primary one.
    if let Some(p) = frames
        .iter()
        .position(|f| f.marks.iter().any(|m| m.primary))
    {
        let primary = frames.remove(p);
        frames.insert(0, primary);
    }
    frames
}

/// A fix drawn as a `help:` suggestion with removed and added lines.
fn fix_group<'a>(
    fix: &'a crate::diagnostic::Fix,
    primary_file: FileId,
    files: &'a Files,
) -> Group<'a> {
    let title = match fix.applicability {
        Applicability::Safe => fix.message.clone(),
        Applicability::Unsafe => format!("{} (unsafe fix)", fix.message),
    };
    let mut group = Group::with_title(Level::HELP.secondary_title(title));
    let mut file_order: Vec<FileId> = Vec::new();
    for e in &fix.edits {
        if !file_order.contains(&e.span.file) {
            file_order.push(e.span.file);
        }
    }
    for id in file_order {
        let file = files.get(id);
        let mut edits: Vec<_> = fix
            .edits
            .iter()
            .filter(|e| e.span.file == id)
            .map(|e| {
                let (s, end) = files.positions(e.span);
                (s.line, end.line, e)
            })
            .collect();
        edits.sort_by_key(|&(s, e, edit)| (s, e, edit.span.start));
        // annotate-snippets draws only the first run of changed lines of a
        // snippet, so edits on lines apart get a snippet each.
        let mut clusters: Vec<(u32, u32, Vec<&crate::diagnostic::Edit>)> = Vec::new();
        for (first, last, e) in edits {
            match clusters.last_mut() {
                Some(c) if first <= c.1 + 1 => {
                    c.1 = c.1.max(last);
                    c.2.push(e);
                }
                _ => clusters.push((first, last, vec![e])),
            }
        }
        for (first, last, edits) in clusters {
            let base = file.line_range(first).start;
            let end = file.line_range(last).end;
            let mut snippet = Snippet::source(&file.text()[base..end]).line_start(first as usize);
            if id != primary_file {
                snippet = snippet.path(file.path());
            }
            for e in edits {
                let r = resolve(files, e.span);
                snippet = snippet.patch(Patch::new(
                    r.start_offset - base..r.end_offset - base,
                    e.replacement.as_str(),
                ));
            }
            group = group.element(snippet);
        }
    }
    group
}
