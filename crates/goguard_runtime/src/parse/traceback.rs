//! The lines of a traceback dump (debug=2, panic, SIGQUIT, `runtime.Stack(all)`):
//! goroutine headers, frames, `created by`, elision markers and ancestor blocks.

use super::frame::{parse_created_by, parse_elided, parse_file_line, parse_func_line, Elided};
use super::header::{parse_ancestor_line, parse_header, Header, HEADER_START};
use super::logscan::is_known_noise;
use super::text::{Mode, Pending, Suspect, TextParser};
use crate::model::{Ancestor, DumpFormat, Frame, Goroutine, LineNo};

impl TextParser {
    /// Handles one line inside a traceback dump. `false`: the line is not part of the
    /// dump, which ends before it.
    pub(super) fn traceback_line(&mut self, raw: &[u8], line: &[u8], line_no: LineNo) -> bool {
        if self.pending != Pending::None {
            if let Some(file_line) = parse_file_line(line) {
                let file = self.interner.intern_file(file_line.file);
                if let Some(frame) = self.pending_frame() {
                    frame.file = file;
                    frame.line = file_line.line;
                    frame.set_pc_offset(file_line.pc_offset);
                }
                self.pending = Pending::None;
                return true;
            }
            self.finish_pending(Some(line_no));
        }

        if line.is_empty() {
            self.mode = Mode::BetweenGoroutines;
            return true;
        }
        if line.starts_with(HEADER_START) {
            if let Some(header) = parse_header(line) {
                if self.seen_ids.contains(&header.id) && header.id != 0 {
                    if self.in_crash_tail && self.stack_unavailable.remove(&header.id) {
                        // GOTRACEBACK=crash prints a goroutine running on another M
                        // twice: first as "stack unavailable", then in that M's section
                        // with its stack. Keep the later, complete one.
                        self.drop_goroutine(header.id);
                    } else {
                        // The same goroutine again: the next dump of the same process.
                        self.close_snapshot();
                        self.open_snapshot(DumpFormat::Traceback, 0, line_no);
                    }
                }
                self.start_goroutine(header, line_no);
                return true;
            }
        }
        // Function lines are most of a dump: try them before the rarer forms.
        if self.mode == Mode::InGoroutine {
            if let Some((func, args)) = parse_func_line(line) {
                self.push_frame(func, args);
                self.pending = Pending::FrameFile { line: line_no };
                return true;
            }
        }
        if is_known_noise(line) {
            if line.starts_with(b"-----") {
                // Per-M sections of a GOTRACEBACK=crash dump follow.
                self.in_crash_tail = true;
            }
            self.out.noise_lines += 1;
            return true;
        }
        if trim_start(line) == b"goroutine running on other thread; stack unavailable" {
            // A header with no stack, by design (the goroutine runs on another M).
            // Remember a few: their stacks may follow in the crash's per-M sections.
            // (Bounded: each replacement scans the snapshot.)
            if self.stack_unavailable.len() < 64 {
                if let Some(id) = self.current_goroutine().and_then(|g| g.id) {
                    self.stack_unavailable.insert(id);
                }
            }
            self.out.noise_lines += 1;
            return true;
        }
        if self.start_debug1(line, line_no) {
            return true;
        }
        if self.mode == Mode::BetweenGoroutines {
            // Text after a finished goroutine that is not another header: the dump is over.
            return false;
        }

        if let Some((func, creator)) = parse_created_by(line) {
            let frame = Frame::new(self.interner.intern(func), self.interner.empty(), 0);
            if let Some(g) = self.current_goroutine() {
                match g.ancestors.last_mut() {
                    Some(ancestor) => {
                        ancestor.created_by = Some(frame);
                        ancestor.creator_id = creator;
                    }
                    None => {
                        g.created_by = Some(frame);
                        g.creator_id = creator;
                    }
                }
            }
            self.pending = Pending::CreatedByFile { line: line_no };
        } else if let Some(elided) = parse_elided(line) {
            if let Some(g) = self.current_goroutine() {
                // Ancestor blocks carry no elision count in the model; the marker is
                // recognised there and not counted.
                if g.ancestors.is_empty() {
                    match elided {
                        Elided::Count(n) => g.frames_elided = g.frames_elided.saturating_add(n),
                        Elided::Unknown => {
                            g.frames_elided = g.frames_elided.saturating_add(1);
                            g.frames_elided_unknown = true;
                        }
                    }
                }
            }
        } else if let Some(id) = parse_ancestor_line(line) {
            if let Some(g) = self.current_goroutine() {
                g.ancestors.push(Ancestor {
                    id,
                    frames: Vec::new(),
                    created_by: None,
                    creator_id: None,
                });
            }
        } else if line.starts_with(b"non-Go function at pc=") {
            // A cgo frame without a symbolizer: the line names it (by address) and no
            // file line follows.
            let func = self.interner.intern(line);
            let file = self.interner.empty();
            if let Some(frames) = self.frames_target() {
                frames.push(Frame::new(func, file, 0));
            }
        } else if self.pending == Pending::None && self.has_complete_frame() {
            self.suspect = Some(Suspect::new(raw, line, line_no));
        } else {
            self.unknown(line, line_no);
        }
        true
    }

    fn has_complete_frame(&mut self) -> bool {
        self.current_goroutine()
            .is_some_and(|g| !g.frames.is_empty() || g.created_by.is_some())
    }

    fn drop_goroutine(&mut self, id: u64) {
        if let Some(snapshot) = self.snapshot.as_mut() {
            snapshot.goroutines.retain(|g| g.id != Some(id));
        }
    }

    pub(super) fn start_goroutine(&mut self, header: Header, line_no: LineNo) {
        self.finish_pending(None);
        self.seen_ids.insert(header.id);
        let goroutine = Goroutine {
            id: Some(header.id),
            count: 1,
            state: header.state,
            wait_minutes: header.wait_minutes,
            locked_to_thread: header.locked_to_thread,
            flags: header.flags,
            labels: header.labels,
            // Most stacks are short; avoid the first few regrowths.
            frames: Vec::with_capacity(8),
            frames_elided: 0,
            frames_elided_unknown: false,
            created_by: None,
            creator_id: None,
            ancestors: Vec::new(),
            line: line_no,
            // Most argument lists are short (`0x0?, 0x1?`, `...`).
            args_text: String::with_capacity(128),
        };
        self.push_goroutine(goroutine);
        self.mode = Mode::InGoroutine;
    }

    /// A frame or `created by` line whose file line did not come: keep the frame (file
    /// empty, line 0) and say so. `next_line`: the line that came instead, `None` at the
    /// end of the dump or input.
    pub(super) fn finish_pending(&mut self, next_line: Option<LineNo>) {
        let (what, line) = match self.pending {
            Pending::None => return,
            Pending::FrameFile { line } => ("frame", line),
            Pending::CreatedByFile { line } => ("created by", line),
        };
        let func = self
            .pending_frame()
            .map(|f| f.func.clone())
            .unwrap_or_default();
        self.pending = Pending::None;
        let place = match next_line {
            Some(next) => format!("line {next} is not its file line"),
            None => "input ends (truncated?)".to_string(),
        };
        self.warn(format!(
            "line {line}: {what} `{func}` has no file line: {place}"
        ));
    }

    /// The frame whose file line is awaited.
    fn pending_frame(&mut self) -> Option<&mut Frame> {
        let pending = self.pending;
        let created_by = matches!(pending, Pending::CreatedByFile { .. });
        let g = self.current_goroutine()?;
        match (g.ancestors.last_mut(), created_by) {
            (Some(ancestor), true) => ancestor.created_by.as_mut(),
            (Some(ancestor), false) => ancestor.frames.last_mut(),
            (None, true) => g.created_by.as_mut(),
            (None, false) => g.frames.last_mut(),
        }
    }

    /// Where frames go: the goroutine, or its latest ancestor block.
    fn frames_target(&mut self) -> Option<&mut Vec<Frame>> {
        let g = self.current_goroutine()?;
        Some(match g.ancestors.last_mut() {
            Some(ancestor) => &mut ancestor.frames,
            None => &mut g.frames,
        })
    }

    /// A function line: a frame whose file line is to follow, with its arguments.
    fn push_frame(&mut self, func: &[u8], args: &[u8]) {
        let func = self.interner.intern(func);
        let file = self.interner.empty();
        let Some(g) = self.current_goroutine() else {
            return;
        };
        let args = match std::str::from_utf8(args) {
            Ok(args) => g.add_args(args),
            Err(_) => g.add_args(&String::from_utf8_lossy(args)),
        };
        let frame = Frame::new(func, file, 0).with_args(args);
        match g.ancestors.last_mut() {
            Some(ancestor) => ancestor.frames.push(frame),
            None => g.frames.push(frame),
        }
    }
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', tail @ ..] = s {
        s = tail;
    }
    s
}
