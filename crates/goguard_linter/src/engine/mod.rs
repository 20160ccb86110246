//! The rule engine: the rule trait and metadata, the per-file context rules
//! read, and (to come) the runner, settings, suppressions and baseline.

pub mod context;
pub mod rule;

pub use context::Context;
pub use rule::{Category, Domain, Rule, RuleMeta, Status};
