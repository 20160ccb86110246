//! `parse_bytes` on arbitrary input: must never panic, and must keep its promises
//! (no snapshot means a warning says why); read as a stream, the same bytes give the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dump = goguard_runtime::parse_bytes(data);
    assert!(!dump.snapshots.is_empty() || !dump.warnings.is_empty());
    for snapshot in &dump.snapshots {
        let counted: u64 = snapshot.goroutines.iter().map(|g| g.count).sum();
        if snapshot.format == goguard_runtime::model::DumpFormat::Traceback {
            assert_eq!(snapshot.total, counted);
        }
    }
    let streamed = goguard_runtime::parse::parse_reader(data, "input").unwrap();
    assert_eq!(streamed, dump);
});
