//! Whether a growing allocation site makes a buffer that a sub-slice of it keeps alive.
//!
//! A slice shares its array: keeping `buf[:32]` of a 64 KiB `buf` keeps all 64 KiB. In a
//! heap profile this shows only as large objects at the line that made the buffer; the
//! source says why. The analysis is the linter's (`analyses::sub_slices`, which MM004
//! also uses); here it is asked about the site's line, whatever the buffer's size: the
//! profile already says the site grows.

use goguard_linter::analyses::sub_slices::kept_sub_slices;
use goguard_semantic::model::{FileIdx, PackageModel};

/// A buffer kept through a sub-slice of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubSliceKept {
    /// The buffer's variable: `msg`.
    pub buffer: String,
    /// The sub-slice as written: `msg[:32]`.
    pub slice: String,
    /// The line that stores the sub-slice.
    pub line: u32,
}

/// The sub-slice that keeps the buffer made on line `line` of file `f`, if any.
pub(super) fn kept_through_sub_slice(
    model: &PackageModel<'_>,
    f: FileIdx,
    line: u32,
) -> Option<SubSliceKept> {
    let file = &model.files()[f];
    let parsed = file.parsed;
    let ast = parsed.ast();
    let line_of = |id| parsed.lines().line_col(ast.pos(id)).0;
    kept_sub_slices(model, f)
        .into_iter()
        .find(|k| line_of(k.make) == line)
        .map(|k| SubSliceKept {
            buffer: model.binding(k.buffer).name.to_string(),
            slice: ast.text(k.slice, file.source).to_string(),
            line: line_of(k.slice),
        })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::source::{read_sites, SourceHazard};
    use super::*;

    fn kept(text: &str, line: u32) -> Option<SubSliceKept> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.go");
        std::fs::write(&path, text).unwrap();
        match read_sites(&[(Path::new(&path), line)]).pop().flatten() {
            Some(SourceHazard::SubSliceKept(k)) => Some(k),
            _ => None,
        }
    }

    const SRC: &str = "package x

import \"bytes\"

type server struct {
	headers [][]byte
	last    []byte
	copies  [][]byte
}

var latest []byte

func (s *server) keep(n int) {
	msg := make([]byte, 64<<10)
	s.headers = append(s.headers, msg[:32])
}

func (s *server) assign() {
	buf := make([]byte, 4096)
	s.last = buf[8:16]
}

func read() []byte {
	buf := make([]byte, 1<<16)
	return buf[:10]
}

func global() {
	b := make([]byte, 100)
	latest = b[2:]
}

func (s *server) copied() {
	msg := make([]byte, 64<<10)
	s.copies = append(s.copies, bytes.Clone(msg[:32]))
}

func local() int {
	buf := make([]byte, 64)
	head := buf[:4]
	return len(head)
}

func whole(s *server) {
	buf := make([]byte, 64)
	s.last = buf
}

type msg struct{ data []byte }

func send(out func(*msg)) {
	buf := make([]byte, 4096)
	out(&msg{data: buf[:10]})
}

func kept() *msg {
	buf := make([]byte, 4096)
	return &msg{data: buf[:10]}
}
";

    #[test]
    fn sub_slices_stored_beyond_the_function_keep_the_buffer() {
        let k = kept(SRC, 14).unwrap();
        assert_eq!(
            (k.buffer.as_str(), k.slice.as_str(), k.line),
            ("msg", "msg[:32]", 15)
        );
        assert_eq!(kept(SRC, 19).unwrap().slice, "buf[8:16]");
        assert_eq!(kept(SRC, 24).unwrap().slice, "buf[:10]");
        assert_eq!(kept(SRC, 29).unwrap().slice, "b[2:]");
    }

    #[test]
    fn copies_local_uses_and_whole_buffers_are_not_sub_slices_kept() {
        // bytes.Clone copies the part.
        assert_eq!(kept(SRC, 34), None);
        // The sub-slice stays in a local variable.
        assert_eq!(kept(SRC, 39), None);
        // The whole buffer is kept, not a part of it.
        assert_eq!(kept(SRC, 45), None);
        // A line that makes no buffer.
        assert_eq!(kept(SRC, 15), None);
        // A literal handed to a call is read, not kept.
        assert_eq!(kept(SRC, 52), None);
    }

    #[test]
    fn a_kept_literal_keeps_its_sub_slices() {
        assert_eq!(kept(SRC, 57).unwrap().slice, "buf[:10]");
    }
}
