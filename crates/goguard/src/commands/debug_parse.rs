//! `goguard debug parse PATH...`

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ParseArgs {
    /// Files or directories to parse.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(_args: ParseArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("debug parse is not built yet")
}
