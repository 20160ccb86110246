//! `goguard stacks INPUT...` and `goguard stacks diff OLD NEW [MORE...]`: diagnose
//! goroutine dumps and profiles — from files, standard input or a live service — as
//! findings of the runtime rules (RT001-RT004), each with its confidence and
//! evidence, rendered through goguard_diagnostics like `goguard check`'s.
//!
//! Exit codes: 0 nothing at or above `--fail-on` (default high), 1 findings at or
//! above it (or growth over `--fail-on-growth` for `diff`), 2 usage errors or no
//! usable input.

mod context;
mod convert;
mod diff;
pub mod fetch;
mod input;
pub mod join;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use goguard_diagnostics::{Confidence, Diagnostic, Format, Scope, Section, Summary};
use goguard_linter::engine::registry::Entry;
use goguard_linter::engine::selection::{enabled, Layer, Selector};
use goguard_linter::engine::settings::Settings;
use goguard_runtime::analysis::diagnose::{diagnose, Diagnosis, Earlier, Options};
use goguard_runtime::analysis::group::Level;
use goguard_runtime::analysis::ignore::{parse_ignore_file, IgnorePattern};
use goguard_runtime::analysis::source::SourceTree;
use goguard_runtime::model::Snapshot;
use goguard_runtime::parse::banner::parse_go_duration;

use super::catalog::{catalogue, runtime_rule_infos};
use super::locate::Locator;
use super::output::{emit, parse_format, ColorChoice, Report};
use super::static_join::{module_root, StaticIndex};
use context::{input_out, sections, Diagnosed, InputsOut};
use convert::{diagnostic, Origin};
use fetch::FetchOptions;
use input::{read, Input};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct StacksArgs {
    #[command(subcommand)]
    pub command: Option<StacksCommand>,
    /// Goroutine dumps or profiles: files (debug=2/panic/SIGQUIT tracebacks, debug=1,
    /// protobuf, goroutineleak profiles, logs holding them), `-` for standard input, or
    /// a service's pprof URL (`http://host:6060` fetches the goroutine leak profile when
    /// the service has it, else the goroutine dump).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    // Boxed: the flags would make `StacksArgs` the largest variant of the CLI's command enum.
    #[command(flatten)]
    pub common: Box<CommonArgs>,
    /// Map dump paths onto this source tree: show the code at blocking lines and `go`
    /// statements, and the static findings there. Default: the Go module or workspace
    /// around the current directory, if any.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
    /// Do not look for source code.
    #[arg(long, conflicts_with = "source")]
    pub no_source: bool,
    /// Similarity level of the `stack_groups` list in JSON output.
    #[arg(long, value_name = "LEVEL", value_parser = ["identical", "lines", "functions"])]
    pub group_by: Option<String>,
    /// The inputs are snapshots of one process taken this far apart, in time order
    /// (e.g. 5m): goroutines that did not move in between are evidence. See also --every.
    #[arg(long, value_name = "DURATION", conflicts_with = "every")]
    pub interval: Option<String>,
    /// Take repeated snapshots of the one service URL given, this far apart (at least
    /// 3m for the wait clocks to show; see docs/stacks.md), and diagnose them together.
    #[arg(long, value_name = "DURATION", requires = "count")]
    pub every: Option<String>,
    /// With --every: how many snapshots to take (at least 2).
    #[arg(long, value_name = "N", requires = "every")]
    pub count: Option<usize>,
    /// Exit 1 when a finding is at least this sure: certain, high, medium or low.
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = parse_confidence)]
    pub fail_on: Confidence,
}

#[derive(clap::Subcommand)]
pub enum StacksCommand {
    /// Compare snapshots in order (OLD NEW [MORE...]): groups that appeared or grew (RT003).
    Diff(Box<DiffArgs>),
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// Dumps in time order (files, `-`, URLs); an input holding several snapshots
    /// contributes each of them.
    #[arg(required = true, num_args = 2.., value_name = "INPUT")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Time between consecutive snapshots (e.g. 30s, 5m), for rates per minute.
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,
    /// Exit 1 if a group that is not expected background grew by at least N goroutines
    /// from the first snapshot to the last (0 and 1 both mean: any growth).
    #[arg(long, value_name = "N")]
    pub fail_on_growth: Option<u64>,
}

#[derive(clap::Args, Clone)]
pub struct CommonArgs {
    /// Output format: human (or text), json, sarif, github, html.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = parse_format)]
    pub format: Format,
    /// Colours in human output.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules to report (names, codes, prefixes such as RT00); default: all.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// A rule not to report (`RT001`, `leaked-goroutine-group`), or a goroutine pattern:
    /// goroutines with a matching function in their stack or `created by` are expected
    /// background. A glob (`main.(*pool).*`) or, after `re:`, a regular expression.
    /// Repeatable.
    #[arg(long, value_name = "RULE|PATTERN")]
    pub ignore: Vec<String>,
    /// Read goroutine patterns from FILE: one a line, `#` comments.
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Vec<PathBuf>,
    /// Goroutines blocked at one line from one `go` statement that make a (low) suspect.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_count: u64,
    /// Minutes of waiting that make a blocked group a (low) suspect whatever its size.
    #[arg(long, value_name = "MINUTES", default_value_t = 10)]
    pub min_wait: u64,
    /// For URLs: give up a request after this long (e.g. 30s).
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub timeout: String,
    /// For URLs: refuse responses larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 2 << 30)]
    pub max_size: u64,
}

fn parse_confidence(text: &str) -> Result<Confidence, String> {
    Confidence::parse(text).ok_or_else(|| {
        format!("unknown level `{text}` (expected one of: certain, high, medium, low)")
    })
}

/// A duration as the command line takes it (`30s`, `5m`, `1h30m`), in seconds.
fn duration(text: &str, what: &str) -> anyhow::Result<f64> {
    parse_go_duration(text.trim())
        .filter(|s| *s > 0.0)
        .ok_or_else(|| anyhow::anyhow!("{what}: bad duration {text:?} (use e.g. 30s, 5m, 1h)"))
}

/// What the flags select: runtime rules to report and goroutine patterns.
struct Selection {
    layer: Layer,
    preview: bool,
    options: Options,
}

impl Selection {
    fn new(args: &CommonArgs, cwd: &Path) -> anyhow::Result<Selection> {
        let all = catalogue();
        let mut settings = match Settings::find_config(cwd) {
            Some(f) => Settings::load(&f, &all).map_err(|e| anyhow::anyhow!(e.to_string()))?,
            None => Settings::new(cwd),
        };
        let mut rule_ignores = Vec::new();
        let mut patterns = Vec::new();
        for value in &args.ignore {
            match Selector::parse(value, &all) {
                Ok(_) => rule_ignores.push(value.clone()),
                Err(_) => patterns.push(IgnorePattern::parse(value).map_err(anyhow::Error::msg)?),
            }
        }
        settings
            .extend(&args.select, &rule_ignores, &all)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for file in &args.ignore_file {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read ignore file {}", file.display()))?;
            let more =
                parse_ignore_file(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            patterns.extend(more);
        }
        Ok(Selection {
            layer: settings.base.clone(),
            preview: settings.preview,
            options: Options {
                min_count: args.min_count.max(1),
                min_wait_minutes: args.min_wait,
                ignore: patterns,
            },
        })
    }

    fn reports(&self, code: &str) -> bool {
        goguard_runtime::rules::RULES
            .iter()
            .find(|r| r.code == code)
            .is_none_or(|r| enabled(Entry::Runtime(r), &self.layer, &[], self.preview))
    }
}

fn fetch_options(args: &CommonArgs) -> anyhow::Result<FetchOptions> {
    Ok(FetchOptions {
        timeout: Duration::from_secs_f64(duration(&args.timeout, "--timeout")?),
        max_bytes: args.max_size,
    })
}

/// Reads every input; fails (exit 2) when none holds a goroutine dump, and
/// says why for each. Inputs that cannot be used are reported on stderr.
fn read_inputs(specs: &[String], fetch: FetchOptions) -> anyhow::Result<Vec<Input>> {
    let mut usable = Vec::new();
    let mut problems = Vec::new();
    for spec in specs {
        match read(spec, fetch) {
            Ok(input) if input.usable() => usable.push(input),
            Ok(input) => problems.push(format!("{}: {}", input.label, input.why_unusable())),
            Err(e) => problems.push(e),
        }
    }
    if usable.is_empty() {
        anyhow::bail!("no input could be used:\n  {}", problems.join("\n  "));
    }
    for p in problems {
        eprintln!("goguard: warning: skipped {p}");
    }
    Ok(usable)
}

/// Repeated snapshots of one URL (`--every`). Before each, the service is
/// asked for a garbage collection, which starts the wait clocks of parked
/// goroutines; the next snapshot comes `every` (plus a margin) after that
/// collection, so a goroutine parked through the interval prints a wait that
/// covers it.
fn capture_series(
    url: &str,
    every: f64,
    count: usize,
    fetch: FetchOptions,
) -> anyhow::Result<Vec<Input>> {
    if !fetch::is_url(url) {
        anyhow::bail!("--every takes snapshots of a service: give one http:// URL");
    }
    if count < 2 {
        anyhow::bail!("--count must be at least 2 to compare snapshots");
    }
    /// Slack after the interval for the request that forced the collection.
    const MARGIN: Duration = Duration::from_secs(2);
    let mut inputs = Vec::new();
    let mut next = Instant::now();
    for i in 0..count {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        eprintln!("goguard: snapshot {}/{count} of {url}", i + 1);
        if let Err(e) = fetch::force_gc(url, fetch) {
            eprintln!(
                "goguard: warning: no garbage collection forced ({e}): wait clocks may not \
                 show how long goroutines have been parked"
            );
        }
        next = Instant::now() + Duration::from_secs_f64(every) + MARGIN;
        let input = read(url, fetch).map_err(anyhow::Error::msg)?;
        if !input.usable() {
            anyhow::bail!("{}: {}", input.label, input.why_unusable());
        }
        inputs.push(input);
    }
    Ok(inputs)
}

pub fn run(args: StacksArgs) -> anyhow::Result<ExitCode> {
    if let Some(StacksCommand::Diff(diff_args)) = args.command {
        return diff::run(*diff_args);
    }
    let start = Instant::now();
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let common = &args.common;
    let selection = Selection::new(common, &cwd)?;
    let fetch = fetch_options(common)?;
    let (inputs, interval) = match (&args.every, args.count) {
        (Some(every), Some(count)) => {
            if args.inputs.len() != 1 {
                anyhow::bail!("--every takes snapshots of one service: give one URL");
            }
            let every = duration(every, "--every")?;
            (
                capture_series(&args.inputs[0], every, count, fetch)?,
                Some(every),
            )
        }
        _ => {
            let interval = args
                .interval
                .as_deref()
                .map(|i| duration(i, "--interval"))
                .transpose()?;
            (read_inputs(&args.inputs, fetch)?, interval)
        }
    };
    let level = args
        .group_by
        .as_deref()
        .and_then(Level::parse)
        .or((common.format == Format::Json).then_some(Level::Lines));

    // In a series, the last snapshot is diagnosed with the one before it as evidence.
    let all: Vec<(usize, usize, &Snapshot)> = inputs
        .iter()
        .enumerate()
        .flat_map(|(i, input)| {
            input
                .parsed
                .snapshots
                .iter()
                .enumerate()
                .map(move |(s, snap)| (i, s, snap))
        })
        .collect();
    let mut diagnoses: Vec<Vec<Option<Diagnosis>>> = inputs
        .iter()
        .map(|i| vec![None; i.parsed.snapshots.len()])
        .collect();
    match interval {
        Some(seconds) => {
            let &(i, s, last) = all.last().expect("read_inputs keeps at least one input");
            let earlier = all.len().checked_sub(2).map(|k| Earlier {
                snapshot: all[k].2,
                seconds_before: seconds,
            });
            diagnoses[i][s] = Some(diagnose(last, &selection.options, earlier));
        }
        None => {
            for &(i, s, snap) in &all {
                diagnoses[i][s] = Some(diagnose(snap, &selection.options, None));
            }
        }
    }

    let tree = source_tree(&args, &cwd)?;
    let mut loc = Locator::new(tree.as_ref().map(|(t, _)| t), &cwd);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut sections_out: Vec<Section> = Vec::new();
    let mut json_inputs = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let mut found = 0;
        for (s, snap) in input.parsed.snapshots.iter().enumerate() {
            let Some(d) = &diagnoses[i][s] else { continue };
            let origin_label = if input.parsed.snapshots.len() > 1 {
                format!("{}#{}", input.label, s + 1)
            } else {
                input.label.clone()
            };
            for f in d.findings.iter().filter(|f| selection.reports(f.rule.code)) {
                let origin = Origin {
                    input: &origin_label,
                    snapshot: s,
                    line: snap.line,
                };
                diagnostics.push(diagnostic(f, &origin, snap, &d.groups, &mut loc));
                found += 1;
            }
        }
        let diagnosed: Vec<Diagnosed<'_>> = input
            .parsed
            .snapshots
            .iter()
            .enumerate()
            .map(|(s, snapshot)| Diagnosed {
                snapshot,
                diagnosis: diagnoses[i][s].as_ref(),
            })
            .collect();
        sections_out.extend(sections(input, &diagnosed, found));
        json_inputs.push(input_out(input, &diagnosed, level));
    }
    if interval.is_some() && all.len() >= 2 && selection.reports("RT003") {
        let snapshots: Vec<(String, &Snapshot)> = all
            .iter()
            .map(|&(i, s, snap)| (format!("{}#{}", inputs[i].label, s + 1), snap))
            .collect();
        diagnostics.extend(diff::growth_findings(
            &snapshots,
            &selection.options,
            interval,
            &mut loc,
        ));
    }
    if let Some((_, root)) = &tree {
        if is_go_module(root) && diagnostics.iter().any(|d| loc.local_line(d.span).is_some()) {
            match StaticIndex::build(root) {
                Ok(index) => {
                    for d in &mut diagnostics {
                        index.explain(d, &loc);
                    }
                }
                Err(e) => eprintln!("goguard: warning: static findings not joined: {e:#}"),
            }
        }
    }

    let goroutines: u64 = all
        .iter()
        .map(|(_, _, s)| s.goroutines.iter().map(|g| g.count).sum::<u64>())
        .sum();
    let summary = Summary::with_scope(
        &diagnostics,
        Scope::Dumps {
            inputs: inputs.len(),
            goroutines,
        },
        start.elapsed(),
    );
    let report = Report {
        title: "goguard stacks",
        diagnostics: &diagnostics,
        files: &loc.files,
        sections: &sections_out,
        json_extra: &InputsOut {
            inputs: json_inputs,
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
    let failing = diagnostics
        .iter()
        .any(|d| d.confidence.is_some_and(|c| c.at_least(args.fail_on)));
    Ok(ExitCode::from(u8::from(failing)))
}

/// The source tree to map dump paths onto, and its root.
fn source_tree(args: &StacksArgs, cwd: &Path) -> anyhow::Result<Option<(SourceTree, PathBuf)>> {
    if args.no_source {
        return Ok(None);
    }
    let root = match &args.source {
        Some(dir) => cwd.join(dir),
        None => match module_root(cwd) {
            Some(root) => root,
            None => return Ok(None),
        },
    };
    let tree = SourceTree::scan(&root)
        .with_context(|| format!("cannot read source directory {}", root.display()))?;
    Ok(Some((tree, root)))
}

fn is_go_module(dir: &Path) -> bool {
    dir.join("go.mod").is_file() || dir.join("go.work").is_file()
}
