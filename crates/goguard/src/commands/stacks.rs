//! `goguard stacks FILE...` and `goguard stacks diff OLD NEW [MORE...]`: diagnose
//! goroutine dumps and profiles — leak suspects, deadlocks, growth between snapshots.
//!
//! Exit codes: 0 no suspects (no growth over the gate), 1 suspects found (or growth over
//! `--fail-on-growth`), 2 usage or IO error.

mod diff_out;
mod html;
mod input;
mod report;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use goguard_runtime::analysis::diff::{diff, parse_duration};
use goguard_runtime::analysis::group::Level;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct StacksArgs {
    #[command(subcommand)]
    pub command: Option<StacksCommand>,
    /// Goroutine dumps or profiles (debug=2/panic/SIGQUIT tracebacks, debug=1, protobuf).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    // Boxed: the flags would make `StacksArgs` the largest variant of the CLI's command enum.
    #[command(flatten)]
    pub common: Box<CommonArgs>,
    /// Show the code at blocking lines and `go` statements, mapping dump paths onto DIR.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
    /// Similarity level of the `stack_groups` list in JSON output.
    #[arg(long, value_name = "LEVEL", default_value = "lines",
          value_parser = ["identical", "lines", "functions"])]
    pub group_by: String,
}

#[derive(clap::Subcommand)]
pub enum StacksCommand {
    /// Compare snapshots in order (OLD NEW [MORE...]): groups that appeared or grew (RT003).
    Diff(Box<DiffArgs>),
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// Dumps in time order; a file holding several snapshots contributes each of them.
    #[arg(required = true, num_args = 2.., value_name = "DUMP")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Time between consecutive snapshots (e.g. 30s, 5m), for rates per minute.
    #[arg(long, value_name = "DURATION")]
    pub interval: Option<String>,
    /// Exit 1 if any non-background group grew by at least N goroutines.
    #[arg(long, value_name = "N")]
    pub fail_on_growth: Option<u64>,
}

#[derive(clap::Args, Clone)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text",
          value_parser = ["text", "json", "html"])]
    pub format: String,
    /// Colours in text output.
    #[arg(long, value_name = "WHEN", default_value = "auto",
          value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// Treat goroutines with a matching function in their stack as expected background.
    /// A glob (`main.(*pool).*`) or, after `re:`, a regular expression. Repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,
    /// Read ignore patterns from FILE: one a line, `#` comments.
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Vec<PathBuf>,
    /// Goroutines blocked at one site from one creation site that make a suspect.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_count: u64,
    /// Minutes of waiting that make a blocked group a suspect whatever its size.
    #[arg(long, value_name = "MINUTES", default_value_t = 10)]
    pub min_wait: u64,
}

pub fn run(args: StacksArgs) -> anyhow::Result<ExitCode> {
    if let Some(StacksCommand::Diff(diff_args)) = args.command {
        return run_diff(*diff_args);
    }
    let options = input::options(&args.common)?;
    let inputs = input::load_all(&args.files)?;
    let sources = input::source_tree(args.source.as_deref())?;
    // Stack groups appear in JSON only; the other formats skip computing them.
    let level = Level::parse(&args.group_by).filter(|_| args.common.format == "json");
    let reports: Vec<report::FileReport> = inputs
        .iter()
        .map(|i| report::FileReport::build(i, &options, sources.as_ref(), level))
        .collect();
    let suspects: usize = reports.iter().map(report::FileReport::suspects).sum();
    let out = match args.common.format.as_str() {
        "json" => report::to_json(&reports)?,
        "html" => html::render(&reports),
        _ => text::render(&reports, input::use_color(&args.common.color)),
    };
    print!("{out}");
    Ok(ExitCode::from(u8::from(suspects > 0)))
}

fn run_diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let options = input::options(&args.common)?;
    let interval = args
        .interval
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let inputs = input::load_all(&args.files)?;
    let mut snapshots = Vec::new();
    for i in &inputs {
        let many = i.parsed.snapshots.len() > 1;
        for (n, s) in i.parsed.snapshots.iter().enumerate() {
            let label = if many {
                format!("{}#{}", i.path.display(), n + 1)
            } else {
                i.path.display().to_string()
            };
            snapshots.push((label, s));
        }
    }
    if snapshots.len() < 2 {
        anyhow::bail!(
            "diff needs at least two snapshots; the files hold {}",
            snapshots.len()
        );
    }
    let report = diff(&snapshots, &options.ignore, interval);
    let gate_hit = args
        .fail_on_growth
        .is_some_and(|n| report.max_foreground_growth() >= n as i64);
    let out = match args.common.format.as_str() {
        "json" => diff_out::to_json(&report, &inputs, args.fail_on_growth, gate_hit)?,
        "html" => html::render_diff(&report, &inputs),
        _ => diff_out::render_text(
            &report,
            &inputs,
            args.fail_on_growth,
            gate_hit,
            input::use_color(&args.common.color),
        ),
    };
    print!("{out}");
    Ok(ExitCode::from(u8::from(gate_hit)))
}
