//! MM009 buffer-reused-without-reset.

use goguard_semantic::model::BindingId;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::expr::{place_of, selector, Place};
use crate::analyses::loops::enclosing_loop_in_place;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a `bytes.Buffer` or `strings.Builder` declared outside a loop,
    /// written in the loop and read in it (`String()`, `Bytes()`), but
    /// never reset in the loop (`Reset()`, `Truncate(0)`, or a new value
    /// assigned).
    ///
    /// ## Why is this bad?
    /// The buffer keeps everything written to it: the second iteration
    /// reads the first iteration's text followed by its own, and so on.
    /// The output is wrong (lines repeated, messages concatenated), and
    /// the buffer and every string made from it grow with each iteration:
    /// O(n²) bytes copied over the loop.
    ///
    /// ## Example
    /// ```go
    /// package report
    ///
    /// import (
    ///     "bytes"
    ///     "fmt"
    /// )
    ///
    /// func lines(items map[string]int, emit func(string)) {
    ///     var buf bytes.Buffer
    ///     for k, v := range items {
    ///         fmt.Fprintf(&buf, "%s=%d", k, v)
    ///         emit(buf.String())
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package report
    ///
    /// import (
    ///     "bytes"
    ///     "fmt"
    /// )
    ///
    /// func lines(items map[string]int, emit func(string)) {
    ///     var buf bytes.Buffer
    ///     for k, v := range items {
    ///         buf.Reset()
    ///         fmt.Fprintf(&buf, "%s=%d", k, v)
    ///         emit(buf.String())
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only local variables of the two types (or pointers to them) are
    ///   followed, and only reads by `String()` and `Bytes()` count; a
    ///   buffer handed to a function in the loop (which may reset it) is
    ///   left alone.
    /// - A read in a block that leaves the loop (`return`, `break`), or in
    ///   the condition of an `if` that does, is the final text (or the
    ///   test for it) and is not counted.
    /// - A loop that means to print the growing text at each step (a
    ///   progress line that repeats what came before) is reported.
    /// - A preview rule (select it with `--select MM009`): its three
    ///   findings on the real trees reviewed were all text accumulated on
    ///   purpose and read on the way out of the loop (now left out); with
    ///   no true finding seen yet, its precision is unknown.
    pub struct BufferReusedWithoutReset {
        name: "buffer-reused-without-reset",
        code: "MM009",
        domain: Memory,
        category: Correctness,
        status: Preview,
    }
}

/// Buffer types: (package, type).
const BUFFERS: &[(&str, &str)] = &[("bytes", "Buffer"), ("strings", "Builder")];

impl BufferReusedWithoutReset {
    fn run(&self, cx: &mut Context<'_>) {
        // Local buffers are declared by `var` or `:=`.
        let mut declared = Vec::new();
        for &spec in cx.nodes_of_kind(NodeKind::ValueSpec) {
            if let Node::ValueSpec { names, .. } = *cx.node(spec) {
                declared.extend_from_slice(cx.ast().list(names));
            }
        }
        for &stmt in cx.nodes_of_kind(NodeKind::AssignStmt) {
            if let Node::AssignStmt {
                lhs,
                tok: Tok::Define,
                ..
            } = *cx.node(stmt)
            {
                declared.extend_from_slice(cx.ast().list(lhs));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for id in declared {
            let Some(b) = cx.model().resolve(cx.file(), id) else {
                continue;
            };
            if !seen.insert(b) || !is_buffer(cx, b) {
                continue;
            }
            if let Some((read, write)) = reused(cx, b) {
                let name = cx.model().binding(b).name.to_string();
                let d = cx
                    .diagnostic(
                        read,
                        format!("{name} is read in each iteration but never reset: it still holds what earlier iterations wrote"),
                    )
                    .with_help(format!("call {name}.Reset() at the start of the iteration"))
                    .with_related(cx.span(write), "written here, in the same loop");
                cx.report(d);
            }
        }
    }
}

fn is_buffer(cx: &Context<'_>, b: BindingId) -> bool {
    let binding = cx.model().binding(b);
    binding.scope.is_some()
        && BUFFERS
            .iter()
            .any(|(p, t)| binding.ty.is_named_or_pointer(p, t))
}

/// For a buffer declared outside a loop, written and read in it and never
/// reset there: the read and the write.
fn reused(cx: &Context<'_>, b: BindingId) -> Option<(NodeId, NodeId)> {
    let (file, decl) = cx.model().binding(b).decl?;
    if file != cx.file() {
        return None;
    }
    // Uses by each loop holding them (a use in a nested loop is also a use
    // in the loops around it).
    let mut by_loop: Vec<(NodeId, Option<NodeId>, Option<NodeId>, bool)> = Vec::new();
    for u in cx.model().uses(b) {
        if u.file != cx.file() {
            continue;
        }
        let kind = match use_kind(cx, u.ident)? {
            // Read on the way out of the loop: not in each iteration.
            Use::Read(n) if leaves_loop(cx, n) => Use::Other,
            k => k,
        };
        let mut at = u.ident;
        for _ in 0..64 {
            let Some(l) = enclosing_loop_in_place(cx, at) else {
                break;
            };
            if cx.ancestors(decl).any(|a| a == l) {
                break;
            }
            let i = match by_loop.iter().position(|e| e.0 == l) {
                Some(i) => i,
                None => {
                    by_loop.push((l, None, None, false));
                    by_loop.len() - 1
                }
            };
            let entry = &mut by_loop[i];
            match kind {
                Use::Reset => entry.3 = true,
                Use::Read(n) => entry.1 = entry.1.or(Some(n)),
                Use::Write(n) => entry.2 = entry.2.or(Some(n)),
                Use::Other => {}
            }
            at = l;
        }
    }
    by_loop
        .into_iter()
        .find_map(|(_, read, write, reset)| match (read, write, reset) {
            (Some(r), Some(w), false) => Some((r, w)),
            _ => None,
        })
}

/// True when `node` is in a block that ends by leaving the loop or the
/// function (`return`, `break`, `panic`): the text read there is the final
/// one.
fn leaves_loop(cx: &Context<'_>, node: NodeId) -> bool {
    let Some(l) = enclosing_loop_in_place(cx, node) else {
        return false;
    };
    let ends_by_leaving = |list: goguard_syntax::List| {
        cx.ast()
            .list(list)
            .last()
            .is_some_and(|&last| match *cx.node(last) {
                Node::ReturnStmt { .. } => true,
                Node::BranchStmt { tok, label, .. } => tok == Tok::Break && label.is_none(),
                Node::ExprStmt { x } => {
                    matches!(cx.node(x), Node::CallExpr { .. })
                        && cx.model().callee(cx.file(), x).is_builtin("panic")
                }
                _ => false,
            })
    };
    cx.ancestors(node).take_while(|&a| a != l).any(|a| match *cx.node(a) {
        Node::ReturnStmt { .. } => true,
        Node::BlockStmt { list, .. } => ends_by_leaving(list),
        Node::CaseClause { body, .. } | Node::CommClause { body, .. } => ends_by_leaving(body),
        // The test that decides to leave: `if done(buf.String()) { break }`.
        Node::IfStmt { cond, body, .. } => {
            crate::analyses::expr::is_within(cx, node, cond)
                && matches!(*cx.node(body), Node::BlockStmt { list, .. } if ends_by_leaving(list))
        }
        _ => false,
    })
}

/// What a use of the buffer does.
#[derive(Clone, Copy)]
enum Use {
    Reset,
    Read(NodeId),
    Write(NodeId),
    Other,
}

fn use_kind(cx: &Context<'_>, ident: NodeId) -> Option<Use> {
    Some(match place_of(cx, ident) {
        Place::Selected { sel_expr } => match selector(cx, sel_expr).map(|(_, m)| m) {
            Some("Reset" | "Truncate") => Use::Reset,
            Some("String" | "Bytes") => Use::Read(sel_expr),
            Some(m) if m.starts_with("Write") || m == "ReadFrom" => Use::Write(sel_expr),
            _ => Use::Other,
        },
        // `fmt.Fprintf(&buf, ...)`, `io.Copy(&buf, r)`: a write.
        Place::AddressTaken => match place_of(cx, cx.parent(ident)?) {
            Place::Argument { index: 0, call } => Use::Write(call),
            _ => Use::Reset,
        },
        Place::Read => Use::Other,
        // Assigned, handed over, stored: the loop may start afresh.
        _ => Use::Reset,
    })
}
