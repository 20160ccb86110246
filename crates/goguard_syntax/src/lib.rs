//! goguard_syntax: how Go source text becomes a tree. It owns the lexer (with automatic
//! semicolon insertion), the recursive-descent parser, the arena-based AST with byte spans,
//! comments and the line index. It knows nothing about types, packages or rules.
//!
//! Entry point: [`parse_file`] returns a [`ParsedFile`] holding the [`Ast`] arena, the root
//! [`Node::File`], all comments, the syntax errors and a [`LineIndex`]. Trees, positions,
//! comment attachment and error recovery follow go/parser; [`outline()`] prints the tree in
//! the canonical format shared with `tools/goast-outline` so the two can be compared.
//!
//! Using the tree:
//! - nodes are [`Node`] values (one variant per go/ast type, same field names) addressed by
//!   [`NodeId`]; child lists are [`List`]s resolved with [`Ast::list`];
//! - `file.nodes()` walks every reachable node in pre-order, `file.nodes_of_kind(NodeKind::
//!   GoStmt)` filters it; [`Ast::children`] gives one node's children with go/ast field names
//!   and [`Ast::parent_map`] every node's parent;
//! - [`Ast::pos`]/[`Ast::end`] are go/ast's `Pos()`/`End()` (byte offsets, O(1));
//!   [`LineIndex::line_col`] turns them into 1-based line and byte column;
//! - identifier and literal text is the source slice of the span ([`Ast::ident_name`],
//!   [`Ast::text`]);
//! - comments: [`Ast::comments`] and [`Ast::comment_groups`] in source order, doc and line
//!   comments on `FuncDecl`/`GenDecl`/specs/`Field` nodes (`doc`, `comment`), lookup by
//!   position with [`Ast::comment_group_at_or_after`] / [`Ast::comment_groups_in`], and
//!   directives (`//go:build`, `//go:embed`, `//nolint`, `//goguard:ignore ...`) with
//!   [`Ast::directives`].
//!
//! Robustness: `parse_file` never panics or loops; nesting deeper than
//! [`parser::MAX_NEST`] productions (or than a fixed stack budget) is a syntax error.

pub mod ast;
pub mod comments;
pub mod lexer;
mod line_index;
pub mod outline;
pub mod parser;
pub mod token;

pub use ast::{Ast, List, Node, NodeId, NodeKind, Pos, NO_POS};
pub use comments::Directive;
pub use line_index::LineIndex;
pub use outline::{outline, Child};
pub use token::Tok;

/// A syntax error at a byte offset of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset of the error in the source.
    pub offset: u32,
    /// Human-readable message, worded as go/parser words it.
    pub message: String,
}

/// Result of parsing one file: the tree, its comments, errors and line index.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    ast: Ast,
    root: NodeId,
    errors: Vec<SyntaxError>,
    lines: LineIndex,
}

impl ParsedFile {
    /// Syntax errors in source order.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The node arena, comments and comment groups.
    pub fn ast(&self) -> &Ast {
        &self.ast
    }

    /// The root [`Node::File`].
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The line index of the source.
    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// All nodes reachable from the root, in pre-order (go/ast.Inspect order).
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> + '_ {
        self.ast.walk(self.root).map(|id| (id, self.ast.node(id)))
    }

    /// Directives of the file (see [`comments::parse_directive`]), in source order.
    pub fn directives<'s>(&'s self, source: &'s str) -> impl Iterator<Item = Directive<'s>> + 's {
        self.ast.directives(source)
    }

    /// All reachable nodes of one kind, in pre-order.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = (NodeId, &Node)> + '_ {
        self.nodes().filter(move |(_, n)| n.kind() == kind)
    }
}

/// Parses one Go source file. Never panics, never hangs; on syntax errors the tree is
/// partial (with Bad* nodes where recovery skipped input) and `errors()` says where.
pub fn parse_file(source: &str) -> ParsedFile {
    let lines = LineIndex::new(source);
    let mut p = parser::Parser::new(source, &lines);
    let root = p.parse_file();
    let (mut ast, mut errors) = (std::mem::take(&mut p.ast), std::mem::take(&mut p.errors));
    drop(p); // releases the borrow of `lines`
    ast.compute_spans();
    // go/parser sorts its error list by position, then message (scanner.ErrorList.Sort).
    errors.sort_by(|a, b| (a.offset, &a.message).cmp(&(b.offset, &b.message)));
    ParsedFile {
        ast,
        root,
        errors,
        lines,
    }
}
