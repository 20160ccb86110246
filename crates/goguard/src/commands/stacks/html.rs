//! A self-contained HTML report: inline CSS, no scripts, no external resources. Every
//! string that came from a dump (functions, files, states, unknown lines) goes through
//! `esc`, so a function named `<script>` is shown, never run.

use std::fmt::Write;

use goguard_runtime::analysis::diff::DiffReport;

use super::input::Input;
use super::report::{FileReport, FindingOut, SnapshotReport, SnippetOut};
use super::text::{frame_short, state_label, wait};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}\
.finding{border-left:4px solid #c0392b;padding:.5em 1em;margin:1em 0;background:#fdf2f1}\
.code{font-weight:bold;color:#c0392b}.ok{color:#27ae60}.dim{color:#777}\
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}\
pre{background:#f6f6f6;padding:.5em;overflow:auto}.mark{background:#fff3b0;font-weight:bold}\
code{font-family:ui-monospace,monospace}";

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
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

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n{body}</body></html>\n",
        esc(title)
    )
}

pub fn render(reports: &[FileReport]) -> String {
    let mut body = String::from("<h1>goguard stacks</h1>\n");
    for r in reports {
        let _ = writeln!(body, "<h2>{}</h2>", esc(&r.path));
        for s in &r.snapshots {
            snapshot(&mut body, s);
        }
        if r.noise_lines > 0 {
            let _ = writeln!(
                body,
                "<p class=\"dim\">{} lines of crash output skipped (registers, signal preamble)</p>",
                r.noise_lines
            );
        }
        if !r.warnings.is_empty() || !r.unknown_lines.is_empty() {
            body.push_str("<h3>Parse problems</h3><ul>");
            for w in &r.warnings {
                let _ = write!(body, "<li>warning: {}</li>", esc(w));
            }
            for u in &r.unknown_lines {
                let _ = write!(
                    body,
                    "<li>line {}: <code>{}</code></li>",
                    u.line,
                    esc(&u.text)
                );
            }
            body.push_str("</ul>\n");
        }
    }
    page("goguard stacks", &body)
}

fn snapshot(body: &mut String, s: &SnapshotReport) {
    let _ = writeln!(
        body,
        "<p class=\"dim\">snapshot {} (line {}): {} goroutines, {:?} format</p>",
        s.index + 1,
        s.line,
        s.goroutines,
        s.format
    );
    if s.findings.is_empty() {
        body.push_str("<p class=\"ok\">No suspects.</p>\n");
    }
    for (i, f) in s.findings.iter().enumerate() {
        finding(body, i + 1, f);
    }
    let others: Vec<_> = s
        .groups
        .iter()
        .filter(|g| !g.suspect && g.background.is_none())
        .collect();
    if !others.is_empty() {
        body.push_str("<h3>Other groups</h3><table><tr><th>count</th><th>state</th><th>wait</th><th>blocking frame</th><th>created at</th></tr>\n");
        for g in others {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                g.facts.count,
                esc(&state_label(&g.facts)),
                wait(g.facts.wait_minutes),
                esc(&frame_short(&g.facts.blocking_frame)),
                esc(&frame_short(&g.facts.created_by))
            );
        }
        body.push_str("</table>\n");
    }
    if !s.background.is_empty() {
        body.push_str("<h3>Background (expected)</h3><ul>");
        for b in &s.background {
            let _ = write!(body, "<li>{} {}</li>", b.count, esc(&b.reason));
        }
        body.push_str("</ul>\n");
    }
}

fn finding(body: &mut String, n: usize, f: &FindingOut) {
    let fi = &f.finding;
    let facts = &fi.facts;
    let _ = writeln!(
        body,
        "<div class=\"finding\"><p><span class=\"code\">{n}. {} {}</span> \
         <span class=\"dim\">score {}</span></p><p>{}</p>\
         <p>count {} · state {} · wait {} · ids {}</p>\
         <p>blocks at <code>{}</code><br>created at <code>{}</code></p><ul>",
        fi.code,
        fi.name,
        fi.score,
        esc(&fi.why),
        facts.count,
        esc(&state_label(facts)),
        wait(facts.wait_minutes),
        esc(&facts.ids),
        esc(&frame_short(&facts.blocking_frame)),
        esc(&frame_short(&facts.created_by))
    );
    for e in &fi.evidence {
        let _ = write!(body, "<li>{}</li>", esc(e));
    }
    for g in fi.involved.iter().skip(1) {
        let _ = write!(
            body,
            "<li>also: {} in {} at <code>{}</code>, created at <code>{}</code></li>",
            g.count,
            esc(&g.state),
            esc(&frame_short(&g.blocking_frame)),
            esc(&frame_short(&g.created_by))
        );
    }
    body.push_str("</ul>");
    if let Some(src) = &f.source {
        let labelled = [
            ("blocking line", &src.blocking),
            ("go statement", &src.creation),
        ];
        for (what, s) in labelled {
            if let Some(s) = s {
                snippet(body, what, s);
            }
        }
        for m in &src.not_found {
            let _ = write!(body, "<p class=\"dim\">source not found: {}</p>", esc(m));
        }
    }
    body.push_str("</div>\n");
}

fn snippet(body: &mut String, what: &str, s: &SnippetOut) {
    let _ = write!(
        body,
        "<p class=\"dim\">{what}, {}:{}</p><pre>",
        esc(&s.path),
        s.line
    );
    for l in &s.lines {
        let line = format!("{:>5} | {}", l.line, esc(&l.text));
        if l.line == s.line {
            let _ = writeln!(body, "<span class=\"mark\">{line}</span>");
        } else {
            let _ = writeln!(body, "{line}");
        }
    }
    body.push_str("</pre>");
}

pub fn render_diff(report: &DiffReport, inputs: &[Input]) -> String {
    let mut body = String::from("<h1>goguard stacks diff</h1>\n<ol>");
    for s in &report.snapshots {
        let _ = write!(
            body,
            "<li>{} — {} goroutines</li>",
            esc(&s.label),
            s.goroutines
        );
    }
    body.push_str("</ol>\n");
    if report.grown.is_empty() {
        body.push_str("<p class=\"ok\">No group grew.</p>\n");
    } else {
        body.push_str("<table><tr><th>code</th><th>change</th><th>counts</th><th>state</th><th>blocking frame</th><th>created at</th><th>note</th></tr>\n");
        for g in &report.grown {
            let counts: Vec<String> = g.counts.iter().map(u64::to_string).collect();
            let _ = writeln!(
                body,
                "<tr><td class=\"code\">{}</td><td>+{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                g.code,
                g.change,
                counts.join(" → "),
                esc(&g.state),
                esc(&frame_short(&g.blocking_frame)),
                esc(&frame_short(&g.created_by)),
                esc(g.background.as_deref().unwrap_or(""))
            );
        }
        body.push_str("</table>\n");
    }
    for i in inputs {
        for w in &i.parsed.warnings {
            let _ = write!(body, "<p class=\"dim\">warning: {}</p>", esc(w));
        }
    }
    page("goguard stacks diff", &body)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("main.<script>alert('x')</script>&\""),
            "main.&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
