//! `gctrace::parse` and the analysis on arbitrary input: never a panic, and every
//! collection found is on a line of the input.
#![no_main]

use goguard_runtime::gctrace::{analyse, parse, runs, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let log = parse(data);
    for c in &log.cycles {
        assert!(c.line >= 1 && c.line <= log.lines.max(1));
    }
    for run in runs(&log.cycles) {
        let _ = analyse(run, &Options::default());
    }
});
