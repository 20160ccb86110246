//! Analyses on the parsed model: classification, grouping, diagnosis, growth, source.

pub mod background;
pub mod classify;
pub mod deadlock;
pub mod diagnose;
pub mod diff;
pub mod finding;
pub mod group;
pub mod ids;
pub mod ignore;
pub mod sites;
pub mod source;
#[cfg(test)]
mod testutil;

/// The runtime's whole-program deadlock message (runtime/proc.go `checkdead`).
pub const FATAL_DEADLOCK: &str = "fatal error: all goroutines are asleep - deadlock!";

/// True if the raw input carries the runtime's whole-program deadlock error. The model
/// does not keep non-goroutine lines, so this reads the bytes.
pub fn detect_fatal_deadlock(input: &[u8]) -> bool {
    memchr::memmem::find(input, FATAL_DEADLOCK.as_bytes()).is_some()
}
