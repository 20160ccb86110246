//! `goguard debug parse PATH...`: parses every Go file under the paths, prints the
//! syntax errors and measures how fast the parser is on real trees.
//!
//! Output is deterministic whatever the thread count: files are parsed in parallel but
//! reported in path order, each file's errors in offset order.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use goguard_syntax::{parse_file, LineIndex};
use rayon::prelude::*;

#[derive(clap::Args)]
pub struct ParseArgs {
    /// Files or directories to parse. Files named directly are always parsed;
    /// directories are searched for .go files, honouring .gitignore.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Number of parsing threads (default: one per core).
    #[arg(short = 'j', long = "threads", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Also parse files under `vendor/` directories.
    #[arg(long)]
    pub include_vendor: bool,
    /// Also parse files under `testdata/` directories.
    #[arg(long)]
    pub include_testdata: bool,
}

/// What parsing one file produced.
enum Outcome {
    Parsed {
        bytes: u64,
        lines: u64,
        parse_time: Duration,
        /// (line, column, message), in source order.
        errors: Vec<(u32, u32, String)>,
    },
    /// The file could not be read, or is not UTF-8.
    Unreadable(String),
}

pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    for path in &args.paths {
        // A missing path is a usage error (exit 2), not a failed parse.
        std::fs::metadata(path).with_context(|| format!("cannot access {}", path.display()))?;
    }
    let files = collect_files(&args)?;

    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        pool = pool.num_threads(usize::from(n));
    }
    let pool = pool.build().context("cannot start the parsing threads")?;
    let threads = pool.current_num_threads();

    let started = Instant::now();
    // `collect` on an indexed parallel iterator keeps the input order.
    let outcomes: Vec<Outcome> = pool.install(|| files.par_iter().map(|f| parse_one(f)).collect());
    let wall = started.elapsed();

    let mut out = io::BufWriter::new(io::stdout().lock());
    let summary = report(&mut out, &files, &outcomes, wall, threads)?;
    out.flush()?;
    Ok(if summary.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The files to parse, sorted and without duplicates.
fn collect_files(args: &ParseArgs) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for root in &args.paths {
        if !root.is_dir() {
            files.push(root.clone());
            continue;
        }
        let include_vendor = args.include_vendor;
        let include_testdata = args.include_testdata;
        let walker = ignore::WalkBuilder::new(root)
            // Honour .gitignore even outside a git checkout (an unpacked tarball).
            .require_git(false)
            // The user's global excludes would make results depend on the machine.
            .git_global(false)
            .filter_entry(move |entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                // The root itself is never skipped, even if it is named vendor/.
                if !is_dir || entry.depth() == 0 {
                    return true;
                }
                match entry.file_name().to_str() {
                    Some("vendor") => include_vendor,
                    Some("testdata") => include_testdata,
                    _ => true,
                }
            })
            .build();
        for entry in walker {
            let entry = entry.with_context(|| format!("cannot walk {}", root.display()))?;
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if is_file && entry.path().extension().is_some_and(|e| e == "go") {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn parse_one(path: &Path) -> Outcome {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => return Outcome::Unreadable(format!("cannot read: {err}")),
    };
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            return Outcome::Unreadable(format!("not valid UTF-8 (at byte offset {at})"));
        }
    };
    let started = Instant::now();
    let parsed = parse_file(&source);
    let parse_time = started.elapsed();

    let mut errors = Vec::new();
    if !parsed.errors().is_empty() {
        // Built only for files with errors: most files have none.
        let index = LineIndex::new(&source);
        let mut sorted: Vec<_> = parsed.errors().iter().collect();
        sorted.sort_by_key(|e| e.offset);
        errors = sorted
            .into_iter()
            .map(|e| {
                let (line, col) = index.line_col(e.offset);
                (line, col, e.message.clone())
            })
            .collect();
    }
    Outcome::Parsed {
        bytes: source.len() as u64,
        lines: count_lines(&source),
        parse_time,
        errors,
    }
}

/// Lines as `wc -l` counts them, plus a last line that has no newline.
fn count_lines(source: &str) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', source.as_bytes()).count() as u64;
    newlines + u64::from(!source.is_empty() && !source.ends_with('\n'))
}

#[derive(Default)]
struct Summary {
    files: u64,
    bytes: u64,
    lines: u64,
    syntax_errors: u64,
    unreadable: u64,
    parse_time: Duration,
}

impl Summary {
    fn failed(&self) -> bool {
        self.syntax_errors > 0 || self.unreadable > 0
    }
}

fn report(
    out: &mut impl Write,
    files: &[PathBuf],
    outcomes: &[Outcome],
    wall: Duration,
    threads: usize,
) -> io::Result<Summary> {
    let mut sum = Summary::default();
    for (path, outcome) in files.iter().zip(outcomes) {
        sum.files += 1;
        match outcome {
            Outcome::Parsed {
                bytes,
                lines,
                parse_time,
                errors,
            } => {
                sum.bytes += bytes;
                sum.lines += lines;
                sum.parse_time += *parse_time;
                sum.syntax_errors += errors.len() as u64;
                for (line, col, message) in errors {
                    writeln!(out, "{}:{line}:{col}: {message}", path.display())?;
                }
            }
            Outcome::Unreadable(why) => {
                sum.unreadable += 1;
                writeln!(out, "{}: {why}", path.display())?;
            }
        }
    }
    writeln!(out, "{}", summary_line(&sum, wall, threads))?;
    Ok(sum)
}

/// One line: counts, then wall-clock time and throughput of the whole run (reading
/// included) and the parser's own throughput per thread (parse time summed over threads).
fn summary_line(sum: &Summary, wall: Duration, threads: usize) -> String {
    let unreadable = if sum.unreadable > 0 {
        format!(", {} unreadable files", sum.unreadable)
    } else {
        String::new()
    };
    let thread_word = if threads == 1 { "thread" } else { "threads" };
    format!(
        "{} files, {} bytes, {} lines, {} syntax errors{unreadable}, {:.2}s, {:.1} MB/s wall-clock on {threads} {thread_word}; parsing alone: {:.3}s summed over threads, {:.1} MB/s per thread",
        sum.files,
        sum.bytes,
        sum.lines,
        sum.syntax_errors,
        wall.as_secs_f64(),
        megabytes_per_second(sum.bytes, wall),
        sum.parse_time.as_secs_f64(),
        megabytes_per_second(sum.bytes, sum.parse_time),
    )
}

/// MB are 10^6 bytes. A zero duration (no files) gives 0 rather than infinity.
fn megabytes_per_second(bytes: u64, time: Duration) -> f64 {
    let secs = time.as_secs_f64();
    if secs == 0.0 {
        0.0
    } else {
        bytes as f64 / 1e6 / secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_like_wc_plus_an_unterminated_last_line() {
        assert_eq!(count_lines(""), 0);
        assert_eq!(count_lines("a"), 1);
        assert_eq!(count_lines("a\n"), 1);
        assert_eq!(count_lines("a\nb"), 2);
        assert_eq!(count_lines("\n\n"), 2);
    }

    #[test]
    fn throughput_is_in_decimal_megabytes() {
        assert_eq!(megabytes_per_second(3_000_000, Duration::from_secs(2)), 1.5);
        assert_eq!(megabytes_per_second(10, Duration::ZERO), 0.0);
    }
}
