//! Any bytes, read as UTF-8 the lossy way, must parse without a panic, and every
//! error offset must be usable with the line index.
#![no_main]

use goguard_syntax::{outline, parse_file, LineIndex};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let parsed = parse_file(&source);
    let index = LineIndex::new(&source);
    let mut previous = 0;
    for error in parsed.errors() {
        assert!(error.offset as usize <= source.len(), "offset past the end");
        assert!(error.offset >= previous, "errors out of source order");
        previous = error.offset;
        let (line, col) = index.line_col(error.offset);
        assert!(line >= 1 && line <= index.line_count() && col >= 1);
    }
    let _ = outline(&parsed, &source);
});
