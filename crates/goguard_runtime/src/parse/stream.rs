//! Feeding text to the line parser (`text.rs`): from a slice in memory, or from a reader
//! in chunks cut at line ends, so that a 1 GB dump is never held whole — only the model
//! parsed from it is.
//!
//! A JSON-lines log (one JSON record per line of output, as container runtimes write
//! them) shows itself at its first goroutine header; from then on every line is
//! replaced by the text its record holds, and the lines before it are read again the
//! same way. A reader keeps what it read for that until the first `REPLAY_LIMIT`
//! bytes are past; a log whose first header record comes later is rewritten from that
//! record on only, with a warning.

use std::io::Read;

use super::logscan::JsonLinesRewriter;
use super::text::TextParser;
use crate::model::{LineNo, ParsedDump};

/// Bytes read from a reader at a time.
const CHUNK: usize = 1 << 20;

/// Input kept from its start, while no JSON-lines log has shown itself, to read it
/// again rewritten if one does.
const REPLAY_LIMIT: usize = 64 << 20;

/// Parses text held in memory.
pub(super) fn parse_slice(parser: TextParser, data: &[u8]) -> ParsedDump {
    let mut feeder = Feeder::new(parser);
    let mut fed = feeder.feed_lines(data);
    if let Fed::JsonLinesAfter { .. } = fed {
        // All of it is here: read it again from the start, rewritten.
        feeder.restart_rewriting();
        fed = feeder.feed_lines(data);
    }
    let consumed = match fed {
        Fed::All(n) => n,
        Fed::JsonLinesAfter { end, .. } => end,
    };
    feeder.finish(&data[consumed..])
}

/// Parses text from a reader, `CHUNK` bytes at a time. Returns the parse, the number of
/// bytes read, and the read error that ended the input early, if any (what was read
/// before it is parsed).
pub(super) fn parse_reader(reader: &mut impl Read) -> (ParsedDump, u64, Option<std::io::Error>) {
    parse_reader_sized(reader, CHUNK, REPLAY_LIMIT)
}

fn parse_reader_sized(
    reader: &mut impl Read,
    chunk: usize,
    replay_limit: usize,
) -> (ParsedDump, u64, Option<std::io::Error>) {
    let mut feeder = Feeder::new(TextParser::new(0, None));
    let mut buf: Vec<u8> = Vec::with_capacity(chunk);
    // `buf[..fed]` has been fed to the parser.
    let mut fed = 0;
    // `buf` holds the input from its first byte.
    let mut replay = true;
    let mut total: u64 = 0;
    loop {
        let before = buf.len();
        let result = reader.by_ref().take(chunk as u64).read_to_end(&mut buf);
        let read = buf.len() - before;
        total += read as u64;
        let (ended, error) = match result {
            Ok(_) => (read < chunk, None),
            Err(error) => (true, Some(error)),
        };
        if !ended && memchr::memchr(b'\n', &buf[before..]).is_none() {
            // Inside a line longer than a chunk: read on without scanning it again.
            continue;
        }
        loop {
            match feeder.feed_lines(&buf[fed..]) {
                Fed::All(n) => {
                    fed += n;
                    break;
                }
                Fed::JsonLinesAfter { line_start, end } => {
                    if replay {
                        feeder.restart_rewriting();
                        fed = 0;
                    } else {
                        // What came before is gone: rewrite from this record on.
                        feeder.rewrite_from(&buf[fed + line_start..fed + end - 1], replay_limit);
                        fed += end;
                    }
                    replay = false;
                }
            }
        }
        if ended {
            return (feeder.finish(&buf[fed..]), total, error);
        }
        if replay && buf.len() > replay_limit {
            replay = false;
        }
        if !replay {
            buf.drain(..fed);
            fed = 0;
            if buf.capacity() > 4 * chunk && buf.len() < chunk {
                buf.shrink_to(2 * chunk);
            }
        }
    }
}

/// What `Feeder::feed_lines` did.
enum Fed {
    /// Fed every complete line: the bytes consumed.
    All(usize),
    /// Stopped after the line that starts at `line_start` and ends with the newline at
    /// `end - 1`: it showed that the input is a JSON-lines log.
    JsonLinesAfter { line_start: usize, end: usize },
}

/// Numbers the lines and hands them to the parser, rewritten once the input is known to
/// be a JSON-lines log.
struct Feeder {
    parser: TextParser,
    rewriter: Option<JsonLinesRewriter>,
    line_no: LineNo,
}

impl Feeder {
    fn new(parser: TextParser) -> Feeder {
        Feeder {
            parser,
            rewriter: None,
            line_no: 0,
        }
    }

    /// Feeds the complete lines of `text` (those ending in a newline).
    fn feed_lines(&mut self, text: &[u8]) -> Fed {
        let mut start = 0;
        for newline in memchr::memchr_iter(b'\n', text) {
            self.feed_line(&text[start..newline]);
            let line_start = start;
            start = newline + 1;
            if self.rewriter.is_none() && self.parser.json_lines_key.is_some() {
                return Fed::JsonLinesAfter {
                    line_start,
                    end: start,
                };
            }
        }
        Fed::All(start)
    }

    fn feed_line(&mut self, line: &[u8]) {
        self.line_no = self.line_no.saturating_add(1);
        let value = self.rewriter.as_ref().and_then(|r| r.value(line));
        match value {
            // Every line of the record's text is reported at the record's line.
            Some(value) => {
                for part in value.split(|&b| b == b'\n') {
                    self.parser.line(strip_cr(part), self.line_no);
                }
            }
            None => self.parser.line(strip_cr(line), self.line_no),
        }
    }

    /// Starts over with a new parser that rewrites every line.
    fn restart_rewriting(&mut self) {
        let key = self.parser.json_lines_key.take().unwrap_or_default();
        *self = Feeder {
            parser: TextParser::new(self.parser.depth, self.parser.fixed_line),
            rewriter: Some(JsonLinesRewriter::new(&key)),
            line_no: 0,
        };
    }

    /// Rewrites from `line` (the record that showed the log for what it is) on.
    fn rewrite_from(&mut self, line: &[u8], replay_limit: usize) {
        let key = self.parser.json_lines_key.clone().unwrap_or_default();
        self.rewriter = Some(JsonLinesRewriter::new(&key));
        self.parser.warn(format!(
            "line {}: the input is a JSON-lines log (records holding one line of output \
             each) from here on; the text before it, more than {} MB, was read as it is",
            self.line_no,
            replay_limit >> 20
        ));
        self.line_no -= 1;
        self.feed_line(line);
    }

    /// The input ended; `tail` is its last line when that has no newline.
    fn finish(mut self, tail: &[u8]) -> ParsedDump {
        // A rewritten log ends with the text of its last (possibly empty) line, as
        // splitting at every newline gives it.
        if !tail.is_empty() || self.rewriter.is_some() {
            self.feed_line(tail);
        }
        self.parser.finish();
        self.parser.out
    }
}

#[inline]
fn strip_cr(line: &[u8]) -> &[u8] {
    match line {
        [head @ .., b'\r'] => head,
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call and then fails, if `fail`.
    struct Trickle<'d> {
        data: &'d [u8],
        step: usize,
        fail: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.data.is_empty() && self.fail {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn sample(name: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
        std::fs::read(dir.join(name)).unwrap()
    }

    /// Each line of `text` as a container log record, with `eol` after each.
    fn json_lines(text: &[u8], eol: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for line in String::from_utf8_lossy(text).split('\n') {
            let value = serde_json::to_string(&format!("{line}\n")).unwrap();
            out.extend_from_slice(
                format!(r#"{{"log":{value},"stream":"stderr"}}{eol}"#).as_bytes(),
            );
        }
        out
    }

    fn inputs() -> Vec<(String, Vec<u8>)> {
        let stack = sample("go126_stack.txt");
        let mut with_banner = b"panic: test timed out after 10m0s\n".to_vec();
        with_banner.extend_from_slice(&stack);
        let mut no_newline = json_lines(&with_banner, "\n");
        no_newline.pop();
        let mut mixed = b"plain text first\n".to_vec();
        mixed.extend_from_slice(&json_lines(&stack, "\n"));
        let mut crlf = Vec::new();
        for line in stack.split(|&b| b == b'\n') {
            crlf.extend_from_slice(line);
            crlf.extend_from_slice(b"\r\n");
        }
        // A whole dump escaped in one log line: a line of many chunks.
        let escaped = serde_json::to_string(&String::from_utf8_lossy(&stack)).unwrap();
        let one_line = format!("{{\"level\":\"error\",\"msg\":{escaped}}}\nafter\n").into_bytes();
        vec![
            ("stack".into(), stack.clone()),
            ("dump in one log line".into(), one_line),
            ("debug1".into(), sample("go126_debug1.txt")),
            ("sigquit".into(), sample("go126_sigquit_crash.txt")),
            ("crlf".into(), crlf),
            ("json lines".into(), json_lines(&with_banner, "\n")),
            ("json lines, crlf".into(), json_lines(&with_banner, "\r\n")),
            ("json lines, no final newline".into(), no_newline),
            ("json lines after text".into(), mixed),
            ("empty".into(), Vec::new()),
        ]
    }

    #[test]
    fn chunks_give_what_the_whole_gives() {
        for (name, data) in inputs() {
            let whole = parse_slice(TextParser::new(0, None), &data);
            // Chunks smaller than a line, cut everywhere, and larger than the input.
            for (chunk, step) in [(1, 1), (7, 3), (64, 5000), (4096, 100), (1 << 20, 1 << 20)] {
                let mut reader = Trickle {
                    data: &data,
                    step,
                    fail: false,
                };
                let (streamed, read, error) = parse_reader_sized(&mut reader, chunk, 1 << 20);
                assert!(error.is_none());
                assert_eq!(read, data.len() as u64);
                assert_eq!(streamed, whole, "{name}, chunks of {chunk}");
            }
        }
    }

    #[test]
    fn json_lines_are_rewritten_and_numbered_by_record() {
        let stack = sample("go126_stack.txt");
        let mut data = b"panic: test timed out after 10m0s\n".to_vec();
        data.extend_from_slice(&stack);
        let dump = parse_slice(TextParser::new(0, None), &json_lines(&data, "\n"));
        let plain = parse_slice(TextParser::new(0, None), &data);
        assert_eq!(dump.snapshots.len(), 1);
        assert_eq!(dump.snapshots[0].goroutines, plain.snapshots[0].goroutines);
        assert!(matches!(
            dump.snapshots[0].cause,
            Some(crate::model::DumpCause::TestTimeout { .. })
        ));
    }

    #[test]
    fn json_lines_found_late_are_rewritten_from_there() {
        // More than the replay limit of other records before the first header record.
        let mut data = Vec::new();
        for i in 0..200 {
            data.extend_from_slice(format!("{{\"log\":\"request {i}\\n\"}}\n").as_bytes());
        }
        let before = data.iter().filter(|&&b| b == b'\n').count();
        let stack = sample("go126_stack.txt");
        data.extend_from_slice(&json_lines(&stack, "\n"));
        let mut reader = Trickle {
            data: &data,
            step: 1000,
            fail: false,
        };
        let (dump, _, _) = parse_reader_sized(&mut reader, 256, 1024);
        let plain = parse_slice(TextParser::new(0, None), &stack);
        assert_eq!(dump.snapshots.len(), 1, "{:?}", dump.warnings);
        let got = &dump.snapshots[0].goroutines;
        assert_eq!(got.len(), plain.snapshots[0].goroutines.len());
        assert_eq!(got[0].frames, plain.snapshots[0].goroutines[0].frames);
        assert_eq!(got[0].line as usize, before + 1, "numbered by record");
        assert!(
            dump.warnings[0].contains(&format!(
                "line {}: the input is a JSON-lines log",
                before + 1
            )),
            "{:?}",
            dump.warnings
        );
    }

    #[test]
    fn a_read_error_keeps_what_was_read() {
        let data = sample("go126_stack.txt");
        let cut = data.len() / 2;
        let mut reader = Trickle {
            data: &data[..cut],
            step: 100,
            fail: true,
        };
        let (dump, read, error) = parse_reader_sized(&mut reader, 64, 1 << 20);
        assert_eq!(error.unwrap().to_string(), "disk on fire");
        assert_eq!(read, cut as u64);
        assert_eq!(dump, parse_slice(TextParser::new(0, None), &data[..cut]));
    }
}
