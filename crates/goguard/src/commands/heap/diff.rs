//! `goguard heap diff BASE NEW [MORE...]`: allocation sites whose in-use memory grew
//! (RT005), each at its line in the program's own code, with the gate for CI.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use goguard_diagnostics::sanitize::display_safe;
use goguard_diagnostics::{Diagnostic, Scope, Section, Severity, Summary, Table};
use goguard_runtime::profile::growth::{check_heap, growth, Growth, GrowthReport, Options};
use goguard_runtime::profile::site::{Hazard, SiteFrame};
use goguard_runtime::profile::top::{top, Input, Top};
use goguard_runtime::profile::units::{human_bytes, parse_size};
use goguard_runtime::rules::heap_growth::{confidence, evidence, help, HEAP_GROWTH};
use serde::Serialize;

use super::input::{read, ProfileInput};
use super::source::{read_sites, SourceHazard};
use super::top::{accounting, filter, granularity, header, sort, table, value_index, TopOut};
use super::{duration, DiffArgs};
use crate::commands::catalog::runtime_rule_infos;
use crate::commands::fetch::is_url;
use crate::commands::locate::Locator;
use crate::commands::output::Report;
use crate::commands::static_join::{join, source_tree};

/// One `--fail-on-growth` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Threshold {
    Bytes(i64),
    Objects(i64),
    /// Percent of the first profile's in-use bytes.
    Percent(f64),
}

impl Threshold {
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let t = text.trim();
        if let Some(p) = t.strip_suffix('%') {
            return p
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p > 0.0)
                .map(Threshold::Percent)
                .ok_or_else(|| format!("--fail-on-growth: bad percentage {text:?}"));
        }
        let lower = t.to_ascii_lowercase();
        for suffix in ["objects", "object", "objs", "obj"] {
            if let Some(n) = lower.strip_suffix(suffix) {
                return n
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Threshold::Objects)
                    .ok_or_else(|| format!("--fail-on-growth: bad object count {text:?}"));
            }
        }
        parse_size(t)
            .filter(|b| *b > 0)
            .map(Threshold::Bytes)
            .ok_or_else(|| {
                format!(
                    "--fail-on-growth: {text:?} is not a size (50MB), an object count \
                     (100000objects) or a percentage (10%)"
                )
            })
    }

    /// Whether a site's growth reaches this threshold.
    fn reached(self, g: &Growth, base_heap: i64) -> bool {
        match self {
            Threshold::Bytes(n) => g.bytes >= n,
            Threshold::Objects(n) => g.objects >= n,
            Threshold::Percent(p) => g.bytes as f64 >= p / 100.0 * base_heap as f64,
        }
    }

    fn describe(self) -> String {
        match self {
            Threshold::Bytes(n) => human_bytes(n as f64),
            Threshold::Objects(n) => format!("{n} objects"),
            Threshold::Percent(p) => format!("{p}% of the first profile's in-use heap"),
        }
    }
}

#[derive(Serialize)]
struct GateOut {
    thresholds: Vec<Threshold>,
    exceeded: bool,
    /// Sites (function, file, line) over a threshold.
    sites: Vec<SiteFrame>,
}

#[derive(Serialize)]
struct ProfileDiffOut {
    #[serde(flatten)]
    profile: super::top::ProfileOut,
    inuse_space: i64,
    inuse_objects: i64,
    sampling_rate: Option<i64>,
}

#[derive(Serialize)]
struct DiffOut<'a> {
    profiles: Vec<ProfileDiffOut>,
    /// Seconds from the first profile to the last, when both carry their times.
    seconds: Option<f64>,
    /// Every allocation site whose in-use memory changed, most growth first.
    sites: &'a [Growth],
    gate: Option<GateOut>,
    /// The difference between the first and the last profile per function (or line), as
    /// `go tool pprof -top -diff_base FIRST LAST` computes it.
    top: TopOut<'a>,
}

/// Repeated profiles of one URL (`--every`).
fn capture_series(
    url: &str,
    every: f64,
    count: usize,
    fetch: crate::commands::fetch::FetchOptions,
) -> anyhow::Result<Vec<ProfileInput>> {
    if !is_url(url) {
        anyhow::bail!("--every takes profiles of a service: give one http:// URL");
    }
    if count < 2 {
        anyhow::bail!("--snapshots must be at least 2 to compare profiles");
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        if i > 0 {
            std::thread::sleep(Duration::from_secs_f64(every));
        }
        eprintln!("goguard: profile {}/{count} of {url}", i + 1);
        out.push(read(url, fetch).map_err(anyhow::Error::msg)?);
    }
    Ok(out)
}

pub fn run(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let thresholds: Vec<Threshold> = args
        .fail_on_growth
        .iter()
        .map(|t| Threshold::parse(t))
        .collect::<Result<_, _>>()
        .map_err(anyhow::Error::msg)?;
    let mut min_growth = parse_size(&args.min_growth).ok_or_else(|| {
        anyhow::anyhow!(
            "--min-growth: {:?} is not a size (e.g. 1MB)",
            args.min_growth
        )
    })?;
    // A byte gate below --min-growth lowers it: what fails the gate is always reported.
    for t in &thresholds {
        if let Threshold::Bytes(n) = t {
            min_growth = min_growth.min(*n);
        }
    }
    let fetch = args.fetch.options()?;
    let inputs = match (&args.every, args.snapshots) {
        (Some(every), Some(count)) => {
            if args.inputs.len() != 1 {
                anyhow::bail!("--every takes profiles of one service: give one URL");
            }
            capture_series(&args.inputs[0], duration(every, "--every")?, count, fetch)?
        }
        _ => {
            if args.inputs.len() < 2 {
                anyhow::bail!(
                    "diff needs at least two profiles, oldest first (or one URL with --every \
                     and --snapshots)"
                );
            }
            args.inputs
                .iter()
                .map(|spec| read(spec, fetch))
                .collect::<Result<Vec<_>, _>>()
                .map_err(anyhow::Error::msg)?
        }
    };
    for i in &inputs {
        check_heap(&i.profile).map_err(|e| anyhow::anyhow!("{}: {e}", i.label))?;
    }
    let filter = filter(&args.select)?;
    let profiles: Vec<(String, &goguard_runtime::profile::ProfileData)> = inputs
        .iter()
        .map(|i| (i.label.clone(), &i.profile))
        .collect();
    let mut report = growth(
        &profiles,
        &Options {
            min_growth,
            filter: filter.clone(),
        },
    );
    let tree = source_tree(args.source.as_deref(), args.no_source, &cwd)?;
    let mut loc = Locator::new(tree.as_ref().map(|(t, _)| t), &cwd);
    let from_source = match tree {
        Some(_) => hazards_from_source(&mut report, &mut loc),
        None => HashMap::new(),
    };
    let base_heap = report.profiles[0].inuse_space;
    let over: Vec<&Growth> = report
        .sites
        .iter()
        .filter(|g| g.bytes as f64 > 3.0 * g.noise_bytes as f64 && g.bytes > 0)
        .filter(|g| thresholds.iter().any(|t| t.reached(g, base_heap)))
        .collect();
    let gate_hit = !over.is_empty();

    let mut diagnostics: Vec<Diagnostic> = report
        .sites
        .iter()
        .filter(|g| g.grew || over.iter().any(|o| std::ptr::eq(*o, *g)))
        .map(|g| finding(g, &report, from_source.get(&g.series.site), &mut loc))
        .collect();
    if let Some((_, root)) = &tree {
        join(&mut diagnostics, &loc, root);
    }

    // The difference table, first profile against last, as pprof -diff_base shows it.
    let first = &inputs[0].profile;
    let last = &inputs[inputs.len() - 1].profile;
    let value = value_index(
        last,
        Some(args.select.sample.as_deref().unwrap_or("inuse_space")),
        &inputs[inputs.len() - 1].label,
    )?;
    let base_value = first
        .sample_index(&last.sample_types[value].kind)
        .ok_or_else(|| anyhow::anyhow!("{}: the profiles' sample types differ", inputs[0].label))?;
    let difference = top(
        &[
            Input {
                profile: first,
                value: base_value,
                base: true,
            },
            Input {
                profile: last,
                value,
                base: false,
            },
        ],
        granularity(&args.select),
        &filter,
        sort(&args.select),
    );
    let unit = last.sample_types[value].unit.as_str();
    let sections = sections(
        &report,
        &difference,
        unit,
        &header(last, value),
        args.count,
        &thresholds,
        &over,
    );
    let samples: usize = inputs.iter().map(|i| i.profile.sample_count()).sum();
    let summary = Summary::with_scope(
        &diagnostics,
        Scope::Counted {
            inputs: inputs.len(),
            count: samples as u64,
            noun: ("sample", "samples"),
        },
        start.elapsed(),
    );
    let json = DiffOut {
        profiles: inputs
            .iter()
            .zip(&report.profiles)
            .map(|(i, summary)| ProfileDiffOut {
                profile: super::top::ProfileOut::new(&i.label, &i.profile),
                inuse_space: summary.inuse_space,
                inuse_objects: summary.inuse_objects,
                sampling_rate: summary.sampling_rate,
            })
            .collect(),
        seconds: report.seconds,
        sites: &report.sites,
        gate: (!thresholds.is_empty()).then(|| GateOut {
            thresholds: thresholds.clone(),
            exceeded: gate_hit,
            sites: over.iter().map(|g| g.series.site.clone()).collect(),
        }),
        top: TopOut {
            sample_type: &last.sample_types[value].kind,
            unit,
            granularity: granularity(&args.select),
            sort: sort(&args.select),
            focus: args.select.focus.as_deref(),
            ignore: args.select.ignore.as_deref(),
            top: &difference,
        },
    };
    let files = loc.files;
    args.report.emit(&Report {
        title: "goguard heap diff",
        diagnostics: &diagnostics,
        files: &files,
        json_extra: &json,
        rules: &runtime_rule_infos(),
        sections: &sections,
        summary: &summary,
    })?;
    Ok(ExitCode::from(u8::from(gate_hit)))
}

fn frame_location(f: &SiteFrame) -> goguard_diagnostics::goroutines::FrameLocation {
    goguard_diagnostics::goroutines::FrameLocation {
        function: f.function.clone(),
        file: f.file.clone(),
        line: u32::try_from(f.line).unwrap_or(0),
    }
}

/// Medium findings are warnings, low ones information.
fn severity(c: goguard_diagnostics::Confidence) -> Severity {
    match c {
        goguard_diagnostics::Confidence::Certain | goguard_diagnostics::Confidence::High => {
            Severity::Error
        }
        goguard_diagnostics::Confidence::Medium => Severity::Warning,
        goguard_diagnostics::Confidence::Low => Severity::Info,
    }
}

/// One grown site as an RT005 finding, at its line.
fn finding(
    g: &Growth,
    report: &GrowthReport,
    from_source: Option<&SourceHazard>,
    loc: &mut Locator<'_>,
) -> Diagnostic {
    let s = &g.series;
    let n = s.inuse_space.len();
    let span = loc.span(&frame_location(&s.site));
    let c = confidence(g);
    let over = match report.seconds {
        Some(secs) => format!(" in {}", elapsed(secs)),
        None => format!(" across {n} profiles"),
    };
    let message = format!(
        "in-use memory allocated at {} grew by {} ({} → {}){over}",
        s.site.short(),
        human_bytes(g.bytes as f64),
        human_bytes(s.inuse_space[0] as f64),
        human_bytes(s.inuse_space[n - 1] as f64),
    );
    let label = format!(
        "{} in use here now ({} objects), {} more than in the first profile",
        human_bytes(s.inuse_space[n - 1] as f64),
        s.inuse_objects[n - 1],
        human_bytes(g.bytes as f64)
    );
    let mut d = Diagnostic::new(
        HEAP_GROWTH.code,
        HEAP_GROWTH.name,
        severity(c),
        span,
        message,
    )
    .with_label(label)
    .with_confidence(c)
    .with_help(help(g));
    d.evidence = evidence(g);
    match from_source {
        Some(SourceHazard::MapOnlyInserted(m)) => d.evidence.push(format!(
            "the map is `{}`; its package only indexes it, ranges over it or takes its len",
            display_safe(&m.expr)
        )),
        Some(SourceHazard::SubSliceKept(k)) => {
            d.evidence.push(format!(
                "`{}` keeps the whole of `{}`",
                display_safe(&k.slice),
                display_safe(&k.buffer)
            ));
            // The line that keeps the sub-slice, in the site's function and file.
            let at = goguard_diagnostics::goroutines::FrameLocation {
                line: k.line,
                ..frame_location(&s.site)
            };
            let span = loc.span(&at);
            d = d
                .with_related(span, format!("`{}` is kept here", display_safe(&k.slice)))
                .with_site("sub-slice kept", at);
        }
        None => {}
    }
    d = d.with_site("allocation site", frame_location(&s.site));
    if let Some(a) = &s.allocated_in {
        let span = loc.span(&frame_location(a));
        d = d
            .with_related(span, format!("allocated in {}", a.function))
            .with_site("allocated in", frame_location(a));
    }
    if let Some(p) = &s.pool_get_caller {
        let span = loc.span(&frame_location(p));
        d = d
            .with_related(span, "objects taken from the pool here are not put back")
            .with_site("pool user", frame_location(p));
    } else if let Some(c) = &s.caller {
        let span = loc.span(&frame_location(c));
        d = d
            .with_related(span, format!("called from {}", c.function))
            .with_site("caller", frame_location(c));
    }
    d
}

/// Sites beyond sampling noise whose line, read from the source, shows what the stack
/// cannot (`source`): a map nothing removes from, a buffer kept through a sub-slice. A
/// hazard the frames showed is kept; large objects are what both of these look like in a
/// profile, so the source explains them better. Returns what was found, by site.
fn hazards_from_source(
    report: &mut GrowthReport,
    loc: &mut Locator<'_>,
) -> HashMap<SiteFrame, SourceHazard> {
    // The candidate sites' local lines, by directory: each package is read once.
    let mut by_dir: BTreeMap<PathBuf, Vec<(usize, PathBuf, u32)>> = BTreeMap::new();
    for (i, g) in report.sites.iter().enumerate() {
        let beyond_noise = g.bytes > 0 && g.bytes as f64 > 3.0 * g.noise_bytes as f64;
        let open = matches!(g.series.hazard, None | Some(Hazard::LargeBuffers));
        if !beyond_noise || !open {
            continue;
        }
        let span = loc.span(&frame_location(&g.series.site));
        let Some((path, line)) = loc.local_line(span) else {
            continue;
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        by_dir.entry(dir).or_default().push((i, path, line));
    }
    let mut found = HashMap::new();
    for sites in by_dir.values() {
        let lines: Vec<(&Path, u32)> = sites.iter().map(|(_, p, l)| (p.as_path(), *l)).collect();
        for (&(i, _, _), answer) in sites.iter().zip(read_sites(&lines)) {
            let Some(answer) = answer else {
                continue;
            };
            let g = &mut report.sites[i];
            g.series.hazard = Some(match answer {
                SourceHazard::MapOnlyInserted(_) => Hazard::MapOnlyInserted,
                SourceHazard::SubSliceKept(_) => Hazard::SubSliceKept,
            });
            found.insert(g.series.site.clone(), answer);
        }
    }
    found
}

/// `4m30s`, `2h5m`, `12s`.
fn elapsed(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{seconds:.1}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

fn sections(
    report: &GrowthReport,
    difference: &Top,
    unit: &str,
    header: &[String],
    count: usize,
    thresholds: &[Threshold],
    over: &[&Growth],
) -> Vec<Section> {
    let mut head = Section::new("Profiles");
    for (i, p) in report.profiles.iter().enumerate() {
        let time = p
            .time_nanos
            .map_or(String::new(), |t| format!(", taken {}", super::top::utc(t)));
        head = head.paragraph(format!(
            "{}. {} — {} in use ({} objects){time}",
            i + 1,
            p.label,
            human_bytes(p.inuse_space as f64),
            p.inuse_objects
        ));
    }
    let first = report.profiles[0].inuse_space;
    let last = report.profiles[report.profiles.len() - 1].inuse_space;
    let mut total = format!(
        "in-use heap {} → {} ({}{})",
        human_bytes(first as f64),
        human_bytes(last as f64),
        if last >= first { "+" } else { "" },
        human_bytes((last - first) as f64)
    );
    if let Some(secs) = report.seconds {
        total.push_str(&format!(" in {}", elapsed(secs)));
    }
    head = head.paragraph(total);
    let grown = report.grown().count();
    if grown == 0 {
        head = head.paragraph("No allocation site grew beyond sampling noise.");
    }
    if !thresholds.is_empty() {
        let limits: Vec<String> = thresholds.iter().map(|t| t.describe()).collect();
        head = head.paragraph(if over.is_empty() {
            format!("growth gate held: no site grew by {}", limits.join(" or "))
        } else {
            let sites: Vec<String> = over.iter().map(|g| g.series.site.short()).collect();
            format!(
                "growth gate exceeded (limit {}): {}",
                limits.join(" or "),
                sites.join(", ")
            )
        });
    }
    let mut out = vec![head];

    let rows: Vec<Vec<String>> = report
        .sites
        .iter()
        .filter(|g| g.bytes > 0)
        .take(if count == 0 { usize::MAX } else { count })
        .map(|g| {
            vec![
                g.series
                    .inuse_space
                    .iter()
                    .map(|b| human_bytes(*b as f64))
                    .collect::<Vec<_>>()
                    .join(" → "),
                format!("+{}", human_bytes(g.bytes as f64)),
                format!("±{}", human_bytes(g.noise_bytes as f64)),
                if g.grew { "grew" } else { "noise" }.to_string(),
                g.series.site.short(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push(
            Section::new("In-use bytes by allocation site (growing first)").with_table(Table {
                columns: ["in use per profile", "change", "noise", "verdict", "site"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }),
        );
    }
    let mut diff = Section::new(format!(
        "Difference, first profile to last (go tool pprof -top -diff_base {} {})",
        report.profiles[0].label,
        report.profiles[report.profiles.len() - 1].label
    ));
    for line in header {
        diff = diff.paragraph(line.clone());
    }
    diff = diff.paragraph(accounting(difference, unit, count));
    if !difference.rows.is_empty() {
        diff = diff.with_table(table(difference, unit, count));
    }
    out.push(diff);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_parse_bytes_objects_and_percentages() {
        assert_eq!(Threshold::parse("50MB"), Ok(Threshold::Bytes(50 << 20)));
        assert_eq!(Threshold::parse("4096"), Ok(Threshold::Bytes(4096)));
        assert_eq!(
            Threshold::parse("100000objects"),
            Ok(Threshold::Objects(100_000))
        );
        assert_eq!(Threshold::parse("5 obj"), Ok(Threshold::Objects(5)));
        assert_eq!(Threshold::parse("10%"), Ok(Threshold::Percent(10.0)));
        assert!(Threshold::parse("lots").is_err());
        assert!(Threshold::parse("-5%").is_err());
        assert!(Threshold::parse("0").is_err());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(elapsed(12.34), "12.3s");
        assert_eq!(elapsed(270.0), "4m30s");
        assert_eq!(elapsed(7500.0), "2h05m");
    }
}
