//! goguard_syntax: how Go source text becomes a tree. It owns the lexer (with automatic
//! semicolon insertion), the recursive-descent parser, the arena-based AST with byte spans,
//! comments and the line index. It knows nothing about types, packages or rules.

//!
//! Entry point: [`parse_file`] returns a [`ParsedFile`] holding the [`ast::Ast`] arena, the
//! root [`ast::Node::File`], all comments (grouped as go/ast does, with doc and line
//! comments attached to declarations, specs and fields), the syntax errors and a
//! [`LineIndex`]. Trees, positions and errors follow go/parser; [`outline`] prints the tree
//! in the canonical format shared with `tools/goast-outline` so the two can be compared.

pub mod ast;
pub mod comments;
pub mod lexer;
mod line_index;
pub mod outline;
mod parser;
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

    /// All reachable nodes of one kind, in pre-order.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = (NodeId, &Node)> + '_ {
        self.nodes().filter(move |(_, n)| n.kind() == kind)
    }
}

/// Parses one Go source file. Never panics, never hangs; on syntax errors the tree is
/// partial (with Bad* nodes where recovery skipped input) and `errors()` says where.
pub fn parse_file(source: &str) -> ParsedFile {
    let lines = LineIndex::new(source);
    let (ast, root, mut errors) = {
        let mut p = parser::Parser::new(source, &lines);
        let root = p.parse_file();
        (
            std::mem::take(&mut p.ast),
            root,
            std::mem::take(&mut p.errors),
        )
    };
    // go/parser sorts its error list by position.
    errors.sort_by_key(|e| e.offset);
    ParsedFile {
        ast,
        root,
        errors,
        lines,
    }
}
