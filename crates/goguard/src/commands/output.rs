//! What every reporting command shares: the typed `--format`, `--color`,
//! and writing the report to stdout or `-o FILE`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context as _;
use goguard_diagnostics::Format;

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

/// What a runtime command hands to the renderers.
pub struct Report<'a, E: serde::Serialize> {
    pub title: &'a str,
    pub diagnostics: &'a [goguard_diagnostics::Diagnostic],
    pub files: &'a goguard_diagnostics::Files,
    /// The command's own JSON fields beside `findings`.
    pub json: &'a E,
    /// Context for the human and HTML reports.
    pub sections: &'a [goguard_diagnostics::Section],
    pub summary: &'a goguard_diagnostics::Summary,
}

/// Renders a runtime report in the format asked for, writes it, and prints the summary
/// line of a human report on stderr.
pub fn emit<E: serde::Serialize>(args: &ReportArgs, report: &Report<'_, E>) -> anyhow::Result<()> {
    use goguard_diagnostics::{
        render_github, render_html, render_human, render_json_with, render_sarif,
        render_sections_text, HumanOptions,
    };
    let text = match args.format {
        Format::Json => render_json_with(report.diagnostics, report.files, report.json),
        Format::Sarif => render_sarif(
            report.diagnostics,
            report.files,
            &super::catalog::runtime_rule_infos(),
            &super::catalog::tool_info(),
        ),
        Format::Github => render_github(report.diagnostics, report.files),
        Format::Html => render_html(
            report.diagnostics,
            report.files,
            report.title,
            Some(report.summary),
            report.sections,
        ),
        Format::Human => {
            let color = args.color.enabled(args.output.as_deref());
            let mut out = render_human(
                report.diagnostics,
                report.files,
                HumanOptions { color },
                None,
            );
            out.push_str(&render_sections_text(report.sections, color));
            out
        }
    };
    write_report(args.output.as_deref(), &text)?;
    if args.format == Format::Human {
        eprintln!("{}", report.summary);
    }
    Ok(())
}
