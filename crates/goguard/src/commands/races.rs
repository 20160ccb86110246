//! `goguard races FILE...`: the race detector's reports (`go test -race`, race-enabled
//! binaries, CI logs, `go test -json`), one finding per race (RT007 data-race-report),
//! ranked by how often it was reported, at the two lines of code with the `go`
//! statements that started the goroutines.
//!
//! Exit codes: 0 no race, 1 races, 2 bad arguments or an input that cannot be read.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use goguard_diagnostics::goroutines::FrameLocation;
use goguard_diagnostics::{Confidence, Diagnostic, Scope, Section, Severity, Summary, Table};
use goguard_runtime::race::parse::RaceFrame;
use goguard_runtime::race::{group, parse, RaceGroup, RaceLog};
use goguard_runtime::rules::data_race_report::{
    all_kinds, evidence, help, kinds, message, place, DATA_RACE_REPORT,
};
use serde::Serialize;

use super::catalog::runtime_rule_infos;
use super::locate::Locator;
use super::output::{Report, ReportArgs};
use super::static_join::{join, source_tree};

#[derive(clap::Args)]
pub struct RacesArgs {
    /// Output of `go test -race` (plain or -json), of a race-enabled binary, or a CI log
    /// holding it; `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<String>,
    /// Map report paths onto this source tree: show the two lines of code and the static
    /// findings there. Default: the Go module around the current directory, if any.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
    /// Do not look for source code.
    #[arg(long, conflicts_with = "source")]
    pub no_source: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Serialize)]
struct InputOut<'a> {
    path: &'a str,
    lines: u32,
    reports: usize,
    truncated_reports: usize,
    /// `Found N data race(s)` as the runtime printed it at exit: (line, N).
    found: &'a [(u32, u64)],
    unknown_lines: &'a [(u32, String)],
    /// The races of this input, most reported first.
    races: &'a [RaceGroup],
}

#[derive(Serialize)]
struct RacesOut<'a> {
    inputs: Vec<InputOut<'a>>,
}

struct RaceInput {
    label: String,
    log: RaceLog,
    groups: Vec<RaceGroup>,
}

fn read(spec: &str) -> anyhow::Result<(String, Vec<u8>)> {
    if spec == "-" {
        let mut data = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut data)
            .context("<stdin>: cannot read")?;
        return Ok(("<stdin>".to_string(), data));
    }
    let data = std::fs::read(spec).with_context(|| format!("{spec}: cannot read"))?;
    Ok((spec.to_string(), data))
}

fn location(f: &RaceFrame) -> FrameLocation {
    FrameLocation {
        function: f.function.clone(),
        file: f.file.clone(),
        line: f.line,
    }
}

/// One race as an RT007 finding: at the primary access, the other access and the `go`
/// statements as related locations.
fn finding(g: &RaceGroup, input: &str, loc: &mut Locator<'_>) -> Diagnostic {
    let p = g.primary();
    let (a, b) = (&g.sides[p], &g.sides[1 - p]);
    let span = loc.span(&location(&a.site));
    let label = if g.same_place() {
        format!("{} here, from different goroutines", all_kinds(g))
    } else {
        format!("{} here", kinds(a))
    };
    let mut d = Diagnostic::new(
        DATA_RACE_REPORT.code,
        DATA_RACE_REPORT.name,
        Severity::Error,
        span,
        message(g),
    )
    .with_label(label)
    .with_confidence(Confidence::Certain)
    .with_help(help(g));
    d.evidence = evidence(g, input);
    d = d.with_site(kinds(a), location(&a.site));
    if b.site.line != 0 {
        d = d.with_site(kinds(b), location(&b.site));
        if b.site != a.site {
            let s = loc.span(&location(&b.site));
            d = d.with_related(s, format!("{} here", kinds(b)));
        }
    }
    let mut started = Vec::new();
    for side in [a, b] {
        for c in &side.created_at {
            if !started.contains(&c) {
                started.push(c);
            }
        }
    }
    for c in started {
        let s = loc.span(&location(c));
        if s != d.span {
            d = d.with_related(s, "goroutine started here");
        }
        d = d.with_site("goroutine started", location(c));
    }
    d
}

pub fn run(args: RacesArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let mut inputs = Vec::new();
    for spec in &args.inputs {
        let (label, data) = read(spec)?;
        let log = parse(&data);
        let groups = group(&log);
        inputs.push(RaceInput { label, log, groups });
    }
    let tree = source_tree(args.source.as_deref(), args.no_source, &cwd)?;
    let mut loc = Locator::new(tree.as_ref().map(|(t, _)| t), &cwd);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for i in &inputs {
        for g in &i.groups {
            diagnostics.push(finding(g, &i.label, &mut loc));
        }
    }
    if let Some((_, root)) = &tree {
        join(&mut diagnostics, &loc, root);
    }
    let sections: Vec<Section> = inputs.iter().flat_map(sections).collect();
    let reports: usize = inputs.iter().map(|i| i.log.reports.len()).sum();
    let summary = Summary::with_scope(
        &diagnostics,
        Scope::Counted {
            inputs: inputs.len(),
            count: reports as u64,
            noun: ("race report", "race reports"),
        },
        start.elapsed(),
    );
    let json = RacesOut {
        inputs: inputs
            .iter()
            .map(|i| InputOut {
                path: &i.label,
                lines: i.log.lines,
                reports: i.log.reports.len(),
                truncated_reports: i.log.reports.iter().filter(|r| r.truncated).count(),
                found: &i.log.found,
                unknown_lines: &i.log.unknown,
                races: &i.groups,
            })
            .collect(),
    };
    let files = loc.files;
    args.report.emit(&Report {
        title: "goguard races",
        diagnostics: &diagnostics,
        files: &files,
        json_extra: &json,
        rules: &runtime_rule_infos(),
        sections: &sections,
        summary: &summary,
    })?;
    Ok(ExitCode::from(u8::from(!diagnostics.is_empty())))
}

fn sections(i: &RaceInput) -> Vec<Section> {
    let log = &i.log;
    let mut head = Section::new(i.label.clone());
    if log.reports.is_empty() {
        head = head.paragraph("no race detector report (WARNING: DATA RACE) in this input");
    } else {
        head = head.paragraph(format!(
            "{} report{} of {} race{}",
            log.reports.len(),
            if log.reports.len() == 1 { "" } else { "s" },
            i.groups.len(),
            if i.groups.len() == 1 { "" } else { "s" }
        ));
    }
    let printed: u64 = log.found.iter().map(|(_, n)| n).sum();
    if !log.found.is_empty() {
        head = head.paragraph(format!(
            "the race detector counted {printed} at exit (`Found N data race(s)`, {} time{})",
            log.found.len(),
            if log.found.len() == 1 { "" } else { "s" }
        ));
    }
    let truncated = log.reports.iter().filter(|r| r.truncated).count();
    if truncated > 0 {
        head = head.paragraph(format!(
            "{truncated} report{} cut short (no closing ==================)",
            if truncated == 1 { " was" } else { "s were" }
        ));
    }
    let mut out = vec![head];
    if !i.groups.is_empty() {
        let rows = i
            .groups
            .iter()
            .map(|g| {
                let p = g.primary();
                let (a, b) = (&g.sides[p], &g.sides[1 - p]);
                let race = if g.same_place() {
                    format!("{} at {}", all_kinds(g), place(&a.site))
                } else {
                    format!(
                        "{} at {} / {} at {}",
                        kinds(a),
                        place(&a.site),
                        kinds(b),
                        place(&b.site)
                    )
                };
                vec![
                    g.count.to_string(),
                    race,
                    if g.map { "map" } else { "" }.to_string(),
                ]
            })
            .collect();
        out.push(
            Section::new("Races, most reported first").with_table(Table {
                columns: ["reports", "accesses", "on"].map(String::from).to_vec(),
                rows,
            }),
        );
    }
    if !log.unknown.is_empty() {
        let mut s = Section::new(format!("{}: lines inside reports not understood", i.label));
        for (n, text) in log.unknown.iter().take(50) {
            s = s.paragraph(format!("line {n}: {text}"));
        }
        if log.unknown.len() > 50 {
            s = s.paragraph(format!("... and {} more", log.unknown.len() - 50));
        }
        out.push(s);
    }
    out
}
