//! Types, field lists, parameters and type parameters (go/parser's type productions).

use super::{Parser, SyncSet};
use crate::ast::*;
use crate::token::Tok;

/// A parameter being assembled: optional name and optional type (go/parser's `field`).
#[derive(Clone, Copy)]
pub(crate) struct Param {
    name: Option<NodeId>,
    typ: Option<NodeId>,
}

impl Parser<'_> {
    pub(crate) fn parse_ident(&mut self) -> NodeId {
        let pos = self.pos;
        if self.tok == Tok::Ident {
            let end = self.end;
            self.next();
            self.push(Node::Ident {
                pos,
                end,
                synthetic: false,
            })
        } else {
            self.expect(Tok::Ident);
            self.push(Node::Ident {
                pos,
                end: pos + 1,
                synthetic: true,
            })
        }
    }

    pub(crate) fn parse_type(&mut self) -> NodeId {
        match self.try_ident_or_type() {
            Some(t) => t,
            None => {
                let pos = self.pos;
                self.error_expected(pos, "type");
                self.advance(SyncSet::ExprEnd);
                self.push(Node::BadExpr {
                    from: pos,
                    to: self.pos,
                })
            }
        }
    }

    pub(crate) fn parse_qualified_ident(&mut self, ident: Option<NodeId>) -> NodeId {
        let typ = self.parse_type_name(ident);
        if self.tok == Tok::Lbrack {
            return self.parse_type_instance(typ);
        }
        typ
    }

    pub(crate) fn parse_type_name(&mut self, ident: Option<NodeId>) -> NodeId {
        let ident = match ident {
            Some(i) => i,
            None => self.parse_ident(),
        };
        if self.tok == Tok::Period {
            self.next();
            let sel = self.parse_ident();
            return self.push(Node::SelectorExpr { x: ident, sel });
        }
        ident
    }

    pub(crate) fn parse_array_type(&mut self, lbrack: Pos, len: Option<NodeId>) -> NodeId {
        let mut len = len;
        if len.is_none() {
            self.expr_lev += 1;
            if self.tok == Tok::Ellipsis {
                len = Some(self.push(Node::Ellipsis {
                    pos: self.pos,
                    elt: None,
                }));
                self.next();
            } else if self.tok != Tok::Rbrack {
                len = Some(self.parse_rhs());
            }
            self.expr_lev -= 1;
        }
        if self.tok == Tok::Comma {
            self.error(self.pos, "unexpected comma; expecting ]");
            self.next();
        }
        self.expect(Tok::Rbrack);
        let elt = self.parse_type();
        self.push(Node::ArrayType { lbrack, len, elt })
    }

    /// `[` after a field or parameter name: an array type or a generic type instance.
    /// Returns (name, type); name is None when it was an instance.
    pub(crate) fn parse_array_field_or_type_instance(
        &mut self,
        x: NodeId,
    ) -> (Option<NodeId>, NodeId) {
        let lbrack = self.expect(Tok::Lbrack);
        let mut trailing_comma = NO_POS;
        let mut args = Vec::new();
        if self.tok != Tok::Rbrack {
            self.expr_lev += 1;
            args.push(self.parse_rhs());
            while self.tok == Tok::Comma {
                let comma = self.pos;
                self.next();
                if self.tok == Tok::Rbrack {
                    trailing_comma = comma;
                    break;
                }
                args.push(self.parse_rhs());
            }
            self.expr_lev -= 1;
        }
        let rbrack = self.expect(Tok::Rbrack);
        if args.is_empty() {
            let elt = self.parse_type();
            return (
                Some(x),
                self.push(Node::ArrayType {
                    lbrack,
                    len: None,
                    elt,
                }),
            );
        }
        if args.len() == 1 {
            if let Some(elt) = self.try_ident_or_type() {
                if trailing_comma != NO_POS {
                    self.error(trailing_comma, "unexpected comma; expecting ]");
                }
                return (
                    Some(x),
                    self.push(Node::ArrayType {
                        lbrack,
                        len: Some(args[0]),
                        elt,
                    }),
                );
            }
        }
        (None, self.pack_index_expr(x, lbrack, &args, rbrack))
    }

    pub(crate) fn pack_index_expr(
        &mut self,
        x: NodeId,
        lbrack: Pos,
        exprs: &[NodeId],
        rbrack: Pos,
    ) -> NodeId {
        if exprs.len() == 1 {
            self.push(Node::IndexExpr {
                x,
                lbrack,
                index: exprs[0],
                rbrack,
            })
        } else {
            let indices = self.make_list(exprs);
            self.push(Node::IndexListExpr {
                x,
                lbrack,
                indices,
                rbrack,
            })
        }
    }

    fn parse_field_decl(&mut self) -> NodeId {
        let doc = self.lead_comment;
        let mut names: Vec<NodeId> = Vec::new();
        let typ;
        match self.tok {
            Tok::Ident => {
                let name = self.parse_ident();
                if matches!(
                    self.tok,
                    Tok::Period | Tok::String | Tok::Semicolon | Tok::Rbrace
                ) {
                    typ = if self.tok == Tok::Period {
                        self.parse_qualified_ident(Some(name))
                    } else {
                        name
                    };
                } else {
                    names.push(name);
                    while self.tok == Tok::Comma {
                        self.next();
                        names.push(self.parse_ident());
                    }
                    if names.len() == 1 && self.tok == Tok::Lbrack {
                        let (n, t) = self.parse_array_field_or_type_instance(name);
                        if n.is_none() {
                            names.clear();
                        }
                        typ = t;
                    } else {
                        typ = self.parse_type();
                    }
                }
            }
            Tok::Mul => {
                let star = self.pos;
                self.next();
                let x = if self.tok == Tok::Lparen {
                    self.error(self.pos, "cannot parenthesize embedded type");
                    self.next();
                    let t = self.parse_qualified_ident(None);
                    if self.tok == Tok::Rparen {
                        self.next();
                    }
                    t
                } else {
                    self.parse_qualified_ident(None)
                };
                typ = self.push(Node::StarExpr { star, x });
            }
            Tok::Lparen => {
                self.error(self.pos, "cannot parenthesize embedded type");
                self.next();
                if self.tok == Tok::Mul {
                    let star = self.pos;
                    self.next();
                    let x = self.parse_qualified_ident(None);
                    typ = self.push(Node::StarExpr { star, x });
                } else {
                    typ = self.parse_qualified_ident(None);
                }
                if self.tok == Tok::Rparen {
                    self.next();
                }
            }
            _ => {
                let pos = self.pos;
                self.error_expected(pos, "field name or embedded type");
                self.advance(SyncSet::ExprEnd);
                typ = self.push(Node::BadExpr {
                    from: pos,
                    to: self.pos,
                });
            }
        }
        let mut tag = None;
        if self.tok == Tok::String {
            tag = Some(self.push(Node::BasicLit {
                pos: self.pos,
                end: self.end,
                kind: Tok::String,
            }));
            self.next();
        }
        let comment = self.expect_semi();
        let names = self.make_list(&names);
        self.push(Node::Field {
            doc,
            names,
            ty: Some(typ),
            tag,
            comment,
        })
    }

    pub(crate) fn parse_struct_type(&mut self) -> NodeId {
        let struct_pos = self.expect(Tok::Struct);
        let lbrace = self.expect(Tok::Lbrace);
        let mark = self.mark();
        let mut g = self.guard();
        while matches!(self.tok, Tok::Ident | Tok::Mul | Tok::Lparen) && self.progressing(&mut g) {
            let f = self.parse_field_decl();
            self.scratch.push(f);
        }
        let list = self.finish_list(mark);
        let rbrace = self.expect(Tok::Rbrace);
        let fields = self.push(Node::FieldList {
            opening: lbrace,
            list,
            closing: rbrace,
        });
        self.push(Node::StructType {
            struct_pos,
            fields,
            incomplete: false,
        })
    }

    fn parse_pointer_type(&mut self) -> NodeId {
        let star = self.expect(Tok::Mul);
        let x = self.parse_type();
        self.push(Node::StarExpr { star, x })
    }

    fn parse_dots_type(&mut self) -> NodeId {
        let pos = self.expect(Tok::Ellipsis);
        let elt = self.parse_type();
        self.push(Node::Ellipsis {
            pos,
            elt: Some(elt),
        })
    }

    fn parse_param_decl(&mut self, name: Option<NodeId>, type_sets_ok: bool) -> Param {
        let mut f = Param {
            name: None,
            typ: None,
        };
        let mut tok = self.tok;
        if name.is_some() {
            tok = Tok::Ident; // force the identifier case below
        } else if type_sets_ok && self.tok == Tok::Tilde {
            return Param {
                name: None,
                typ: Some(self.embedded_elem(None)),
            };
        }
        match tok {
            Tok::Ident => {
                f.name = match name {
                    Some(n) => Some(n),
                    None => Some(self.parse_ident()),
                };
                match self.tok {
                    Tok::Ident
                    | Tok::Mul
                    | Tok::Arrow
                    | Tok::Func
                    | Tok::Chan
                    | Tok::Map
                    | Tok::Struct
                    | Tok::Interface
                    | Tok::Lparen => f.typ = Some(self.parse_type()),
                    Tok::Lbrack => {
                        let (n, t) = self.parse_array_field_or_type_instance(f.name.unwrap());
                        f.name = n;
                        f.typ = Some(t);
                    }
                    Tok::Ellipsis => {
                        f.typ = Some(self.parse_dots_type());
                        return f;
                    }
                    Tok::Period => {
                        f.typ = Some(self.parse_qualified_ident(f.name));
                        f.name = None;
                    }
                    Tok::Tilde if type_sets_ok => {
                        f.typ = Some(self.embedded_elem(None));
                        return f;
                    }
                    Tok::Or if type_sets_ok => {
                        f.typ = Some(self.embedded_elem(f.name));
                        f.name = None;
                        return f;
                    }
                    _ => {}
                }
            }
            Tok::Mul
            | Tok::Arrow
            | Tok::Func
            | Tok::Lbrack
            | Tok::Chan
            | Tok::Map
            | Tok::Struct
            | Tok::Interface
            | Tok::Lparen => f.typ = Some(self.parse_type()),
            Tok::Ellipsis => {
                f.typ = Some(self.parse_dots_type());
                return f;
            }
            _ => {
                self.error_expected(self.pos, "')'");
                self.advance(SyncSet::ExprEnd);
            }
        }
        if type_sets_ok && self.tok == Tok::Or && f.typ.is_some() {
            f.typ = Some(self.embedded_elem(f.typ));
        }
        f
    }

    /// go/parser's parseParameterList: returns the Field nodes.
    pub(crate) fn parse_parameter_list(
        &mut self,
        name0: Option<NodeId>,
        typ0: Option<NodeId>,
        closing: Tok,
        dddok: bool,
    ) -> Vec<NodeId> {
        let tparams = closing == Tok::Rbrack;
        let pos0 = match (name0, typ0) {
            (Some(n), _) => self.ast.pos(n),
            (None, Some(t)) => self.ast.pos(t),
            _ => self.pos,
        };
        let (mut name0, mut typ0) = (name0, typ0);
        let mut list: Vec<Param> = Vec::new();
        let mut named = 0;
        let mut typed = 0;
        let mut g = self.guard();
        while (name0.is_some() || (self.tok != closing && self.tok != Tok::Eof))
            && self.progressing(&mut g)
        {
            let par = if let Some(t) = typ0 {
                let t = if tparams {
                    self.embedded_elem(Some(t))
                } else {
                    t
                };
                Param {
                    name: name0,
                    typ: Some(t),
                }
            } else {
                self.parse_param_decl(name0, tparams)
            };
            name0 = None;
            typ0 = None;
            if par.name.is_some() || par.typ.is_some() {
                list.push(par);
                if par.name.is_some() && par.typ.is_some() {
                    named += 1;
                }
                if par.typ.is_some() {
                    typed += 1;
                }
            }
            if !self.at_comma("parameter list", closing) {
                break;
            }
            self.next();
        }
        if list.is_empty() {
            return Vec::new();
        }
        if named == 0 {
            // All unnamed: the "names" are types.
            for par in &mut list {
                if let Some(t) = par.name.take() {
                    par.typ = Some(t);
                }
            }
            if tparams {
                let (err_pos, msg) = if named == typed {
                    (self.pos, "missing type constraint".to_string())
                } else {
                    let mut m = "missing type parameter name".to_string();
                    if list.len() == 1 {
                        m.push_str(" or invalid array length");
                    }
                    (pos0, m)
                };
                self.error(err_pos, msg);
            }
        } else if named != list.len() {
            // Some named: distribute types right to left.
            let mut err_pos = NO_POS;
            let mut typ: Option<NodeId> = None;
            for i in (0..list.len()).rev() {
                let par = &mut list[i];
                if let Some(t) = par.typ {
                    typ = Some(t);
                    if par.name.is_none() {
                        err_pos = self.ast.pos(t);
                        let n = self.push(Node::Ident {
                            pos: err_pos,
                            end: err_pos + 1,
                            synthetic: true,
                        });
                        list[i].name = Some(n);
                    }
                } else if typ.is_some() {
                    par.typ = typ;
                } else {
                    let name_pos = self.ast.pos(par.name.unwrap());
                    err_pos = name_pos;
                    let to = self.pos;
                    list[i].typ = Some(self.push(Node::BadExpr { from: name_pos, to }));
                }
            }
            if err_pos != NO_POS {
                let msg;
                if named == typed {
                    err_pos = self.pos;
                    msg = if tparams {
                        "missing type constraint"
                    } else {
                        "missing parameter type"
                    }
                    .to_string();
                } else if tparams {
                    let mut m = "missing type parameter name".to_string();
                    if list.len() == 1 {
                        m.push_str(" or invalid array length");
                    }
                    msg = m;
                } else {
                    msg = "missing parameter name".to_string();
                }
                self.error(err_pos, msg);
            }
        }
        // "..." is only allowed on the final parameter.
        let mut first = true;
        let n = list.len();
        for (i, f) in list.iter_mut().enumerate() {
            if let Some(t) = f.typ {
                if let Node::Ellipsis { pos, .. } = self.node(t) {
                    if !dddok || i + 1 < n {
                        if first {
                            first = false;
                            let msg = if dddok {
                                "can only use ... with final parameter"
                            } else {
                                "invalid use of ..."
                            };
                            self.error(pos, msg);
                        }
                        let (from, to) = (self.ast.pos(t), self.ast.end(t));
                        f.typ = Some(self.push(Node::BadExpr { from, to }));
                    }
                }
            }
        }
        let mut params = Vec::new();
        if named == 0 {
            for par in &list {
                let ty = par.typ;
                let names = List::default();
                params.push(self.push(Node::Field {
                    doc: None,
                    names,
                    ty,
                    tag: None,
                    comment: None,
                }));
            }
            return params;
        }
        // Group consecutive names sharing one type node into a Field.
        let mut names: Vec<NodeId> = Vec::new();
        let mut typ: Option<NodeId> = None;
        for par in &list {
            if par.typ != typ {
                if !names.is_empty() {
                    let l = self.make_list(&names);
                    params.push(self.push(Node::Field {
                        doc: None,
                        names: l,
                        ty: typ,
                        tag: None,
                        comment: None,
                    }));
                    names.clear();
                }
                typ = par.typ;
            }
            if let Some(n) = par.name {
                names.push(n);
            }
        }
        if !names.is_empty() {
            let l = self.make_list(&names);
            params.push(self.push(Node::Field {
                doc: None,
                names: l,
                ty: typ,
                tag: None,
                comment: None,
            }));
        }
        params
    }

    pub(crate) fn parse_type_parameters(&mut self) -> Option<NodeId> {
        let lbrack = self.expect(Tok::Lbrack);
        let mut list = Vec::new();
        if self.tok != Tok::Rbrack {
            list = self.parse_parameter_list(None, None, Tok::Rbrack, false);
        }
        let rbrack = self.expect(Tok::Rbrack);
        if list.is_empty() {
            self.error(rbrack, "empty type parameter list");
            return None;
        }
        let list = self.make_list(&list);
        Some(self.push(Node::FieldList {
            opening: lbrack,
            list,
            closing: rbrack,
        }))
    }

    pub(crate) fn parse_parameters(&mut self, result: bool) -> Option<NodeId> {
        if !result || self.tok == Tok::Lparen {
            let lparen = self.expect(Tok::Lparen);
            let mut list = Vec::new();
            if self.tok != Tok::Rparen {
                list = self.parse_parameter_list(None, None, Tok::Rparen, !result);
            }
            let rparen = self.expect(Tok::Rparen);
            let list = self.make_list(&list);
            return Some(self.push(Node::FieldList {
                opening: lparen,
                list,
                closing: rparen,
            }));
        }
        let typ = self.try_ident_or_type()?;
        let names = List::default();
        let f = self.push(Node::Field {
            doc: None,
            names,
            ty: Some(typ),
            tag: None,
            comment: None,
        });
        let list = self.make_list(&[f]);
        Some(self.push(Node::FieldList {
            opening: NO_POS,
            list,
            closing: NO_POS,
        }))
    }

    pub(crate) fn parse_func_type(&mut self) -> NodeId {
        let func_pos = self.expect(Tok::Func);
        if self.tok == Tok::Lbrack {
            if let Some(tp) = self.parse_type_parameters() {
                if let Node::FieldList { opening, .. } = self.node(tp) {
                    self.error(opening, "function type must have no type parameters");
                }
            }
        }
        let params = self.parse_parameters(false).expect("params always present");
        let results = self.parse_parameters(true);
        self.push(Node::FuncType {
            func_pos,
            type_params: None,
            params,
            results,
        })
    }

    fn parse_method_spec(&mut self) -> (Option<CommentGroupId>, List, NodeId) {
        let doc = self.lead_comment;
        let mut idents = List::default();
        let typ;
        let x = self.parse_type_name(None);
        if let Node::Ident { .. } = self.node(x) {
            let ident = x;
            if self.tok == Tok::Lbrack {
                let lbrack = self.pos;
                self.next();
                self.expr_lev += 1;
                let x = self.parse_expr();
                self.expr_lev -= 1;
                if matches!(self.node(x), Node::Ident { .. })
                    && self.tok != Tok::Comma
                    && self.tok != Tok::Rbrack
                {
                    // Generic method: parse and discard the type parameters.
                    let _ = self.parse_parameter_list(Some(x), None, Tok::Rbrack, false);
                    self.expect(Tok::Rbrack);
                    self.error(lbrack, "interface method must have no type parameters");
                    let params = self.parse_parameters(false).expect("params");
                    let results = self.parse_parameters(true);
                    idents = self.make_list(&[ident]);
                    typ = self.push(Node::FuncType {
                        func_pos: NO_POS,
                        type_params: None,
                        params,
                        results,
                    });
                } else {
                    let mut list = vec![x];
                    if self.at_comma("type argument list", Tok::Rbrack) {
                        self.expr_lev += 1;
                        self.next();
                        while self.tok != Tok::Rbrack && self.tok != Tok::Eof {
                            list.push(self.parse_type());
                            if !self.at_comma("type argument list", Tok::Rbrack) {
                                break;
                            }
                            self.next();
                        }
                        self.expr_lev -= 1;
                    }
                    let rbrack = self.expect_closing(Tok::Rbrack, "type argument list");
                    typ = self.pack_index_expr(ident, lbrack, &list, rbrack);
                }
            } else if self.tok == Tok::Lparen {
                let params = self.parse_parameters(false).expect("params");
                let results = self.parse_parameters(true);
                idents = self.make_list(&[ident]);
                typ = self.push(Node::FuncType {
                    func_pos: NO_POS,
                    type_params: None,
                    params,
                    results,
                });
            } else {
                typ = x;
            }
        } else {
            typ = if self.tok == Tok::Lbrack {
                self.parse_type_instance(x)
            } else {
                x
            };
        }
        (doc, idents, typ)
    }

    pub(crate) fn embedded_elem(&mut self, x: Option<NodeId>) -> NodeId {
        let mut x = match x {
            Some(x) => x,
            None => self.embedded_term(),
        };
        while self.tok == Tok::Or {
            let op_pos = self.pos;
            self.next();
            let y = self.embedded_term();
            x = self.push(Node::BinaryExpr {
                x,
                op_pos,
                op: Tok::Or,
                y,
            });
        }
        x
    }

    fn embedded_term(&mut self) -> NodeId {
        if self.tok == Tok::Tilde {
            let op_pos = self.pos;
            self.next();
            let x = self.parse_type();
            return self.push(Node::UnaryExpr {
                op_pos,
                op: Tok::Tilde,
                x,
            });
        }
        match self.try_ident_or_type() {
            Some(t) => t,
            None => {
                let pos = self.pos;
                self.error_expected(pos, "~ term or type");
                self.advance(SyncSet::ExprEnd);
                self.push(Node::BadExpr {
                    from: pos,
                    to: self.pos,
                })
            }
        }
    }

    pub(crate) fn parse_interface_type(&mut self) -> NodeId {
        let interface_pos = self.expect(Tok::Interface);
        let lbrace = self.expect(Tok::Lbrace);
        let mark = self.mark();
        let mut g = self.guard();
        while self.progressing(&mut g) {
            let field = if self.tok == Tok::Ident {
                let (doc, names, mut typ) = self.parse_method_spec();
                if names.is_empty() {
                    typ = self.embedded_elem(Some(typ));
                }
                let comment = self.expect_semi();
                Node::Field {
                    doc,
                    names,
                    ty: Some(typ),
                    tag: None,
                    comment,
                }
            } else if self.tok == Tok::Tilde {
                let typ = self.embedded_elem(None);
                let comment = self.expect_semi();
                Node::Field {
                    doc: None,
                    names: List::default(),
                    ty: Some(typ),
                    tag: None,
                    comment,
                }
            } else if let Some(t) = self.try_ident_or_type() {
                let typ = self.embedded_elem(Some(t));
                let comment = self.expect_semi();
                Node::Field {
                    doc: None,
                    names: List::default(),
                    ty: Some(typ),
                    tag: None,
                    comment,
                }
            } else {
                break;
            };
            let f = self.push(field);
            self.scratch.push(f);
        }
        let list = self.finish_list(mark);
        let rbrace = self.expect(Tok::Rbrace);
        let methods = self.push(Node::FieldList {
            opening: lbrace,
            list,
            closing: rbrace,
        });
        self.push(Node::InterfaceType {
            interface_pos,
            methods,
            incomplete: false,
        })
    }

    fn parse_map_type(&mut self) -> NodeId {
        let map_pos = self.expect(Tok::Map);
        self.expect(Tok::Lbrack);
        let key = self.parse_type();
        self.expect(Tok::Rbrack);
        let value = self.parse_type();
        self.push(Node::MapType {
            map_pos,
            key,
            value,
        })
    }

    fn parse_chan_type(&mut self) -> NodeId {
        let begin = self.pos;
        let mut dir = SEND | RECV;
        let mut arrow = NO_POS;
        if self.tok == Tok::Chan {
            self.next();
            if self.tok == Tok::Arrow {
                arrow = self.pos;
                self.next();
                dir = SEND;
            }
        } else {
            arrow = self.expect(Tok::Arrow);
            self.expect(Tok::Chan);
            dir = RECV;
        }
        let value = self.parse_type();
        self.push(Node::ChanType {
            begin,
            arrow,
            dir,
            value,
        })
    }

    pub(crate) fn parse_type_instance(&mut self, typ: NodeId) -> NodeId {
        let opening = self.expect(Tok::Lbrack);
        self.expr_lev += 1;
        let mut list = Vec::new();
        while self.tok != Tok::Rbrack && self.tok != Tok::Eof {
            list.push(self.parse_type());
            if !self.at_comma("type argument list", Tok::Rbrack) {
                break;
            }
            self.next();
        }
        self.expr_lev -= 1;
        let closing = self.expect_closing(Tok::Rbrack, "type argument list");
        if list.is_empty() {
            self.error_expected(closing, "type argument list");
            let index = self.push(Node::BadExpr {
                from: opening + 1,
                to: closing,
            });
            return self.push(Node::IndexExpr {
                x: typ,
                lbrack: opening,
                index,
                rbrack: closing,
            });
        }
        self.pack_index_expr(typ, opening, &list, closing)
    }

    pub(crate) fn try_ident_or_type(&mut self) -> Option<NodeId> {
        if !self.enter() {
            return None;
        }
        let r = match self.tok {
            Tok::Ident => {
                let typ = self.parse_type_name(None);
                Some(if self.tok == Tok::Lbrack {
                    self.parse_type_instance(typ)
                } else {
                    typ
                })
            }
            Tok::Lbrack => {
                let lbrack = self.expect(Tok::Lbrack);
                Some(self.parse_array_type(lbrack, None))
            }
            Tok::Struct => Some(self.parse_struct_type()),
            Tok::Mul => Some(self.parse_pointer_type()),
            Tok::Func => Some(self.parse_func_type()),
            Tok::Interface => Some(self.parse_interface_type()),
            Tok::Map => Some(self.parse_map_type()),
            Tok::Chan | Tok::Arrow => Some(self.parse_chan_type()),
            Tok::Lparen => {
                let lparen = self.pos;
                self.next();
                let x = self.parse_type();
                let rparen = self.expect(Tok::Rparen);
                Some(self.push(Node::ParenExpr { lparen, x, rparen }))
            }
            _ => None,
        };
        self.leave();
        r
    }
}
