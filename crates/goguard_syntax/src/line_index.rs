//! Byte offset to line/column mapping, as go/token reports positions.

/// Maps byte offsets to 1-based (line, byte column) pairs as go/token does.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Offset of the first byte of each line.
    starts: Vec<u32>,
}

impl LineIndex {
    /// Builds the index of line starts of `source`.
    pub fn new(source: &str) -> LineIndex {
        let bytes = source.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        // go/token ignores a line start at the very end of the file: a trailing newline
        // does not open a new line, and the EOF position belongs to the last line.
        starts.extend(
            memchr::memchr_iter(b'\n', bytes)
                .map(|i| i as u32 + 1)
                .filter(|&s| (s as usize) < bytes.len()),
        );
        LineIndex { starts }
    }

    /// 1-based line and 1-based byte column of `offset`. Offsets past the end map to the
    /// last line.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        (
            line as u32 + 1,
            offset.saturating_sub(self.starts[line]) + 1,
        )
    }

    /// Number of lines as go/token counts them (a trailing newline opens no new line).
    pub fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }

    /// Offset of the first byte of 1-based `line`, if it exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.starts.get(line.checked_sub(1)? as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_byte_column() {
        let src = "ab\ncdé\n\nx";
        let li = LineIndex::new(src);
        assert_eq!(li.line_col(0), (1, 1));
        assert_eq!(li.line_col(2), (1, 3)); // the newline itself
        assert_eq!(li.line_col(3), (2, 1));
        assert_eq!(li.line_col(7), (2, 5)); // columns count bytes: é is two
        assert_eq!(li.line_col(8), (3, 1));
        assert_eq!(li.line_col(9), (4, 1));
        assert_eq!(li.line_count(), 4);
        assert_eq!(li.line_start(2), Some(3));
        assert_eq!(li.line_start(9), None);
    }

    #[test]
    fn trailing_newline_opens_no_line() {
        // As go/token: EOF after a final newline is on the last line.
        let li = LineIndex::new("a\nbc\n");
        assert_eq!(li.line_count(), 2);
        assert_eq!(li.line_col(5), (2, 4));
        assert_eq!(LineIndex::new("").line_count(), 1);
        assert_eq!(LineIndex::new("").line_col(0), (1, 1));
    }
}
