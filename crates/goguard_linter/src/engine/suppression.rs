//! `//goguard:ignore` comments: suppressing findings on one line.
//!
//! Syntax: `//goguard:ignore RULE[,RULE...] reason`, where RULE is a rule
//! name or code (`context-cancel-not-called` or `CX001`). A comment after
//! code covers its own line; a comment on a line of its own covers the
//! first line below it that is not a comment (so it can sit in a block of
//! comments above a statement). A finding is suppressed when its primary
//! span starts on a covered line. There is no "all": every suppression
//! names what it silences.
//!
//! A suppression without a reason, or naming no rule or an unknown one, is
//! reported as `invalid-suppression` (what it names is still suppressed).
//! A named rule that ran on the file but found nothing on the covered line
//! is reported as `unused-suppression`; rules that did not run (not
//! selected, or not applicable to the file) never make a suppression unused.

use goguard_diagnostics::{Diagnostic, FileId, Span};
use goguard_syntax::{LineIndex, ParsedFile};

use super::builtin::{INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
use super::context::severity_of;
use super::registry::{find, suggest, Entry};

/// One parsed `//goguard:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Byte range of the comment.
    pub start: u32,
    pub end: u32,
    /// The 1-based line it covers; None when nothing follows it.
    pub line: Option<u32>,
    /// Codes of the rules it names (known ones only).
    pub codes: Vec<&'static str>,
    /// Why the comment is malformed, if it is.
    pub problems: Vec<String>,
}

/// The suppressions of a file, in source order.
pub fn parse_suppressions(
    source: &str,
    parsed: &ParsedFile,
    entries: &[Entry],
) -> Vec<Suppression> {
    let lines = parsed.lines();
    parsed
        .directives(source)
        .filter(|d| d.namespace == "goguard" && d.name == "ignore")
        .map(|d| {
            let start = d.pos;
            let end = source[start as usize..]
                .find('\n')
                .map_or(source.len(), |i| start as usize + i) as u32;
            let end = end.min(comment_end(source, start));
            let (names, reason) = split_rules(d.args);
            let mut codes = Vec::new();
            let mut problems = Vec::new();
            if names.is_empty() {
                problems.push("names no rule".to_string());
            }
            for name in names {
                match find(entries, name) {
                    Some(e) => codes.push(e.code()),
                    None => problems.push(match suggest(entries, name) {
                        Some(s) => format!("names unknown rule `{name}` (did you mean `{s}`?)"),
                        None => format!("names unknown rule `{name}`"),
                    }),
                }
            }
            if reason.is_empty() && !codes.is_empty() {
                problems.push("gives no reason".to_string());
            }
            Suppression {
                start,
                end,
                line: covered_line(source, lines, start),
                codes,
                problems,
            }
        })
        .collect()
}

/// End of the comment starting at `start` (a `/* */` comment may end before
/// the line does).
fn comment_end(source: &str, start: u32) -> u32 {
    let rest = &source[start as usize..];
    if rest.starts_with("/*") {
        if let Some(i) = rest.find("*/") {
            return start + i as u32 + 2;
        }
    }
    source.len() as u32
}

/// `CX001,RS001 reason` → (["CX001", "RS001"], "reason"); a space after a
/// comma is allowed (`CX001, RS001 reason`).
fn split_rules(args: &str) -> (Vec<&str>, &str) {
    let mut names = Vec::new();
    let mut rest = args.trim_start();
    loop {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = rest[end..].trim_start();
        names.extend(token.split(',').filter(|s| !s.is_empty()));
        if !token.ends_with(',') || rest.is_empty() {
            break;
        }
    }
    (names, rest.trim())
}

/// The line a suppression at `pos` covers.
fn covered_line(source: &str, lines: &LineIndex, pos: u32) -> Option<u32> {
    let (line, _) = lines.line_col(pos);
    let line_start = lines.line_start(line).unwrap_or(0) as usize;
    if !source[line_start..pos as usize].trim().is_empty() {
        return Some(line); // trailing comment
    }
    let mut next = line + 1;
    while let Some(start) = lines.line_start(next) {
        let end = lines
            .line_start(next + 1)
            .map_or(source.len(), |e| e as usize);
        let text = source[start as usize..end].trim();
        if text.is_empty() {
            return None; // a blank line: the comment is directly above nothing
        }
        if !text.starts_with("//") {
            return Some(next);
        }
        next += 1;
    }
    None
}

/// Removes suppressed findings of one file and adds `invalid-suppression`
/// and `unused-suppression` findings. `ran(code)` says whether a rule ran
/// on this file.
pub fn apply(
    suppressions: &[Suppression],
    lines: &LineIndex,
    file_id: FileId,
    diagnostics: Vec<Diagnostic>,
    ran: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    if suppressions.is_empty() {
        return diagnostics;
    }
    let mut used = vec![Vec::new(); suppressions.len()];
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let (line, _) = lines.line_col(d.span.start);
        let hit = suppressions
            .iter()
            .position(|s| s.line == Some(line) && s.codes.contains(&d.code.as_str()));
        match hit {
            Some(i) => used[i].push(d.code.clone()),
            None => kept.push(d),
        }
    }
    for (s, used) in suppressions.iter().zip(&used) {
        let span = Span::new(file_id, s.start as usize..s.end as usize);
        for problem in &s.problems {
            kept.push(Diagnostic::new(
                INVALID_SUPPRESSION.code,
                INVALID_SUPPRESSION.name,
                severity_of(INVALID_SUPPRESSION.category),
                span,
                format!("`//goguard:ignore` comment {problem}"),
            ).with_help("write `//goguard:ignore RULE reason`, naming the rule by name or code and saying why the finding does not apply"));
        }
        for code in &s.codes {
            if ran(code) && !used.iter().any(|u| u == code) {
                let msg = match s.line {
                    Some(l) => format!("suppression of {code} matches no finding on line {l}"),
                    None => format!("suppression of {code} covers no line"),
                };
                kept.push(
                    Diagnostic::new(
                        UNUSED_SUPPRESSION.code,
                        UNUSED_SUPPRESSION.name,
                        severity_of(UNUSED_SUPPRESSION.category),
                        span,
                        msg,
                    )
                    .with_help("remove the code from the comment, or the comment"),
                );
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::registry::entries;
    use goguard_diagnostics::{Files, Severity};
    use goguard_syntax::parse_file;

    #[test]
    fn rule_lists_and_reasons_split() {
        assert_eq!(split_rules("CX001 why not"), (vec!["CX001"], "why not"));
        assert_eq!(
            split_rules("CX001,E001 because"),
            (vec!["CX001", "E001"], "because")
        );
        assert_eq!(
            split_rules("CX001, E001 because"),
            (vec!["CX001", "E001"], "because")
        );
        assert_eq!(split_rules("CX001"), (vec!["CX001"], ""));
        assert_eq!(split_rules(""), (vec![], ""));
    }

    fn run(src: &str, findings_at: &[&str]) -> Vec<String> {
        let parsed = parse_file(src);
        let es = entries(&[]);
        let sups = parse_suppressions(src, &parsed, &es);
        let mut files = Files::new();
        let id = files.add("a.go", src);
        let diags = findings_at
            .iter()
            .map(|needle| {
                let at = src.find(needle).unwrap();
                Diagnostic::new(
                    "E001",
                    "syntax-error",
                    Severity::Error,
                    Span::new(id, at..at + 1),
                    format!("at {needle}"),
                )
            })
            .collect();
        let out = apply(&sups, parsed.lines(), id, diags, &|c| c == "E001");
        out.iter()
            .map(|d| {
                let line = parsed.lines().line_col(d.span.start).0;
                format!("{}:{} {}", line, d.code, d.message)
            })
            .collect()
    }

    #[test]
    fn trailing_and_preceding_comments_cover_their_line() {
        let src = "package p\n\nvar a = 1 //goguard:ignore E001 known\n\n// Doc.\n//goguard:ignore syntax-error known\n// More doc.\nvar b = 2\nvar c = 3\n";
        assert_eq!(run(src, &["a =", "b =", "c ="]), ["9:E001 at c ="]);
    }

    #[test]
    fn missing_reason_and_unknown_rules_are_invalid() {
        let src = "package p\n\nvar a = 1 //goguard:ignore E001\nvar b = 2 //goguard:ignore sintax-error x\n";
        assert_eq!(
            run(src, &["a ="]),
            [
                "3:E003 `//goguard:ignore` comment gives no reason",
                "4:E003 `//goguard:ignore` comment names unknown rule `sintax-error` (did you mean `syntax-error`?)",
            ]
        );
    }

    #[test]
    fn unused_only_for_rules_that_ran() {
        let src = "package p\n\nvar a = 1 //goguard:ignore E001,E002 reason\n\n//goguard:ignore E001 reason\n\nvar b = 2\n";
        assert_eq!(
            run(src, &[]),
            [
                "3:E004 suppression of E001 matches no finding on line 3",
                "5:E004 suppression of E001 covers no line",
            ]
        );
    }
}
