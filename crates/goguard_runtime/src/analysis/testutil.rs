//! Builders for model values in unit tests.

use crate::model::{DumpFormat, Frame, Goroutine, Snapshot};

pub fn frame(func: &str, file: &str, line: u32) -> Frame {
    Frame::new(func.into(), file.into(), line).with_pc_offset(Some(0x10))
}

/// A goroutine with the given frames (innermost first), each at `/src/app/main.go:<n>`.
pub fn goroutine(id: u64, state: &str, funcs: &[&str]) -> Goroutine {
    Goroutine {
        id: Some(id),
        count: 1,
        state: state.to_string(),
        wait_minutes: None,
        locked_to_thread: false,
        flags: Vec::new(),
        labels: Vec::new(),
        frames: funcs
            .iter()
            .enumerate()
            .map(|(i, f)| frame(f, "/src/app/main.go", 10 + i as u32))
            .collect(),
        frames_elided: 0,
        frames_elided_unknown: false,
        created_by: None,
        creator_id: None,
        ancestors: Vec::new(),
        line: 0,
        args_text: String::new(),
    }
}

/// Sets the `created by` frame.
pub fn created_by(mut g: Goroutine, func: &str, file: &str, line: u32) -> Goroutine {
    g.created_by = Some(frame(func, file, line));
    g
}

/// A traceback snapshot holding these goroutines.
pub fn snapshot(goroutines: Vec<Goroutine>) -> Snapshot {
    let mut s = Snapshot::new(DumpFormat::Traceback, goroutines.len() as u64, 1);
    s.goroutines = goroutines;
    s
}
