//! Buffers kept alive through a sub-slice of them.
//!
//! A slice shares its array: keeping `buf[:32]` of a 64 KiB `buf` keeps all 64 KiB. A
//! buffer is a local variable assigned `make([]T, ...)`; it is kept through a sub-slice
//! when, in the same file, a slice expression of it with a bound (`buf[a:b]`, `buf[:n]`)
//! is stored where it outlives the function: assigned to a field, an element or a
//! package variable (directly or appended), returned, sent on a channel, or put in a
//! composite literal that is itself stored so. A copy (`bytes.Clone(buf[:32])`, `string(buf[:n])`) is not a
//! sub-slice kept, nor is a slice as long as the buffer (`buf[:size]` of
//! `make([]byte, size)`).
//!
//! Used by MM004 subslice-retains-buffer and by `goguard heap diff`, which asks it about
//! the line of a growing allocation site.

use std::collections::{HashMap, HashSet};

use goguard_semantic::model::{BindingId, BindingKind, FileIdx, FileInput, PackageModel};
use goguard_syntax::{Node, NodeId, NodeKind, Tok, NO_POS};

/// A buffer kept through a sub-slice of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptSubSlice {
    /// The buffer's variable.
    pub buffer: BindingId,
    /// The `make` call that allocates the buffer.
    pub make: NodeId,
    /// The first sub-slice of it that is stored beyond the function.
    pub slice: NodeId,
    /// The buffer's capacity in elements, when it is a constant the file can evaluate.
    pub capacity: Option<u64>,
    /// True when the buffer is passed to a call that may fill only a part of it
    /// (`r.Read(buf)`): how much of it is kept depends on the input.
    pub read_into: bool,
}

/// Calls that may fill only a part of a buffer passed to them, by method or function
/// name: a call of one of these with the buffer as an argument reads into it, and how
/// much it reads depends on the input. `io.ReadFull` and `ReadAt` are not here: they
/// fill the whole buffer or fail.
const PARTIAL_READS: &[&str] = &["Read", "ReadAtLeast", "ReadFrom", "ReadFromUDP"];

/// How deep constant expressions are followed (constants defined by constants).
const CONST_DEPTH: u32 = 8;

/// The buffers of file `f` kept through a sub-slice, in the order of their `make` calls.
pub fn kept_sub_slices(model: &PackageModel<'_>, f: FileIdx) -> Vec<KeptSubSlice> {
    let file = &model.files()[f];
    let parsed = file.parsed;
    let ast = parsed.ast();
    let mut out = Vec::new();
    let mut stored: Option<HashSet<NodeId>> = None;
    let mut slices_of: Option<HashMap<NodeId, Vec<NodeId>>> = None;
    let mut seen = HashSet::new();
    for (_, node) in parsed.nodes_of_kind(NodeKind::AssignStmt) {
        let Node::AssignStmt { lhs, rhs, .. } = *node else {
            continue;
        };
        let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
        if lhs.len() != rhs.len() {
            continue;
        }
        for (&l, &r) in lhs.iter().zip(rhs) {
            let r = parsed.ast().unparen(r);
            let Some(size) = slice_make_size(file, r) else {
                continue;
            };
            let l = parsed.ast().unparen(l);
            if !matches!(ast.node(l), Node::Ident { .. }) {
                continue;
            }
            let Some(b) = model.resolve(f, l) else {
                continue;
            };
            let binding = model.binding(b);
            if binding.kind != BindingKind::Var || binding.scope.is_none() || !seen.insert(r) {
                continue;
            }
            let stored = stored.get_or_insert_with(|| stored_values(model, f, file));
            let slices_of = slices_of.get_or_insert_with(|| sub_slices(file));
            let uses: Vec<NodeId> = model
                .uses(b)
                .iter()
                .filter(|u| u.file == f)
                .map(|u| u.ident)
                .collect();
            let kept = uses
                .iter()
                .flat_map(|u| slices_of.get(u).into_iter().flatten())
                .find(|&&s| stored.contains(&s) && !as_long_as(file, s, size));
            if let Some(&slice) = kept {
                out.push(KeptSubSlice {
                    buffer: b,
                    make: r,
                    slice,
                    capacity: const_value(model, f, size, CONST_DEPTH),
                    read_into: uses.iter().any(|&u| read_into(file, u)),
                });
            }
        }
    }
    out
}

/// For `make([]T, len)` or `make([]T, len, cap)`: the capacity expression.
fn slice_make_size(file: &FileInput<'_>, e: NodeId) -> Option<NodeId> {
    let ast = file.parsed.ast();
    let Node::CallExpr { fun, args, .. } = *ast.node(e) else {
        return None;
    };
    let args = ast.list(args);
    let is_make = ast.ident_name(file.parsed.ast().unparen(fun), file.source) == "make"
        && args.first().is_some_and(|&t| {
            matches!(
                ast.node(file.parsed.ast().unparen(t)),
                Node::ArrayType { len: None, .. }
            )
        });
    if !is_make {
        return None;
    }
    args.get(2).or(args.get(1)).copied()
}

/// True when slice expression `s` starts at the buffer's start and ends at the size it
/// was made with (`buf[:size]`, `buf[0:size]`, `buf[:len(buf)]`): it is the whole buffer.
fn as_long_as(file: &FileInput<'_>, s: NodeId, size: NodeId) -> bool {
    let ast = file.parsed.ast();
    let Node::SliceExpr {
        x, low, high, max, ..
    } = *ast.node(s)
    else {
        return false;
    };
    let text = |id: NodeId| ast.text(file.parsed.ast().unparen(id), file.source);
    let from_start = low.is_none_or(|l| text(l) == "0");
    let whole_length = |h: NodeId| {
        let h = text(h);
        h == text(size)
            || ["len", "cap"]
                .iter()
                .any(|f| h == format!("{f}({})", text(x)))
    };
    from_start && max.is_none() && high.is_some_and(whole_length)
}

/// True when identifier `u` is an argument of a read call (`r.Read(u)`).
fn read_into(file: &FileInput<'_>, u: NodeId) -> bool {
    let parsed = file.parsed;
    let ast = parsed.ast();
    // The call is found by its arguments: the file's calls are few enough per buffer.
    parsed.nodes_of_kind(NodeKind::CallExpr).any(|(_, node)| {
        let Node::CallExpr { fun, args, .. } = *node else {
            return false;
        };
        let name = match *ast.node(parsed.ast().unparen(fun)) {
            Node::SelectorExpr { sel, .. } => ast.ident_name(sel, file.source),
            Node::Ident { .. } => ast.ident_name(fun, file.source),
            _ => return false,
        };
        PARTIAL_READS.contains(&name)
            && ast.list(args).iter().any(|&a| parsed.ast().unparen(a) == u)
    })
}

/// The value of an integer constant expression: literals, `+ - * / <<` and constants of
/// this package (followed `depth` deep). `None` when not a constant this can evaluate.
fn const_value(model: &PackageModel<'_>, f: FileIdx, e: NodeId, depth: u32) -> Option<u64> {
    let file = &model.files()[f];
    let ast = file.parsed.ast();
    let e = file.parsed.ast().unparen(e);
    match *ast.node(e) {
        Node::BasicLit { kind: Tok::Int, .. } => {
            let text = ast.text(e, file.source).replace('_', "");
            let (digits, radix) = match text.get(..2) {
                Some("0x" | "0X") => (&text[2..], 16),
                Some("0b" | "0B") => (&text[2..], 2),
                Some("0o" | "0O") => (&text[2..], 8),
                _ if text.len() > 1 && text.starts_with('0') => (&text[1..], 8),
                _ => (text.as_str(), 10),
            };
            u64::from_str_radix(digits, radix).ok()
        }
        Node::BinaryExpr { x, op, y, .. } => {
            let x = const_value(model, f, x, depth)?;
            let y = const_value(model, f, y, depth)?;
            match op {
                Tok::Add => x.checked_add(y),
                Tok::Sub => x.checked_sub(y),
                Tok::Mul => x.checked_mul(y),
                Tok::Quo => x.checked_div(y),
                Tok::Shl => u32::try_from(y).ok().and_then(|y| x.checked_shl(y)),
                _ => None,
            }
        }
        Node::Ident { .. } if depth > 0 => {
            let b = model.resolve(f, e)?;
            let binding = model.binding(b);
            if binding.kind != BindingKind::Const {
                return None;
            }
            let (df, decl) = binding.decl?;
            let value = const_spec_value(model, df, decl)?;
            const_value(model, df, value, depth - 1)
        }
        _ => None,
    }
}

/// The value expression given to constant name `decl` in its `const` spec.
fn const_spec_value(model: &PackageModel<'_>, f: FileIdx, decl: NodeId) -> Option<NodeId> {
    let parsed = model.files()[f].parsed;
    let ast = parsed.ast();
    parsed
        .nodes_of_kind(NodeKind::ValueSpec)
        .find_map(|(_, node)| {
            let Node::ValueSpec { names, values, .. } = *node else {
                return None;
            };
            let i = ast.list(names).iter().position(|&n| n == decl)?;
            // A name without a value repeats the spec before it (iota): not followed.
            ast.list(values).get(i).copied()
        })
}

/// Slice expressions with a bound (`x[a:]`, `x[:b]`), by the identifier they slice.
fn sub_slices(file: &FileInput<'_>) -> HashMap<NodeId, Vec<NodeId>> {
    let parsed = file.parsed;
    let mut out: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
    for (id, node) in parsed.nodes_of_kind(NodeKind::SliceExpr) {
        if let Node::SliceExpr { x, low, high, .. } = *node {
            if low.is_some() || high.is_some() {
                out.entry(parsed.ast().unparen(x)).or_default().push(id);
            }
        }
    }
    out
}

/// Expressions whose value is stored where it outlives the function that computes it:
/// assigned to a field, an element or a package variable (or appended to one),
/// returned, sent, or an element of a composite literal that is itself stored so. A
/// literal built for a call (`srv.Send(&Resp{Blob: buf[:n]})`) or kept in a local
/// variable is not stored: the call may keep it, but most only read it.
fn stored_values(model: &PackageModel<'_>, f: FileIdx, file: &FileInput<'_>) -> HashSet<NodeId> {
    let parsed = file.parsed;
    let ast = parsed.ast();
    let mut out = HashSet::new();
    // A value (through `&`), or the values an `append` call adds (not those spread by
    // `x...`: their elements are copied).
    let add = |e: NodeId, out: &mut HashSet<NodeId>| {
        let mut e = parsed.ast().unparen(e);
        if let Node::UnaryExpr {
            op: Tok::And, x, ..
        } = *ast.node(e)
        {
            e = parsed.ast().unparen(x);
        }
        out.insert(e);
        if let Node::CallExpr {
            fun,
            args,
            ellipsis,
            ..
        } = *ast.node(e)
        {
            if ast.ident_name(parsed.ast().unparen(fun), file.source) == "append" {
                let args = ast.list(args);
                let added = if ellipsis == NO_POS {
                    args.get(1..).unwrap_or_default()
                } else {
                    args.get(1..args.len().saturating_sub(1))
                        .unwrap_or_default()
                };
                for &a in added {
                    let mut a = parsed.ast().unparen(a);
                    if let Node::UnaryExpr {
                        op: Tok::And, x, ..
                    } = *ast.node(a)
                    {
                        a = parsed.ast().unparen(x);
                    }
                    out.insert(a);
                }
            }
        }
    };
    let mut literals = Vec::new();
    for (id, node) in parsed.nodes() {
        match *node {
            Node::AssignStmt { lhs, tok, rhs, .. } if tok != Tok::Define => {
                let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
                if lhs.len() != rhs.len() {
                    continue;
                }
                for (&l, &r) in lhs.iter().zip(rhs) {
                    let l = parsed.ast().unparen(l);
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
            Node::CompositeLit { elts, .. } => literals.push((id, elts)),
            _ => {}
        }
    }
    // The elements of stored literals, outermost first: a literal is visited after
    // the literals around it (nodes come in source order, an outer literal first), so
    // walking them in reverse order of nesting needs one pass per level; the passes are
    // bounded by the number of literals.
    for _ in 0..literals.len() {
        let before = out.len();
        for &(lit, elts) in &literals {
            if !out.contains(&lit) {
                continue;
            }
            for &e in ast.list(elts) {
                match *ast.node(e) {
                    Node::KeyValueExpr { value, .. } => add(value, &mut out),
                    _ => add(e, &mut out),
                }
            }
        }
        if out.len() == before {
            break;
        }
    }
    out
}
