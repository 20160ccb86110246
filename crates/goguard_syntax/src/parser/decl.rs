//! Declarations and specs (go/parser's import, const, var, type and func productions).

use super::{Parser, SyncSet};
use crate::ast::*;
use crate::token::Tok;

impl Parser<'_> {
    fn parse_import_spec(&mut self, doc: Option<CommentGroupId>) -> NodeId {
        let name = match self.tok {
            Tok::Ident => Some(self.parse_ident()),
            Tok::Period => {
                let id = self.push(Node::Ident {
                    pos: self.pos,
                    end: self.pos + 1,
                    synthetic: false,
                });
                self.next();
                Some(id)
            }
            _ => None,
        };
        let pos = self.pos;
        let mut end = self.pos;
        if self.tok == Tok::String {
            end = self.end;
            self.next();
        } else if self.tok.is_literal() {
            self.error(pos, "import path must be a string");
            self.next();
        } else {
            self.error(pos, "missing import path");
            self.advance(SyncSet::ExprEnd);
        }
        let comment = self.expect_semi();
        let path = self.push(Node::BasicLit {
            pos,
            end,
            kind: Tok::String,
        });
        self.push(Node::ImportSpec {
            doc,
            name,
            path,
            comment,
        })
    }

    fn parse_value_spec(&mut self, doc: Option<CommentGroupId>, keyword: Tok) -> NodeId {
        let mark = self.mark();
        let id = self.parse_ident();
        self.scratch.push(id);
        while self.tok == Tok::Comma {
            self.next();
            let id = self.parse_ident();
            self.scratch.push(id);
        }
        let names = self.finish_list(mark);
        let mut ty = None;
        let mut values = List::default();
        if keyword == Tok::Const {
            // always permit optional type and initialization for more tolerant parsing
            if self.tok != Tok::Eof && self.tok != Tok::Semicolon && self.tok != Tok::Rparen {
                ty = self.try_ident_or_type();
                if self.tok == Tok::Assign {
                    self.next();
                    values = self.parse_list(true);
                }
            }
        } else {
            if self.tok != Tok::Assign {
                ty = Some(self.parse_type());
            }
            if self.tok == Tok::Assign {
                self.next();
                values = self.parse_list(true);
            }
        }
        let comment = self.expect_semi();
        self.push(Node::ValueSpec {
            doc,
            names,
            ty,
            values,
            comment,
        })
    }

    fn parse_generic_type(
        &mut self,
        open_pos: Pos,
        name0: NodeId,
        typ0: Option<NodeId>,
    ) -> (NodeId, Pos, NodeId) {
        let list = self.parse_parameter_list(Some(name0), typ0, Tok::Rbrack, false);
        let close_pos = self.expect(Tok::Rbrack);
        let list = self.make_list(&list);
        let tparams = self.push(Node::FieldList {
            opening: open_pos,
            list,
            closing: close_pos,
        });
        let mut assign = NO_POS;
        if self.tok == Tok::Assign {
            // type alias
            assign = self.pos;
            self.next();
        }
        let ty = self.parse_type();
        (tparams, assign, ty)
    }

    fn parse_type_spec(&mut self, doc: Option<CommentGroupId>) -> NodeId {
        let name = self.parse_ident();
        let mut type_params = None;
        let mut assign = NO_POS;
        let ty;
        if self.tok == Tok::Lbrack {
            // spec.Name "[" ...
            // array/slice type or type parameter list
            let lbrack = self.pos;
            self.next();
            if self.tok == Tok::Ident {
                // We may have an array type or a type parameter list. In either case we
                // expect an expression x (which may just be a name, or a more complex
                // expression) which we can analyze further.
                let mut x = self.parse_ident();
                if self.tok != Tok::Lbrack {
                    // To parse the expression starting with name, expand the call sequence
                    // we would get by passing in name to parser.expr, and pass in name to
                    // parsePrimaryExpr.
                    self.expr_lev += 1;
                    let lhs = self.parse_primary_expr(Some(x));
                    x = self.parse_binary_expr(Some(lhs), 1);
                    self.expr_lev -= 1;
                }
                // Analyze expression x. If we can split x into a type parameter name,
                // possibly followed by a type parameter type, we consider this the start
                // of a type parameter list, with some caveats: a single name followed by
                // "]" tilts the decision towards an array declaration; a type parameter
                // type that could also be an ordinary expression but which is followed by
                // a comma tilts the decision towards a type parameter list.
                let force = self.tok == Tok::Comma;
                let (pname, ptype) = self.extract_name(x, force);
                match pname {
                    Some(pname) if ptype.is_some() || self.tok != Tok::Rbrack => {
                        let (tp, a, t) = self.parse_generic_type(lbrack, pname, ptype);
                        type_params = Some(tp);
                        assign = a;
                        ty = t;
                    }
                    _ => ty = self.parse_array_type(lbrack, Some(x)),
                }
            } else {
                ty = self.parse_array_type(lbrack, None);
            }
        } else {
            // no type parameters
            if self.tok == Tok::Assign {
                // type alias
                assign = self.pos;
                self.next();
            }
            ty = self.parse_type();
        }
        let comment = self.expect_semi();
        self.push(Node::TypeSpec {
            doc,
            name,
            type_params,
            assign,
            ty,
            comment,
        })
    }

    /// Splits x into a type parameter name and, if any, its constraint, as go/parser's
    /// extractName: `P *C`, `P *C|D`, `P (C)` parse as binary or call expressions first.
    /// The `|` case recurses down the left spine in go/parser; here it is a loop.
    fn extract_name(&mut self, x: NodeId, force: bool) -> (Option<NodeId>, Option<NodeId>) {
        // Walk down the left operands of `|` operators, computing each level's `force`.
        let mut spine = Vec::new();
        let (mut cur, mut f) = (x, force);
        while let Node::BinaryExpr {
            x: bx,
            op: Tok::Or,
            y,
            ..
        } = self.node(cur)
        {
            spine.push(cur);
            f = f || self.is_type_elem(y);
            cur = bx;
        }
        let (mut name, mut typ) = match self.node(cur) {
            Node::Ident { .. } => (Some(cur), None),
            Node::BinaryExpr {
                x: bx,
                op_pos,
                op: Tok::Mul,
                y,
            } if matches!(self.node(bx), Node::Ident { .. }) && (f || self.is_type_elem(y)) => {
                // x = name *x.Y
                let star = self.push(Node::StarExpr { star: op_pos, x: y });
                (Some(bx), Some(star))
            }
            Node::CallExpr {
                fun,
                lparen,
                args,
                ellipsis,
                rparen,
            } if matches!(self.node(fun), Node::Ident { .. })
                && args.len == 1
                && ellipsis == NO_POS
                && (f || self.is_type_elem(self.ast.list(args)[0])) =>
            {
                // x = name (x.Arg)
                let a = self.ast.list(args)[0];
                let p = self.push(Node::ParenExpr {
                    lparen,
                    x: a,
                    rparen,
                });
                (Some(fun), Some(p))
            }
            _ => (None, Some(cur)),
        };
        // Back up the spine: x = name lhs|x.Y while the split succeeds.
        for &node in spine.iter().rev() {
            let Node::BinaryExpr { op_pos, y, .. } = self.node(node) else {
                unreachable!()
            };
            (name, typ) = match (name, typ) {
                (Some(n), Some(lhs)) => (
                    Some(n),
                    Some(self.push(Node::BinaryExpr {
                        x: lhs,
                        op_pos,
                        op: Tok::Or,
                        y,
                    })),
                ),
                _ => (None, Some(node)),
            };
        }
        (name, typ)
    }

    /// Reports whether x is a (possibly parenthesized) type element expression
    /// (iterative: operands of binary expressions are visited with a work list).
    fn is_type_elem(&self, x: NodeId) -> bool {
        let mut work = vec![x];
        while let Some(x) = work.pop() {
            match self.node(x) {
                Node::ArrayType { .. }
                | Node::StructType { .. }
                | Node::FuncType { .. }
                | Node::InterfaceType { .. }
                | Node::MapType { .. }
                | Node::ChanType { .. } => return true,
                Node::BinaryExpr { x, y, .. } => {
                    work.push(y);
                    work.push(x);
                }
                Node::UnaryExpr { op: Tok::Tilde, .. } => return true,
                Node::ParenExpr { x, .. } => work.push(x),
                _ => {}
            }
        }
        false
    }

    fn parse_spec(&mut self, keyword: Tok, doc: Option<CommentGroupId>) -> NodeId {
        match keyword {
            Tok::Import => self.parse_import_spec(doc),
            Tok::Type => self.parse_type_spec(doc),
            _ => self.parse_value_spec(doc, keyword),
        }
    }

    pub(crate) fn parse_gen_decl(&mut self, keyword: Tok) -> NodeId {
        let doc = self.lead_comment;
        let tok_pos = self.expect(keyword);
        let (mut lparen, mut rparen) = (NO_POS, NO_POS);
        let mark = self.mark();
        if self.tok == Tok::Lparen {
            lparen = self.pos;
            self.next();
            let mut g = self.guard();
            while self.tok != Tok::Rparen && self.tok != Tok::Eof && self.progressing(&mut g) {
                let doc = self.lead_comment;
                let s = self.parse_spec(keyword, doc);
                self.scratch.push(s);
            }
            let specs = self.finish_list(mark);
            rparen = self.expect(Tok::Rparen);
            self.expect_semi();
            return self.push(Node::GenDecl {
                doc,
                tok_pos,
                tok: keyword,
                lparen,
                specs,
                rparen,
            });
        }
        let s = self.parse_spec(keyword, None);
        self.scratch.push(s);
        let specs = self.finish_list(mark);
        self.push(Node::GenDecl {
            doc,
            tok_pos,
            tok: keyword,
            lparen,
            specs,
            rparen,
        })
    }

    fn parse_func_decl(&mut self) -> NodeId {
        let doc = self.lead_comment;
        let func_pos = self.expect(Tok::Func);
        let mut recv = None;
        if self.tok == Tok::Lparen {
            recv = self.parse_parameters(false);
        }
        let name = self.parse_ident();
        let mut type_params = None;
        if self.tok == Tok::Lbrack {
            type_params = self.parse_type_parameters();
            if let (Some(_), Some(tp)) = (recv, type_params) {
                // Method declarations do not have type parameters. We parse them for a
                // better error message and improved error recovery.
                if let Node::FieldList { opening, .. } = self.node(tp) {
                    self.error(opening, "method must have no type parameters");
                }
                type_params = None;
            }
        }
        let params = self.parse_parameters(false).expect("params always present");
        let results = self.parse_parameters(true);
        let mut body = None;
        match self.tok {
            Tok::Lbrace => {
                body = Some(self.parse_body());
                self.expect_semi();
            }
            Tok::Semicolon => {
                self.next();
                if self.tok == Tok::Lbrace {
                    // opening { of function declaration on next line
                    self.error(self.pos, "unexpected semicolon or newline before {");
                    body = Some(self.parse_body());
                    self.expect_semi();
                }
            }
            _ => {
                self.expect_semi();
            }
        }
        let ty = self.push(Node::FuncType {
            func_pos,
            type_params,
            params,
            results,
        });
        self.push(Node::FuncDecl {
            doc,
            recv,
            name,
            ty,
            body,
        })
    }

    pub(crate) fn parse_decl(&mut self, sync: SyncSet) -> NodeId {
        match self.tok {
            Tok::Import | Tok::Const | Tok::Var | Tok::Type => self.parse_gen_decl(self.tok),
            Tok::Func => self.parse_func_decl(),
            _ => {
                let pos = self.pos;
                self.error_expected(pos, "declaration");
                self.advance(sync);
                self.push(Node::BadDecl {
                    from: pos,
                    to: self.pos,
                })
            }
        }
    }
}
