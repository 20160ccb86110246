//! The line scanner for every text form: it finds dumps in arbitrary text (logs, shell
//! sessions, crash output), hands the lines of a traceback dump to `traceback.rs` and of
//! a debug=1 profile to `debug1.rs`, and decides where snapshots begin and end.

use std::collections::HashSet;

use super::intern::{FxBuild, Interner};
use super::logscan::{self, LogPrefix};
use crate::model::{DumpCause, DumpFormat, Goroutine, LineNo, ParsedDump, Snapshot, UnknownLine};

/// A banner read this many lines or more before the next dump is not its cause.
const CAUSE_REACH: LineNo = 64;

/// Warnings beyond this many are counted, not stored: a damaged 1 GB dump must not
/// produce a million warnings.
const MAX_WARNINGS: usize = 200;
/// Unknown lines keep at most this much text (the line number is always kept).
const MAX_UNKNOWN_TEXT: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Not inside a dump: looking for a header.
    Outside,
    /// After a goroutine header, reading its frames.
    InGoroutine,
    /// After the blank line that ends a goroutine: a header, more blank lines or crash
    /// noise continue the dump; anything else ends it.
    BetweenGoroutines,
    /// Inside a debug=1 / count profile. `after_blank`: as `BetweenGoroutines`.
    Debug1 { after_blank: bool },
}

/// A function or `created by` line was read; its file line should follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    None,
    FrameFile { line: LineNo },
    CreatedByFile { line: LineNo },
}

pub(super) struct TextParser {
    pub interner: Interner,
    pub out: ParsedDump,
    pub snapshot: Option<Snapshot>,
    /// Goroutine ids of the open snapshot: a repeated id starts a new snapshot.
    pub seen_ids: HashSet<u64, FxBuild>,
    pub mode: Mode,
    pub pending: Pending,
    /// The log prefix detected on the header line of the open dump.
    pub prefix: Option<LogPrefix>,
    /// Set for a dump unescaped from one log line: all its lines report that line.
    pub fixed_line: Option<LineNo>,
    /// Nesting of embedded (JSON-escaped) dumps; limited to one level.
    pub depth: u8,
    /// Addresses of the open debug=1 record, used as frames if no `#` lines follow.
    pub debug1_addrs: Vec<u8>,
    pub suppressed_warnings: usize,
    /// Set when a line is a JSON record holding just a goroutine header: the input is a
    /// JSON-lines log (one record per output line), to be rewritten and parsed again
    /// (`stream.rs`).
    pub json_lines_key: Option<Vec<u8>>,
    /// Past the `-----` separator of a GOTRACEBACK=crash dump (per-M sections).
    pub in_crash_tail: bool,
    /// Goroutines printed as "stack unavailable" (running on another M).
    pub stack_unavailable: HashSet<u64, FxBuild>,
    /// See `resolve_suspect`.
    pub suspect: Option<Suspect>,
    pub saw_heap_profile: bool,
    /// The last `panic:` / `fatal error:` / signal banner seen outside a dump: the
    /// cause of the next dump if one starts soon after it.
    pub pending_cause: Option<DumpCause>,
}

/// A line that may end the dump or be damaged inside it (`resolve_suspect`), kept until
/// the next line decides: the input it came from may be gone by then.
pub(super) struct Suspect {
    raw: Vec<u8>,
    /// Where the line starts after its log prefix.
    line_start: usize,
    line_no: LineNo,
}

impl Suspect {
    /// `line` is `raw` or a suffix of it (`raw` without its log prefix).
    pub fn new(raw: &[u8], line: &[u8], line_no: LineNo) -> Suspect {
        Suspect {
            raw: raw.to_vec(),
            line_start: raw.len().saturating_sub(line.len()),
            line_no,
        }
    }
}

impl TextParser {
    pub fn new(depth: u8, fixed_line: Option<LineNo>) -> TextParser {
        TextParser {
            interner: Interner::default(),
            out: ParsedDump::default(),
            snapshot: None,
            seen_ids: HashSet::default(),
            mode: Mode::Outside,
            pending: Pending::None,
            prefix: None,
            fixed_line,
            depth,
            debug1_addrs: Vec::new(),
            suppressed_warnings: 0,
            json_lines_key: None,
            in_crash_tail: false,
            stack_unavailable: HashSet::default(),
            suspect: None,
            saw_heap_profile: false,
            pending_cause: None,
        }
    }

    /// A line that matched nothing after a complete frame may be the first line of text
    /// that follows the dump (a log message after `runtime.Stack` output) or a damaged
    /// line inside it. The next line decides: if it continues a stack, or is the blank
    /// line that ends a goroutine, the suspect was inside the dump and is unknown;
    /// otherwise the dump ended before it. (Text followed by a blank line and a header is
    /// thus kept in the dump; a new dump after it repeats goroutine ids, which starts a
    /// new snapshot anyway.)
    fn resolve_suspect(&mut self, next: Option<&[u8]>) {
        let Some(suspect) = self.suspect.take() else {
            return;
        };
        let raw = &suspect.raw[..];
        if next.is_some_and(|next| next.is_empty() || continues_stack(next)) {
            self.unknown(&raw[suspect.line_start..], suspect.line_no);
        } else {
            self.end_dump();
            self.outside_line(raw, suspect.line_no);
        }
    }

    /// One line of input (without its line end), `line_no` counting from 1.
    pub fn line(&mut self, raw: &[u8], line_no: LineNo) {
        let line_no = self.fixed_line.unwrap_or(line_no);
        if self.mode == Mode::Outside {
            self.outside_line(raw, line_no);
            return;
        }
        let line = match &self.prefix {
            Some(prefix) => prefix.strip(raw).unwrap_or(raw),
            None => raw,
        };
        if self.suspect.is_some() {
            self.resolve_suspect(Some(line));
            if self.mode == Mode::Outside {
                self.outside_line(raw, line_no);
                return;
            }
        }
        let handled = match self.mode {
            Mode::Debug1 { after_blank } => self.debug1_line(line, line_no, after_blank),
            _ => self.traceback_line(raw, line, line_no),
        };
        if !handled {
            self.end_dump();
            self.outside_line(raw, line_no);
        }
    }

    /// A line outside any dump: does a dump start here?
    fn outside_line(&mut self, raw: &[u8], line_no: LineNo) {
        if let Some(cause) = super::banner::parse_banner(raw, line_no) {
            // A test-timeout panic is followed by the running tests; keep the most
            // specific banner when a generic one follows it.
            let keep_previous =
                matches!(cause, DumpCause::Crash { .. }) && self.pending_cause.is_some();
            if !keep_previous {
                self.pending_cause = Some(cause);
            }
        }
        let Some(at) = memchr::memmem::find(raw, b"goroutine ") else {
            self.outside_profile_line(raw, line_no);
            return;
        };
        if let Some(header) = super::header::parse_header(&raw[at..]) {
            self.prefix = (at > 0).then(|| LogPrefix::new(&raw[..at]));
            self.close_snapshot();
            self.open_snapshot(DumpFormat::Traceback, 0, line_no);
            self.start_goroutine(header, line_no);
            return;
        }
        if at == 0 && self.start_debug1(raw, line_no) {
            return;
        }
        if self.depth == 0 {
            if self.json_lines_key.is_none() {
                self.json_lines_key = logscan::json_lines_key(raw, at);
                if self.json_lines_key.is_some() {
                    // The input is read again as the text its records hold, this line
                    // included (`stream.rs`).
                    return;
                }
            }
            if let Some(text) = logscan::unescape_embedded(raw, at) {
                self.parse_embedded(&text, line_no);
                return;
            }
        }
        self.outside_profile_line(raw, line_no);
    }

    fn outside_profile_line(&mut self, raw: &[u8], line_no: LineNo) {
        if self.start_debug1(raw, line_no) {
            return;
        }
        if raw.starts_with(b"heap profile: ") && !self.saw_heap_profile {
            self.saw_heap_profile = true;
            self.warn(format!(
                "line {line_no}: a heap profile (text) is not a goroutine dump; skipped"
            ));
        }
    }

    /// A dump unescaped from one log line (JSON string): parse it on its own and adopt
    /// its results, reporting its lines at the log line's number.
    fn parse_embedded(&mut self, text: &[u8], line_no: LineNo) {
        let sub = super::stream::parse_slice(TextParser::new(self.depth + 1, Some(line_no)), text);
        self.close_snapshot();
        self.out.snapshots.extend(sub.snapshots);
        self.out.unknown_lines.extend(sub.unknown_lines);
        self.out.noise_lines += sub.noise_lines;
        for warning in sub.warnings {
            self.warn(warning);
        }
    }

    pub fn open_snapshot(&mut self, format: DumpFormat, total: u64, line_no: LineNo) {
        let mut snapshot = Snapshot::new(format, total, line_no);
        snapshot.cause = self
            .pending_cause
            .take()
            .filter(|c| line_no.saturating_sub(c.line()) < CAUSE_REACH);
        self.snapshot = Some(snapshot);
        self.seen_ids.clear();
        self.in_crash_tail = false;
        self.stack_unavailable.clear();
    }

    pub fn close_snapshot(&mut self) {
        self.finish_debug1_record();
        if let Some(mut snapshot) = self.snapshot.take() {
            if let Some(last) = snapshot.goroutines.last_mut() {
                last.shrink_to_fit();
            }
            let counted: u64 = snapshot.goroutines.iter().map(|g| g.count).sum();
            if snapshot.format == DumpFormat::Traceback || snapshot.total == 0 {
                snapshot.total = counted;
            } else if snapshot.total != counted {
                self.warn(format!(
                    "line {}: profile states total {} but its records add up to {counted}",
                    snapshot.line, snapshot.total
                ));
            }
            self.out.snapshots.push(snapshot);
        }
    }

    /// The dump ended (text that is not part of it follows). The snapshot stays open
    /// until the next dump decides whether it continues it; gaps always start a new one.
    pub fn end_dump(&mut self) {
        self.finish_pending(None);
        self.close_snapshot();
        self.mode = Mode::Outside;
        self.prefix = None;
    }

    /// The input ended.
    pub fn finish(&mut self) {
        self.resolve_suspect(None);
        if self.mode == Mode::InGoroutine {
            if let Some(g) = self.current_goroutine() {
                if g.frames.is_empty() && g.created_by.is_none() && g.ancestors.is_empty() {
                    let (id, line) = (g.id.unwrap_or(0), g.line);
                    self.warn(format!(
                        "line {line}: goroutine {id} has no frames at end of input (truncated?)"
                    ));
                }
            }
        }
        self.finish_pending(None);
        self.close_snapshot();
        if self.suppressed_warnings > 0 {
            let n = self.suppressed_warnings;
            self.out.warnings.push(format!("... and {n} more warnings"));
        }
    }

    /// Adds a goroutine to the open snapshot; the one before it is complete.
    pub fn push_goroutine(&mut self, goroutine: Goroutine) {
        if let Some(snapshot) = self.snapshot.as_mut() {
            if let Some(last) = snapshot.goroutines.last_mut() {
                last.shrink_to_fit();
            }
            snapshot.goroutines.push(goroutine);
        }
    }

    pub fn current_goroutine(&mut self) -> Option<&mut Goroutine> {
        self.snapshot.as_mut()?.goroutines.last_mut()
    }

    pub fn warn(&mut self, message: String) {
        if self.out.warnings.len() < MAX_WARNINGS {
            self.out.warnings.push(message);
        } else {
            self.suppressed_warnings += 1;
        }
    }

    pub fn unknown(&mut self, line: &[u8], line_no: LineNo) {
        let text = &line[..line.len().min(MAX_UNKNOWN_TEXT)];
        let mut text = String::from_utf8_lossy(text).into_owned();
        if line.len() > MAX_UNKNOWN_TEXT {
            text.push_str(&format!("… ({} bytes)", line.len()));
        }
        self.out.unknown_lines.push(UnknownLine {
            line: line_no,
            text,
        });
    }
}

/// Lines that can only be the continuation of a goroutine's stack.
fn continues_stack(line: &[u8]) -> bool {
    super::frame::parse_file_line(line).is_some()
        || super::frame::parse_func_line(line).is_some()
        || super::frame::parse_created_by(line).is_some()
        || super::frame::parse_elided(line).is_some()
        || super::header::parse_ancestor_line(line).is_some()
}
