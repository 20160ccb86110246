//! Statements: the implicit scopes of if/for/range/switch/select and their
//! clauses, type switches, `:=` (reusing names of the same scope) and local
//! declarations.

use goguard_syntax::{List, Node, NodeId, Tok};

use super::Builder;
use super::MAX_WALK_DEPTH;
use crate::model::summary;
use crate::model::{BindingKind, Type};

impl<'a> Builder<'a> {
    pub(super) fn enter(&mut self) -> bool {
        self.depth += 1;
        self.depth <= MAX_WALK_DEPTH
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    pub(super) fn stmts(&mut self, list: List) {
        for &s in self.list(list) {
            self.stmt(s);
        }
    }

    pub(super) fn stmt(&mut self, s: NodeId) {
        if self.enter() {
            self.stmt_inner(s);
        }
        self.leave();
    }

    pub(super) fn stmt_inner(&mut self, s: NodeId) {
        match self.node(s) {
            Node::DeclStmt { decl } => self.local_decl(decl),
            Node::LabeledStmt { label, stmt, .. } => {
                self.declare_label(label);
                self.stmt(stmt);
            }
            Node::ExprStmt { x } | Node::IncDecStmt { x, .. } => self.expr(x),
            Node::SendStmt { chan, value, .. } => {
                self.expr(chan);
                self.expr(value);
            }
            Node::AssignStmt { lhs, tok, rhs, .. } => self.assign(lhs, tok, rhs),
            Node::GoStmt { call, .. } | Node::DeferStmt { call, .. } => self.expr(call),
            Node::ReturnStmt { results, .. } => {
                for &r in self.list(results) {
                    self.expr(r);
                }
            }
            Node::BranchStmt {
                label: Some(label), ..
            } => {
                let name = self.name(label);
                if let Some(l) = self.labels.last_mut() {
                    match l.names.get(name) {
                        Some(&b) => self.record_use(label, b),
                        None => l.pending.push(label),
                    }
                }
            }
            Node::BlockStmt { list, .. } => {
                self.scopes.push(s);
                self.stmts(list);
                self.scopes.pop();
            }
            Node::IfStmt {
                init,
                cond,
                body,
                else_,
                ..
            } => {
                self.scopes.push(s);
                if let Some(i) = init {
                    self.stmt(i);
                }
                self.expr(cond);
                self.stmt(body);
                if let Some(e) = else_ {
                    self.stmt(e);
                }
                self.scopes.pop();
            }
            Node::SwitchStmt {
                init, tag, body, ..
            } => {
                self.scopes.push(s);
                if let Some(i) = init {
                    self.stmt(i);
                }
                if let Some(t) = tag {
                    self.expr(t);
                }
                self.clauses(body);
                self.scopes.pop();
            }
            Node::TypeSwitchStmt {
                init, assign, body, ..
            } => self.type_switch(s, init, assign, body),
            Node::SelectStmt { body, .. } => self.clauses(body),
            Node::ForStmt {
                init,
                cond,
                post,
                body,
                ..
            } => {
                self.scopes.push(s);
                if let Some(i) = init {
                    self.stmt(i);
                }
                if let Some(c) = cond {
                    self.expr(c);
                }
                if let Some(p) = post {
                    self.stmt(p);
                }
                self.stmt(body);
                self.scopes.pop();
            }
            Node::RangeStmt {
                key,
                value,
                tok,
                x,
                body,
                ..
            } => {
                self.scopes.push(s);
                self.expr(x);
                if tok == Tok::Define {
                    let xt = self.m.type_of(self.file, x);
                    let (kt, vt) = self.m.range_types(&xt);
                    if let Some(k) = key {
                        self.declare_local(k, BindingKind::Var, kt);
                    }
                    if let Some(v) = value {
                        let b = self.declare_local(v, BindingKind::Var, vt);
                        self.m.remember_elem_node(b, self.file, x);
                    }
                } else {
                    if let Some(k) = key {
                        self.expr(k);
                    }
                    if let Some(v) = value {
                        self.expr(v);
                    }
                }
                self.stmt(body);
                self.scopes.pop();
            }
            _ => {}
        }
    }

    /// The case or comm clauses of a switch or select body, each its own scope.
    pub(super) fn clauses(&mut self, body: NodeId) {
        let Node::BlockStmt { list, .. } = self.node(body) else {
            return;
        };
        for &c in self.list(list) {
            match self.node(c) {
                Node::CaseClause { list, body, .. } => {
                    self.scopes.push(c);
                    for &e in self.list(list) {
                        self.expr(e);
                    }
                    self.stmts(body);
                    self.scopes.pop();
                }
                Node::CommClause { comm, body, .. } => {
                    self.scopes.push(c);
                    if let Some(comm) = comm {
                        self.stmt(comm);
                    }
                    self.stmts(body);
                    self.scopes.pop();
                }
                _ => self.stmt(c),
            }
        }
    }

    /// `switch v := x.(type)`: v is declared once per clause, with the
    /// clause's type when it lists exactly one, else x's type.
    pub(super) fn type_switch(
        &mut self,
        s: NodeId,
        init: Option<NodeId>,
        assign: NodeId,
        body: NodeId,
    ) {
        self.scopes.push(s);
        if let Some(i) = init {
            self.stmt(i);
        }
        let (var, guard) = match self.node(assign) {
            Node::AssignStmt { lhs, rhs, .. } => {
                let (l, r) = (self.list(lhs), self.list(rhs));
                let var = l
                    .first()
                    .copied()
                    .filter(|&v| l.len() == 1 && matches!(self.node(v), Node::Ident { .. }));
                (var, r.first().copied())
            }
            Node::ExprStmt { x } => (None, Some(x)),
            _ => (None, None),
        };
        let mut x_type = Type::Unknown;
        if let Some(g) = guard {
            match self.node(g) {
                Node::TypeAssertExpr { x, .. } => {
                    self.expr(x);
                    x_type = self.m.type_of(self.file, x);
                }
                _ => self.expr(g),
            }
        }
        let Node::BlockStmt { list, .. } = self.node(body) else {
            self.scopes.pop();
            return;
        };
        let mut first = true;
        for &c in self.list(list) {
            let Node::CaseClause { list, body, .. } = self.node(c) else {
                continue;
            };
            self.scopes.push(c);
            let types = self.list(list);
            for &t in types {
                self.expr(t);
            }
            if let Some(v) = var {
                let ty = match types {
                    [one] if self.name(*one) != "nil" => self.m.type_of_type_expr(self.file, *one),
                    _ => x_type.clone(),
                };
                let keep = if first {
                    None
                } else {
                    Some(self.m.res[self.file][v.index()])
                };
                self.declare_local(v, BindingKind::Var, ty);
                if let Some(prev) = keep {
                    // The identifier resolves to the first clause's binding.
                    self.m.res[self.file][v.index()] = prev;
                }
                first = false;
            }
            self.stmts(body);
            self.scopes.pop();
        }
        self.scopes.pop();
    }

    pub(super) fn assign(&mut self, lhs: List, tok: Tok, rhs: List) {
        if tok != Tok::Define {
            for &l in self.list(lhs) {
                self.expr(l);
            }
            for &r in self.list(rhs) {
                self.expr(r);
            }
            return;
        }
        for &r in self.list(rhs) {
            self.expr(r);
        }
        let (lhs, rhs) = (self.list(lhs), self.list(rhs));
        let types = self.m.rhs_types(self.file, lhs.len(), rhs);
        for (i, &l) in lhs.iter().enumerate() {
            if !matches!(self.node(l), Node::Ident { .. }) {
                self.expr(l);
                continue;
            }
            let name = self.name(l);
            if name == "_" {
                continue;
            }
            match self.scopes.in_current(name) {
                Some(b) => self.record_use(l, b),
                None => {
                    let t = types.get(i).cloned().unwrap_or_default();
                    let b = self.declare_local(l, BindingKind::Var, t);
                    let value = rhs.get(i).filter(|_| rhs.len() == lhs.len());
                    self.m
                        .remember_type_node(b, self.file, None, value.copied());
                }
            }
        }
    }

    pub(super) fn local_decl(&mut self, decl: NodeId) {
        let Node::GenDecl { tok, specs, .. } = self.node(decl) else {
            return;
        };
        let mut prev_const: Option<(Option<NodeId>, List)> = None;
        for &s in self.list(specs) {
            match self.node(s) {
                Node::ValueSpec {
                    names, ty, values, ..
                } => {
                    let mut own_values = values;
                    let (ty, values) = if tok == Tok::Const && ty.is_none() && values.is_empty() {
                        own_values = List::default();
                        prev_const.unwrap_or((None, values))
                    } else {
                        if tok == Tok::Const {
                            prev_const = Some((ty, values));
                        }
                        (ty, values)
                    };
                    let declared = ty.map(|t| {
                        if tok != Tok::Const || !own_values.is_empty() {
                            self.expr(t);
                        }
                        self.m.type_of_type_expr(self.file, t)
                    });
                    let expected = declared.clone().unwrap_or_default();
                    for &v in self.list(own_values) {
                        self.value(v, &expected);
                    }
                    let names = self.list(names);
                    let types = match &declared {
                        Some(t) => vec![t.clone(); names.len()],
                        None => self.m.rhs_types(self.file, names.len(), self.list(values)),
                    };
                    let kind = if tok == Tok::Const {
                        BindingKind::Const
                    } else {
                        BindingKind::Var
                    };
                    let values = self.list(values);
                    for (i, &n) in names.iter().enumerate() {
                        let t = types.get(i).cloned().unwrap_or_default();
                        let b = self.declare_local(n, kind.clone(), t);
                        let value = values.get(i).filter(|_| values.len() == names.len());
                        self.m.remember_type_node(b, self.file, ty, value.copied());
                    }
                }
                Node::TypeSpec { .. } => self.type_spec(s, true),
                _ => {}
            }
        }
    }

    /// A type declaration: local ones declare their name first (it is in
    /// scope in its own definition), then type parameters, then the type.
    pub(super) fn type_spec(&mut self, s: NodeId, local: bool) {
        let Node::TypeSpec {
            name,
            type_params,
            assign,
            ty,
            ..
        } = self.node(s)
        else {
            return;
        };
        let tname = self.name(name);
        let b = if local {
            let ip = self.m.import_path.clone();
            let t = Type::named(&ip, tname);
            self.declare_local(name, BindingKind::TypeName, t)
        } else {
            None
        };
        if let Some(tps) = type_params {
            self.scopes.push(s);
            self.type_params(tps);
        }
        self.expr(ty);
        if local {
            let names = self.m.names(self.file);
            let decl = summary::type_decl(self.src(), &names, ty, assign);
            if decl.alias {
                if let Some(b) = b {
                    self.m.bindings[b.0 as usize].ty = decl.underlying.clone();
                }
            } else if tname != "_"
                && self.m.own.type_decl(tname).is_none()
                && !self.m.local_types.contains_key(tname)
            {
                self.m.local_types.insert(tname.into(), decl);
            }
        }
        if type_params.is_some() {
            self.scopes.pop();
        }
    }
}
