//! Recursive-descent parser, a close port of go/parser so that trees, positions and error
//! recovery agree with the reference implementation.
//!
//! Robustness: every loop either consumes a token or exits (EOF ends all of them), the
//! nesting depth is bounded by [`MAX_NEST`], and after too many errors the parser stops
//! (go/parser's bailout) by treating the rest of the input as EOF.

mod decl;
mod expr;
mod stmt;
mod types;

use crate::ast::*;
use crate::lexer::{Lexer, Token};
use crate::token::Tok;
use crate::{LineIndex, SyntaxError};

/// Maximum nesting of recursive productions before "exceeded max nesting depth": a
/// backstop, since each parenthesis level is three productions and gofmt accepts code
/// hundreds of levels deep. What keeps the recursion inside a 2 MiB thread stack, even in
/// debug builds, is the measured [`STACK_BUDGET`].
pub const MAX_NEST: u32 = 5000;

/// go/parser's own limit (maxNestLev). go/parser also counts each iteration of its
/// primary- and binary-expression loops, so a flat chain of 100,000 operators is an error
/// there; we count the same way in `go_nest` so such chains are rejected alike.
pub const GO_MAX_NEST: u32 = 100_000;

/// Stack bytes the parser may use below its entry point. Nesting limits count productions,
/// but how many bytes a production takes depends on the build (debug frames are several
/// times larger), so the parser also measures its stack use and stops well inside the
/// 2 MiB stack that spawned threads get by default.
const STACK_BUDGET: usize = 1 << 20;

/// Approximate current stack address: the address of a local (never dereferenced).
#[inline(always)]
fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// State of a loop guard: token count at the last progress and idle iterations since.
pub(crate) struct Guard {
    tokens: u64,
    idle: u32,
}

/// Token sets used to resynchronise after an error (go/parser's stmtStart etc.).
#[derive(Clone, Copy)]
pub(crate) enum SyncSet {
    StmtStart,
    DeclStart,
    ExprEnd,
}

impl SyncSet {
    fn contains(self, t: Tok) -> bool {
        use Tok::*;
        match self {
            SyncSet::StmtStart => matches!(
                t,
                Break
                    | Const
                    | Continue
                    | Defer
                    | Fallthrough
                    | For
                    | Go
                    | Goto
                    | If
                    | Return
                    | Select
                    | Switch
                    | Type
                    | Var
            ),
            SyncSet::DeclStart => matches!(t, Import | Const | Type | Var),
            SyncSet::ExprEnd => matches!(t, Comma | Colon | Semicolon | Rparen | Rbrack | Rbrace),
        }
    }
}

/// The parser state (crate-internal; use [`crate::parse_file`]).
pub(crate) struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    lines: &'a LineIndex,
    pub ast: Ast,
    scratch: Vec<NodeId>,
    pub errors: Vec<SyntaxError>,
    last_error_line: u32,
    // Current token.
    tok: Tok,
    pos: Pos,
    end: Pos,
    implicit: bool,
    lead_comment: Option<CommentGroupId>,
    line_comment: Option<CommentGroupId>,
    sync_pos: i64,
    sync_cnt: u32,
    expr_lev: i32,
    in_rhs: bool,
    nest: u32,
    go_nest: u32,
    stack_base: usize,
    too_deep: bool,
    /// Tokens consumed so far; loop guards compare it to detect a loop that stopped
    /// making progress.
    tokens: u64,
    bailout: bool,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, lines: &'a LineIndex) -> Parser<'a> {
        let mut ast = Ast::default();
        // Typical Go code yields about one node per 6 bytes.
        ast.nodes.reserve(src.len() / 6 + 16);
        ast.lists.reserve(src.len() / 12 + 16);
        let mut p = Parser {
            src,
            lexer: Lexer::new(src),
            lines,
            ast,
            scratch: Vec::with_capacity(64),
            errors: Vec::new(),
            last_error_line: 0,
            tok: Tok::Illegal,
            pos: NO_POS,
            end: 0,
            implicit: false,
            lead_comment: None,
            line_comment: None,
            sync_pos: -1,
            sync_cnt: 0,
            expr_lev: 0,
            in_rhs: false,
            nest: 0,
            go_nest: 0,
            stack_base: stack_addr(),
            too_deep: false,
            tokens: 0,
            bailout: false,
        };
        p.next();
        p
    }

    // ---------------------------------------------------------------- arena helpers

    #[inline]
    pub(crate) fn push(&mut self, n: Node) -> NodeId {
        let id = NodeId::from_index(self.ast.nodes.len());
        self.ast.nodes.push(n);
        id
    }

    #[inline]
    pub(crate) fn node(&self, id: NodeId) -> Node {
        self.ast.nodes[id.index()]
    }

    #[inline]
    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.ast.nodes[id.index()]
    }

    pub(crate) fn mark(&self) -> usize {
        self.scratch.len()
    }

    pub(crate) fn finish_list(&mut self, mark: usize) -> List {
        let start = self.ast.lists.len() as u32;
        self.ast.lists.extend_from_slice(&self.scratch[mark..]);
        self.scratch.truncate(mark);
        List {
            start,
            len: self.ast.lists.len() as u32 - start,
        }
    }

    pub(crate) fn make_list(&mut self, items: &[NodeId]) -> List {
        let start = self.ast.lists.len() as u32;
        self.ast.lists.extend_from_slice(items);
        List {
            start,
            len: items.len() as u32,
        }
    }

    pub(crate) fn list_vec(&self, l: List) -> Vec<NodeId> {
        self.ast.list(l).to_vec()
    }

    // ---------------------------------------------------------------- tokens and comments

    fn line(&self, pos: Pos) -> u32 {
        if pos == NO_POS {
            return 0; // go/token: NoPos has line 0
        }
        self.lines.line_col(pos).0
    }

    fn next0(&mut self) {
        if self.bailout {
            self.tok = Tok::Eof;
            self.implicit = false;
            return;
        }
        self.tokens += 1;
        let t: Token = self.lexer.next_token();
        if !self.lexer.errors.is_empty() {
            // Scanner errors join the list unfiltered, interleaved like go/scanner's handler.
            for e in self.lexer.errors.drain(..) {
                self.last_error_line = self.lines.line_col(e.offset).0;
                self.errors.push(e);
            }
        }
        self.tok = t.tok;
        self.pos = t.pos;
        self.end = t.end;
        self.implicit = t.implicit;
    }

    fn consume_comment(&mut self) -> u32 {
        let endline = self.line(self.end);
        let endline = if self.src.as_bytes()[self.pos as usize + 1] == b'*' {
            endline
        } else {
            self.line(self.pos)
        };
        self.ast.comments.push(Comment {
            pos: self.pos,
            end: self.end,
        });
        self.next0();
        endline
    }

    fn consume_comment_group(&mut self, n: u32) -> (CommentGroupId, u32) {
        let first = self.ast.comments.len() as u32;
        let mut endline = self.line(self.pos);
        while self.tok == Tok::Comment && self.line(self.pos) <= endline + n {
            endline = self.consume_comment();
        }
        let id = CommentGroupId(self.ast.comment_groups.len() as u32);
        self.ast.comment_groups.push(CommentGroup {
            first,
            len: self.ast.comments.len() as u32 - first,
        });
        (id, endline)
    }

    /// Advances to the next non-comment token, grouping comments and classifying lead and
    /// line comments exactly as go/parser's `next`.
    pub(crate) fn next(&mut self) {
        self.lead_comment = None;
        self.line_comment = None;
        let prev = self.pos;
        self.next0();
        if self.tok == Tok::Comment {
            let mut comment = None;
            if self.line(self.pos) == self.line(prev) {
                let (c, endline) = self.consume_comment_group(0);
                comment = Some(c);
                if self.line(self.pos) != endline
                    || self.tok == Tok::Semicolon
                    || self.tok == Tok::Eof
                {
                    self.line_comment = Some(c);
                }
            }
            let mut endline: i64 = -1;
            while self.tok == Tok::Comment {
                let (c, e) = self.consume_comment_group(1);
                comment = Some(c);
                endline = e as i64;
            }
            if endline + 1 == self.line(self.pos) as i64 {
                self.lead_comment = comment;
            }
        }
    }

    /// Text of the current token.
    fn lit(&self) -> &'a str {
        &self.src[self.pos as usize..self.end as usize]
    }

    // ---------------------------------------------------------------- errors

    /// The empty File go/parser returns when it gives up at the package clause.
    fn empty_file(&mut self) -> NodeId {
        let name = self.push(Node::Ident {
            pos: NO_POS,
            end: NO_POS,
            synthetic: false,
        });
        self.push(Node::File {
            doc: None,
            package_pos: NO_POS,
            name,
            decls: List::default(),
        })
    }

    /// An empty BadExpr at the current token: where an expression was needed but none can
    /// be parsed (nesting too deep, nothing to parse).
    pub(crate) fn bad_expr_here(&mut self) -> NodeId {
        self.push(Node::BadExpr {
            from: self.pos,
            to: self.pos,
        })
    }

    pub(crate) fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        if self.bailout {
            return;
        }
        // An End() position can lie one past the source (a node closed by an implied
        // token at EOF); go/token clamps such offsets to the end of the file, and so do we,
        // so every reported offset is inside the source.
        let pos = pos.min(self.src.len() as Pos);
        let line = self.line(pos);
        if !self.errors.is_empty() && self.last_error_line == line {
            return; // likely a spurious follow-on error, as go/parser
        }
        if self.errors.len() > 10 {
            self.bail();
            return;
        }
        self.last_error_line = line;
        self.errors.push(SyntaxError {
            offset: pos,
            message: msg.into(),
        });
    }

    /// Stops parsing: the rest of the input reads as EOF.
    fn bail(&mut self) {
        self.bailout = true;
        self.tok = Tok::Eof;
        self.implicit = false;
    }

    pub(crate) fn error_expected(&mut self, pos: Pos, msg: &str) {
        let mut msg = format!("expected {msg}");
        if pos == self.pos {
            if self.tok == Tok::Semicolon && self.implicit {
                msg.push_str(", found newline");
            } else if self.tok.is_literal() {
                msg.push_str(", found ");
                msg.push_str(self.lit());
            } else {
                msg.push_str(", found '");
                msg.push_str(self.tok.as_str());
                msg.push('\'');
            }
        }
        self.error(pos, msg);
    }

    pub(crate) fn expect(&mut self, tok: Tok) -> Pos {
        let pos = self.pos;
        if self.tok != tok {
            self.error_expected(pos, &format!("'{}'", tok.as_str()));
        }
        self.next();
        pos
    }

    /// Like `expect`, but returns NO_POS if the token is missing.
    pub(crate) fn expect2(&mut self, tok: Tok) -> Pos {
        let mut pos = NO_POS;
        if self.tok == tok {
            pos = self.pos;
        } else {
            self.error_expected(self.pos, &format!("'{}'", tok.as_str()));
        }
        self.next();
        pos
    }

    pub(crate) fn expect_closing(&mut self, tok: Tok, context: &str) -> Pos {
        if self.tok != tok && self.tok == Tok::Semicolon && self.implicit {
            self.error(self.pos, format!("missing ',' before newline in {context}"));
            self.next();
        }
        self.expect(tok)
    }

    pub(crate) fn expect_semi(&mut self) -> Option<CommentGroupId> {
        match self.tok {
            Tok::Rparen | Tok::Rbrace => None,
            Tok::Comma | Tok::Semicolon => {
                if self.tok == Tok::Comma {
                    self.error_expected(self.pos, "';'");
                }
                if self.tok == Tok::Semicolon && !self.implicit {
                    // An explicit ';': use the comments following it.
                    self.next();
                    self.line_comment
                } else {
                    let c = self.line_comment;
                    self.next();
                    c
                }
            }
            _ => {
                self.error_expected(self.pos, "';'");
                self.advance(SyncSet::StmtStart);
                None
            }
        }
    }

    pub(crate) fn at_comma(&mut self, context: &str, follow: Tok) -> bool {
        if self.tok == Tok::Comma {
            return true;
        }
        if self.tok != follow {
            let mut msg = String::from("missing ','");
            if self.tok == Tok::Semicolon && self.implicit {
                msg.push_str(" before newline");
            }
            msg.push_str(" in ");
            msg.push_str(context);
            self.error(self.pos, msg);
            return true; // "insert" comma and continue
        }
        false
    }

    pub(crate) fn advance(&mut self, to: SyncSet) {
        while self.tok != Tok::Eof {
            if to.contains(self.tok) {
                if self.pos as i64 == self.sync_pos && self.sync_cnt < 10 {
                    self.sync_cnt += 1;
                    return;
                }
                if self.pos as i64 > self.sync_pos {
                    self.sync_pos = self.pos as i64;
                    self.sync_cnt = 0;
                    return;
                }
            }
            self.next();
        }
    }

    /// Enters a nested production; false (after reporting) when too deep.
    pub(crate) fn enter(&mut self) -> bool {
        self.nest += 1;
        self.go_nest += 1;
        let stack_used = self.stack_base.saturating_sub(stack_addr());
        if self.nest > MAX_NEST || self.go_nest > GO_MAX_NEST || stack_used > STACK_BUDGET {
            self.depth_exceeded();
            return false;
        }
        true
    }

    pub(crate) fn leave(&mut self) {
        self.nest -= 1;
        self.go_nest -= 1;
    }

    /// Counts one more iteration of an expression loop (go/parser's per-iteration
    /// incNestLev); the caller subtracts its iterations on exit. False when too deep.
    pub(crate) fn loop_iteration(&mut self) -> bool {
        self.go_nest += 1;
        if self.go_nest > GO_MAX_NEST {
            self.depth_exceeded();
            return false;
        }
        true
    }

    pub(crate) fn loop_exit(&mut self, iterations: u32) {
        self.go_nest -= iterations;
    }

    fn depth_exceeded(&mut self) {
        self.too_deep = true;
        if !self.bailout {
            // Bypasses the per-line filter: this error must always be reported.
            self.errors.push(SyntaxError {
                offset: self.pos,
                message: "exceeded max nesting depth".into(),
            });
        }
        self.bail();
    }

    /// Starts a loop guard (see [`Parser::progressing`]).
    pub(crate) fn guard(&self) -> Guard {
        Guard {
            tokens: self.tokens,
            idle: 0,
        }
    }

    /// Loop guard: every parser loop consumes a token per iteration by construction (as in
    /// go/parser); this is the safety net that ends a loop that has not consumed anything
    /// for many iterations, reporting an error, instead of spinning forever.
    pub(crate) fn progressing(&mut self, g: &mut Guard) -> bool {
        if self.tokens != g.tokens {
            g.tokens = self.tokens;
            g.idle = 0;
            return true;
        }
        g.idle += 1;
        if g.idle > 100 {
            self.error(self.pos, "parser made no progress");
            self.bail();
            return false;
        }
        true
    }

    // ---------------------------------------------------------------- file

    pub(crate) fn parse_file(&mut self) -> NodeId {
        let doc = self.lead_comment;
        if !self.errors.is_empty() {
            // go/parser gives up before the package clause if the scanner already failed.
            return self.empty_file();
        }
        let package_pos = self.pos;
        self.expect(Tok::Package);
        let name = self.parse_ident();
        self.expect_semi();
        if !self.errors.is_empty() {
            return self.empty_file();
        }
        let mark = self.mark();
        while self.tok == Tok::Import {
            let d = self.parse_gen_decl(Tok::Import);
            self.scratch.push(d);
        }
        let mut prev = Tok::Import;
        let mut g = self.guard();
        while self.tok != Tok::Eof && self.progressing(&mut g) {
            if self.tok == Tok::Import && prev != Tok::Import {
                self.error(self.pos, "imports must appear before other declarations");
            }
            prev = self.tok;
            let d = self.parse_decl(SyncSet::DeclStart);
            self.scratch.push(d);
        }
        let mut decls = self.finish_list(mark);
        if self.too_deep {
            // Like go/parser, which returns an empty file when it bails out, drop the
            // declarations: a tree nested this deep is useless and too deep to walk.
            decls = List::default();
        }
        self.push(Node::File {
            doc,
            package_pos,
            name,
            decls,
        })
    }
}

#[cfg(test)]
mod tests;
