//! Goroutine id lists written as ranges (`12-40, 77`): the diagnostics crate's
//! formatting, which every report uses.

pub use goguard_diagnostics::goroutines::format_id_ranges;
