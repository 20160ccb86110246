//! `goguard stacks diff OLD NEW [MORE...]`: groups that appeared or grew (RT003),
//! as findings, with the growth gate for CI.

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Instant;

use goguard_diagnostics::goroutines::{FrameLocation, GoroutineFacts, GoroutineGroup, Role};
use goguard_diagnostics::{Diagnostic, Scope, Section, Summary, Table};
use goguard_runtime::analysis::diagnose::Options;
use goguard_runtime::analysis::diff::{diff, DiffReport, Growth};
use goguard_runtime::analysis::sites::{site_groups, FrameRef, SiteKey};
use goguard_runtime::model::Snapshot;
use goguard_runtime::rules::goroutine_growth::{confidence, GOROUTINE_GROWTH};
use serde::Serialize;

use super::context::frame_short;
use super::convert::severity;
use super::{duration, fetch_options, read_inputs, DiffArgs, Selection};
use crate::commands::catalog::runtime_rule_infos;
use crate::commands::locate::Locator;
use crate::commands::output::{emit, Report};

pub fn run(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let cwd = std::env::current_dir()?;
    let common = &args.common;
    let selection = Selection::new(common, &cwd)?;
    let interval = args
        .interval
        .as_deref()
        .map(|i| duration(i, "--interval"))
        .transpose()?;
    let inputs = read_inputs(&args.inputs, fetch_options(common)?)?;
    let mut snapshots: Vec<(String, &Snapshot)> = Vec::new();
    for i in &inputs {
        let many = i.parsed.snapshots.len() > 1;
        for (n, s) in i.parsed.snapshots.iter().enumerate() {
            let label = if many {
                format!("{}#{}", i.label, n + 1)
            } else {
                i.label.clone()
            };
            snapshots.push((label, s));
        }
    }
    if snapshots.len() < 2 {
        anyhow::bail!(
            "diff needs at least two snapshots; the inputs hold {}",
            snapshots.len()
        );
    }
    if !share_groups(
        snapshots[0].1,
        snapshots[snapshots.len() - 1].1,
        &selection.options,
    ) {
        eprintln!(
            "goguard: warning: the first and last snapshots share no goroutine group (same \
             blocking line and `go` statement): are they of the same program and build?"
        );
    }
    let report = diff(&snapshots, &selection.options.ignore, interval);
    let mut loc = Locator::new(None, &cwd);
    let diagnostics: Vec<Diagnostic> = if selection.reports(GOROUTINE_GROWTH.code) {
        report
            .grown
            .iter()
            .filter(|g| g.background.is_none())
            .map(|g| growth_diagnostic(g, &snapshots, &mut loc))
            .collect()
    } else {
        Vec::new()
    };
    // The gate: growth of at least N (at least 1) goroutines in a group that is
    // not expected background.
    let gate = args.fail_on_growth.map(|n| n.max(1));
    let gate_hit = gate.is_some_and(|n| report.max_foreground_growth() >= n as i64);
    let sections = sections(&report, gate, gate_hit);
    let goroutines: u64 = report.snapshots.iter().map(|s| s.goroutines).sum();
    let summary = Summary::with_scope(
        &diagnostics,
        Scope::Dumps {
            inputs: inputs.len(),
            goroutines,
        },
        start.elapsed(),
    );
    let report = Report {
        title: "goguard stacks diff",
        diagnostics: &diagnostics,
        files: &loc.files,
        sections: &sections,
        json_extra: &DiffOut {
            diff: &report,
            gate: gate.map(|threshold| GateOut {
                threshold,
                exceeded: gate_hit,
            }),
        },
        rules: &runtime_rule_infos(),
        summary: &summary,
    };
    emit(
        &report,
        common.format,
        common.color,
        common.output.as_deref(),
    )?;
    Ok(ExitCode::from(u8::from(gate_hit)))
}

#[derive(Serialize)]
struct DiffOut<'a> {
    diff: &'a DiffReport,
    gate: Option<GateOut>,
}

#[derive(Serialize)]
struct GateOut {
    threshold: u64,
    exceeded: bool,
}

/// Whether two snapshots have a non-background site group in common.
fn share_groups(a: &Snapshot, b: &Snapshot, opts: &Options) -> bool {
    let keys = |s: &Snapshot| -> HashSet<SiteKey> {
        site_groups(s, &opts.ignore)
            .into_iter()
            .filter(|g| !g.is_background())
            .map(|g| g.key)
            .collect()
    };
    let (ka, kb) = (keys(a), keys(b));
    ka.is_empty() || kb.is_empty() || !ka.is_disjoint(&kb)
}

fn location(f: &FrameRef) -> FrameLocation {
    FrameLocation {
        function: f.function.clone(),
        file: f.file.clone(),
        line: f.line,
    }
}

/// One grown group as an RT003 finding, at its `go` statement.
fn growth_diagnostic(
    g: &Growth,
    snapshots: &[(String, &Snapshot)],
    loc: &mut Locator<'_>,
) -> Diagnostic {
    let group = GoroutineGroup {
        role: Role::Accused,
        count: g.counts.last().copied().unwrap_or(0),
        ids: Vec::new(),
        state: g.state.clone(),
        kind: g.kind.name().to_string(),
        wait: None,
        blocking: g.blocking_frame.as_ref().map(location),
        created_by: g.created_by.as_ref().map(location),
    };
    let (span, label) = match (&group.created_by, &group.blocking) {
        (Some(c), _) => (
            loc.span(c),
            "the `go` statement of the growing group".to_string(),
        ),
        (None, Some(b)) => (loc.span(b), "the growing group blocks here".to_string()),
        (None, None) => {
            let id = loc
                .files
                .add_unread(snapshots[snapshots.len() - 1].0.clone());
            (loc.files.line_span(id, 1), "the last snapshot".to_string())
        }
    };
    let c = confidence(g);
    let mut d = Diagnostic::new(GOROUTINE_GROWTH.code, GOROUTINE_GROWTH.name, severity(c), span, g.why.clone())
        .with_label(label)
        .with_confidence(c)
        .with_help("compare with the code at the `go` statement: what should end these goroutines, and why it does not");
    if let (Some(b), Some(_)) = (&group.blocking, &group.created_by) {
        let s = loc.span(b);
        d = d.with_related(s, format!("they block here in {}", g.state));
    }
    let counts: Vec<String> = g.counts.iter().map(u64::to_string).collect();
    d.evidence.push(format!(
        "goroutines at this site per snapshot: {}",
        counts.join(" → ")
    ));
    if let Some(per_minute) = g.per_minute {
        d.evidence.push(format!("{per_minute:.1} more per minute"));
    }
    if c == goguard_diagnostics::Confidence::Low {
        d.evidence.push(
            "two snapshots: growth under rising load looks the same; a third snapshot that \
             still grows makes it medium"
                .into(),
        );
    }
    d.with_goroutines(GoroutineFacts {
        input: snapshots[snapshots.len() - 1].0.clone(),
        snapshot: snapshots.len() - 1,
        groups: vec![group],
    })
}

/// The findings of a series of snapshots: RT003 for groups that grew.
pub fn growth_findings(
    snapshots: &[(String, &Snapshot)],
    opts: &Options,
    interval: Option<f64>,
    loc: &mut Locator<'_>,
) -> Vec<Diagnostic> {
    diff(snapshots, &opts.ignore, interval)
        .grown
        .iter()
        .filter(|g| g.background.is_none())
        .map(|g| growth_diagnostic(g, snapshots, loc))
        .collect()
}

fn sections(report: &DiffReport, gate: Option<u64>, gate_hit: bool) -> Vec<Section> {
    let mut out = Vec::new();
    let mut s = Section::new("Snapshots");
    for (i, snap) in report.snapshots.iter().enumerate() {
        s = s.paragraph(format!(
            "{}. {} — {} goroutines",
            i + 1,
            snap.label,
            snap.goroutines
        ));
    }
    if report.grown.iter().all(|g| g.background.is_some()) {
        s = s.paragraph("No group grew.");
    }
    if report.shrunk > 0 {
        s = s.paragraph(format!("{} groups shrank or disappeared", report.shrunk));
    }
    if let Some(n) = gate {
        s = s.paragraph(if gate_hit {
            format!(
                "growth gate exceeded: a group grew by {} (limit {n})",
                report.max_foreground_growth()
            )
        } else {
            format!("growth gate held: no group grew by {n} or more")
        });
    }
    out.push(s);
    let background: Vec<Vec<String>> = report
        .grown
        .iter()
        .filter_map(|g| {
            let reason = g.background.as_ref()?;
            Some(vec![
                format!("+{}", g.change),
                g.state.clone(),
                frame_short(&g.blocking_frame),
                reason.clone(),
            ])
        })
        .collect();
    if !background.is_empty() {
        out.push(
            Section::new("Expected background groups that grew (not gated)").with_table(Table {
                columns: ["change", "state", "blocks at", "why expected"]
                    .map(String::from)
                    .to_vec(),
                rows: background,
            }),
        );
    }
    out
}
