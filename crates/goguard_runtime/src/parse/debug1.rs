//! Aggregated text profiles: goroutine debug=1 and the legacy count-profile form.
//!
//! ```text
//! goroutine profile: total 9
//! 2 @ 0x103b125 0x106cd1f 0x13ac44a 0x106fd81
//! # labels: {"test_label":"test_value"}
//! #<TAB>0x106cd1e<TAB>time.Sleep+0xbe<TAB><TAB><TAB>/usr/local/go/src/runtime/time.go:188
//! ```
//!
//! Each `N @ addrs` record becomes one `Goroutine` with `count = N` and no id. Frames
//! come from the `#` lines. A record without `#` lines (a count profile such as
//! `threadcreate profile: total 7`, or an unsymbolized one) keeps its addresses as
//! frames named `0x…` with no file and line 0, so stacks stay distinguishable.

use super::header::{leading_u64, parse_hex, trim_end};
use super::text::{Mode, TextParser};
use crate::model::{DumpFormat, Frame, Goroutine, LineNo};

impl TextParser {
    /// `<name> profile: total N` starts a debug=1 snapshot.
    pub(super) fn start_debug1(&mut self, line: &[u8], line_no: LineNo) -> bool {
        let Some(at) = memchr::memmem::find(line, b" profile: total ") else {
            return false;
        };
        let name = &line[..at];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
            return false;
        }
        let Some(total) = super::header::parse_u64(trim_end(&line[at + 16..])) else {
            return false;
        };
        if name != b"goroutine" && name != b"goroutineleak" {
            let name = String::from_utf8_lossy(name);
            self.warn(format!(
                "line {line_no}: a {name} profile is not a goroutine profile; \
                 its records are read as aggregated stacks"
            ));
        }
        self.end_dump();
        self.open_snapshot(DumpFormat::Debug1, total, line_no);
        if name == b"goroutineleak" {
            if let Some(s) = self.snapshot.as_mut() {
                s.profile = crate::model::ProfileKind::GoroutineLeak;
            }
        }
        self.mode = Mode::Debug1 { after_blank: false };
        true
    }

    /// One line inside a debug=1 profile; `false` ends the profile before this line.
    pub(super) fn debug1_line(&mut self, line: &[u8], line_no: LineNo, after_blank: bool) -> bool {
        if line.is_empty() {
            self.mode = Mode::Debug1 { after_blank: true };
            return true;
        }
        if let Some((count, addrs)) = parse_record_line(line) {
            self.finish_debug1_record();
            self.debug1_addrs.clear();
            self.debug1_addrs.extend_from_slice(addrs);
            self.push_goroutine(Goroutine::aggregated(count, line_no));
            self.mode = Mode::Debug1 { after_blank: false };
            return true;
        }
        let has_record = self
            .snapshot
            .as_ref()
            .is_some_and(|s| !s.goroutines.is_empty());
        if has_record && !after_blank {
            if let Some(labels) = line.strip_prefix(b"# labels: ") {
                match super::labels::parse_label_set(labels) {
                    Some(labels) => {
                        if let Some(g) = self.current_goroutine() {
                            g.labels = labels;
                        }
                    }
                    None => self.unknown(line, line_no),
                }
                return true;
            }
            if let Some(frame_text) = line.strip_prefix(b"#\t") {
                match self.debug1_frame(frame_text) {
                    Some(frame) => {
                        if let Some(g) = self.current_goroutine() {
                            g.frames.push(frame);
                        }
                    }
                    None => self.unknown(line, line_no),
                }
                return true;
            }
        }
        if self.start_debug1(line, line_no) {
            return true;
        }
        if after_blank || !has_record {
            return false;
        }
        self.unknown(line, line_no);
        true
    }

    /// `0x106cd1e\ttime.Sleep+0xbe\t\t\t/path/time.go:188` (or just `0x106cd1e`).
    fn debug1_frame(&mut self, text: &[u8]) -> Option<Frame> {
        let mut fields = text.split(|&b| b == b'\t').filter(|f| !f.is_empty());
        let pc = parse_hex(fields.next()?)?;
        let Some(func_off) = fields.next() else {
            return Some(self.address_frame(pc));
        };
        let (func, pc_offset) = match memchr::memmem::rfind(func_off, b"+0x") {
            Some(at) => (&func_off[..at], parse_hex(&func_off[at + 3..])),
            None => (func_off, None),
        };
        let (file, line) = match fields.next() {
            Some(file_line) => {
                let colon = memchr::memrchr(b':', file_line)?;
                let line = super::header::parse_u64(&file_line[colon + 1..])?;
                (&file_line[..colon], u32::try_from(line).unwrap_or(u32::MAX))
            }
            None => (&b""[..], 0),
        };
        let func = self.interner.intern(func);
        let file = self.interner.intern(file);
        Some(Frame::new(func, file, line).with_pc_offset(pc_offset))
    }

    fn address_frame(&mut self, pc: u64) -> Frame {
        let name = format!("{pc:#x}");
        Frame::new(self.interner.intern_str(&name), self.interner.empty(), 0)
    }

    /// The open record had no `#` lines: use its addresses as frames.
    pub(super) fn finish_debug1_record(&mut self) {
        let mut addrs = std::mem::take(&mut self.debug1_addrs);
        let needs_frames = !addrs.is_empty()
            && self
                .current_goroutine()
                .is_some_and(|g| g.frames.is_empty() && g.id.is_none());
        if needs_frames {
            let frames: Vec<Frame> = addrs
                .split(|&b| b == b' ')
                .filter_map(parse_hex)
                .map(|pc| self.address_frame(pc))
                .collect();
            if let Some(g) = self.current_goroutine() {
                g.frames = frames;
            }
        }
        // Keep the buffer for the next record.
        addrs.clear();
        self.debug1_addrs = addrs;
    }
}

/// `N @ 0x1 0x2 ...` → `(N, "0x1 0x2 ...")`.
fn parse_record_line(line: &[u8]) -> Option<(u64, &[u8])> {
    let (count, rest) = leading_u64(line)?;
    let rest = rest.strip_prefix(b" @")?;
    let addrs = trim_end(rest.strip_prefix(b" ").unwrap_or(rest));
    Some((count, addrs))
}
