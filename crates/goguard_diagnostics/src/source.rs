//! Source files and positions.
//!
//! Every renderer needs positions in a different unit: tools read 1-based
//! byte columns, people read character columns, and SARIF consumers
//! (GitHub code scanning) count UTF-16 code units. The line index is built
//! once per file so each conversion is a binary search plus a scan of one
//! line, whatever the number of diagnostics in that file.

use std::ops::Range;

/// Identifies a file in a [`Files`] store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

impl FileId {
    /// The position of the file in its store, in insertion order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range in one file. `start <= end`; an empty range marks a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Builds a span; a reversed range is swapped so `start <= end` holds.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        let (a, b) = (to_u32(range.start), to_u32(range.end));
        Span {
            file,
            start: a.min(b),
            end: a.max(b),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

fn to_u32(n: usize) -> u32 {
    // Go source files past 4 GiB are not a case worth a wider span type;
    // saturate rather than wrap so a bogus offset clamps to end of file.
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A position in a file. Every field is 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    /// Byte column: what tools and editors that speak UTF-8 expect.
    pub column: u32,
    /// Character (Unicode scalar value) column, for people.
    pub char_column: u32,
    /// UTF-16 code unit column, for SARIF's default `columnKind`.
    pub utf16_column: u32,
}

/// One source file: its displayed path, its text and a line index.
///
/// A file can also be known only by its path ([`SourceFile::unread`]): a
/// runtime finding names the file and line a dump printed even when that
/// file is not on this machine. Spans into such a file address lines, not
/// bytes (see [`Files::line_span`]); renderers show the location without
/// the code.
#[derive(Debug)]
pub struct SourceFile {
    path: String,
    text: String,
    /// Byte offset at which each line starts; always begins with 0.
    line_starts: Vec<u32>,
    /// The text is not available: offsets are 0-based line numbers.
    unread: bool,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| to_u32(i + 1)),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            unread: false,
        }
    }

    /// A file known by its path only.
    pub fn unread(path: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: String::new(),
            line_starts: vec![0],
            unread: true,
        }
    }

    /// False for a file known by its path only: there is no code to show,
    /// and positions have a line but no column.
    pub fn has_text(&self) -> bool {
        !self.unread
    }

    /// The path as displayed: relative to the working directory, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of lines; a final newline starts an (empty) last line, so that
    /// an offset at end of file always has a line to be on.
    pub fn line_count(&self) -> u32 {
        if self.unread {
            return u32::MAX;
        }
        to_u32(self.line_starts.len())
    }

    /// Clamps `offset` to the text and back to a character boundary, so a
    /// span from a confused producer still yields a sane position.
    pub fn clamp_offset(&self, offset: usize) -> usize {
        if self.unread {
            return offset;
        }
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 0-based index of the line containing `offset`.
    fn line_index(&self, offset: usize) -> usize {
        let offset = to_u32(offset);
        // partition_point gives the first line starting after offset.
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Position of a byte offset (clamped, see [`SourceFile::clamp_offset`]).
    pub fn position(&self, offset: usize) -> Position {
        if self.unread {
            let line = to_u32(offset.saturating_add(1));
            return Position {
                line,
                column: 1,
                char_column: 1,
                utf16_column: 1,
            };
        }
        let offset = self.clamp_offset(offset);
        let idx = self.line_index(offset);
        let start = self.line_starts[idx] as usize;
        let before = &self.text[start..offset];
        Position {
            line: to_u32(idx + 1),
            column: to_u32(before.len() + 1),
            char_column: to_u32(before.chars().count() + 1),
            utf16_column: to_u32(before.encode_utf16().count() + 1),
        }
    }

    /// Byte range of a 1-based line, without its line terminator (`\n` or
    /// `\r\n`). Out-of-range lines give an empty range at end of file.
    pub fn line_range(&self, line: u32) -> Range<usize> {
        if self.unread {
            let at = (line as usize).saturating_sub(1);
            return at..at;
        }
        let idx = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(idx) else {
            return self.text.len()..self.text.len();
        };
        let start = start as usize;
        let mut end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.text.len(), |&s| s as usize);
        let bytes = self.text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        start..end
    }

    /// Text of a 1-based line without its terminator.
    pub fn line_text(&self, line: u32) -> &str {
        &self.text[self.line_range(line)]
    }
}

/// The files diagnostics point into. Diagnostics hold [`FileId`]s, so they
/// stay small and cheap to sort and send between threads.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id. Paths are kept as given: callers pass
    /// the path relative to the working directory, as it should be shown.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(to_u32(self.files.len()));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// Adds a file known by its path only (see [`SourceFile::unread`]).
    pub fn add_unread(&mut self, path: impl Into<String>) -> FileId {
        let id = FileId(to_u32(self.files.len()));
        self.files.push(SourceFile::unread(path));
        id
    }

    /// The span of a 1-based line: its text without leading blanks and the
    /// terminator, or the line itself in a file known by its path only. A
    /// line past the end gives an empty span at the end of the file.
    pub fn line_span(&self, id: FileId, line: u32) -> Span {
        let file = self.get(id);
        let range = file.line_range(line.max(1));
        if !file.has_text() {
            return Span::new(id, range);
        }
        let text = &file.text()[range.clone()];
        let indent = text.len() - text.trim_start().len();
        let trailing = text.len() - text.trim_end().len();
        Span::new(id, range.start + indent..range.end - trailing)
    }

    /// # Panics
    /// If `id` came from another store.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(to_u32(i)), f))
    }

    /// Start and end positions of a span.
    pub fn positions(&self, span: Span) -> (Position, Position) {
        let f = self.get(span.file);
        (
            f.position(span.start as usize),
            f.position(span.end as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(f: &SourceFile, o: usize) -> (u32, u32, u32, u32) {
        let p = f.position(o);
        (p.line, p.column, p.char_column, p.utf16_column)
    }

    #[test]
    fn ascii_lines_and_columns() {
        let f = SourceFile::new("a.go", "package a\n\nfunc f() {}\n");
        assert_eq!(pos(&f, 0), (1, 1, 1, 1));
        assert_eq!(pos(&f, 8), (1, 9, 9, 9));
        assert_eq!(pos(&f, 9), (1, 10, 10, 10)); // on the newline itself
        assert_eq!(pos(&f, 10), (2, 1, 1, 1)); // empty line
        assert_eq!(pos(&f, 11), (3, 1, 1, 1));
        assert_eq!(pos(&f, 16), (3, 6, 6, 6));
        assert_eq!(f.line_text(3), "func f() {}");
        assert_eq!(f.line_text(2), "");
    }

    #[test]
    fn utf8_columns_differ_by_unit() {
        // 'é' is 2 bytes / 1 char / 1 UTF-16 unit; '𝔸' is 4 / 1 / 2.
        let text = "s := \"é𝔸\" + x\n";
        let f = SourceFile::new("u.go", text);
        let x = text.find('x').unwrap();
        assert_eq!(x, 16);
        assert_eq!(pos(&f, x), (1, 17, 13, 14));
    }

    #[test]
    fn offset_inside_a_character_snaps_back() {
        let f = SourceFile::new("u.go", "é");
        assert_eq!(f.clamp_offset(1), 0);
        assert_eq!(pos(&f, 1), (1, 1, 1, 1));
    }

    #[test]
    fn tabs_count_as_one_column() {
        // Go is tab-indented; gopls and `go vet` count a tab as one column.
        let f = SourceFile::new("t.go", "func f() {\n\t\treturn\n}\n");
        assert_eq!(pos(&f, 13), (2, 3, 3, 3));
    }

    #[test]
    fn crlf_lines() {
        let text = "package a\r\n\r\nvar x = 1\r\n";
        let f = SourceFile::new("w.go", text);
        let x = text.find('x').unwrap();
        assert_eq!(pos(&f, x), (3, 5, 5, 5));
        assert_eq!(f.line_text(1), "package a");
        assert_eq!(f.line_text(2), "");
        assert_eq!(f.line_text(3), "var x = 1");
        // The '\r' belongs to its line: it is the column after the text.
        assert_eq!(pos(&f, 9), (1, 10, 10, 10));
    }

    #[test]
    fn span_at_end_of_file() {
        let f = SourceFile::new("e.go", "package a\n");
        assert_eq!(pos(&f, 10), (2, 1, 1, 1));
        assert_eq!(f.line_count(), 2);
        assert_eq!(f.line_text(2), "");
        // Without a final newline the end is past the last character.
        let g = SourceFile::new("e.go", "package a");
        assert_eq!(pos(&g, 9), (1, 10, 10, 10));
        // Offsets past the end clamp to the end.
        assert_eq!(pos(&g, 500), (1, 10, 10, 10));
    }

    #[test]
    fn empty_file() {
        let f = SourceFile::new("empty.go", "");
        assert_eq!(f.line_count(), 1);
        assert_eq!(pos(&f, 0), (1, 1, 1, 1));
        assert_eq!(f.line_text(1), "");
        assert_eq!(f.line_text(7), "");
    }

    #[test]
    fn files_store_hands_out_ids_in_order() {
        let mut files = Files::new();
        let a = files.add("a.go", "x");
        let b = files.add("b/b.go", "y\nz");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(files.get(b).path(), "b/b.go");
        let (s, e) = files.positions(Span::new(b, 2..3));
        assert_eq!((s.line, s.column, e.line, e.column), (2, 1, 2, 2));
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn unread_files_address_lines() {
        let mut files = Files::new();
        let a = files.add_unread("/build/app/x.go");
        let b = files.add("b.go", "package b\n\n\tgo f()  \n");
        let span = files.line_span(a, 42);
        let (s, e) = files.positions(span);
        assert_eq!((s.line, s.column, e.line), (42, 1, 42));
        assert!(!files.get(a).has_text());
        let span = files.line_span(b, 3);
        assert_eq!(&files.get(b).text()[span.range()], "go f()");
        assert_eq!(files.positions(span).0.column, 2);
        let past = files.line_span(b, 99);
        assert!(past.is_empty());
    }

    #[test]
    fn reversed_span_is_normalised() {
        // A producer computing `end` before `start` must not yield a span
        // that panics when sliced.
        let (start, end) = (5, 2);
        let s = Span::new(FileId(0), start..end);
        assert_eq!(s.range(), 2..5);
    }
}
