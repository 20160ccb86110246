//! pprof label sets as Go prints them: `{"k":"v"}` (debug=1 `# labels:`) and
//! `{"k": "v", "k2": "v2"}` (traceback headers, Go 1.26+ `labels:{...}`).
//! Keys and values are Go-quoted strings.

/// Parses `{"k":"v", ...}`. Returns `None` if the text is not a label set.
pub fn parse_label_set(text: &[u8]) -> Option<Vec<(String, String)>> {
    let mut rest = trim(text);
    rest = rest.strip_prefix(b"{")?.strip_suffix(b"}")?;
    let mut labels = Vec::new();
    loop {
        rest = trim(rest);
        if rest.is_empty() {
            return Some(labels);
        }
        let (key, after_key) = quoted(rest)?;
        let after_colon = trim(after_key).strip_prefix(b":")?;
        let (value, after_value) = quoted(trim(after_colon))?;
        labels.push((key, value));
        rest = trim(after_value);
        if let Some(after_comma) = rest.strip_prefix(b",") {
            rest = after_comma;
        } else if !rest.is_empty() {
            return None;
        }
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', tail @ ..] = s {
        s = tail;
    }
    while let [head @ .., b' ' | b'\t'] = s {
        s = head;
    }
    s
}

/// Reads one Go-quoted string at the start of `s`; returns it unescaped and the rest.
fn quoted(s: &[u8]) -> Option<(String, &[u8])> {
    let body = s.strip_prefix(b"\"")?;
    let mut out = Vec::with_capacity(body.len().min(64));
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), &body[i + 1..])),
            b'\\' => {
                let esc = *body.get(i + 1)?;
                i += 2;
                match esc {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'x' => {
                        let hex = body.get(i..i + 2)?;
                        out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                        i += 2;
                    }
                    b'u' | b'U' => {
                        let len = if esc == b'u' { 4 } else { 8 };
                        let hex = body.get(i..i + len)?;
                        let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                        let ch = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                        out.extend_from_slice(ch.encode_utf8(&mut [0u8; 4]).as_bytes());
                        i += len;
                    }
                    other => out.push(other),
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        let want = vec![
            ("a".to_string(), "b c".to_string()),
            ("k".to_string(), "v\"".to_string()),
        ];
        assert_eq!(
            parse_label_set(br#"{"a":"b c","k":"v\""}"#),
            Some(want.clone())
        );
        assert_eq!(parse_label_set(br#"{"a": "b c", "k": "v\""}"#), Some(want));
        assert_eq!(parse_label_set(b"{}"), Some(vec![]));
        assert_eq!(parse_label_set(br#"{"a":}"#), None);
    }
}
