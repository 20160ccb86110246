//! Rendering `goguard stacks diff`: text and JSON.

use std::fmt::Write;

use goguard_runtime::analysis::diff::DiffReport;
use serde::Serialize;

use super::input::Input;
use super::report::SCHEMA_VERSION;
use super::text::{frame_short, Paint};

pub fn render_text(
    report: &DiffReport,
    inputs: &[Input],
    gate: Option<u64>,
    gate_hit: bool,
    color: bool,
) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.bold("Snapshots"));
    for (i, s) in report.snapshots.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {} — {} goroutines",
            i + 1,
            s.label,
            s.goroutines
        );
    }
    if report.grown.is_empty() {
        let _ = writeln!(out, "\n{}", p.green("No group grew."));
    } else {
        let _ = writeln!(out, "\n{}", p.bold("Grown or new groups"));
    }
    for g in &report.grown {
        let head = format!("{} {}", g.code, g.name);
        let note = g
            .background
            .as_ref()
            .map(|b| p.dim(&format!(" (background: {b}; not gated)")))
            .unwrap_or_default();
        let _ = writeln!(out, "\n  {}{note}", p.red(&head));
        let _ = writeln!(out, "     {}", g.why);
        let relative = match g.relative {
            Some(r) => format!("{:+.0}%", r * 100.0),
            None => "new".into(),
        };
        let per_minute = g
            .per_minute
            .map(|m| format!(", {m:.1}/minute"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "     change +{} ({relative}), {:.1}/snapshot{per_minute}",
            g.change, g.per_snapshot
        );
        let _ = writeln!(out, "     blocks at   {}", frame_short(&g.blocking_frame));
        let _ = writeln!(out, "     created at  {}", frame_short(&g.created_by));
    }
    if report.shrunk > 0 {
        let _ = writeln!(out, "\n{} group(s) shrank or disappeared.", report.shrunk);
    }
    for i in inputs {
        for w in &i.parsed.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        for u in &i.parsed.unknown_lines {
            let _ = writeln!(
                out,
                "{}: line {}: unknown: {}",
                i.path.display(),
                u.line,
                u.text
            );
        }
    }
    if let Some(n) = gate {
        let verdict = if gate_hit {
            p.red(&format!("FAIL: a group grew by {n} or more goroutines"))
        } else {
            p.green(&format!("ok: no group grew by {n} or more goroutines"))
        };
        let _ = writeln!(out, "\n{verdict}");
    }
    out
}

#[derive(Serialize)]
struct DiffJson<'a> {
    schema_version: u32,
    diff: &'a DiffReport,
    fail_on_growth: Option<u64>,
    gate_exceeded: bool,
    warnings: Vec<String>,
}

pub fn to_json(
    report: &DiffReport,
    inputs: &[Input],
    gate: Option<u64>,
    gate_hit: bool,
) -> anyhow::Result<String> {
    let out = DiffJson {
        schema_version: SCHEMA_VERSION,
        diff: report,
        fail_on_growth: gate,
        gate_exceeded: gate_hit,
        warnings: inputs
            .iter()
            .flat_map(|i| i.parsed.warnings.iter().cloned())
            .collect(),
    };
    Ok(serde_json::to_string_pretty(&out)? + "\n")
}
