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
