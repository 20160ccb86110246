//! What every reporting command shares: the typed `--format`, `--color`,
//! and writing the report to stdout or `-o FILE`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context as _;
use goguard_diagnostics::{
    render_github, render_html, render_human, render_json_with, render_sarif, render_sections_text,
    Diagnostic, Files, Format, HumanOptions, RuleInfo, Section, Summary,
};
use serde::Serialize;

use super::catalog::tool_info;

/// `--format` as clap parses it: one of goguard_diagnostics' formats.
pub fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to emit ANSI colours: `auto` only when writing to a terminal
    /// and `NO_COLOR` is not set.
    pub fn enabled(self, output: Option<&Path>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// Writes the report to `output` or stdout. A closed pipe (`| head`) is not
/// an error worth a message.
pub fn write_report(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("{}: cannot write", p.display()))
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            Ok(())
        }
    }
}

/// What a runtime command reports: its findings and the files they point
/// into, context sections (human and HTML), its own data beside the findings
/// (JSON), the rules it may report (SARIF) and its summary line.
pub struct Report<'a, E: Serialize> {
    pub title: &'a str,
    pub diagnostics: &'a [Diagnostic],
    pub files: &'a Files,
    pub sections: &'a [Section],
    pub json_extra: &'a E,
    pub rules: &'a [RuleInfo],
    pub summary: &'a Summary,
}

/// Renders a report in `format` and writes it to `output` or stdout; the
/// human format's summary line goes to stderr.
pub fn emit<E: Serialize>(
    r: &Report<'_, E>,
    format: Format,
    color: ColorChoice,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let text = match format {
        Format::Json => render_json_with(r.diagnostics, r.files, r.json_extra),
        Format::Sarif => render_sarif(r.diagnostics, r.files, r.rules, &tool_info()),
        Format::Github => render_github(r.diagnostics, r.files),
        Format::Html => render_html(r.diagnostics, r.files, r.title, Some(r.summary), r.sections),
        Format::Human => {
            let color = color.enabled(output);
            let mut out = render_human(r.diagnostics, r.files, HumanOptions { color }, None);
            out.push_str(&render_sections_text(r.sections, color));
            out
        }
    };
    write_report(output, &text)?;
    if format == Format::Human {
        eprintln!("{}", r.summary);
    }
    Ok(())
}

/// The flags every runtime report shares: `--format`, `--color`, `-o`.
#[derive(clap::Args, Clone)]
pub struct ReportArgs {
    /// Output format: human (or text), json, sarif, github, html.
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = parse_format)]
    pub format: Format,
    /// Colours in human output.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

impl ReportArgs {
    /// Renders and writes `r` as these flags ask.
    pub fn emit<E: Serialize>(&self, r: &Report<'_, E>) -> anyhow::Result<()> {
        emit(r, self.format, self.color, self.output.as_deref())
    }
}
