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

pub(super) struct TextParser<'a> {
    pub interner: Interner<'a>,
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
    pub debug1_addrs: &'a [u8],
    pub suppressed_warnings: usize,
    /// Set when a line is a JSON record holding just a goroutine header: the input is a
    /// JSON-lines log (one record per output line), to be rewritten and parsed again.
    pub json_lines_key: Option<Vec<u8>>,
    /// For rewritten input: the input line of each line (0-based index).
    pub line_map: Vec<LineNo>,
    /// Past the `-----` separator of a GOTRACEBACK=crash dump (per-M sections).
    pub in_crash_tail: bool,
    /// Goroutines printed as "stack unavailable" (running on another M).
    pub stack_unavailable: HashSet<u64, FxBuild>,
    /// See `resolve_suspect`: (raw line, line without log prefix, line number).
    pub suspect: Option<(&'a [u8], &'a [u8], LineNo)>,
    pub saw_heap_profile: bool,
    /// The last `panic:` / `fatal error:` / signal banner seen outside a dump: the
    /// cause of the next dump if one starts soon after it.
    pub pending_cause: Option<DumpCause>,
}

impl<'a> TextParser<'a> {
    pub fn new(depth: u8, fixed_line: Option<LineNo>) -> TextParser<'a> {
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
            debug1_addrs: b"",
            suppressed_warnings: 0,
            json_lines_key: None,
            line_map: Vec::new(),
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
    fn resolve_suspect(&mut self, next: Option<&'a [u8]>) {
        let Some((raw, line, line_no)) = self.suspect.take() else {
            return;
        };
        if next.is_some_and(|next| next.is_empty() || continues_stack(next)) {
            self.unknown(line, line_no);
        } else {
            self.end_dump();
            self.outside_line(raw, line_no);
        }
    }

    /// Parses text input; a JSON-lines log is rewritten into its text and parsed again.
    pub fn parse_text(data: &[u8]) -> ParsedDump {
        let mut parser = TextParser::new(0, None);
        parser.scan(data);
        let Some(key) = parser.json_lines_key.take() else {
            return parser.out;
        };
        let rewritten = logscan::json_lines(data, &key);
        let mut parser = TextParser::new(0, None);
        parser.line_map = rewritten.line_map;
        parser.scan(&rewritten.text);
        parser.out
    }

    pub fn run(mut self, data: &'a [u8]) -> ParsedDump {
        self.scan(data);
        self.out
    }

    fn scan(&mut self, data: &'a [u8]) {
        let mut start = 0;
        let mut line_no: LineNo = 0;
        for end in memchr::memchr_iter(b'\n', data) {
            line_no = line_no.saturating_add(1);
            self.line(strip_cr(&data[start..end]), line_no);
            start = end + 1;
        }
        if start < data.len() {
            line_no = line_no.saturating_add(1);
            self.line(strip_cr(&data[start..]), line_no);
        }
        self.finish();
    }

    fn line(&mut self, raw: &'a [u8], line_no: LineNo) {
        let line_no = match self.fixed_line {
            Some(fixed) => fixed,
            None if !self.line_map.is_empty() => {
                let index = usize::try_from(line_no)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(1);
                self.line_map.get(index).copied().unwrap_or(line_no)
            }
            None => line_no,
        };
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
    fn outside_line(&mut self, raw: &'a [u8], line_no: LineNo) {
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
            }
            if let Some(text) = logscan::unescape_embedded(raw, at) {
                self.parse_embedded(&text, line_no);
                return;
            }
        }
        self.outside_profile_line(raw, line_no);
    }

    fn outside_profile_line(&mut self, raw: &'a [u8], line_no: LineNo) {
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
        let sub = TextParser::new(self.depth + 1, Some(line_no)).run(text);
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

    fn finish(&mut self) {
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

#[inline]
fn strip_cr(line: &[u8]) -> &[u8] {
    match line {
        [head @ .., b'\r'] => head,
        _ => line,
    }
}
