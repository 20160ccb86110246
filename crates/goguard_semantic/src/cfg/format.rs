//! The text dump of a [`Cfg`]: one paragraph per block, its nodes as
//! single-lined source text, then its successors. Deterministic, so tests
//! can compare it verbatim.
//!
//! ```text
//! .0: Entry@L3
//!     mu.Lock()
//!     err != nil
//!     succs: 2 3
//! .2: IfThen@L5
//!     return err
//!     succs: 1 (return)
//! ```

use std::fmt::Write;

use goguard_syntax::{Ast, Node, NodeId};

use super::{Cfg, Exit};

/// Longest node text printed, in characters.
const MAX_NODE_TEXT: usize = 60;

pub(super) fn format(cfg: &Cfg, ast: &Ast, source: &str) -> String {
    let newlines: Vec<usize> = source
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |pos: u32| newlines.partition_point(|&nl| nl < pos as usize) + 1;
    let mut out = String::new();
    for (i, block) in cfg.blocks.iter().enumerate() {
        let _ = write!(out, ".{i}: {}", block.kind.name());
        if let Some(stmt) = block.stmt {
            let _ = write!(out, "@L{}", line_of(ast.pos(stmt)));
        }
        if !block.live {
            out.push_str(" (dead)");
        }
        out.push('\n');
        for &node in &block.nodes {
            let _ = writeln!(out, "    {}", node_text(ast, source, node));
        }
        if block.succs.is_empty() {
            continue;
        }
        out.push_str("    succs:");
        for s in &block.succs {
            let _ = write!(out, " {}", s.0);
        }
        match block.exit {
            Some(Exit::Return(_)) => out.push_str(" (return)"),
            Some(Exit::FallOff(_)) => out.push_str(" (fall off)"),
            Some(Exit::Panic(_)) => out.push_str(" (panic)"),
            Some(Exit::NoReturn(_)) => out.push_str(" (no return)"),
            None => {}
        }
        out.push('\n');
    }
    out
}

/// A node's source text on one line, shortened. A RangeStmt (which stands
/// for its loop header) prints as its header only.
fn node_text(ast: &Ast, source: &str, node: NodeId) -> String {
    let start = ast.pos(node) as usize;
    let end = match *ast.node(node) {
        Node::RangeStmt { body, .. } => ast.pos(body) as usize,
        _ => ast.end(node) as usize,
    };
    let text = source.get(start..end).unwrap_or("?");
    let mut out = String::new();
    if matches!(ast.node(node), Node::ValueSpec { .. }) {
        out.push_str("var");
    }
    let mut chars = out.len();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == MAX_NODE_TEXT {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}
