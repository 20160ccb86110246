//! The line a Go program prints before a dump says why it printed it:
//!
//! ```text
//! panic: test timed out after 5s                      (testing's alarm)
//! fatal error: all goroutines are asleep - deadlock!  (the runtime's deadlock check)
//! SIGQUIT: quit                                       (kill -QUIT, GOTRACEBACK)
//! panic: runtime error: index out of range [3] ...    (a crash)
//! ```
//!
//! Banners may carry a log prefix (CI logs add timestamps), so they are found
//! anywhere in the line, at a word boundary.

use crate::model::{DumpCause, LineNo};

const TEST_TIMEOUT: &[u8] = b"panic: test timed out after ";
const ALL_ASLEEP: &[u8] = b"fatal error: all goroutines are asleep - deadlock!";
const SIGNALS: &[&[u8]] = &[
    b"SIGQUIT: quit",
    b"SIGABRT: abort",
    b"SIGTRAP: trace trap",
    b"SIGSEGV: segmentation violation",
    b"SIGBUS: bus error",
    b"SIGILL: illegal instruction",
    b"SIGFPE: floating-point exception",
];
/// Crash messages are kept up to this many bytes.
const MAX_MESSAGE: usize = 200;

/// The cause a banner line states, if it is one.
pub fn parse_banner(line: &[u8], line_no: LineNo) -> Option<DumpCause> {
    if let Some(at) = find_word(line, TEST_TIMEOUT) {
        let rest = &line[at + TEST_TIMEOUT.len()..];
        let text = std::str::from_utf8(rest).ok()?.trim();
        let seconds = parse_go_duration(text)?;
        return Some(DumpCause::TestTimeout {
            seconds,
            line: line_no,
        });
    }
    if find_word(line, ALL_ASLEEP).is_some() {
        return Some(DumpCause::AllGoroutinesAsleep { line: line_no });
    }
    for signal in SIGNALS {
        if find_word(line, signal).is_some() {
            let name = String::from_utf8_lossy(&signal[..signal.iter().position(|&b| b == b':')?]);
            return Some(DumpCause::Signal {
                name: name.into_owned(),
                line: line_no,
            });
        }
    }
    for prefix in [&b"panic: "[..], b"fatal error: "] {
        if let Some(at) = find_word(line, prefix) {
            let message = &line[at..line.len().min(at + MAX_MESSAGE)];
            return Some(DumpCause::Crash {
                message: String::from_utf8_lossy(message).into_owned(),
                line: line_no,
            });
        }
    }
    None
}

/// Where `needle` starts in `line`, at the start or after a blank or `^\`
/// (how a terminal echoes Ctrl-\), so `xpanic: ` is not a banner.
fn find_word(line: &[u8], needle: &[u8]) -> Option<usize> {
    let at = memchr::memmem::find(line, needle)?;
    let before = at.checked_sub(1).map(|i| line[i]);
    match before {
        None | Some(b' ' | b'\t' | b'\\' | b']' | b':') => Some(at),
        _ => None,
    }
}

/// A Go `time.Duration` as printed (`5s`, `10m0s`, `1h2m3.5s`, `750ms`,
/// `1.5µs`), in seconds.
pub fn parse_go_duration(text: &str) -> Option<f64> {
    let mut rest = text;
    let mut total = 0.0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return None;
        }
        let value: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let (unit, seconds) = [
            ("ns", 1e-9),
            ("µs", 1e-6),
            ("us", 1e-6),
            ("ms", 1e-3),
            ("s", 1.0),
            ("m", 60.0),
            ("h", 3600.0),
        ]
        .into_iter()
        .find(|(u, _)| rest.starts_with(u))?;
        total += value * seconds;
        rest = &rest[unit.len()..];
    }
    total.is_finite().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_go_duration("5s"), Some(5.0));
        assert_eq!(parse_go_duration("10m0s"), Some(600.0));
        assert_eq!(parse_go_duration("1h2m3.5s"), Some(3723.5));
        assert_eq!(parse_go_duration("750ms"), Some(0.75));
        assert_eq!(parse_go_duration("5x"), None);
        assert_eq!(parse_go_duration(""), None);
    }

    #[test]
    fn banners() {
        assert_eq!(
            parse_banner(b"panic: test timed out after 10m0s", 3),
            Some(DumpCause::TestTimeout {
                seconds: 600.0,
                line: 3
            })
        );
        assert_eq!(
            parse_banner(b"2026-12-01T10:00:00Z panic: test timed out after 5s", 1),
            Some(DumpCause::TestTimeout {
                seconds: 5.0,
                line: 1
            })
        );
        assert_eq!(
            parse_banner(b"fatal error: all goroutines are asleep - deadlock!", 1),
            Some(DumpCause::AllGoroutinesAsleep { line: 1 })
        );
        assert_eq!(
            parse_banner(b"^\\SIGQUIT: quit", 9),
            Some(DumpCause::Signal {
                name: "SIGQUIT".into(),
                line: 9
            })
        );
        assert!(matches!(
            parse_banner(b"panic: boom", 2),
            Some(DumpCause::Crash { .. })
        ));
        assert_eq!(parse_banner(b"xpanic: boom", 2), None);
        assert_eq!(parse_banner(b"goroutine 1 [running]:", 2), None);
    }
}
