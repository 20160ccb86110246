//! The rule engine: the rule trait and metadata, the per-file context rules
//! read, settings (goguard.toml) and rule selection, the runner, suppression
//! comments, baselines, and the engine's own finding kinds.

pub mod analysis;
pub mod baseline;
pub mod builtin;
pub mod context;
pub mod file_facts;
pub mod fixes;
pub mod main_callers;
pub mod package;
pub mod panics;
pub mod registry;
pub mod rule;
pub mod runner;
pub mod selection;
pub mod settings;
pub mod suppression;
pub mod testing;

pub use analysis::{Analysis, AnalysisId, Counters, Fact, ImportedFacts, PackageScope, Stats};
pub use context::Context;
pub use rule::{Category, Domain, OptionDefault, OptionValue, Rule, RuleMeta, RuleOption, Status};
