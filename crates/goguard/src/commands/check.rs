//! `goguard check [PATHS]...`: static analysis of Go source.
//!
//! Exit codes: 0 no findings, 1 findings, 2 usage, configuration or I/O
//! error. Findings go to stdout (or `--output`), the summary line and
//! warnings to stderr.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context as _};
use goguard_diagnostics::{
    render_github, render_html, render_human, render_json, render_sarif, ExitStatus, Files, Format,
    HumanOptions, Summary,
};
use goguard_linter::engine::baseline;
use goguard_linter::engine::fixes::{apply_fixes, Applied};
use goguard_linter::engine::panics::quiet_rule_panics;
use goguard_linter::engine::registry::entries;
use goguard_linter::engine::runner::{check_workspace, CheckOutput};
use goguard_linter::engine::settings::Settings;
use goguard_linter::engine::settings::{parse_go_version, unknown_goarch, unknown_goos};
use goguard_semantic::load::{load, GoVersion, LoadError, LoadOptions, Workspace};

use super::catalog::{catalogue, rule_infos, tool_info};
use super::output::{parse_format, write_report, ColorChoice};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Directories, .go files or patterns (`./...`, `dir/...`). Default: `./...`,
    /// every package below the current directory.
    pub paths: Vec<String>,
    /// Output format: human (or text), json, sarif, github, html.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = parse_format)]
    pub format: Format,
    /// Rules to run, added to goguard.toml's `select`: names, codes, code
    /// prefixes (`CX`), domains (`context`), categories or `ALL`.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run, added to goguard.toml's `ignore`.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Also run preview rules matched by broad selectors.
    #[arg(long)]
    pub preview: bool,
    /// Use this goguard.toml instead of the one found above the first path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings not recorded in FILE; a missing FILE is created
    /// with the current findings.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: rewrite FILE with the current findings (after fixing
    /// some, or to accept new ones) and report nothing.
    #[arg(long, requires = "baseline")]
    pub baseline_update: bool,
    /// Threads to use (default: one per CPU).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Target operating system for build constraints (default: linux).
    #[arg(long, value_name = "GOOS")]
    pub goos: Option<String>,
    /// Target architecture for build constraints (default: amd64).
    #[arg(long, value_name = "GOARCH")]
    pub goarch: Option<String>,
    /// The Go language version of code without a go.mod (old GOPATH-style
    /// trees), e.g. `1.16`; default: `[build] go`, else the newest Go.
    /// Modules keep the version of their go.mod.
    #[arg(long, value_name = "1.NN", value_parser = parse_go)]
    pub go: Option<GoVersion>,
    /// Build tags, comma-separated.
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Check files marked `// Code generated ... DO NOT EDIT.`.
    #[arg(long)]
    pub include_generated: bool,
    /// Walk into vendor directories under `...`.
    #[arg(long)]
    pub include_vendor: bool,
    /// Walk into testdata directories under `...`.
    #[arg(long)]
    pub include_testdata: bool,
    /// Never draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print what the shared analyses did and cost (concurrency models
    /// built, explored, given up; time) on stderr after the summary.
    #[arg(long)]
    pub stats: bool,
    /// Colours in human output.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write findings to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Apply the safe fixes of the findings reported (never those of
    /// suppressed ones) to the files, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the changes `--fix` would make, as a unified diff, instead of
    /// the findings; exit 1 when there are some.
    #[arg(long)]
    pub diff: bool,
    /// Mark the findings that a goroutine dump confirms: goroutines of the dump
    /// (a file, `-`, or a service URL) blocked at, or started by, a finding's line.
    /// Repeatable.
    #[arg(long, value_name = "FILE|URL")]
    pub dump: Vec<String>,
}

/// Trees with fewer files than this finish before a bar would help.
const PROGRESS_MIN_FILES: usize = 500;

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    quiet_rule_panics();
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let rules = goguard_linter::rules::all();
    let paths = if args.paths.is_empty() {
        vec!["./...".to_string()]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        let dir = pattern_root(p);
        if !cwd.join(dir).exists() {
            bail!("{p}: no such file or directory");
        }
    }
    let mut settings = settings(&args, &paths[0], &cwd)?;
    settings.files.include_generated |= args.include_generated;
    let opts = load_options(&args, &settings, paths, &cwd);
    if let Some(m) = unknown_goos(&opts.goos) {
        bail!("--goos: {m}");
    }
    if let Some(m) = unknown_goarch(&opts.goarch) {
        bail!("--goarch: {m}");
    }

    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(j) = args.jobs {
        if j == 0 {
            bail!("--jobs must be at least 1");
        }
        pool = pool.num_threads(j);
    }
    let pool = pool.build().context("cannot start worker threads")?;
    let (ws, out) = pool.install(|| -> anyhow::Result<_> {
        let ws = load(&opts).map_err(|e| match e {
            LoadError::NotFound(p) => anyhow::anyhow!(
                "{}: no such file or directory",
                goguard_linter::engine::runner::display_path(&p, &cwd)
            ),
            other => anyhow::anyhow!(other),
        })?;
        let total: usize = ws.packages.iter().map(|p| p.files.len()).sum();
        let bar = progress_bar(&args, total);
        let out = check_workspace(&ws, &settings, &rules, &cwd, &|n| {
            if let Some(b) = &bar {
                b.set_position(n as u64);
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        Ok((ws, out))
    })?;
    for w in &ws.warnings {
        eprintln!("goguard: warning: {w}");
    }
    let skipped = skipped_note(&ws);
    let assumed_go = assumed_go_note(&ws, &opts);
    for w in &out.warnings {
        eprintln!("goguard: warning: {w}");
    }

    let CheckOutput {
        mut diagnostics,
        files,
        absolute_paths,
        files_checked,
        packages_checked,
        stats,
        ..
    } = out;
    if let Some(path) = &args.baseline {
        let path = cwd.join(path);
        let base_dir = path.parent().unwrap_or(&cwd).to_path_buf();
        let current = baseline::entries(&diagnostics, &files, &absolute_paths, &base_dir);
        if args.baseline_update || !path.exists() {
            let n = current.len();
            baseline::write(&path, current)
                .with_context(|| format!("{}: cannot write the baseline", path.display()))?;
            eprintln!(
                "goguard: recorded {n} finding{} in {}",
                if n == 1 { "" } else { "s" },
                args.baseline
                    .as_ref()
                    .map_or(path.clone(), |p| p.clone())
                    .display()
            );
            return Ok(ExitStatus::Clean.into());
        }
        let recorded = baseline::read(&path).map_err(anyhow::Error::msg)?;
        diagnostics = baseline::new_findings(diagnostics, &current, &recorded);
    }

    if args.fix || args.diff {
        keep_fixes_of_unchanged_files(&mut diagnostics, &files, &absolute_paths);
    }
    if args.diff {
        let applied = apply_fixes(&diagnostics, &files);
        print!("{}", unified_diff(&applied, &files));
        return Ok(if applied.texts.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let mut fixed_note = String::new();
    if args.fix {
        let applied = apply_fixes(&diagnostics, &files);
        for (file, text) in &applied.texts {
            let path = &absolute_paths[file.index()];
            std::fs::write(path, text)
                .with_context(|| format!("{}: cannot write the fixed file", path.display()))?;
        }
        if !applied.fixed.is_empty() {
            fixed_note = format!(
                "goguard: fixed {} finding{} in {} file{}",
                applied.fixed.len(),
                if applied.fixed.len() == 1 { "" } else { "s" },
                applied.texts.len(),
                if applied.texts.len() == 1 { "" } else { "s" },
            );
        }
        let fixed: std::collections::HashSet<usize> = applied.fixed.into_iter().collect();
        diagnostics = diagnostics
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !fixed.contains(i))
            .map(|(_, d)| d)
            .collect();
    }

    if !args.dump.is_empty() {
        let root = super::static_join::module_root(&cwd).unwrap_or_else(|| cwd.clone());
        let confirmed = super::stacks::join::confirm_with_dumps(
            &mut diagnostics,
            &files,
            &absolute_paths,
            &args.dump,
            &root,
        )?;
        eprintln!(
            "goguard: {confirmed} of {} findings confirmed by the dumps",
            diagnostics.len()
        );
    }

    let color = args.color.enabled(args.output.as_deref());
    let summary = Summary::new(
        &diagnostics,
        files_checked,
        packages_checked,
        start.elapsed(),
    );
    let text = match args.format {
        Format::Json => render_json(&diagnostics, &files),
        Format::Sarif => render_sarif(
            &diagnostics,
            &files,
            &rule_infos(&entries(&rules)),
            &tool_info(),
        ),
        Format::Github => render_github(&diagnostics, &files),
        Format::Html => render_html(&diagnostics, &files, "goguard check", Some(&summary), &[]),
        Format::Human => render_human(&diagnostics, &files, HumanOptions { color }, None),
    };
    write_report(args.output.as_deref(), &text)?;
    if !fixed_note.is_empty() {
        eprintln!("{fixed_note}");
    }
    if args.format == Format::Human {
        eprintln!("{summary}{}{skipped}", by_code(&diagnostics));
        if let Some(note) = &assumed_go {
            eprintln!("{note}");
        }
    }
    if files_checked == 0 {
        eprintln!("goguard: error: no Go file could be checked{skipped}");
        return Ok(ExitStatus::Error.into());
    }
    if args.stats {
        for line in stats.render().lines() {
            eprintln!("goguard: stats: {line}");
        }
    }
    Ok(ExitStatus::from_findings(diagnostics.len()).into())
}

/// The changes of applied fixes as a unified diff, file by file in the
/// order of the files.
fn unified_diff(applied: &Applied, files: &Files) -> String {
    let mut out = String::new();
    for (file, new) in &applied.texts {
        let f = files.get(*file);
        let path = f.path().replace('\\', "/");
        let diff = similar::TextDiff::from_lines(f.text(), new.as_str());
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}

/// The static findings of the Go module or workspace at `root`, with its
/// goguard.toml if it has one, quietly: what `goguard stacks` joins its
/// runtime findings with.
pub fn static_check(root: &Path) -> anyhow::Result<CheckOutput> {
    quiet_rule_panics();
    let rules = goguard_linter::rules::all();
    let settings = match Settings::find_config(root) {
        Some(f) => Settings::load(&f, &catalogue()).map_err(|e| anyhow::anyhow!(e.to_string()))?,
        None => Settings::new(root),
    };
    let opts = LoadOptions {
        paths: vec!["./...".to_string()],
        dir: Some(root.to_path_buf()),
        include_generated: true,
        ..LoadOptions::default()
    };
    let ws = load(&opts).map_err(|e| anyhow::anyhow!(e))?;
    Ok(check_workspace(&ws, &settings, &rules, root, &|_| {}))
}

/// The directory part of a path argument: `./...` → `.`, `a/b/...` → `a/b`.
fn pattern_root(p: &str) -> &str {
    match p.find("...") {
        Some(i) => {
            let head = p[..i].trim_end_matches('/');
            if head.is_empty() {
                "."
            } else {
                head
            }
        }
        None => p,
    }
}

/// goguard.toml (from `--config` or found above the first path) plus the
/// command line's selectors.
fn settings(args: &CheckArgs, first_path: &str, cwd: &Path) -> anyhow::Result<Settings> {
    let file = match &args.config {
        Some(c) => {
            let c = cwd.join(c);
            if c.is_dir() {
                bail!(
                    "--config {}: is a directory, not a goguard.toml file",
                    c.display()
                );
            }
            if !c.exists() {
                bail!("--config {}: no such file or directory", c.display());
            }
            if !c.is_file() {
                bail!("--config {}: not a regular file", c.display());
            }
            Some(c)
        }
        None => Settings::find_config(&cwd.join(pattern_root(first_path))),
    };
    let all = catalogue();
    let mut settings = match &file {
        Some(f) => Settings::load(f, &all).map_err(|e| anyhow::anyhow!(e.to_string()))?,
        None => Settings::new(cwd),
    };
    settings
        .extend(&args.select, &args.ignore, &all)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    settings.preview |= args.preview;
    Ok(settings)
}

fn load_options(
    args: &CheckArgs,
    settings: &Settings,
    paths: Vec<String>,
    cwd: &Path,
) -> LoadOptions {
    let mut opts = LoadOptions {
        paths,
        dir: Some(cwd.to_path_buf()),
        ..LoadOptions::default()
    };
    let b = &settings.build;
    if let Some(goos) = args.goos.clone().or_else(|| b.goos.clone()) {
        opts.goos = goos;
    }
    if let Some(goarch) = args.goarch.clone().or_else(|| b.goarch.clone()) {
        opts.goarch = goarch;
    }
    if let Some(cgo) = b.cgo {
        opts.cgo = cgo;
    }
    opts.go_without_module = args.go.or(b.go);
    opts.tags = b.tags.iter().chain(&args.tags).cloned().collect();
    let f = &settings.files;
    // Generated files are always read: the names they declare (protobuf
    // types, mocks) must resolve in the files that are checked. Whether
    // they are checked themselves is `settings.files.include_generated`.
    opts.include_generated = true;
    opts.include_vendor = args.include_vendor || f.include_vendor;
    opts.include_testdata = args.include_testdata || f.include_testdata;
    opts
}

fn progress_bar(args: &CheckArgs, total: usize) -> Option<indicatif::ProgressBar> {
    if args.no_progress || total < PROGRESS_MIN_FILES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// `; 2 files skipped, 1 directory unreadable` — what the loader meant to
/// check but could not (each also has a warning), for the summary line.
fn skipped_note(ws: &Workspace) -> String {
    let files = ws.skipped.iter().filter(|s| s.reason.is_problem()).count();
    let dirs = ws.unreadable_dirs.len();
    let mut parts = Vec::new();
    if files > 0 {
        parts.push(format!("{files} file{} skipped", plural(files)));
    }
    if dirs > 0 {
        parts.push(format!(
            "{dirs} director{} unreadable",
            if dirs == 1 { "y" } else { "ies" }
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("; {} (see the warnings)", parts.join(", "))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// When code without a go.mod was checked at a Go version nobody chose: which
/// one, and how to choose.
fn assumed_go_note(ws: &Workspace, opts: &LoadOptions) -> Option<String> {
    if opts.go_without_module.is_some() || !ws.modules.iter().any(|m| m.ad_hoc) {
        return None;
    }
    Some(format!(
        "goguard: no go.mod: the code was checked as Go {}; for an older tree set its version with --go 1.NN or `go = \"1.NN\"` under [build] in goguard.toml",
        opts.toolchain
    ))
}

/// Drops the fixes that edit a file whose bytes on disk are not the text
/// that was checked: changed since it was read, or not valid UTF-8 (read
/// with `?` in place of the bad bytes). Writing those would lose data.
fn keep_fixes_of_unchanged_files(
    diagnostics: &mut [goguard_diagnostics::Diagnostic],
    files: &Files,
    absolute_paths: &[PathBuf],
) {
    let mut unchanged: std::collections::HashMap<goguard_diagnostics::FileId, bool> =
        std::collections::HashMap::new();
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        let ok = fix.edits.iter().all(|e| {
            *unchanged.entry(e.span.file).or_insert_with(|| {
                let path = &absolute_paths[e.span.file.index()];
                let same = std::fs::read(path).ok().as_deref()
                    == Some(files.get(e.span.file).text().as_bytes());
                if !same {
                    eprintln!(
                        "goguard: warning: {}: changed since it was read, or not valid UTF-8; not fixed",
                        path.display()
                    );
                }
                same
            })
        });
        if !ok {
            d.fix = None;
        }
    }
}

/// `--go 1.NN`.
fn parse_go(text: &str) -> Result<GoVersion, String> {
    parse_go_version(text)
}

/// `: CX001 3, RS001 9` — findings per code, for the summary line.
fn by_code(diagnostics: &[goguard_diagnostics::Diagnostic]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in diagnostics {
        *counts.entry(&d.code).or_insert(0) += 1;
    }
    if counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
    format!(": {}", parts.join(", "))
}
