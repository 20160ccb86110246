//! `goguard gc LOG...`: what `GODEBUG=gctrace=1` logs say about the garbage collector
//! (RT006 gc-pressure): per process, collections per second, pauses, GC CPU, the live
//! heap against the heap goal (plotted), trends, and the problems found, each at its
//! line of the log.
//!
//! Exit codes: 0 no finding at or above `--fail-on` (default high), 1 one at or above
//! it, 2 bad arguments or no gctrace line in any input.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use goguard_diagnostics::{
    Confidence, Diagnostic, Files, Plot, Scope, Section, Series, Severity, Summary, Table,
};
use goguard_runtime::gctrace::{analyse, parse, runs, Cycle, GcLog, Options, Run};
use goguard_runtime::parse::banner::parse_go_duration;
use goguard_runtime::rules::gc_pressure::{confidence, evidence, help, line, message, GC_PRESSURE};
use serde::Serialize;

use super::catalog::runtime_rule_infos;
use super::output::{Report, ReportArgs};

#[derive(clap::Args)]
pub struct GcArgs {
    /// Logs holding gctrace lines (a service's stderr, `go test` output, docker or journal
    /// logs), or `-` for standard input.
    #[arg(required = true, value_name = "LOG")]
    pub inputs: Vec<String>,
    /// Collections closer than this (e.g. 10ms) ...
    #[arg(long, value_name = "DURATION", default_value = "10ms")]
    pub storm_gap: String,
    /// ... this many times in a row are a storm.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub storm_cycles: usize,
    /// Report a GC CPU share (since the process started) of this many percent or more.
    #[arg(long, value_name = "PERCENT", default_value_t = 10)]
    pub max_gc_cpu: u32,
    /// Report stop-the-world pauses this long or longer (e.g. 10ms).
    #[arg(long, value_name = "DURATION", default_value = "10ms")]
    pub max_pause: String,
    /// Report this many forced collections or more (when a tenth of all or more).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_forced: usize,
    /// Exit 1 when a finding is at least this sure: certain, high, medium or low.
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = parse_confidence)]
    pub fail_on: Confidence,
    #[command(flatten)]
    pub report: ReportArgs,
}

fn parse_confidence(text: &str) -> Result<Confidence, String> {
    Confidence::parse(text).ok_or_else(|| {
        format!("unknown level `{text}` (expected one of: certain, high, medium, low)")
    })
}

fn millis(text: &str, what: &str) -> anyhow::Result<f64> {
    parse_go_duration(text.trim())
        .filter(|s| *s > 0.0)
        .map(|s| s * 1000.0)
        .ok_or_else(|| anyhow::anyhow!("{what}: bad duration {text:?} (use e.g. 10ms, 1s)"))
}

#[derive(Serialize)]
struct InputOut<'a> {
    path: &'a str,
    lines: u32,
    collections: usize,
    scavenger_lines: u64,
    damaged_lines: &'a [goguard_runtime::gctrace::parse::Damaged],
    runs: &'a [Run],
}

#[derive(Serialize)]
struct GcOut<'a> {
    options: &'a Options,
    inputs: Vec<InputOut<'a>>,
}

struct Analysed {
    label: String,
    log: GcLog,
    runs: Vec<Run>,
}

fn read(spec: &str) -> Result<(String, Vec<u8>), String> {
    if spec == "-" {
        let mut data = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut data)
            .map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        return Ok(("<stdin>".to_string(), data));
    }
    let data = std::fs::read(spec).map_err(|e| format!("{spec}: cannot read: {e}"))?;
    Ok((spec.to_string(), data))
}

pub fn run(args: GcArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let opts = Options {
        storm_gap_ms: millis(&args.storm_gap, "--storm-gap")?,
        storm_cycles: args.storm_cycles.max(2),
        max_gc_cpu: args.max_gc_cpu,
        max_pause_ms: millis(&args.max_pause, "--max-pause")?,
        min_forced: args.min_forced,
    };
    let mut analysed = Vec::new();
    let mut problems = Vec::new();
    for spec in &args.inputs {
        let (label, data) = match read(spec) {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let log = parse(&data);
        if log.cycles.is_empty() {
            problems.push(format!(
                "{label}: no gctrace line in {} lines (run the program with \
                 GODEBUG=gctrace=1; the runtime writes one line per collection to standard \
                 error){}",
                log.lines,
                if log.damaged.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; line {} looks like one but {}",
                        log.damaged[0].line, log.damaged[0].reason
                    )
                }
            ));
            continue;
        }
        let runs: Vec<Run> = runs(&log.cycles)
            .into_iter()
            .map(|r| analyse(r, &opts))
            .collect();
        analysed.push(Analysed { label, log, runs });
    }
    if analysed.is_empty() {
        anyhow::bail!("no input could be used:\n  {}", problems.join("\n  "));
    }
    for p in &problems {
        eprintln!("goguard: warning: skipped {p}");
    }

    let mut files = Files::new();
    let mut diagnostics = Vec::new();
    let mut sections = Vec::new();
    for a in &analysed {
        let file = files.add_unread(a.label.clone());
        for (r, run) in a.runs.iter().enumerate() {
            for p in &run.problems {
                let c = confidence(p, opts.max_gc_cpu);
                let mut d = Diagnostic::new(
                    GC_PRESSURE.code,
                    GC_PRESSURE.name,
                    severity(c),
                    files.line_span(file, line(p).max(1)),
                    message(p),
                )
                .with_confidence(c)
                .with_help(help(p));
                d.evidence = evidence(p);
                if a.runs.len() > 1 {
                    d.evidence.insert(
                        0,
                        format!(
                            "process {} of {} in this log (collections numbered from 1 again)",
                            r + 1,
                            a.runs.len()
                        ),
                    );
                }
                diagnostics.push(d);
            }
            let cycles = &a.log.cycles;
            let of_run: Vec<&Cycle> = cycles
                .iter()
                .filter(|c| c.line >= run.first_line && c.line <= run.last_line)
                .collect();
            sections.push(run_section(&a.label, r, a.runs.len(), run, &of_run));
        }
        if !a.log.damaged.is_empty() {
            let mut s = Section::new(format!("{}: lines not understood", a.label));
            for d in a.log.damaged.iter().take(50) {
                s = s.paragraph(format!("line {}: {} ({})", d.line, d.text, d.reason));
            }
            if a.log.damaged.len() > 50 {
                s = s.paragraph(format!("... and {} more", a.log.damaged.len() - 50));
            }
            sections.push(s);
        }
    }
    let collections: usize = analysed.iter().map(|a| a.log.cycles.len()).sum();
    let summary = Summary::with_scope(
        &diagnostics,
        Scope::Counted {
            inputs: analysed.len(),
            count: collections as u64,
            noun: ("collection", "collections"),
        },
        start.elapsed(),
    );
    let json = GcOut {
        options: &opts,
        inputs: analysed
            .iter()
            .map(|a| InputOut {
                path: &a.label,
                lines: a.log.lines,
                collections: a.log.cycles.len(),
                scavenger_lines: a.log.scavenger_lines,
                damaged_lines: &a.log.damaged,
                runs: &a.runs,
            })
            .collect(),
    };
    args.report.emit(&Report {
        title: "goguard gc",
        diagnostics: &diagnostics,
        files: &files,
        json_extra: &json,
        rules: &runtime_rule_infos(),
        sections: &sections,
        summary: &summary,
    })?;
    let failing = diagnostics
        .iter()
        .any(|d| d.confidence.is_some_and(|c| c.at_least(args.fail_on)));
    Ok(ExitCode::from(u8::from(failing)))
}

fn severity(c: Confidence) -> Severity {
    match c {
        Confidence::Certain | Confidence::High => Severity::Error,
        Confidence::Medium => Severity::Warning,
        Confidence::Low => Severity::Info,
    }
}

fn rate(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.1}"))
}

/// One process: its figures, the plot of the live heap and the goal, the trends.
fn run_section(label: &str, index: usize, runs: usize, run: &Run, cycles: &[&Cycle]) -> Section {
    let title = if runs > 1 {
        format!(
            "{label}: process {} of {runs} (lines {}-{})",
            index + 1,
            run.first_line,
            run.last_line
        )
    } else {
        format!("{label} (lines {}-{})", run.first_line, run.last_line)
    };
    let mut s = Section::new(title)
        .paragraph(format!(
            "{} collections (gc {} to gc {}) in {:.2} s: {} per second, {} P",
            run.cycles,
            run.first_number,
            run.last_number,
            run.seconds,
            rate(run.cycles_per_second),
            run.procs
        ))
        .paragraph(format!(
            "stop-the-world pause: {:.3} ms on average, {:.3} ms at most; GC CPU {}% since the \
             process started",
            run.mean_pause_ms, run.max_pause_ms, run.gc_cpu_percent
        ))
        .paragraph(format!(
            "live heap after collection {} → {} MB (at most {} MB); heap goal {} → {} MB; the \
             goal is typically {:.2} times the live heap",
            run.live_mb[0],
            run.live_mb[1],
            run.max_live_mb,
            run.goal_mb[0],
            run.goal_mb[1],
            run.headroom
        ));
    if run.forced > 0 {
        s = s.paragraph(format!("{} forced collections", run.forced));
    }
    if run.problems.is_empty() {
        s = s.paragraph("no problem found");
    }
    let series = |name: &str, value: fn(&Cycle) -> f64| Series {
        name: name.to_string(),
        points: cycles.iter().map(|c| (c.at, value(c))).collect(),
    };
    s = s.with_plot(Plot {
        x_label: "seconds since the process started".into(),
        y_label: "MB".into(),
        series: vec![
            series("live heap", |c| c.live_mb as f64),
            series("heap goal", |c| c.goal_mb as f64),
        ],
    });
    let [a, b] = &run.trend;
    let row = |name: &str, f: &dyn Fn(&goguard_runtime::gctrace::analysis::Window) -> String| {
        vec![name.to_string(), f(a), f(b)]
    };
    s.with_table(Table {
        columns: vec![
            "trend".into(),
            format!("first half ({:.1}-{:.1} s)", a.from_seconds, a.to_seconds),
            format!("second half ({:.1}-{:.1} s)", b.from_seconds, b.to_seconds),
        ],
        rows: vec![
            row("collections per second", &|w| rate(w.cycles_per_second)),
            row("mean pause (ms)", &|w| format!("{:.3}", w.mean_pause_ms)),
            row("mean live heap (MB)", &|w| format!("{:.1}", w.mean_live_mb)),
            row("mean heap goal (MB)", &|w| format!("{:.1}", w.mean_goal_mb)),
            row("GC CPU at the end (%)", &|w| w.gc_cpu_percent.to_string()),
        ],
    })
}
