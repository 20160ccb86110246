//! The two lines of a traceback frame:
//!
//! ```text
//! main.(*Server[...]).handle.func1(0xc000010000, {0x738a20, 0xc0000600e0}, 0x1?)
//! <TAB>/app/server.go:42 +0x1d fp=0xc000051f80 sp=0xc000051f60 pc=0x4a1b3d
//! ```
//!
//! Argument lists never contain parentheses, so the last `(` of a line ending in `)`
//! opens them, whatever brackets the function name holds.

/// `func(args)` → `(func, args)`. `None` if the line is not a function line.
#[inline]
pub fn parse_func_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let inner = line.strip_suffix(b")")?;
    let open = memchr::memrchr(b'(', inner)?;
    let func = &inner[..open];
    if func.is_empty() {
        return None;
    }
    // Go function names contain no blanks; a line with them is prose, not a frame.
    if memchr::memchr2(b' ', b'\t', func).is_some() {
        return None;
    }
    Some((func, &inner[open + 1..]))
}

/// A parsed file line: path, line number and the `+0x..` offset if printed.
#[derive(Debug, PartialEq, Eq)]
pub struct FileLine<'a> {
    pub file: &'a [u8],
    pub line: u32,
    pub pc_offset: Option<u64>,
}

/// `\t/path/file.go:123 +0x1d [fp=.. sp=.. pc=..]`. The leading tab (or blanks, when a
/// log pipeline replaced it) is required. The line number follows the last `:` so that
/// Windows paths (`C:/...`) work.
#[inline]
pub fn parse_file_line(line: &[u8]) -> Option<FileLine<'_>> {
    let first = *line.first()?;
    if first != b'\t' && first != b' ' {
        return None;
    }
    let text = {
        let start = line.iter().position(|&b| b != b'\t' && b != b' ')?;
        &line[start..]
    };
    // Suffixes (` +0x..`, ` fp=..`) contain no `:`, so the last `:` ends the path.
    let colon = memchr::memrchr(b':', text)?;
    let file = &text[..colon];
    if file.is_empty() {
        return None;
    }
    let (line_no, rest) = super::header::leading_u64(&text[colon + 1..])?;
    let mut pc_offset = None;
    if !rest.is_empty() {
        let rest = rest.strip_prefix(b" ")?;
        if let Some(hex) = rest.strip_prefix(b"+0x") {
            let end = memchr::memchr(b' ', hex).unwrap_or(hex.len());
            pc_offset = Some(super::header::parse_hex(&hex[..end])?);
        }
    }
    Some(FileLine {
        file,
        line: u32::try_from(line_no).unwrap_or(u32::MAX),
        pc_offset,
    })
}

/// `created by X` or `created by X in goroutine N` (Go 1.21+).
pub fn parse_created_by(line: &[u8]) -> Option<(&[u8], Option<u64>)> {
    let rest = super::header::trim_end(line.strip_prefix(b"created by ")?);
    if let Some(at) = memchr::memmem::rfind(rest, b" in goroutine ") {
        let id = super::header::parse_u64(&rest[at + 14..])?;
        return Some((&rest[..at], Some(id)));
    }
    if rest.is_empty() || memchr::memchr(b' ', rest).is_some() {
        return None;
    }
    Some((rest, None))
}

/// What an elision marker says.
#[derive(Debug, PartialEq, Eq)]
pub enum Elided {
    /// `...N frames elided...` (Go 1.21+).
    Count(u32),
    /// `...additional frames elided...` (before 1.21, and in ancestor blocks).
    Unknown,
}

pub fn parse_elided(line: &[u8]) -> Option<Elided> {
    let line = super::header::trim_end(line);
    if line == b"...additional frames elided..." {
        return Some(Elided::Unknown);
    }
    let n = line
        .strip_prefix(b"...")?
        .strip_suffix(b" frames elided...")?;
    let n = super::header::parse_u64(n)?;
    Some(Elided::Count(u32::try_from(n).unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_lines() {
        let (f, a) = parse_func_line(b"main.(*T[...]).M.func1.2(0xc0, {0x1, 0x2}, 0x3?)").unwrap();
        assert_eq!(
            (f, a),
            (
                &b"main.(*T[...]).M.func1.2"[..],
                &b"0xc0, {0x1, 0x2}, 0x3?"[..]
            )
        );
        assert_eq!(parse_func_line(b"panic({0x4a, 0x5})").unwrap().0, b"panic");
        assert_eq!(parse_func_line(b"main.main(...)").unwrap().1, b"...");
        assert!(parse_func_line(b"main.main)(").is_none());
        assert!(parse_func_line(b"some text (with parens)").is_none());
        assert!(parse_func_line(b"()").is_none());
    }

    #[test]
    fn file_lines() {
        let fl = parse_file_line(b"\tC:/Users/x/pprof.go:693 +0x9f").unwrap();
        assert_eq!(
            (fl.file, fl.line, fl.pc_offset),
            (&b"C:/Users/x/pprof.go"[..], 693, Some(0x9f))
        );
        let fl = parse_file_line(b"\t/a/b.go:12").unwrap();
        assert_eq!((fl.line, fl.pc_offset), (12, None));
        let fl = parse_file_line(b"\t/a/b.go:12 +0x1d fp=0xc000 sp=0xc001 pc=0x4a").unwrap();
        assert_eq!(fl.pc_offset, Some(0x1d));
        let fl = parse_file_line(b"\t/a/b.go:12 fp=0xc000 sp=0xc001 pc=0x4a").unwrap();
        assert_eq!(fl.pc_offset, None);
        assert!(parse_file_line(b"/a/b.go:12").is_none());
        assert!(parse_file_line(b"\t/a/b.go:x").is_none());
    }

    #[test]
    fn created_by_and_elided() {
        assert_eq!(
            parse_created_by(b"created by main.main in goroutine 1"),
            Some((&b"main.main"[..], Some(1)))
        );
        assert_eq!(
            parse_created_by(b"created by main.main"),
            Some((&b"main.main"[..], None))
        );
        assert_eq!(
            parse_elided(b"...12 frames elided..."),
            Some(Elided::Count(12))
        );
        assert_eq!(
            parse_elided(b"...additional frames elided..."),
            Some(Elided::Unknown)
        );
    }
}
