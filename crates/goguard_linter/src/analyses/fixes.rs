//! Building the machine-applicable fixes rules attach to their findings:
//! statements inserted on a line of their own, indented like their
//! neighbours, so that a gofmt-clean file stays gofmt-clean.

use goguard_diagnostics::{Applicability, Fix};
use goguard_semantic::model::BindingId;
use goguard_syntax::{Node, NodeId, Tok};

use crate::engine::Context;

use super::expr::{is_nil, unparen};
use super::release::binding_of;

/// The leading white space of the line holding byte `pos`.
fn indentation_at(source: &str, pos: usize) -> &str {
    let start = source[..pos.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = &source[start..];
    let len = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..len]
}

/// The byte offset of the end of the line holding `pos` (its newline, or
/// the end of the source).
fn line_end(source: &str, pos: usize) -> usize {
    source[pos.min(source.len())..]
        .find('\n')
        .map_or(source.len(), |i| pos + i)
}

/// Inserts `stmt_text` as a statement on its own line after `stmt`, with
/// `stmt`'s indentation. None when something else follows `stmt` on its
/// line (another statement after a `;`), where a line of its own would
/// need more care.
pub fn insert_after(cx: &Context<'_>, stmt: NodeId, stmt_text: &str, message: &str) -> Option<Fix> {
    let source = cx.source();
    let end = cx.ast().end(stmt) as usize;
    let eol = line_end(source, end);
    let rest = source.get(end..eol)?.trim();
    // Only a comment may follow on the same line.
    if !(rest.is_empty() || rest.starts_with("//")) {
        return None;
    }
    let indent = indentation_at(source, cx.ast().pos(stmt) as usize);
    Some(Fix::new(message, Applicability::Safe).with_edit(
        cx.span_between(eol as u32, eol as u32),
        format!("\n{indent}{stmt_text}"),
    ))
}

/// Inserts `stmt_text` as the first statement of a block, indented like its
/// first statement (or one tab deeper than the block's line).
pub fn insert_first_in_block(
    cx: &Context<'_>,
    block: NodeId,
    stmt_text: &str,
    message: &str,
) -> Option<Fix> {
    let Node::BlockStmt { lbrace, list, .. } = *cx.node(block) else {
        return None;
    };
    let source = cx.source();
    let after_brace = lbrace as usize + 1;
    // `{` must end its line.
    let eol = line_end(source, after_brace);
    if !source.get(after_brace..eol)?.trim().is_empty() {
        return None;
    }
    let indent = match cx.ast().list(list).first() {
        Some(&first) => indentation_at(source, cx.ast().pos(first) as usize).to_string(),
        None => format!("{}\t", indentation_at(source, lbrace as usize)),
    };
    Some(Fix::new(message, Applicability::Safe).with_edit(
        cx.span_between(after_brace as u32, after_brace as u32),
        format!("\n{indent}{stmt_text}"),
    ))
}

/// True when `stmt` is a statement of a block or case clause, not inside a
/// loop of its function: a `defer` written after it runs once, at return.
pub fn in_block_outside_loops(cx: &Context<'_>, stmt: NodeId, func: NodeId) -> bool {
    let in_list = matches!(
        cx.parent(stmt).map(|p| cx.node(p)),
        Some(Node::BlockStmt { .. } | Node::CaseClause { .. } | Node::CommClause { .. })
    );
    in_list
        && !cx
            .ancestors(stmt)
            .take_while(|&a| a != func)
            .any(|a| matches!(cx.node(a), Node::ForStmt { .. } | Node::RangeStmt { .. }))
}

/// Where `defer x.Close()` goes for a value made by `creation` with error
/// `err`: after the `if err != nil { ... }` that directly follows the
/// creation and always leaves the function, or right after the creation
/// when the call returns no error. None for any other shape.
pub fn after_error_check(
    cx: &Context<'_>,
    creation: NodeId,
    err: Option<BindingId>,
) -> Option<NodeId> {
    let Some(err) = err else {
        return Some(creation);
    };
    let parent = cx.parent(creation)?;
    let list = match *cx.node(parent) {
        Node::BlockStmt { list, .. } => cx.ast().list(list),
        Node::CaseClause { body, .. } | Node::CommClause { body, .. } => cx.ast().list(body),
        _ => return None,
    };
    let i = list.iter().position(|&s| s == creation)?;
    let next = *list.get(i + 1)?;
    let Node::IfStmt {
        init: None,
        cond,
        body,
        ..
    } = *cx.node(next)
    else {
        return None;
    };
    // `err != nil`
    let Node::BinaryExpr {
        x, op: Tok::Neq, y, ..
    } = *cx.node(unparen(cx, cond))
    else {
        return None;
    };
    if !(binding_of(cx, unparen(cx, x)) == Some(err) && is_nil(cx, y)) {
        return None;
    }
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return None;
    };
    let last = *cx.ast().list(list).last()?;
    matches!(cx.node(last), Node::ReturnStmt { .. }).then_some(next)
}
