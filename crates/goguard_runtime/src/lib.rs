//! goguard_runtime: what a running Go program prints about itself — goroutine dumps
//! (debug=2, panic/SIGQUIT tracebacks, runtime.Stack(all)), aggregated debug=1 profiles and
//! protobuf goroutine profiles; heap and other pprof profiles (`profile`), GODEBUG=gctrace=1
//! logs (`gctrace`) and race detector reports (`race`). It parses them, groups what
//! belongs together and diagnoses leaks, deadlocks, growth, GC pressure and races (the RT
//! rules of the catalogue, `rules`). It knows nothing of Go source syntax.

pub mod analysis;
pub mod gctrace;
pub mod model;
pub mod parse;
pub mod profile;
pub mod race;
pub mod rules;

pub use parse::{parse_bytes, parse_file};
