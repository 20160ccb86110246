//! Race detector reports (`go test -race`, race-enabled binaries): every `WARNING: DATA
//! RACE` block parsed (`parse`), and the reports of one race — the same two source
//! locations — grouped and ranked (`group`), for RT007 data-race-report.

pub mod group;
pub mod parse;

pub use group::{group, RaceGroup};
pub use parse::{parse, RaceLog};
