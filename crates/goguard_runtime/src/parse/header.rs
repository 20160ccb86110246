//! The goroutine header line of a traceback:
//!
//! ```text
//! goroutine 18 [chan receive, 5 minutes, locked to thread]:
//! goroutine 7 gp=0xc000007a40 m=nil [select (leaked)]:          (GOTRACEBACK=system, 1.23+)
//! goroutine 9 [chan receive (durable), synctest bubble 1]:       (testing/synctest, 1.25+)
//! goroutine 3 [select, 2 minutes labels:{"k": "v"}]:            (GODEBUG=tracebacklabels=1)
//! ```
//!
//! Layout per `goroutineheader` in runtime/traceback.go: `[status` then the optional
//! ` (leaked)`, ` (scan)`, ` (durable)` suffixes, `, N minutes`, `, locked to thread`,
//! `, synctest bubble N`, ` labels:{...}`, then `]:`.

/// A parsed header. `state` keeps the wait reason as printed, minus the suffix flags.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub id: u64,
    pub state: String,
    pub wait_minutes: Option<u64>,
    pub locked_to_thread: bool,
    pub flags: Vec<String>,
    pub labels: Vec<(String, String)>,
}

pub const HEADER_START: &[u8] = b"goroutine ";

/// Parses a header line (already stripped of any log prefix). `None` if it is not one.
pub fn parse_header(line: &[u8]) -> Option<Header> {
    let rest = line.strip_prefix(HEADER_START)?;
    let (id, mut rest) = leading_u64(rest)?;
    // `gp=0x.. m=N mp=0x..` or `gp=0x.. m=nil` (GOTRACEBACK=system and crashes).
    loop {
        rest = rest.strip_prefix(b" ")?;
        if rest.first() == Some(&b'[') {
            break;
        }
        let word_end = memchr::memchr(b' ', rest)?;
        let word = &rest[..word_end];
        if !(word.starts_with(b"gp=") || word.starts_with(b"m=") || word.starts_with(b"mp=")) {
            return None;
        }
        rest = &rest[word_end..];
    }
    let rest = trim_end(rest);
    let body = rest.strip_prefix(b"[")?.strip_suffix(b"]:")?;
    let mut header = Header {
        id,
        ..Header::default()
    };

    // Labels come last and may contain `, ` and `]`, so cut them off first.
    let mut body = body;
    if let Some(at) = memchr::memmem::find(body, b" labels:{") {
        header.labels = super::labels::parse_label_set(&body[at + 8..])?;
        body = &body[..at];
    }

    let mut parts = body.split_str(b", ");
    let mut status = parts.next().unwrap_or(b"");
    let mut suffix_flags = Vec::new();
    loop {
        let before = status.len();
        for flag in ["leaked", "scan", "durable"] {
            let suffix_len = flag.len() + 3;
            if status.len() > suffix_len
                && status.ends_with(b")")
                && status[status.len() - suffix_len..].starts_with(b" (")
                && &status[status.len() - suffix_len + 2..status.len() - 1] == flag.as_bytes()
            {
                status = &status[..status.len() - suffix_len];
                suffix_flags.push(flag.to_string());
            }
        }
        if status.len() == before {
            break;
        }
    }
    // Suffixes were peeled from the end; report them in printed order.
    suffix_flags.reverse();
    header.flags = suffix_flags;
    header.state = String::from_utf8_lossy(status).into_owned();

    for part in parts {
        if part == b"locked to thread" {
            header.locked_to_thread = true;
        } else if let Some(n) = part.strip_suffix(b" minutes").and_then(parse_u64) {
            header.wait_minutes = Some(n);
        } else {
            header
                .flags
                .push(String::from_utf8_lossy(part).into_owned());
        }
    }
    Some(header)
}

/// Splits a byte slice on a separator, like `str::split`.
trait SplitStr {
    fn split_str<'s>(&'s self, sep: &'static [u8]) -> SplitBytes<'s>;
}

impl SplitStr for [u8] {
    fn split_str<'s>(&'s self, sep: &'static [u8]) -> SplitBytes<'s> {
        SplitBytes {
            rest: Some(self),
            sep,
        }
    }
}

struct SplitBytes<'s> {
    rest: Option<&'s [u8]>,
    sep: &'static [u8],
}

impl<'s> Iterator for SplitBytes<'s> {
    type Item = &'s [u8];
    fn next(&mut self) -> Option<&'s [u8]> {
        let rest = self.rest?;
        match memchr::memmem::find(rest, self.sep) {
            Some(at) => {
                self.rest = Some(&rest[at + self.sep.len()..]);
                Some(&rest[..at])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// `[originating from goroutine N]:` (GODEBUG=tracebackancestors=N).
pub fn parse_ancestor_line(line: &[u8]) -> Option<u64> {
    let rest = trim_end(line).strip_prefix(b"[originating from goroutine ")?;
    parse_u64(rest.strip_suffix(b"]:")?)
}

pub fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [head @ .., b' ' | b'\t' | b'\r'] = s {
        s = head;
    }
    s
}

/// Parses the decimal digits at the start of `s`; returns the value and the rest.
pub fn leading_u64(s: &[u8]) -> Option<(u64, &[u8])> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 20 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in &s[..digits] {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some((value, &s[digits..]))
}

pub fn parse_u64(s: &[u8]) -> Option<u64> {
    match leading_u64(s)? {
        (value, []) => Some(value),
        _ => None,
    }
}

pub fn parse_hex(s: &[u8]) -> Option<u64> {
    let s = s.strip_prefix(b"0x").unwrap_or(s);
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in s {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        value = (value << 4) | u64::from(digit);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_wait() {
        let h = parse_header(b"goroutine 18 [chan receive, 5 minutes, locked to thread]:").unwrap();
        assert_eq!(
            (h.id, h.state.as_str(), h.wait_minutes, h.locked_to_thread),
            (18, "chan receive", Some(5), true)
        );
        assert!(h.flags.is_empty());
    }

    #[test]
    fn system_form_and_flags() {
        let h = parse_header(b"goroutine 7 gp=0xc000007a40 m=nil [select (leaked)]:").unwrap();
        assert_eq!((h.id, h.state.as_str()), (7, "select"));
        assert_eq!(h.flags, vec!["leaked"]);
        let h = parse_header(b"goroutine 1 gp=0xc000002380 m=0 mp=0x5b9d40 [running]:").unwrap();
        assert_eq!(h.state, "running");
        let h = parse_header(b"goroutine 9 [chan receive (durable), synctest bubble 1]:").unwrap();
        assert_eq!(h.state, "chan receive");
        assert_eq!(h.flags, vec!["durable", "synctest bubble 1"]);
        let h = parse_header(b"goroutine 9 [chan send (nil chan)]:").unwrap();
        assert_eq!(h.state, "chan send (nil chan)");
    }

    #[test]
    fn labels() {
        let h = parse_header(br#"goroutine 3 [select, 2 minutes labels:{"k": "v, ]", "a": "b"}]:"#)
            .unwrap();
        assert_eq!(h.wait_minutes, Some(2));
        assert_eq!(
            h.labels,
            vec![("k".into(), "v, ]".into()), ("a".into(), "b".into())]
        );
    }

    #[test]
    fn not_headers() {
        assert!(parse_header(b"goroutine profile: total 9").is_none());
        assert!(parse_header(b"goroutine 1 [running]").is_none());
        assert!(parse_header(b"goroutine x [running]:").is_none());
    }
}
