//! `goguard stacks FILE...`

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct StacksArgs {
    /// Goroutine dumps or profiles.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(_args: StacksArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("stacks is not built yet")
}
