//! `GODEBUG=gctrace=1` logs: the collections the runtime printed (`parse`), split into
//! processes and analysed (`analysis`) for the problems RT006 gc-pressure reports.

pub mod analysis;
pub mod parse;

pub use analysis::{analyse, runs, Options, Problem, Run};
pub use parse::{parse, Cycle, GcLog};
