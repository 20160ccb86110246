//! `goguard heap top PROFILE|URL` and `goguard heap diff BASE NEW [MORE...]`: read pprof
//! profiles (heap and allocs; goroutine, mutex and block for `top`) from files, standard
//! input or a service, show where memory is held or allocated as `go tool pprof -top`
//! does, and report the allocation sites whose in-use memory grows (RT005), with a gate
//! for CI.
//!
//! Exit codes: 0 nothing over `--fail-on-growth`, 1 growth over it (`diff`), 2 usage
//! errors or an input that is not a usable profile (the message names it and the byte
//! offset of the damage).

mod diff;
mod input;
mod map_inserts;
mod source;
mod sub_slices;
mod top;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use goguard_runtime::parse::banner::parse_go_duration;

use super::fetch::FetchOptions;
use super::output::ReportArgs;

#[derive(clap::Args)]
pub struct HeapArgs {
    #[command(subcommand)]
    pub command: HeapCommand,
}

#[derive(clap::Subcommand)]
pub enum HeapCommand {
    /// Where memory is held or allocated (or goroutines, contention...): flat and
    /// cumulative values per function or line, as `go tool pprof -top` shows them.
    Top(Box<TopArgs>),
    /// Compare heap profiles in time order (BASE NEW [MORE...]): allocation sites whose
    /// in-use memory grew (RT005), with a gate for CI.
    Diff(Box<DiffArgs>),
}

#[derive(clap::Args)]
pub struct TopArgs {
    /// A profile: a file (gzipped or not), `-` for standard input, or a URL
    /// (`http://host:6060` fetches /debug/pprof/heap?gc=1; a URL naming a profile, such as
    /// .../debug/pprof/allocs or .../mutex, is fetched as given).
    #[arg(value_name = "PROFILE")]
    pub input: String,
    #[command(flatten)]
    pub select: ViewArgs,
    /// Rows to show (0: all). JSON always has every row.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub count: usize,
    #[command(flatten)]
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// Heap (or allocs) profiles of one program, oldest first: files, `-`, URLs.
    #[arg(required = true, num_args = 1.., value_name = "PROFILE")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub select: ViewArgs,
    /// Rows of the difference table to show (0: all).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub count: usize,
    /// Do not report sites that grew by less than this (e.g. 1MB, 512KiB).
    #[arg(long, value_name = "SIZE", default_value = "256KiB")]
    pub min_growth: String,
    /// Exit 1 when a site's in-use memory grew by at least this much (beyond sampling
    /// noise): bytes (`50MB`), objects (`100000objects`), or a percentage of the first
    /// profile's in-use heap (`10%`). Repeatable: any one exceeded fails.
    #[arg(long, value_name = "BYTES|OBJECTS|PERCENT")]
    pub fail_on_growth: Vec<String>,
    /// Map profile paths onto this source tree: show the code at growing sites and the
    /// static findings there. Default: the Go module around the current directory, if any.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
    /// Do not look for source code.
    #[arg(long, conflicts_with = "source")]
    pub no_source: bool,
    /// Take the profiles from the one URL given, this far apart (e.g. 5m).
    #[arg(long, value_name = "DURATION", requires = "snapshots")]
    pub every: Option<String>,
    /// With --every: how many profiles to take (at least 2).
    #[arg(long = "snapshots", value_name = "N", requires = "every")]
    pub snapshots: Option<usize>,
    #[command(flatten)]
    pub fetch: FetchArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Which values and which samples to show.
#[derive(clap::Args, Clone)]
pub struct ViewArgs {
    /// The value to show: inuse_space, inuse_objects, alloc_space, alloc_objects (heap),
    /// or any sample type of the profile (contentions, delay, goroutine...). Default: the
    /// profile's own default (in-use space for heap profiles).
    #[arg(long, value_name = "TYPE")]
    pub sample: Option<String>,
    /// Sort by cumulative value instead of flat.
    #[arg(long)]
    pub cum: bool,
    /// One row per line instead of per function.
    #[arg(long)]
    pub lines: bool,
    /// Only samples with a frame matching this regular expression (function, file or
    /// binary), as pprof's -focus.
    #[arg(long, value_name = "REGEX")]
    pub focus: Option<String>,
    /// Drop samples with a frame matching this regular expression, as pprof's -ignore.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
}

#[derive(clap::Args, Clone)]
pub struct FetchArgs {
    /// For URLs: give up a request after this long (e.g. 30s).
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub timeout: String,
    /// For URLs: refuse responses larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 2 << 30)]
    pub max_size: u64,
}

impl FetchArgs {
    fn options(&self) -> anyhow::Result<FetchOptions> {
        Ok(FetchOptions {
            timeout: Duration::from_secs_f64(duration(&self.timeout, "--timeout")?),
            max_bytes: self.max_size,
        })
    }
}

/// A duration as the command line takes it (`30s`, `5m`), in seconds.
fn duration(text: &str, what: &str) -> anyhow::Result<f64> {
    parse_go_duration(text.trim())
        .filter(|s| *s > 0.0)
        .ok_or_else(|| anyhow::anyhow!("{what}: bad duration {text:?} (use e.g. 30s, 5m, 1h)"))
}

pub fn run(args: HeapArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        HeapCommand::Top(a) => top::run(*a),
        HeapCommand::Diff(a) => diff::run(*a),
    }
}
