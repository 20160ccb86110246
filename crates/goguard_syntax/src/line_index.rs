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
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1).filter(|&s| (s as usize) < bytes.len()));
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
