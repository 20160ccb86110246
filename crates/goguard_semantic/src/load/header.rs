//! A fast scanner for the head of a Go file: leading comments, the package
//! clause and the import block. That is all loading needs from file contents:
//! build constraint lines, the package name, the generated-code marker, the
//! version set by `//go:build`, and whether the file imports "C".
//!
//! Two passes mirror the two places Go looks:
//! 1. go/build `parseFileHeader`: a line-based pass that finds the build
//!    constraint region (the leading run of `//` comments and blank lines that
//!    is followed by a blank line) and the `//go:build` line.
//! 2. A token pass like go/scanner up to the end of the imports: comments
//!    before `package` (for `IsGenerated` and go/parser's file `GoVersion`),
//!    the package name, and `import "C"`.

use super::constraint;
use super::version::GoVersion;

/// What the head of a Go file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The `//go:build` line inside the constraint region: (line, full line).
    pub go_build: Option<(u32, String)>,
    /// Line of a second `//go:build` line, which go rejects.
    pub multiple_go_build: Option<u32>,
    /// `// +build` lines in the constraint region: (line, full line).
    pub plus_build: Vec<(u32, String)>,
    /// The minimum version implied by the last valid `//go:build` comment
    /// before the package clause, as go/parser records it in `File.GoVersion`
    /// (this does not require the blank line that build constraints need).
    pub build_version: Option<GoVersion>,
    /// The package name and its line, if a package clause was found.
    pub package: Option<(String, u32)>,
    /// A `// Code generated ... DO NOT EDIT.` line before the package clause.
    pub generated: bool,
    /// The file has `import "C"` (a cgo file).
    pub imports_c: bool,
}

/// Scans `src`. `complete` says whether `src` is the whole file; if it is
/// not and the scan runs off its end before the imports end, returns `None`
/// so the caller can retry with the whole file.
pub fn scan(src: &[u8], complete: bool) -> Option<Header> {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let mut h = Header::default();
    constraint_region(src, &mut h);
    let mut t = Tokens {
        src,
        i: 0,
        line: 1,
        ran_out: false,
    };
    t.head(&mut h);
    if t.ran_out && !complete {
        return None;
    }
    Some(h)
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// Pass 1, after go/build `parseFileHeader`.
fn constraint_region(src: &[u8], h: &mut Header) {
    let mut end = 0usize;
    let mut ended = false;
    let mut in_block = false;
    let mut p = 0usize;
    let mut line_no = 0u32;
    let mut go_build_line = None;
    'lines: while p < src.len() {
        line_no += 1;
        let nl = src[p..].iter().position(|&c| c == b'\n');
        let raw = match nl {
            Some(k) => &src[p..p + k],
            None => &src[p..],
        };
        p = nl.map_or(src.len(), |k| p + k + 1);
        let mut line = trim(raw);
        if line.is_empty() && !ended {
            // The latest blank line before the first non-comment line
            // bounds where constraint lines may appear.
            end = p;
            continue;
        }
        if !line.starts_with(b"//") {
            ended = true;
        }
        if !in_block {
            if let Some(text) = std::str::from_utf8(line)
                .ok()
                .filter(|l| constraint::go_build_text(l).is_some())
            {
                if go_build_line.is_some() {
                    h.multiple_go_build.get_or_insert(line_no);
                } else {
                    go_build_line = Some((line_no, text.to_string()));
                }
            }
        }
        loop {
            if line.is_empty() {
                continue 'lines;
            }
            if in_block {
                match find(line, b"*/") {
                    Some(k) => {
                        in_block = false;
                        line = trim(&line[k + 2..]);
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with(b"//") {
                continue 'lines;
            }
            if line.starts_with(b"/*") {
                in_block = true;
                line = trim(&line[2..]);
                continue;
            }
            break 'lines;
        }
    }
    h.go_build = go_build_line;
    // Legacy lines count only inside the region (before its last blank line).
    let region = &src[..end.min(src.len())];
    for (k, raw) in region.split(|&c| c == b'\n').enumerate() {
        let line = trim(raw);
        if !line.starts_with(b"//") || find(line, b"+build").is_none() {
            continue;
        }
        if let Ok(text) = std::str::from_utf8(line) {
            if constraint::plus_build_text(text).is_some() {
                h.plus_build.push((k as u32 + 1, text.to_string()));
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct Tokens<'a> {
    src: &'a [u8],
    i: usize,
    line: u32,
    /// The scan reached the end of input before finishing the imports.
    ran_out: bool,
}

const GENERATED_PREFIX: &str = "// Code generated ";
const GENERATED_SUFFIX: &str = " DO NOT EDIT.";

fn is_generated_line(line: &str) -> bool {
    line.strip_prefix(GENERATED_PREFIX)
        .is_some_and(|rest| rest.ends_with(GENERATED_SUFFIX))
}

impl Tokens<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.i).copied()
    }

    /// Skips white space (newlines included when `newlines`) and comments,
    /// calling `on_comment` with each comment's text and starting line.
    /// Returns false if an unterminated block comment ran off the input.
    fn skip(&mut self, on_comment: &mut dyn FnMut(&str, u32)) -> bool {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.i += 1,
                Some(b'\n') => {
                    self.i += 1;
                    self.line += 1;
                }
                Some(b'/') if self.src.get(self.i + 1) == Some(&b'/') => {
                    let start = self.i;
                    let end = self.src[start..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(self.src.len(), |k| start + k);
                    let text = String::from_utf8_lossy(&self.src[start..end]);
                    // go/scanner drops carriage returns from comment text.
                    let text = text.trim_end_matches('\r');
                    on_comment(text, self.line);
                    self.i = end;
                }
                Some(b'/') if self.src.get(self.i + 1) == Some(&b'*') => {
                    let start = self.i;
                    let Some(k) = find(&self.src[start + 2..], b"*/") else {
                        self.i = self.src.len();
                        return false;
                    };
                    let end = start + 2 + k + 2;
                    let text = String::from_utf8_lossy(&self.src[start..end]);
                    on_comment(&text, self.line);
                    self.line +=
                        self.src[start..end].iter().filter(|&&c| c == b'\n').count() as u32;
                    self.i = end;
                }
                _ => return true,
            }
        }
    }

    fn skip_quiet(&mut self) -> bool {
        self.skip(&mut |_, _| {})
    }

    /// Reads an identifier (Go letters and digits, by Unicode class).
    fn ident(&mut self) -> Option<String> {
        let rest = std::str::from_utf8(&self.src[self.i..]).unwrap_or_else(|e| {
            // Identifier scanning only needs the valid prefix.
            std::str::from_utf8(&self.src[self.i..self.i + e.valid_up_to()]).unwrap_or("")
        });
        let mut len = 0;
        for (k, c) in rest.char_indices() {
            let ok = c == '_' || c.is_alphabetic() || (k > 0 && c.is_numeric());
            if !ok {
                break;
            }
            len = k + c.len_utf8();
        }
        // An identifier touching the end of a partial buffer may continue
        // past it (or end in a split UTF-8 sequence).
        if self.i + len + 4 > self.src.len() {
            self.ran_out = true;
        }
        if len == 0 {
            return None;
        }
        let id = rest[..len].to_string();
        self.i += len;
        Some(id)
    }

    fn head(&mut self, h: &mut Header) {
        let mut generated = false;
        let mut version = None;
        let ok = self.skip(&mut |text, _| {
            if text.contains(GENERATED_PREFIX) && text.lines().any(is_generated_line) {
                generated = true;
            }
            if text.starts_with("//go:build") {
                if let Some(v) =
                    constraint::go_build_text(text).and_then(|t| constraint::parse_go_build(t).ok())
                {
                    version = v.go_version();
                }
            }
        });
        h.generated = generated;
        h.build_version = version;
        if !ok || self.peek().is_none() {
            self.ran_out = true;
            return;
        }
        let line = self.line;
        if self.ident().as_deref() != Some("package") {
            return;
        }
        if !self.skip_quiet() {
            self.ran_out = true;
            return;
        }
        match self.ident() {
            Some(name) => h.package = Some((name, line)),
            None => {
                self.ran_out |= self.peek().is_none();
                return;
            }
        }
        h.imports_c = self.imports_c();
    }

    /// Scans import declarations after the package clause, reporting whether
    /// one of them is `import "C"`. Stops quietly at anything unexpected.
    fn imports_c(&mut self) -> bool {
        let mut found = false;
        loop {
            if !self.skip_semis() {
                return found;
            }
            let save = self.i;
            if self.ident().as_deref() != Some("import") {
                self.i = save;
                return found;
            }
            if !self.skip_quiet() {
                self.ran_out = true;
                return found;
            }
            if self.peek() == Some(b'(') {
                self.i += 1;
                loop {
                    if !self.skip_semis() {
                        return found;
                    }
                    if self.peek() == Some(b')') {
                        self.i += 1;
                        break;
                    }
                    match self.import_spec() {
                        Some(p) => found |= p == "C",
                        None => return found,
                    }
                }
            } else {
                match self.import_spec() {
                    Some(p) => found |= p == "C",
                    None => return found,
                }
            }
        }
    }

    /// Skips white space, comments and semicolons; false at end of input.
    fn skip_semis(&mut self) -> bool {
        loop {
            if !self.skip_quiet() {
                self.ran_out = true;
                return false;
            }
            match self.peek() {
                Some(b';') => self.i += 1,
                Some(_) => return true,
                None => {
                    self.ran_out = true;
                    return false;
                }
            }
        }
    }

    /// `[name | "." | "_"] "path"`; returns the path.
    fn import_spec(&mut self) -> Option<String> {
        if self.peek() == Some(b'.') {
            self.i += 1;
        } else if self.peek() != Some(b'"') && self.peek() != Some(b'`') {
            self.ident()?;
        }
        if !self.skip_quiet() {
            self.ran_out = true;
            return None;
        }
        let quote = self.peek()?;
        if quote != b'"' && quote != b'`' {
            return None;
        }
        let start = self.i + 1;
        let mut k = start;
        while k < self.src.len() && self.src[k] != quote {
            if quote == b'"' && (self.src[k] == b'\\' || self.src[k] == b'\n') {
                // Escapes never occur in a plain "C"; no need to decode them.
                if self.src[k] == b'\n' {
                    return None;
                }
                k += 1;
            }
            k += 1;
        }
        if k >= self.src.len() {
            self.ran_out = true;
            return None;
        }
        self.line += self.src[start..k].iter().filter(|&&c| c == b'\n').count() as u32;
        self.i = k + 1;
        Some(String::from_utf8_lossy(&self.src[start..k]).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(src: &str) -> Header {
        scan(src.as_bytes(), true).expect("complete scan")
    }

    #[test]
    fn go_build_needs_blank_line_before_package() {
        let x = h("//go:build linux\n\npackage p\n");
        assert_eq!(x.go_build, Some((1, "//go:build linux".into())));
        assert_eq!(x.package, Some(("p".into(), 3)));
        // Without the blank line the //go:build comment is still a
        // go:build line for go/build (it is found before the first
        // non-comment line), unlike +build lines, which need the blank.
        let y = h("// +build linux\npackage p\n");
        assert!(y.plus_build.is_empty());
        let z = h("// Copyright\n\n// +build linux\n\n// Package p.\npackage p\n");
        assert_eq!(z.plus_build, vec![(3, "// +build linux".into())]);
    }

    #[test]
    fn block_comments_are_skipped() {
        let x = h("/* a\n//go:build fake\n*/\n//go:build linux\n\npackage /* c */ p");
        assert_eq!(x.go_build, Some((4, "//go:build linux".into())));
        assert_eq!(x.package, Some(("p".into(), 6)));
        // A //go:build after code-like text is not seen.
        let y = h("package p\n//go:build linux\n");
        assert_eq!(y.go_build, None);
        assert_eq!(y.build_version, None);
    }

    #[test]
    fn multiple_go_build_is_reported() {
        let x = h("//go:build linux\n//go:build amd64\n\npackage p\n");
        assert_eq!(x.multiple_go_build, Some(2));
    }

    #[test]
    fn generated_marker() {
        assert!(h("// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage p").generated);
        assert!(h("// Copyright\n\n// Code generated by x. DO NOT EDIT.\npackage p").generated);
        assert!(h("// Code generated by x. DO NOT EDIT.\r\npackage p").generated);
        assert!(!h("// Code generated by x. DO NOT EDIT\npackage p").generated);
        assert!(!h("//Code generated by x. DO NOT EDIT.\npackage p").generated);
        assert!(!h("package p\n// Code generated by x. DO NOT EDIT.\n").generated);
        assert!(!h("/* Code generated by x. DO NOT EDIT. */\npackage p").generated);
    }

    #[test]
    fn version_from_go_build_even_without_blank_line() {
        let x = h("//go:build go1.22 && linux\npackage p");
        assert_eq!(x.build_version, Some(GoVersion::new(1, 22)));
        assert_eq!(x.go_build, Some((1, "//go:build go1.22 && linux".into())));
        assert_eq!(h("//go:build (\n\npackage p").build_version, None);
    }

    #[test]
    fn imports_c() {
        assert!(h("package p\nimport \"C\"\n").imports_c);
        assert!(h("package p\n\nimport (\n\t\"fmt\"\n\t// #include <x.h>\n\t\"C\"\n)\n").imports_c);
        assert!(h("package p; import ( f \"fmt\"; . \"os\" ); import `C`").imports_c);
        assert!(!h("package p\nimport \"fmt\"\nfunc main() {}\nimport \"C\"").imports_c);
    }

    #[test]
    fn incomplete_buffers_ask_for_more() {
        let src = b"// long comment\n// more\n";
        assert_eq!(scan(src, false), None);
        assert_eq!(scan(b"/* unterminated", false), None);
        let full = scan(src, true).unwrap();
        assert_eq!(full.package, None);
        assert!(scan(b"package p\n\nfunc f() {}", false).is_some());
    }

    #[test]
    fn bom_and_unicode_names() {
        let x = h("\u{feff}package π\n");
        assert_eq!(x.package, Some(("π".into(), 1)));
        assert_eq!(h("package 1x").package, None);
        assert_eq!(h("packagex p").package, None);
    }
}
