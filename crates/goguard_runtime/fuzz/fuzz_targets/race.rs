//! `race::parse` and the grouping on arbitrary input: never a panic, every report is on a
//! line of the input, and grouping keeps every report with an access.
#![no_main]

use goguard_runtime::race::{group, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let log = parse(data);
    for r in &log.reports {
        assert!(r.line >= 1 && r.line <= log.lines.max(1));
    }
    let counted: usize = group(&log).iter().map(|g| g.count).sum();
    let with_access = log.reports.iter().filter(|r| !r.accesses.is_empty()).count();
    assert_eq!(counted, with_access);
});
