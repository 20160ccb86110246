//! Statements (go/parser's statement productions).

use super::{Parser, SyncSet};
use crate::ast::*;
use crate::token::Tok;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Basic,
    LabelOk,
    RangeOk,
}

/// Result of a simple statement: a node, or the pieces of a `range` clause (kept apart so
/// no throw-away nodes end up in the arena).
#[derive(Clone, Copy)]
pub(crate) enum Simple {
    Stmt(NodeId),
    Range {
        lhs: List,
        tok_pos: Pos,
        tok: Tok,
        range_pos: Pos,
        x: NodeId,
    },
}

impl Parser<'_> {
    pub(crate) fn parse_stmt_list(&mut self) -> List {
        let mark = self.mark();
        let mut g = self.guard();
        while !matches!(self.tok, Tok::Case | Tok::Default | Tok::Rbrace | Tok::Eof)
            && self.progressing(&mut g)
        {
            let s = self.parse_stmt();
            self.scratch.push(s);
        }
        self.finish_list(mark)
    }

    fn parse_block_stmt(&mut self) -> NodeId {
        self.parse_body()
    }

    fn simple_stmt(&mut self, s: Simple) -> NodeId {
        match s {
            Simple::Stmt(id) => id,
            // A range clause where none is allowed: keep it as an assignment of a unary
            // "range" expression, as go/parser does.
            Simple::Range {
                lhs,
                tok_pos,
                tok,
                range_pos,
                x,
            } => {
                let u = self.push(Node::UnaryExpr {
                    op_pos: range_pos,
                    op: Tok::Range,
                    x,
                });
                let rhs = self.make_list(&[u]);
                self.push(Node::AssignStmt {
                    lhs,
                    tok_pos,
                    tok,
                    rhs,
                })
            }
        }
    }

    pub(crate) fn parse_simple_stmt(&mut self, mode: Mode) -> Simple {
        let x = self.parse_list(false);
        match self.tok {
            Tok::Define
            | Tok::Assign
            | Tok::AddAssign
            | Tok::SubAssign
            | Tok::MulAssign
            | Tok::QuoAssign
            | Tok::RemAssign
            | Tok::AndAssign
            | Tok::OrAssign
            | Tok::XorAssign
            | Tok::ShlAssign
            | Tok::ShrAssign
            | Tok::AndNotAssign => {
                let (tok_pos, tok) = (self.pos, self.tok);
                self.next();
                if mode == Mode::RangeOk
                    && self.tok == Tok::Range
                    && (tok == Tok::Define || tok == Tok::Assign)
                {
                    let range_pos = self.pos;
                    self.next();
                    let rx = self.parse_rhs();
                    return Simple::Range {
                        lhs: x,
                        tok_pos,
                        tok,
                        range_pos,
                        x: rx,
                    };
                }
                let rhs = self.parse_list(true);
                return Simple::Stmt(self.push(Node::AssignStmt {
                    lhs: x,
                    tok_pos,
                    tok,
                    rhs,
                }));
            }
            _ => {}
        }
        let xs = self.list_vec(x);
        let x0 = xs[0];
        if xs.len() > 1 {
            let p = self.ast.pos(x0);
            self.error_expected(p, "1 expression");
            // continue with first expression
        }
        match self.tok {
            Tok::Colon => {
                let colon = self.pos;
                self.next();
                if mode == Mode::LabelOk && matches!(self.node(x0), Node::Ident { .. }) {
                    // Go spec: the scope of a label is the body of the function in which it
                    // is declared and excludes the body of any nested function.
                    let stmt = self.parse_stmt();
                    return Simple::Stmt(self.push(Node::LabeledStmt {
                        label: x0,
                        colon,
                        stmt,
                    }));
                }
                self.error(colon, "illegal label declaration");
                let from = self.ast.pos(x0);
                Simple::Stmt(self.push(Node::BadStmt {
                    from,
                    to: colon + 1,
                }))
            }
            Tok::Arrow => {
                let arrow = self.pos;
                self.next();
                let value = self.parse_rhs();
                Simple::Stmt(self.push(Node::SendStmt {
                    chan: x0,
                    arrow,
                    value,
                }))
            }
            Tok::Inc | Tok::Dec => {
                let s = self.push(Node::IncDecStmt {
                    x: x0,
                    tok_pos: self.pos,
                    tok: self.tok,
                });
                self.next();
                Simple::Stmt(s)
            }
            _ => Simple::Stmt(self.push(Node::ExprStmt { x: x0 })),
        }
    }

    fn parse_call_expr(&mut self, call_type: &str) -> Option<NodeId> {
        let x = self.parse_rhs(); // could be a conversion: (some type)(x)
        let t = self.unparen(x);
        let x = if t != x {
            let p = self.ast.pos(x);
            self.error(
                p,
                format!("expression in {call_type} must not be parenthesized"),
            );
            t
        } else {
            x
        };
        match self.node(x) {
            Node::CallExpr { .. } => Some(x),
            Node::BadExpr { .. } => None,
            _ => {
                let e = self.ast.end(x);
                self.error(
                    e,
                    format!("expression in {call_type} must be function call"),
                );
                None
            }
        }
    }

    fn parse_go_stmt(&mut self) -> NodeId {
        let pos = self.expect(Tok::Go);
        let call = self.parse_call_expr("go");
        self.expect_semi();
        match call {
            Some(call) => self.push(Node::GoStmt { go_pos: pos, call }),
            None => self.push(Node::BadStmt {
                from: pos,
                to: pos + 2,
            }),
        }
    }

    fn parse_defer_stmt(&mut self) -> NodeId {
        let pos = self.expect(Tok::Defer);
        let call = self.parse_call_expr("defer");
        self.expect_semi();
        match call {
            Some(call) => self.push(Node::DeferStmt {
                defer_pos: pos,
                call,
            }),
            None => self.push(Node::BadStmt {
                from: pos,
                to: pos + 5,
            }),
        }
    }

    fn parse_return_stmt(&mut self) -> NodeId {
        let pos = self.pos;
        self.expect(Tok::Return);
        let mut results = List::default();
        if self.tok != Tok::Semicolon && self.tok != Tok::Rbrace {
            results = self.parse_list(true);
        }
        self.expect_semi();
        self.push(Node::ReturnStmt {
            return_pos: pos,
            results,
        })
    }

    fn parse_branch_stmt(&mut self, tok: Tok) -> NodeId {
        let pos = self.expect(tok);
        let mut label = None;
        if tok == Tok::Goto
            || ((tok == Tok::Continue || tok == Tok::Break) && self.tok == Tok::Ident)
        {
            label = Some(self.parse_ident());
        }
        self.expect_semi();
        self.push(Node::BranchStmt {
            tok_pos: pos,
            tok,
            label,
        })
    }

    fn make_expr(&mut self, s: Option<NodeId>, want: &str) -> Option<NodeId> {
        let s = s?;
        if let Node::ExprStmt { x } = self.node(s) {
            return Some(x);
        }
        let found = if matches!(self.node(s), Node::AssignStmt { .. }) {
            "assignment"
        } else {
            "simple statement"
        };
        let (from, to) = (self.ast.pos(s), self.ast.end(s));
        self.error(
            from,
            format!(
                "expected {want}, found {found} (missing parentheses around composite literal?)"
            ),
        );
        Some(self.push(Node::BadExpr { from, to }))
    }

    fn parse_if_header(&mut self) -> (Option<NodeId>, NodeId) {
        if self.tok == Tok::Lbrace {
            self.error(self.pos, "missing condition in if statement");
            let b = self.bad_expr_here();
            return (None, b);
        }
        let prev_lev = self.expr_lev;
        self.expr_lev = -1;
        let mut init = None;
        if self.tok != Tok::Semicolon {
            // accept potential variable declaration but complain
            if self.tok == Tok::Var {
                self.next();
                self.error(self.pos, "var declaration not allowed in if initializer");
            }
            let s = self.parse_simple_stmt(Mode::Basic);
            init = Some(self.simple_stmt(s));
        }
        let mut cond_stmt = None;
        let mut semi: Option<(Pos, bool)> = None;
        if self.tok != Tok::Lbrace {
            if self.tok == Tok::Semicolon {
                semi = Some((self.pos, self.implicit));
                self.next();
            } else {
                self.expect(Tok::Semicolon);
            }
            if self.tok != Tok::Lbrace {
                let s = self.parse_simple_stmt(Mode::Basic);
                cond_stmt = Some(self.simple_stmt(s));
            }
        } else {
            cond_stmt = init.take();
        }
        let mut cond = None;
        if cond_stmt.is_some() {
            cond = self.make_expr(cond_stmt, "boolean expression");
        } else if let Some((pos, implicit)) = semi {
            if implicit {
                self.error(pos, "unexpected newline, expecting { after if clause");
            } else {
                self.error(pos, "missing condition in if statement");
            }
        }
        let cond = match cond {
            Some(c) => c,
            None => self.bad_expr_here(),
        };
        self.expr_lev = prev_lev;
        (init, cond)
    }

    fn parse_if_stmt(&mut self) -> NodeId {
        let entered = self.enter();
        let if_pos = self.expect(Tok::If);
        let (init, cond) = if entered {
            self.parse_if_header()
        } else {
            (None, self.bad_expr_here())
        };
        let body = self.parse_block_stmt();
        let mut else_ = None;
        if self.tok == Tok::Else {
            self.next();
            match self.tok {
                Tok::If => else_ = Some(self.parse_if_stmt()),
                Tok::Lbrace => {
                    else_ = Some(self.parse_block_stmt());
                    self.expect_semi();
                }
                _ => {
                    self.error_expected(self.pos, "if statement or block");
                    else_ = Some(self.push(Node::BadStmt {
                        from: self.pos,
                        to: self.pos,
                    }));
                }
            }
        } else {
            self.expect_semi();
        }
        self.leave();
        self.push(Node::IfStmt {
            if_pos,
            init,
            cond,
            body,
            else_,
        })
    }

    fn parse_case_clause(&mut self) -> NodeId {
        let case_pos = self.pos;
        let mut list = List::default();
        if self.tok == Tok::Case {
            self.next();
            list = self.parse_list(true);
        } else {
            self.expect(Tok::Default);
        }
        let colon = self.expect(Tok::Colon);
        let body = self.parse_stmt_list();
        self.push(Node::CaseClause {
            case_pos,
            list,
            colon,
            body,
        })
    }

    fn is_type_switch_assert(&self, x: NodeId) -> bool {
        matches!(self.node(x), Node::TypeAssertExpr { ty: None, .. })
    }

    fn is_type_switch_guard(&mut self, s: Option<NodeId>) -> bool {
        let Some(s) = s else { return false };
        match self.node(s) {
            Node::ExprStmt { x } => self.is_type_switch_assert(x),
            Node::AssignStmt {
                lhs,
                tok_pos,
                tok,
                rhs,
            } if lhs.len == 1
                && rhs.len == 1
                && self.is_type_switch_assert(self.ast.list(rhs)[0]) =>
            {
                match tok {
                    Tok::Assign => {
                        // permit v = x.(type) but complain
                        self.error(tok_pos, "expected ':=', found '='");
                        true
                    }
                    Tok::Define => true,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn parse_switch_stmt(&mut self) -> NodeId {
        let switch_pos = self.expect(Tok::Switch);
        let (mut s1, mut s2) = (None, None);
        if self.tok != Tok::Lbrace {
            let prev_lev = self.expr_lev;
            self.expr_lev = -1;
            if self.tok != Tok::Semicolon {
                let s = self.parse_simple_stmt(Mode::Basic);
                s2 = Some(self.simple_stmt(s));
            }
            if self.tok == Tok::Semicolon {
                self.next();
                s1 = s2.take();
                if self.tok != Tok::Lbrace {
                    let s = self.parse_simple_stmt(Mode::Basic);
                    s2 = Some(self.simple_stmt(s));
                }
            }
            self.expr_lev = prev_lev;
        }
        let type_switch = self.is_type_switch_guard(s2);
        let lbrace = self.expect(Tok::Lbrace);
        let mark = self.mark();
        while self.tok == Tok::Case || self.tok == Tok::Default {
            let c = self.parse_case_clause();
            self.scratch.push(c);
        }
        let list = self.finish_list(mark);
        let rbrace = self.expect(Tok::Rbrace);
        self.expect_semi();
        let body = self.push(Node::BlockStmt {
            lbrace,
            list,
            rbrace,
        });
        if type_switch {
            let assign = s2.expect("type switch guard");
            return self.push(Node::TypeSwitchStmt {
                switch_pos,
                init: s1,
                assign,
                body,
            });
        }
        let tag = self.make_expr(s2, "switch expression");
        self.push(Node::SwitchStmt {
            switch_pos,
            init: s1,
            tag,
            body,
        })
    }

    fn parse_comm_clause(&mut self) -> NodeId {
        let case_pos = self.pos;
        let mut comm = None;
        if self.tok == Tok::Case {
            self.next();
            let lhs = self.parse_list(false);
            let lhs_v = self.list_vec(lhs);
            if self.tok == Tok::Arrow {
                // SendStmt
                if lhs_v.len() > 1 {
                    let p = self.ast.pos(lhs_v[0]);
                    self.error_expected(p, "1 expression");
                }
                let arrow = self.pos;
                self.next();
                let value = self.parse_rhs();
                comm = Some(self.push(Node::SendStmt {
                    chan: lhs_v[0],
                    arrow,
                    value,
                }));
            } else if self.tok == Tok::Assign || self.tok == Tok::Define {
                // RecvStmt
                let tok = self.tok;
                let mut lhs = lhs;
                if lhs_v.len() > 2 {
                    let p = self.ast.pos(lhs_v[0]);
                    self.error_expected(p, "1 or 2 expressions");
                    lhs = List {
                        start: lhs.start,
                        len: 2,
                    };
                }
                let tok_pos = self.pos;
                self.next();
                let r = self.parse_rhs();
                let rhs = self.make_list(&[r]);
                comm = Some(self.push(Node::AssignStmt {
                    lhs,
                    tok_pos,
                    tok,
                    rhs,
                }));
            } else {
                if lhs_v.len() > 1 {
                    let p = self.ast.pos(lhs_v[0]);
                    self.error_expected(p, "1 expression");
                }
                comm = Some(self.push(Node::ExprStmt { x: lhs_v[0] }));
            }
        } else {
            self.expect(Tok::Default);
        }
        let colon = self.expect(Tok::Colon);
        let body = self.parse_stmt_list();
        self.push(Node::CommClause {
            case_pos,
            comm,
            colon,
            body,
        })
    }

    fn parse_select_stmt(&mut self) -> NodeId {
        let select_pos = self.expect(Tok::Select);
        let lbrace = self.expect(Tok::Lbrace);
        let mark = self.mark();
        while self.tok == Tok::Case || self.tok == Tok::Default {
            let c = self.parse_comm_clause();
            self.scratch.push(c);
        }
        let list = self.finish_list(mark);
        let rbrace = self.expect(Tok::Rbrace);
        self.expect_semi();
        let body = self.push(Node::BlockStmt {
            lbrace,
            list,
            rbrace,
        });
        self.push(Node::SelectStmt { select_pos, body })
    }

    fn parse_for_stmt(&mut self) -> NodeId {
        let for_pos = self.expect(Tok::For);
        let (mut s1, mut s2, mut s3): (Option<NodeId>, Option<Simple>, Option<NodeId>) =
            (None, None, None);
        let mut is_range = false;
        if self.tok != Tok::Lbrace {
            let prev_lev = self.expr_lev;
            self.expr_lev = -1;
            if self.tok != Tok::Semicolon {
                if self.tok == Tok::Range {
                    // "for range x" (nil lhs in assignment)
                    let range_pos = self.pos;
                    self.next();
                    let x = self.parse_rhs();
                    s2 = Some(Simple::Range {
                        lhs: List::default(),
                        tok_pos: NO_POS,
                        tok: Tok::Illegal,
                        range_pos,
                        x,
                    });
                    is_range = true;
                } else {
                    let s = self.parse_simple_stmt(Mode::RangeOk);
                    is_range = matches!(s, Simple::Range { .. });
                    s2 = Some(s);
                }
            }
            if !is_range && self.tok == Tok::Semicolon {
                self.next();
                s1 = s2.take().map(|s| self.simple_stmt(s));
                if self.tok != Tok::Semicolon {
                    s2 = Some(self.parse_simple_stmt(Mode::Basic));
                }
                self.expect_semi();
                if self.tok != Tok::Lbrace {
                    let s = self.parse_simple_stmt(Mode::Basic);
                    s3 = Some(self.simple_stmt(s));
                }
            }
            self.expr_lev = prev_lev;
        }
        let body = self.parse_block_stmt();
        self.expect_semi();
        if let Some(Simple::Range {
            lhs,
            tok_pos,
            tok,
            range_pos,
            x,
        }) = s2
        {
            let l = self.list_vec(lhs);
            let (key, value) = match l.len() {
                0 => (None, None),
                1 => (Some(l[0]), None),
                2 => (Some(l[0]), Some(l[1])),
                _ => {
                    let p = self.ast.pos(l[l.len() - 1]);
                    self.error_expected(p, "at most 2 expressions");
                    let to = self.ast.end(body);
                    return self.push(Node::BadStmt { from: for_pos, to });
                }
            };
            return self.push(Node::RangeStmt {
                for_pos,
                key,
                value,
                tok_pos,
                tok,
                range_pos,
                x,
                body,
            });
        }
        let s2 = s2.map(|s| self.simple_stmt(s));
        let cond = self.make_expr(s2, "boolean or range expression");
        self.push(Node::ForStmt {
            for_pos,
            init: s1,
            cond,
            post: s3,
            body,
        })
    }

    pub(crate) fn parse_stmt(&mut self) -> NodeId {
        if !self.enter() {
            // Too deep: skip the token so the caller's loop still progresses.
            let pos = self.pos;
            self.next();
            self.leave();
            return self.push(Node::BadStmt { from: pos, to: pos });
        }
        use Tok::*;
        let s = match self.tok {
            Const | Type | Var => {
                let d = self.parse_decl(SyncSet::StmtStart);
                self.push(Node::DeclStmt { decl: d })
            }
            Ident | Int | Float | Imag | Char | String | Func | Lparen | Lbrack | Struct | Map
            | Chan | Interface | Add | Sub | Mul | And | Xor | Arrow | Not => {
                let s = self.parse_simple_stmt(Mode::LabelOk);
                let s = self.simple_stmt(s);
                // Because of the required semicolon after a label, a labeled statement's
                // semicolon was consumed by the labeled statement itself.
                if !matches!(self.node(s), Node::LabeledStmt { .. }) {
                    self.expect_semi();
                }
                s
            }
            Go => self.parse_go_stmt(),
            Defer => self.parse_defer_stmt(),
            Return => self.parse_return_stmt(),
            Break | Continue | Goto | Fallthrough => self.parse_branch_stmt(self.tok),
            Lbrace => {
                let b = self.parse_block_stmt();
                self.expect_semi();
                b
            }
            If => self.parse_if_stmt(),
            Switch => self.parse_switch_stmt(),
            Select => self.parse_select_stmt(),
            For => self.parse_for_stmt(),
            Semicolon => {
                let s = self.push(Node::EmptyStmt {
                    semicolon: self.pos,
                    implicit: self.implicit,
                });
                self.next();
                s
            }
            Rbrace => {
                // a semicolon may be omitted before a closing "}"
                self.push(Node::EmptyStmt {
                    semicolon: self.pos,
                    implicit: true,
                })
            }
            _ => {
                let pos = self.pos;
                self.error_expected(pos, "statement");
                self.advance(SyncSet::StmtStart);
                self.push(Node::BadStmt {
                    from: pos,
                    to: self.pos,
                })
            }
        };
        self.leave();
        s
    }
}
