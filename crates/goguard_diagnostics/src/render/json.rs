//! Machine-readable JSON, for editors, scripts and other tools.
//!
//! The schema is documented in `docs/output-formats.md`. Within one
//! `schema_version`, fields are only ever added, never renamed, removed or
//! given a new meaning; consumers should ignore fields they do not know.
//! Lines and columns are 1-based, columns count bytes (UTF-8), end
//! positions are exclusive, and offsets are 0-based byte offsets.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::render::resolve;
use crate::source::{Files, Span};

/// Bumped only for a change that could break a consumer.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    start_offset: usize,
    end_offset: usize,
}

fn location(files: &Files, span: Span) -> Location<'_> {
    let r = resolve(files, span);
    Location {
        file: r.path,
        line: r.start.line,
        column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
        start_offset: r.start_offset,
        end_offset: r.end_offset,
    }
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    label: Option<&'a str>,
    help: Option<&'a str>,
    #[serde(flatten)]
    location: Location<'a>,
    related: Vec<RelatedOut<'a>>,
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct FixOut<'a> {
    message: &'a str,
    applicability: &'static str,
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    replacement: &'a str,
}

/// Renders `{"schema_version": 1, "findings": [...]}`, pretty-printed with
/// a final newline.
pub fn render_json(diagnostics: &[Diagnostic], files: &Files) -> String {
    let report = Report {
        schema_version: JSON_SCHEMA_VERSION,
        findings: diagnostics
            .iter()
            .map(|d| Finding {
                rule: &d.rule,
                code: &d.code,
                severity: d.severity.as_str(),
                message: &d.message,
                label: d.label.as_deref(),
                help: d.help.as_deref(),
                location: location(files, d.span),
                related: d
                    .related
                    .iter()
                    .map(|r| RelatedOut {
                        location: location(files, r.span),
                        message: &r.label,
                    })
                    .collect(),
                fix: d.fix.as_ref().map(|f| FixOut {
                    message: &f.message,
                    applicability: f.applicability.as_str(),
                    edits: f
                        .edits
                        .iter()
                        .map(|e| EditOut {
                            location: location(files, e.span),
                            replacement: &e.replacement,
                        })
                        .collect(),
                }),
            })
            .collect(),
    };
    // Serialising plain strings and integers cannot fail.
    let mut out = serde_json::to_string_pretty(&report).expect("JSON report serialises");
    out.push('\n');
    out
}
