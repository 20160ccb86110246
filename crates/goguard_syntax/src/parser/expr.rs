//! Expressions (go/parser's operand, primary, unary and binary productions).

use super::{Parser, SyncSet};
use crate::ast::*;
use crate::token::Tok;

impl Parser<'_> {
    /// Strips parentheses (go/ast's Unparen).
    pub(crate) fn unparen(&self, mut x: NodeId) -> NodeId {
        while let Node::ParenExpr { x: inner, .. } = self.node(x) {
            x = inner;
        }
        x
    }

    pub(crate) fn parse_expr_list(&mut self) -> List {
        let mark = self.mark();
        let x = self.parse_expr();
        self.scratch.push(x);
        while self.tok == Tok::Comma {
            self.next();
            let x = self.parse_expr();
            self.scratch.push(x);
        }
        self.finish_list(mark)
    }

    pub(crate) fn parse_list(&mut self, in_rhs: bool) -> List {
        let old = self.in_rhs;
        self.in_rhs = in_rhs;
        let l = self.parse_expr_list();
        self.in_rhs = old;
        l
    }

    pub(crate) fn parse_body(&mut self) -> NodeId {
        let lbrace = self.expect(Tok::Lbrace);
        let list = self.parse_stmt_list();
        let rbrace = self.expect2(Tok::Rbrace);
        self.push(Node::BlockStmt {
            lbrace,
            list,
            rbrace,
        })
    }

    fn parse_func_type_or_lit(&mut self) -> NodeId {
        let ty = self.parse_func_type();
        if self.tok != Tok::Lbrace {
            return ty;
        }
        self.expr_lev += 1;
        let body = self.parse_body();
        self.expr_lev -= 1;
        self.push(Node::FuncLit { ty, body })
    }

    fn parse_operand(&mut self) -> NodeId {
        match self.tok {
            Tok::Ident => return self.parse_ident(),
            Tok::Int | Tok::Float | Tok::Imag | Tok::Char | Tok::String => {
                let x = self.push(Node::BasicLit {
                    pos: self.pos,
                    end: self.end,
                    kind: self.tok,
                });
                self.next();
                return x;
            }
            Tok::Lparen => {
                let lparen = self.pos;
                self.next();
                self.expr_lev += 1;
                let x = self.parse_rhs(); // types may be parenthesized: (some type)
                self.expr_lev -= 1;
                let rparen = self.expect(Tok::Rparen);
                return self.push(Node::ParenExpr { lparen, x, rparen });
            }
            Tok::Func => return self.parse_func_type_or_lit(),
            _ => {}
        }
        if let Some(t) = self.try_ident_or_type() {
            return t;
        }
        let pos = self.pos;
        self.error_expected(pos, "operand");
        self.advance(SyncSet::StmtStart);
        self.push(Node::BadExpr {
            from: pos,
            to: self.pos,
        })
    }

    fn parse_type_assertion(&mut self, x: NodeId) -> NodeId {
        let lparen = self.expect(Tok::Lparen);
        let ty = if self.tok == Tok::Type {
            self.next();
            None
        } else {
            Some(self.parse_type())
        };
        let rparen = self.expect(Tok::Rparen);
        self.push(Node::TypeAssertExpr {
            x,
            lparen,
            ty,
            rparen,
        })
    }

    fn parse_index_or_slice_or_instance(&mut self, x: NodeId) -> NodeId {
        let lbrack = self.expect(Tok::Lbrack);
        if self.tok == Tok::Rbrack {
            // Empty index, slice or instance: x[].
            self.error_expected(self.pos, "operand");
            let rbrack = self.pos;
            self.next();
            let index = self.push(Node::BadExpr {
                from: rbrack,
                to: rbrack,
            });
            return self.push(Node::IndexExpr {
                x,
                lbrack,
                index,
                rbrack,
            });
        }
        self.expr_lev += 1;
        let mut args: Vec<NodeId> = Vec::new();
        let mut index: [Option<NodeId>; 3] = [None; 3];
        let mut colons = [NO_POS; 2];
        if self.tok != Tok::Colon {
            index[0] = Some(self.parse_rhs());
        }
        let mut ncolons = 0;
        match self.tok {
            Tok::Colon => {
                while self.tok == Tok::Colon && ncolons < 2 {
                    colons[ncolons] = self.pos;
                    ncolons += 1;
                    self.next();
                    if self.tok != Tok::Colon && self.tok != Tok::Rbrack && self.tok != Tok::Eof {
                        index[ncolons] = Some(self.parse_rhs());
                    }
                }
            }
            Tok::Comma => {
                args.push(index[0].expect("index parsed"));
                while self.tok == Tok::Comma {
                    self.next();
                    if self.tok != Tok::Rbrack && self.tok != Tok::Eof {
                        args.push(self.parse_type());
                    }
                }
            }
            _ => {}
        }
        self.expr_lev -= 1;
        let rbrack = self.expect(Tok::Rbrack);
        if ncolons > 0 {
            let mut slice3 = false;
            if ncolons == 2 {
                slice3 = true;
                if index[1].is_none() {
                    self.error(colons[0], "middle index required in 3-index slice");
                    index[1] = Some(self.push(Node::BadExpr {
                        from: colons[0] + 1,
                        to: colons[1],
                    }));
                }
                if index[2].is_none() {
                    self.error(colons[1], "final index required in 3-index slice");
                    index[2] = Some(self.push(Node::BadExpr {
                        from: colons[1] + 1,
                        to: rbrack,
                    }));
                }
            }
            return self.push(Node::SliceExpr {
                x,
                lbrack,
                low: index[0],
                high: index[1],
                max: index[2],
                slice3,
                rbrack,
            });
        }
        if args.is_empty() {
            let index = index[0].expect("index parsed");
            return self.push(Node::IndexExpr {
                x,
                lbrack,
                index,
                rbrack,
            });
        }
        self.pack_index_expr(x, lbrack, &args, rbrack)
    }

    fn parse_call_or_conversion(&mut self, fun: NodeId) -> NodeId {
        let lparen = self.expect(Tok::Lparen);
        self.expr_lev += 1;
        let mark = self.mark();
        let mut ellipsis = NO_POS;
        let mut g = self.guard();
        while self.tok != Tok::Rparen
            && self.tok != Tok::Eof
            && ellipsis == NO_POS
            && self.progressing(&mut g)
        {
            let a = self.parse_rhs(); // builtins may expect a type: make(some type, ...)
            self.scratch.push(a);
            if self.tok == Tok::Ellipsis {
                ellipsis = self.pos;
                self.next();
            }
            if !self.at_comma("argument list", Tok::Rparen) {
                break;
            }
            self.next();
        }
        let args = self.finish_list(mark);
        self.expr_lev -= 1;
        let rparen = self.expect_closing(Tok::Rparen, "argument list");
        self.push(Node::CallExpr {
            fun,
            lparen,
            args,
            ellipsis,
            rparen,
        })
    }

    fn parse_value(&mut self) -> NodeId {
        if self.tok == Tok::Lbrace {
            return self.parse_literal_value(None);
        }
        self.parse_expr()
    }

    fn parse_element(&mut self) -> NodeId {
        let x = self.parse_value();
        if self.tok == Tok::Colon {
            let colon = self.pos;
            self.next();
            let value = self.parse_value();
            return self.push(Node::KeyValueExpr {
                key: x,
                colon,
                value,
            });
        }
        x
    }

    fn parse_literal_value(&mut self, ty: Option<NodeId>) -> NodeId {
        let entered = self.enter();
        let lbrace = self.expect(Tok::Lbrace);
        self.expr_lev += 1;
        let mark = self.mark();
        if entered && self.tok != Tok::Rbrace {
            let mut g = self.guard();
            while self.tok != Tok::Rbrace && self.tok != Tok::Eof && self.progressing(&mut g) {
                let e = self.parse_element();
                self.scratch.push(e);
                if !self.at_comma("composite literal", Tok::Rbrace) {
                    break;
                }
                self.next();
            }
        }
        let elts = self.finish_list(mark);
        self.expr_lev -= 1;
        let rbrace = self.expect_closing(Tok::Rbrace, "composite literal");
        self.leave();
        self.push(Node::CompositeLit {
            ty,
            lbrace,
            elts,
            rbrace,
            incomplete: false,
        })
    }

    pub(crate) fn parse_primary_expr(&mut self, x: Option<NodeId>) -> NodeId {
        if !self.enter() {
            return self.bad_expr_here();
        }
        let mut x = match x {
            Some(x) => x,
            None => self.parse_operand(),
        };
        let mut iterations = 0;
        loop {
            if iterations > 0 && !self.loop_iteration() {
                break;
            }
            iterations += 1;
            match self.tok {
                Tok::Period => {
                    self.next();
                    match self.tok {
                        Tok::Ident => {
                            let sel = self.parse_ident();
                            x = self.push(Node::SelectorExpr { x, sel });
                        }
                        Tok::Lparen => x = self.parse_type_assertion(x),
                        _ => {
                            let pos = self.pos;
                            self.error_expected(pos, "selector or type assertion");
                            // Avoid consuming the '}' of an enclosing block.
                            if self.tok != Tok::Rbrace {
                                self.next();
                            }
                            let sel = self.push(Node::Ident {
                                pos,
                                end: pos + 1,
                                synthetic: true,
                            });
                            x = self.push(Node::SelectorExpr { x, sel });
                        }
                    }
                }
                Tok::Lbrack => x = self.parse_index_or_slice_or_instance(x),
                Tok::Lparen => x = self.parse_call_or_conversion(x),
                Tok::Lbrace => {
                    // Operand may have returned a parenthesized complit type.
                    let t = self.unparen(x);
                    match self.node(t) {
                        Node::BadExpr { .. } | Node::Ident { .. } | Node::SelectorExpr { .. } => {
                            if self.expr_lev < 0 {
                                break; // x is possibly a composite literal type
                            }
                        }
                        Node::IndexExpr { .. } | Node::IndexListExpr { .. } => {
                            if self.expr_lev < 0 {
                                break; // x is possibly a composite literal type
                            }
                        }
                        Node::ArrayType { .. } | Node::StructType { .. } | Node::MapType { .. } => {
                        }
                        _ => break,
                    }
                    if t != x {
                        let p = self.ast.pos(t);
                        self.error(p, "cannot parenthesize type in composite literal");
                    }
                    x = self.parse_literal_value(Some(x));
                }
                _ => break,
            }
        }
        self.loop_exit(iterations - 1);
        self.leave();
        x
    }

    pub(crate) fn parse_unary_expr(&mut self) -> NodeId {
        if !self.enter() {
            return self.bad_expr_here();
        }
        let r = match self.tok {
            Tok::Add | Tok::Sub | Tok::Not | Tok::Xor | Tok::And | Tok::Tilde => {
                let (op_pos, op) = (self.pos, self.tok);
                self.next();
                let x = self.parse_unary_expr();
                self.push(Node::UnaryExpr { op_pos, op, x })
            }
            Tok::Arrow => {
                let mut arrow = self.pos;
                self.next();
                let x = self.parse_unary_expr();
                if let Node::ChanType { .. } = self.node(x) {
                    // <-chan T: re-associate the arrow with the channel type(s).
                    let mut dir = SEND;
                    let mut typ = Some(x);
                    while let (Some(t), true) = (typ, dir == SEND) {
                        let Node::ChanType {
                            arrow: t_arrow,
                            dir: t_dir,
                            value,
                            ..
                        } = self.node(t)
                        else {
                            break;
                        };
                        if t_dir == RECV {
                            self.error_expected(t_arrow, "'chan'");
                        }
                        if let Node::ChanType {
                            begin,
                            arrow: a,
                            dir: d,
                            ..
                        } = self.node_mut(t)
                        {
                            *begin = arrow;
                            *a = arrow;
                            *d = RECV;
                        }
                        arrow = t_arrow;
                        dir = t_dir;
                        typ = match self.node(value) {
                            Node::ChanType { .. } => Some(value),
                            _ => None,
                        };
                    }
                    if dir == SEND {
                        self.error_expected(arrow, "channel type");
                    }
                    x
                } else {
                    self.push(Node::UnaryExpr {
                        op_pos: arrow,
                        op: Tok::Arrow,
                        x,
                    })
                }
            }
            Tok::Mul => {
                let star = self.pos;
                self.next();
                let x = self.parse_unary_expr();
                self.push(Node::StarExpr { star, x })
            }
            _ => self.parse_primary_expr(None),
        };
        self.leave();
        r
    }

    fn tok_prec(&self) -> (Tok, u8) {
        let tok = if self.in_rhs && self.tok == Tok::Assign {
            Tok::Eql
        } else {
            self.tok
        };
        (tok, tok.precedence())
    }

    pub(crate) fn parse_binary_expr(&mut self, x: Option<NodeId>, prec1: u8) -> NodeId {
        if !self.enter() {
            return self.bad_expr_here();
        }
        let mut x = match x {
            Some(x) => x,
            None => self.parse_unary_expr(),
        };
        let mut iterations = 0;
        loop {
            if iterations > 0 && !self.loop_iteration() {
                break;
            }
            iterations += 1;
            let (op, oprec) = self.tok_prec();
            if oprec < prec1 {
                break;
            }
            let op_pos = self.expect(op);
            let y = self.parse_binary_expr(None, oprec + 1);
            x = self.push(Node::BinaryExpr { x, op_pos, op, y });
        }
        self.loop_exit(iterations - 1);
        self.leave();
        x
    }

    pub(crate) fn parse_expr(&mut self) -> NodeId {
        self.parse_binary_expr(None, 1)
    }

    pub(crate) fn parse_rhs(&mut self) -> NodeId {
        let old = self.in_rhs;
        self.in_rhs = true;
        let x = self.parse_expr();
        self.in_rhs = old;
        x
    }
}
