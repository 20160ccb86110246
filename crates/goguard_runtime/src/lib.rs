//! goguard_runtime: what a running Go program prints about itself — goroutine dumps
//! (debug=2, panic/SIGQUIT tracebacks, runtime.Stack(all)), aggregated debug=1 profiles and
//! protobuf goroutine profiles. It parses them into one model, groups goroutines and
//! diagnoses leaks, deadlocks and growth. It knows nothing of Go source syntax.

pub mod analysis;
pub mod model;
pub mod parse;

pub use parse::{parse_bytes, parse_file};
