//! The goguard command line. Only argument parsing and dispatch live here; each command is
//! a file in `commands/` that turns its arguments into calls on the library crates.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Finds the failures that take Go services down slowly: goroutine leaks, deadlocks,
/// leaked resources. Reads Go source and what running programs print.
#[derive(Parser)]
#[command(name = "goguard", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Go source for goroutine leaks, deadlocks and leaked resources.
    Check(Box<commands::check::CheckArgs>),
    /// List the rules.
    Rules(commands::rules::RulesArgs),
    /// Show a rule's documentation.
    Explain(commands::explain::ExplainArgs),
    /// Diagnose goroutine dumps and profiles: leak suspects, deadlocks, growth.
    Stacks(commands::stacks::StacksArgs),
    /// Diagnose heap profiles: where memory is held, and allocation sites that grow.
    Heap(commands::heap::HeapArgs),
    /// Diagnose GODEBUG=gctrace=1 logs: GC storms, a heap that keeps growing, GC CPU.
    Gc(Box<commands::gc::GcArgs>),
    /// Diagnose race detector output: each data race once, ranked, with its code.
    Races(commands::races::RacesArgs),
    /// Watch live Go services: poll, diagnose, store, alert; serve a dashboard and /metrics.
    Watch(Box<commands::watch::WatchArgs>),
    /// Serve the dashboard and /metrics of a store written by `goguard watch`.
    Serve(commands::watch::ServeArgs),
    /// Tools for looking inside goguard itself.
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Subcommand)]
enum DebugCommand {
    /// Parse every .go file under the paths and report syntax errors and throughput.
    Parse(commands::debug_parse::ParseArgs),
    /// Show what the concurrency model makes of one package, and why it is silent.
    Concurrency(commands::debug_concurrency::ConcurrencyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(*args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Stacks(args) => commands::stacks::run(args),
        Command::Heap(args) => commands::heap::run(args),
        Command::Gc(args) => commands::gc::run(*args),
        Command::Races(args) => commands::races::run(args),
        Command::Watch(args) => commands::watch::run(*args),
        Command::Serve(args) => commands::watch::serve(args),
        Command::Debug {
            command: DebugCommand::Parse(args),
        } => commands::debug_parse::run(args),
        Command::Debug {
            command: DebugCommand::Concurrency(args),
        } => commands::debug_concurrency::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("goguard: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
