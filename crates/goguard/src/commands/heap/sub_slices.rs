//! Whether a growing allocation site makes a buffer that a sub-slice of it keeps alive.
//!
//! A slice shares its array: keeping `buf[:32]` of a 64 KiB `buf` keeps all 64 KiB. In a
//! heap profile this shows only as large objects at the line that made the buffer; the
//! source says why. The answer is yes when the line assigns `make([]T, ...)` to a local
//! variable and, in the same file, a slice expression of that variable (`buf[a:b]`) is
//! stored where it outlives the function: assigned to a field, an element or a package
//! variable (directly or appended), returned, sent on a channel, or put in a composite
//! literal. A copy (`bytes.Clone(buf[:32])`, `string(buf[:n])`) is not a sub-slice kept.

use std::collections::{HashMap, HashSet};

use goguard_semantic::model::{BindingKind, FileIdx, FileInput, PackageModel};
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use super::source::unparen;

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
    file: &FileInput<'_>,
    f: FileIdx,
    line: u32,
) -> Option<SubSliceKept> {
    let parsed = file.parsed;
    let ast = parsed.ast();
    let line_of = |id: NodeId| parsed.lines().line_col(ast.pos(id)).0;
    let mut stored: Option<HashSet<NodeId>> = None;
    let mut slices_of: Option<HashMap<NodeId, Vec<NodeId>>> = None;
    for (_, node) in parsed.nodes_of_kind(NodeKind::AssignStmt) {
        let Node::AssignStmt { lhs, rhs, .. } = *node else {
            continue;
        };
        let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
        if lhs.len() != rhs.len() {
            continue;
        }
        for (&l, &r) in lhs.iter().zip(rhs) {
            let r = unparen(parsed, r);
            if line_of(r) != line || !is_slice_make(file, r) {
                continue;
            }
            let l = unparen(parsed, l);
            if !matches!(ast.node(l), Node::Ident { .. }) {
                continue;
            }
            let Some(b) = model.resolve(f, l) else {
                continue;
            };
            let binding = model.binding(b);
            if binding.kind != BindingKind::Var || binding.scope.is_none() {
                continue;
            }
            let stored = stored.get_or_insert_with(|| stored_values(model, f, file));
            let slices_of = slices_of.get_or_insert_with(|| sub_slices(file));
            let kept = model
                .uses(b)
                .iter()
                .filter(|u| u.file == f)
                .flat_map(|u| slices_of.get(&u.ident).into_iter().flatten())
                .find(|s| stored.contains(s));
            if let Some(&slice) = kept {
                return Some(SubSliceKept {
                    buffer: binding.name.to_string(),
                    slice: ast.text(slice, file.source).to_string(),
                    line: line_of(slice),
                });
            }
        }
    }
    None
}

/// `make([]T, ...)`.
fn is_slice_make(file: &FileInput<'_>, e: NodeId) -> bool {
    let ast = file.parsed.ast();
    let Node::CallExpr { fun, args, .. } = *ast.node(e) else {
        return false;
    };
    ast.ident_name(unparen(file.parsed, fun), file.source) == "make"
        && ast.list(args).first().is_some_and(|&t| {
            matches!(
                ast.node(unparen(file.parsed, t)),
                Node::ArrayType { len: None, .. }
            )
        })
}

/// Slice expressions with a bound (`x[a:]`, `x[:b]`), by the identifier they slice.
fn sub_slices(file: &FileInput<'_>) -> HashMap<NodeId, Vec<NodeId>> {
    let parsed = file.parsed;
    let mut out: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
    for (id, node) in parsed.nodes_of_kind(NodeKind::SliceExpr) {
        if let Node::SliceExpr { x, low, high, .. } = *node {
            if low.is_some() || high.is_some() {
                out.entry(unparen(parsed, x)).or_default().push(id);
            }
        }
    }
    out
}

/// Expressions whose value is stored where it outlives the function that computes it:
/// assigned to a field, an element or a package variable (or appended to one),
/// returned, sent, or an element of a composite literal.
fn stored_values(model: &PackageModel<'_>, f: FileIdx, file: &FileInput<'_>) -> HashSet<NodeId> {
    let parsed = file.parsed;
    let ast = parsed.ast();
    let mut out = HashSet::new();
    // A value, or the values an `append` call adds.
    let add = |e: NodeId, out: &mut HashSet<NodeId>| {
        let e = unparen(parsed, e);
        out.insert(e);
        if let Node::CallExpr { fun, args, .. } = *ast.node(e) {
            if ast.ident_name(unparen(parsed, fun), file.source) == "append" {
                out.extend(ast.list(args).iter().skip(1).map(|&a| unparen(parsed, a)));
            }
        }
    };
    for (_, node) in parsed.nodes() {
        match *node {
            Node::AssignStmt { lhs, tok, rhs, .. } if tok != Tok::Define => {
                let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
                if lhs.len() != rhs.len() {
                    continue;
                }
                for (&l, &r) in lhs.iter().zip(rhs) {
                    let l = unparen(parsed, l);
                    let lasting = match ast.node(l) {
                        Node::SelectorExpr { .. } | Node::IndexExpr { .. } => true,
                        Node::StarExpr { .. } => true,
                        Node::Ident { .. } => model.resolve(f, l).is_some_and(|b| {
                            let b = model.binding(b);
                            b.kind == BindingKind::Var && b.scope.is_none()
                        }),
                        _ => false,
                    };
                    if lasting {
                        add(r, &mut out);
                    }
                }
            }
            Node::ReturnStmt { results, .. } => {
                for &r in ast.list(results) {
                    add(r, &mut out);
                }
            }
            Node::SendStmt { value, .. } => add(value, &mut out),
            Node::CompositeLit { elts, .. } => {
                for &e in ast.list(elts) {
                    match *ast.node(e) {
                        Node::KeyValueExpr { value, .. } => add(value, &mut out),
                        _ => add(e, &mut out),
                    }
                }
            }
            _ => {}
        }
    }
    out
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
    }
}
