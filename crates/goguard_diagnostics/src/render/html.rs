//! A self-contained HTML report: inline CSS, no scripts, no external
//! resources, so it can be attached to a CI run or mailed. Every string
//! (messages, paths, code, and what a dump printed) is escaped: a function
//! named `<script>` is shown, never run.

use std::fmt::Write as _;

use crate::confidence::Confidence;
use crate::diagnostic::{Diagnostic, Severity};
use crate::goroutines::{format_id_ranges, GoroutineGroup, Role};
use crate::render::human::short_location;
use crate::render::resolve;
use crate::render::section::Section;
use crate::sanitize::display_safe;
use crate::source::{Files, Span};
use crate::summary::Summary;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}\
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}\
.finding{border-left:4px solid #c0392b;padding:.5em 1em;margin:1em 0;background:#fdf2f1}\
.finding.warning{border-color:#d68910;background:#fef9e7}\
.finding.info{border-color:#2874a6;background:#eef5fb}\
.code{font-weight:bold}.dim{color:#777}.ok{color:#27ae60}\
.badge{display:inline-block;padding:0 .5em;border-radius:.6em;font-size:.85em;color:#fff}\
.certain{background:#922b21}.high{background:#c0392b}.medium{background:#d68910}.low{background:#7f8c8d}\
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}\
pre{background:#f6f6f6;padding:.5em;overflow:auto}.mark{background:#fff3b0;font-weight:bold}\
code,pre{font-family:ui-monospace,monospace}";

/// Lines of code shown either side of a marked line.
const CONTEXT_LINES: u32 = 3;

/// Escapes text for HTML element content and attribute values, after
/// making control characters visible.
pub fn escape_html(s: &str) -> String {
    let s = display_safe(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page: a title, the summary line, the findings in the order
/// given, then the caller's sections.
pub fn render_html(
    diagnostics: &[Diagnostic],
    files: &Files,
    title: &str,
    summary: Option<&Summary>,
    sections: &[Section],
) -> String {
    let mut body = format!("<h1>{}</h1>\n", escape_html(title));
    if let Some(s) = summary {
        let _ = writeln!(body, "<p class=\"dim\">{}</p>", escape_html(&s.to_string()));
    }
    if diagnostics.is_empty() {
        body.push_str("<p class=\"ok\">No findings.</p>\n");
    }
    for (i, d) in diagnostics.iter().enumerate() {
        finding(&mut body, i + 1, d, files);
    }
    for s in sections.iter().filter(|s| !s.is_empty()) {
        section(&mut body, s);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n{body}</body></html>\n",
        escape_html(title)
    )
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn badge(c: Confidence) -> String {
    format!(
        "<span class=\"badge {0}\" title=\"confidence\">{0}</span>",
        c.as_str()
    )
}

fn location_text(files: &Files, span: Span) -> String {
    let r = resolve(files, span);
    if files.get(span.file).has_text() {
        format!("{}:{}:{}", r.path, r.start.line, r.start.char_column)
    } else {
        format!("{}:{}", r.path, r.start.line)
    }
}

fn finding(body: &mut String, n: usize, d: &Diagnostic, files: &Files) {
    let _ = write!(
        body,
        "<div class=\"finding {}\"><p>{n}. <span class=\"code\">{} {}</span> ",
        severity_class(d.severity),
        escape_html(&d.code),
        escape_html(&d.rule)
    );
    if let Some(c) = d.confidence {
        body.push_str(&badge(c));
    }
    let _ = writeln!(
        body,
        "<br>{}<br><code>{}</code></p>",
        escape_html(&d.message),
        escape_html(&location_text(files, d.span))
    );
    code(body, files, d.span, d.label.as_deref());
    if let Some(facts) = &d.goroutines {
        groups_table(body, &facts.groups);
    }
    if !d.sites.is_empty() {
        body.push_str("<table><tr><th>where</th><th>function</th><th>at</th></tr>\n");
        for s in &d.sites {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                escape_html(&s.role),
                escape_html(&s.frame.function),
                escape_html(&short_location(&s.frame)),
            );
        }
        body.push_str("</table>\n");
    }
    list(body, "Evidence", &d.evidence);
    if !d.related.is_empty() {
        body.push_str("<p>Related locations:</p><ul>");
        for r in &d.related {
            let _ = write!(
                body,
                "<li><code>{}</code> {}</li>",
                escape_html(&location_text(files, r.span)),
                escape_html(&r.label)
            );
        }
        body.push_str("</ul>\n");
        for r in d
            .related
            .iter()
            .filter(|r| files.get(r.span.file).has_text())
        {
            code(body, files, r.span, Some(&r.label));
        }
    }
    list(body, "Notes", &d.notes);
    if let Some(help) = &d.help {
        let _ = writeln!(body, "<p>help: {}</p>", escape_html(help));
    }
    body.push_str("</div>\n");
}

fn list(body: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(body, "<p>{title}:</p><ul>");
    for e in items {
        let _ = write!(body, "<li>{}</li>", escape_html(e));
    }
    body.push_str("</ul>\n");
}

/// The lines around a span, the span's own lines marked.
fn code(body: &mut String, files: &Files, span: Span, label: Option<&str>) {
    let file = files.get(span.file);
    if !file.has_text() {
        return;
    }
    let (start, end) = files.positions(span);
    let first = start.line.saturating_sub(CONTEXT_LINES).max(1);
    let last = end
        .line
        .saturating_add(CONTEXT_LINES)
        .min(file.line_count());
    body.push_str("<pre>");
    for line in first..=last {
        let text = escape_html(file.line_text(line));
        if (start.line..=end.line).contains(&line) {
            let _ = write!(body, "<span class=\"mark\">{line:>5} | {text}</span>");
            if let (Some(l), true) = (label, line == end.line) {
                let _ = write!(body, "  <span class=\"dim\">← {}</span>", escape_html(l));
            }
            body.push('\n');
        } else {
            let _ = writeln!(body, "{line:>5} | {text}");
        }
    }
    body.push_str("</pre>\n");
}

fn groups_table(body: &mut String, groups: &[GoroutineGroup]) {
    body.push_str(
        "<table><tr><th>role</th><th>goroutines</th><th>ids</th><th>state</th>\
         <th>wait</th><th>blocks at</th><th>created at</th></tr>\n",
    );
    for g in groups {
        let wait = g.wait.map_or_else(
            || "-".to_string(),
            |w| {
                if w.min == w.max {
                    format!("{}s", w.max)
                } else {
                    format!("{}-{}s", w.min, w.max)
                }
            },
        );
        let at = |f: &Option<crate::goroutines::FrameLocation>| {
            f.as_ref().map_or_else(
                || "-".to_string(),
                |f| format!("{} ({})", f.function, short_location(f)),
            )
        };
        let role = match g.role {
            Role::Accused => "accused",
            Role::Involved => "involved",
        };
        let _ = writeln!(
            body,
            "<tr><td>{role}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td><code>{}</code></td><td><code>{}</code></td></tr>",
            g.count,
            escape_html(&format_id_ranges(&g.ids)),
            escape_html(&g.state),
            wait,
            escape_html(&at(&g.blocking)),
            escape_html(&at(&g.created_by)),
        );
    }
    body.push_str("</table>\n");
}

fn section(body: &mut String, s: &Section) {
    let _ = writeln!(body, "<h2>{}</h2>", escape_html(&s.title));
    for p in &s.paragraphs {
        let _ = writeln!(body, "<p>{}</p>", escape_html(p));
    }
    if let Some(p) = &s.plot {
        crate::render::plot::plot_svg(body, p);
    }
    if let Some(t) = &s.table {
        body.push_str("<table><tr>");
        for c in &t.columns {
            let _ = write!(body, "<th>{}</th>", escape_html(c));
        }
        body.push_str("</tr>\n");
        for row in &t.rows {
            body.push_str("<tr>");
            for c in row {
                let _ = write!(body, "<td>{}</td>", escape_html(c));
            }
            body.push_str("</tr>\n");
        }
        body.push_str("</table>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goroutines::{FrameLocation, GoroutineFacts};

    #[test]
    fn escapes_everything_from_the_input() {
        let mut files = Files::new();
        let f = files.add_unread("/build/<img src=x>.go");
        let d = Diagnostic::new(
            "RT001",
            "leaked-goroutine-group",
            Severity::Error,
            files.line_span(f, 12),
            "1 goroutine blocked in <script>alert(1)</script>",
        )
        .with_confidence(Confidence::High)
        .with_evidence("a & b")
        .with_goroutines(GoroutineFacts {
            input: "dump.txt".into(),
            snapshot: 0,
            groups: vec![GoroutineGroup {
                role: Role::Accused,
                count: 1,
                ids: vec![7],
                state: "chan send".into(),
                kind: "chan_send".into(),
                wait: None,
                blocking: Some(FrameLocation {
                    function: "main.<evil>".into(),
                    file: "x.go".into(),
                    line: 3,
                }),
                created_by: None,
            }],
        });
        let html = render_html(
            &[d],
            &files,
            "goguard stacks",
            None,
            &[Section::new("Other <b>").paragraph("\u{1b}[31m")],
        );
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<evil>"));
        assert!(!html.contains('\u{1b}'));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<span class=\"badge high\""));
        assert!(html.contains("a &amp; b"));
        assert!(html.contains("/build/&lt;img src=x&gt;.go:12"));
    }
}
