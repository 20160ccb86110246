//! Finding dumps inside other text: log prefixes, dumps glued to the preceding output,
//! JSON-escaped dumps in structured logs, and the known noise of crash output.

/// A log prefix seen in front of a goroutine header (`2024-01-01T00:00:00Z app[123]: `).
/// The following lines of the same dump carry the same kind of prefix, usually with
/// other digits (timestamps), so matching ignores which digits they are.
pub struct LogPrefix {
    text: Vec<u8>,
    /// The prefix after its last digit (`]: `): the fallback anchor when the digit
    /// count changes (`.9Z` then `.10Z`).
    tail: Vec<u8>,
}

impl LogPrefix {
    pub fn new(text: &[u8]) -> LogPrefix {
        let after_digit = text
            .iter()
            .rposition(|b| b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        LogPrefix {
            text: text.to_vec(),
            tail: text[after_digit..].to_vec(),
        }
    }

    /// The line without its prefix, or `None` if the line does not carry it.
    pub fn strip<'l>(&self, line: &'l [u8]) -> Option<&'l [u8]> {
        let n = self.text.len();
        // A blank dump line whose trailing blank the logger trimmed: `... app[123]:`.
        let trimmed = super::header::trim_end(&self.text);
        if line.len() == trimmed.len() && line.len() < n && same_shape(line, trimmed) {
            return Some(&line[line.len()..]);
        }
        if line.len() >= n && same_shape(&line[..n], &self.text) {
            return Some(&line[n..]);
        }
        // A prefix of another length: accept it if the distinctive tail appears close to
        // where the prefix would end and the text before it has the same first byte.
        if self.tail.len() >= 2 && line.first() == self.text.first() {
            let window = &line[..line.len().min(n + 16)];
            if let Some(at) = memchr::memmem::find(window, &self.tail) {
                if at + self.tail.len() + 16 >= n {
                    return Some(&line[at + self.tail.len()..]);
                }
            }
            // The same, for a blank line whose trailing blank was trimmed.
            let tail = super::header::trim_end(&self.tail);
            if !tail.is_empty()
                && line.ends_with(tail)
                && line.len() <= n + 16
                && line.len() + 16 >= n
            {
                return Some(&line[line.len()..]);
            }
        }
        None
    }
}

/// Equal, except that any digit matches any digit.
fn same_shape(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()))
}

/// Lines that crash and SIGQUIT output prints between or around goroutines and that are
/// not part of any goroutine: register dumps (`rax    0x0`, `r12    0xc0000`,
/// `pc     0x4a`), the signal preamble (`SIGQUIT: quit`, `PC=0x.. m=0 sigcode=0`),
/// `exit status 2`, runtime diagnostics. Recognised so they are neither "unknown" nor a
/// reason to end the dump.
pub fn is_known_noise(line: &[u8]) -> bool {
    is_register_line(line)
        || line.starts_with(b"PC=0x")
        || line.starts_with(b"SIGQUIT: ")
        || line.starts_with(b"SIGABRT: ")
        || line.starts_with(b"SIGSEGV: ")
        || line.starts_with(b"SIGTRAP: ")
        || line.starts_with(b"SIGILL: ")
        || line.starts_with(b"SIGBUS: ")
        || line.starts_with(b"SIGFPE: ")
        || line.starts_with(b"^\\SIGQUIT: ")
        || line.starts_with(b"exit status ")
        || line.starts_with(b"runtime: ")
        || line.starts_with(b"fatal error: ")
        || line.starts_with(b"[signal ")
        || line.starts_with(b"signal arrived during")
        || line.starts_with(b"-----")
}

/// `rax    0x0`, `r10    0xc000`, `rflags 0x246`, `lr     0x4a`: a lower-case register
/// name of at most 8 characters, blanks, and a hex value.
fn is_register_line(line: &[u8]) -> bool {
    let name_len = line
        .iter()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        .count();
    if name_len == 0 || name_len > 8 || !line[0].is_ascii_lowercase() {
        return false;
    }
    let rest = &line[name_len..];
    let blanks = rest.iter().take_while(|&&b| b == b' ').count();
    blanks > 0
        && super::header::parse_hex(super::header::trim_end(&rest[blanks..])).is_some()
        && rest[blanks..].starts_with(b"0x")
}

/// A JSON (or logfmt) string that holds an escaped dump: the line contains
/// `goroutine N [...]:\n` with a literal backslash-n. Returns the unescaped string value
/// that contains `at` (the position of `goroutine `).
pub fn unescape_embedded(line: &[u8], at: usize) -> Option<Vec<u8>> {
    let after = &line[at..];
    let header_end = memchr::memmem::find(after, b"]:\\n")?;
    // Cheap sanity: the header part has no quote (it would have closed the string).
    if memchr::memchr(b'"', &after[..header_end]).is_some() {
        return None;
    }
    // Start of the enclosing string: the nearest unescaped quote before `at`.
    let mut start = 0;
    let mut i = at;
    while i > 0 {
        i -= 1;
        if line[i] == b'"' && !is_escaped(line, i) {
            start = i + 1;
            break;
        }
    }
    unescape_string(line, start)
}

/// Unescapes the JSON string body that starts at `start` (after its opening quote), up
/// to its closing quote or the end of the line.
fn unescape_string(line: &[u8], start: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(line.len() - start);
    let mut j = start;
    while j < line.len() {
        match line[j] {
            b'"' => break,
            b'\\' if j + 1 < line.len() => {
                let esc = line[j + 1];
                j += 2;
                match esc {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => {}
                    b'u' => {
                        let hex = line.get(j..j + 4)?;
                        let code = u32::from(u16::try_from(super::header::parse_hex(hex)?).ok()?);
                        let ch = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                        out.extend_from_slice(ch.encode_utf8(&mut [0u8; 4]).as_bytes());
                        j += 4;
                    }
                    other => out.push(other),
                }
            }
            other => {
                out.push(other);
                j += 1;
            }
        }
    }
    Some(out)
}

/// The field name of a JSON-lines log whose line `line` holds, in the string that
/// starts at `at` (after the quote), a whole goroutine header and nothing more.
pub fn json_lines_key(line: &[u8], at: usize) -> Option<Vec<u8>> {
    let quote = (0..at)
        .rev()
        .find(|&i| line[i] == b'"' && !is_escaped(line, i))?;
    let value = unescape_string(line, quote + 1)?;
    let text = value.strip_suffix(b"\n").unwrap_or(&value);
    if memchr::memchr(b'\n', text).is_some() || super::header::parse_header(text).is_none() {
        return None;
    }
    // `"key": "` before the value.
    let before = super::header::trim_end(&line[..quote]);
    let before = super::header::trim_end(before.strip_suffix(b":")?);
    let before = before.strip_suffix(b"\"")?;
    let key_start = memchr::memrchr(b'"', before)? + 1;
    Some(before[key_start..].to_vec())
}

/// A log where every line is a JSON record holding one line of output, as container
/// runtimes write them: `{"log":"goroutine 1 [running]:\n","stream":"stderr",...}`.
/// Rewrites it into the text the records' `key` field holds, one line at a time.
pub struct JsonLinesRewriter {
    /// `"key"`.
    needle: memchr::memmem::Finder<'static>,
}

impl JsonLinesRewriter {
    pub fn new(key: &[u8]) -> JsonLinesRewriter {
        let mut needle = Vec::with_capacity(key.len() + 2);
        needle.push(b'"');
        needle.extend_from_slice(key);
        needle.push(b'"');
        JsonLinesRewriter {
            needle: memchr::memmem::Finder::new(&needle).into_owned(),
        }
    }

    /// The text a record holds, without its final newline (it may hold several
    /// lines); `None` when the line is not such a record and stays as it is.
    pub fn value(&self, line: &[u8]) -> Option<Vec<u8>> {
        let at = self.needle.find(line)?;
        let rest = &line[at + self.needle.needle().len()..];
        let colon = rest.iter().position(|&b| b != b' ')?;
        let rest = rest[colon..].strip_prefix(b":")?;
        let open = rest.iter().position(|&b| b != b' ')?;
        if rest[open] != b'"' {
            return None;
        }
        let start = line.len() - rest.len() + open + 1;
        let mut value = unescape_string(line, start)?;
        if value.last() == Some(&b'\n') {
            value.pop();
        }
        Some(value)
    }
}

fn is_escaped(line: &[u8], quote: usize) -> bool {
    let backslashes = line[..quote]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_with_changing_digits() {
        let p = LogPrefix::new(b"2024-01-01T00:00:00.9Z app[123]: ");
        assert_eq!(
            p.strip(b"2024-01-01T00:00:01.1Z app[123]: main.main()"),
            Some(&b"main.main()"[..])
        );
        assert_eq!(
            p.strip(b"2024-01-01T00:00:01.12Z app[123]: \t/a.go:1"),
            Some(&b"\t/a.go:1"[..])
        );
        assert_eq!(p.strip(b"main.main()"), None);
    }

    #[test]
    fn noise() {
        assert!(is_known_noise(b"rax    0x0"));
        assert!(is_known_noise(b"rflags 0x246"));
        assert!(is_known_noise(b"PC=0x7fff739f9882 m=0 sigcode=0"));
        assert!(!is_known_noise(b"main.main()"));
        assert!(!is_known_noise(b"created by main.main"));
    }

    #[test]
    fn json_string() {
        let line = br#"{"level":"error","msg":"goroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n","x":1}"#;
        let at = memchr::memmem::find(line, b"goroutine").unwrap();
        let text = unescape_embedded(line, at).unwrap();
        assert_eq!(
            text,
            b"goroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n"
        );
    }
}
