//! Machine-readable JSON, for editors, scripts and other tools.
//!
//! The schema is documented in `docs/output-formats.md`. Within one
//! `schema_version`, fields are only ever added, never renamed, removed or
//! given a new meaning; consumers should ignore fields they do not know.
//! Lines and columns are 1-based, columns count bytes (UTF-8), end
//! positions are exclusive, and offsets are 0-based byte offsets.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::goroutines::{CodeSite, FrameLocation, GoroutineFacts, GoroutineGroup};
use crate::render::resolve;
use crate::source::{Files, Span};

/// Bumped only for a change that could break a consumer. Version 2: runtime
/// findings (confidence, evidence, goroutines), notes, and locations in
/// files known by path only (`column` 1, offsets `null`).
pub const JSON_SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Report<'a, E: Serialize> {
    schema_version: u32,
    findings: Vec<Finding<'a>>,
    #[serde(flatten)]
    extra: &'a E,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    start_offset: Option<usize>,
    end_offset: Option<usize>,
}

fn location(files: &Files, span: Span) -> Location<'_> {
    let r = resolve(files, span);
    let has_text = files.get(span.file).has_text();
    Location {
        file: r.path,
        line: r.start.line,
        column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
        start_offset: has_text.then_some(r.start_offset),
        end_offset: has_text.then_some(r.end_offset),
    }
}

#[derive(Serialize)]
struct GoroutinesOut<'a> {
    input: &'a str,
    snapshot: usize,
    /// Accused goroutines: how many, and their ids.
    count: u64,
    ids: Vec<u64>,
    groups: Vec<GroupOut<'a>>,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    role: &'static str,
    count: u64,
    ids: &'a [u64],
    state: &'a str,
    kind: &'a str,
    wait_seconds: Option<WaitOut>,
    blocking_frame: Option<&'a FrameLocation>,
    created_by: Option<&'a FrameLocation>,
}

#[derive(Serialize)]
struct WaitOut {
    min: u64,
    max: u64,
}

impl Serialize for FrameLocation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("FrameLocation", 3)?;
        s.serialize_field("function", &self.function)?;
        s.serialize_field("file", &self.file)?;
        s.serialize_field("line", &self.line)?;
        s.end()
    }
}

fn goroutines_out(f: &GoroutineFacts) -> GoroutinesOut<'_> {
    GoroutinesOut {
        input: &f.input,
        snapshot: f.snapshot,
        count: f.accused_count(),
        ids: f.accused_ids(),
        groups: f.groups.iter().map(group_out).collect(),
    }
}

fn group_out(g: &GoroutineGroup) -> GroupOut<'_> {
    GroupOut {
        role: g.role.as_str(),
        count: g.count,
        ids: &g.ids,
        state: &g.state,
        kind: &g.kind,
        wait_seconds: g.wait.map(|w| WaitOut {
            min: w.min,
            max: w.max,
        }),
        blocking_frame: g.blocking.as_ref(),
        created_by: g.created_by.as_ref(),
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
    confidence: Option<&'static str>,
    evidence: &'a [String],
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    goroutines: Option<GoroutinesOut<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sites: &'a [CodeSite],
}

impl Serialize for CodeSite {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("CodeSite", 4)?;
        s.serialize_field("role", &self.role)?;
        s.serialize_field("function", &self.frame.function)?;
        s.serialize_field("file", &self.frame.file)?;
        s.serialize_field("line", &self.frame.line)?;
        s.end()
    }
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

/// Renders `{"schema_version": 2, "findings": [...]}`, pretty-printed with
/// a final newline.
pub fn render_json(diagnostics: &[Diagnostic], files: &Files) -> String {
    render_json_with(diagnostics, files, &serde_json::Map::new())
}

/// [`render_json`] with the fields of `extra` (a struct or map) added at the
/// top level, after `findings`: what a command reports beside its findings
/// (the inputs `goguard stacks` read, for instance).
pub fn render_json_with<E: Serialize>(
    diagnostics: &[Diagnostic],
    files: &Files,
    extra: &E,
) -> String {
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
                confidence: d.confidence.map(|c| c.as_str()),
                evidence: &d.evidence,
                notes: &d.notes,
                goroutines: d.goroutines.as_deref().map(goroutines_out),
                sites: &d.sites,
            })
            .collect(),
        extra,
    };
    // Serialising plain strings and integers cannot fail; `extra` is the
    // caller's plain data.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|e| {
        format!("{{\"schema_version\": {JSON_SCHEMA_VERSION}, \"error\": \"{e}\"}}")
    });
    out.push('\n');
    out
}
