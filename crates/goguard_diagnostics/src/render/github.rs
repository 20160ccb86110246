//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding, which the runner turns into an annotation on the file
//! and line in the pull request.
//!
//! ```text
//! ::warning file=svc/run.go,line=4,col=7,endLine=4,endColumn=13,title=CX001 context-cancel-not-called::context cancel function is never called
//! ```
//!
//! Columns are character columns (1-based, end exclusive), as a person
//! reading the annotation counts them. The help and related locations go
//! into the message on their own lines, since annotations have no other
//! place for them.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::resolve;
use crate::sanitize::display_safe;
use crate::source::Files;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes the message part of a workflow command (after `::`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=...`, `title=...`): the data escapes
/// plus `:` and `,`, which would otherwise end the value.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// Renders one workflow command line per diagnostic.
pub fn render_github(diagnostics: &[Diagnostic], files: &Files) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let r = resolve(files, d.span);
        let mut message = d.message.clone();
        for e in &d.evidence {
            let _ = write!(message, "\nevidence: {e}");
        }
        for n in &d.notes {
            let _ = write!(message, "\nnote: {n}");
        }
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        for rel in &d.related {
            let p = resolve(files, rel.span);
            let _ = write!(message, "\n{}:{}", p.path, p.start.line);
            if files.get(rel.span.file).has_text() {
                let _ = write!(message, ":{}", p.start.char_column);
            }
            let _ = write!(message, ": {}", rel.label);
        }
        let mut title = format!("{} {}", d.code, d.rule);
        if let Some(c) = d.confidence {
            let _ = write!(title, " ({})", c.as_str());
        }
        let mut position = format!("line={}", r.start.line);
        if files.get(d.span.file).has_text() {
            let _ = write!(
                position,
                ",col={},endLine={},endColumn={}",
                r.start.char_column, r.end.line, r.end.char_column
            );
        }
        // Lines go to the CI log: newlines are escaped by the command
        // syntax, other control characters made visible.
        let _ = writeln!(
            out,
            "::{} file={},{position},title={}::{}",
            command(d.severity),
            escape_property(&display_safe(&r.path.replace('\\', "/"))),
            escape_property(&display_safe(&title)),
            escape_data(&safe_lines(&message)),
        );
    }
    out
}

/// `display_safe` on each line, newlines kept (they are escaped later).
fn safe_lines(text: &str) -> String {
    text.split('\n')
        .map(|l| display_safe(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escaping() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a,b"),
            "100%25 sure%0D%0Anext: a,b"
        );
        // Escaping '%' first matters: "%0A" typed by a user must survive.
        assert_eq!(escape_data("literal %0A"), "literal %250A");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(
            escape_property("C:\\src\\a,b.go\n%"),
            "C%3A\\src\\a%2Cb.go%0A%25"
        );
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn one_escaped_line_per_finding_with_severity_commands() {
        let mut files = Files::new();
        let f = files.add("odd,dir/a:b.go", "package a\nvar x = 1\n");
        let d =
            |sev, msg: &str| Diagnostic::new("X001", "some-rule", sev, Span::new(f, 14..15), msg);
        let out = render_github(
            &[
                d(Severity::Error, "e").with_help("50% of\npaths"),
                d(Severity::Warning, "w"),
                d(Severity::Info, "i"),
            ],
            &files,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=odd%2Cdir/a%3Ab.go,line=2,col=5,endLine=2,endColumn=6,title=X001 some-rule::e%0Ahelp: 50%25 of%0Apaths",
                "::warning file=odd%2Cdir/a%3Ab.go,line=2,col=5,endLine=2,endColumn=6,title=X001 some-rule::w",
                "::notice file=odd%2Cdir/a%3Ab.go,line=2,col=5,endLine=2,endColumn=6,title=X001 some-rule::i",
            ]
        );
    }
}
