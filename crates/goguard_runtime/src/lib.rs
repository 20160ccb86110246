//! goguard_runtime: what a running Go program prints about itself — goroutine dumps
//! (debug=2, panic/SIGQUIT tracebacks, runtime.Stack(all)), aggregated debug=1 profiles and
//! protobuf goroutine profiles. It parses them into one model, groups goroutines and
//! diagnoses leaks, deadlocks and growth (the RT rules of the catalogue, `rules`). It knows
//! nothing of Go source syntax.

pub mod analysis;
pub mod model;
pub mod parse;
pub mod rules;

pub use parse::{parse_bytes, parse_file};
