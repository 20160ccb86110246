//! From a function's syntax tree to its [`Body`]: statements become a graph
//! of ops built forwards, each op's successor slots patched when the next op
//! is emitted ("open" slots); loops leave `break`/`continue` slots to patch
//! when their targets exist.
//!
//! `statements` (this file) handles control flow; `expr.rs` values, calls
//! and conditions; `api.rs` the library calls the model knows; `keys.rs`
//! stable expressions.

pub(crate) mod api;
mod expr;
pub(crate) mod keys;

use goguard_semantic::model::{BindingId, FileIdx};
use goguard_syntax::{Ast, Node, NodeId, Tok};

use crate::ir::{Body, Cond, Expr, FuncId, Op, Pc, Place, RangeKind, SelectCase, Var};
use crate::Pkg;

/// An op's successor not yet known.
const PENDING: Pc = Pc::MAX;

/// Statements nested deeper than this are not modelled (the body is marked
/// unsupported rather than risking the stack).
const MAX_DEPTH: u32 = 200;

/// The `index`-th successor field of op `pc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    pc: Pc,
    index: u8,
}

/// Where `break` and `continue` of one statement go.
struct Jumps<'s> {
    label: Option<&'s str>,
    /// A loop (continue targets it), not a switch or select.
    is_loop: bool,
    breaks: Vec<Slot>,
    continues: Vec<Slot>,
}

pub(crate) struct Lower<'a> {
    pkg: &'a Pkg<'a>,
    file: FileIdx,
    ast: &'a Ast,
    src: &'a str,
    func: FuncId,
    ops: Vec<Op>,
    /// Slots the next emitted op fills.
    open: Vec<Slot>,
    temps: u32,
    loops: u32,
    jumps: Vec<Jumps<'a>>,
    /// The label of the statement being lowered, for its break/continue.
    pending_label: Option<&'a str>,
    unsupported: bool,
    depth: u32,
    /// Named results, returned by a bare `return`.
    named_results: Vec<BindingId>,
}

/// Lowers the body of a FuncDecl or FuncLit.
pub(crate) fn lower(pkg: &Pkg<'_>, func: FuncId) -> Body {
    let file = func.file();
    let f = &pkg.model.files()[file];
    let ast = f.parsed.ast();
    let (recv, ty, body) = match *ast.node(func.node) {
        Node::FuncDecl {
            recv,
            ty,
            body: Some(body),
            ..
        } => (recv, ty, body),
        Node::FuncLit { ty, body } => (None, ty, body),
        _ => {
            return Body {
                func,
                ops: vec![Op::Return {
                    values: Vec::new(),
                    at: func.node,
                }],
                entry: 0,
                params: Vec::new(),
                named_results: Vec::new(),
                captures: Vec::new().into(),
                body_block: func.node,
                unsupported: true,
                concurrent: false,
                creates: false,
                live: Vec::new(),
                loop_heads: Vec::new(),
            }
        }
    };
    let mut params = Vec::new();
    if let Some(r) = recv {
        field_names(pkg, file, ast, r, &mut params);
    }
    let mut named = Vec::new();
    if let Node::FuncType {
        params: p, results, ..
    } = *ast.node(ty)
    {
        field_names(pkg, file, ast, p, &mut params);
        if let Some(r) = results {
            let mut rs = Vec::new();
            field_names(pkg, file, ast, r, &mut rs);
            named = rs.into_iter().flatten().collect();
        }
    }
    let mut l = Lower {
        pkg,
        file,
        ast,
        src: f.source,
        func,
        ops: Vec::new(),
        open: Vec::new(),
        temps: 0,
        loops: 0,
        jumps: Vec::new(),
        pending_label: None,
        unsupported: false,
        depth: 0,
        named_results: named.clone(),
    };
    // Named results start as their zero values.
    for &b in &named {
        let zero = l.zero_value_of_binding(b);
        l.emit(Op::Set {
            place: Place::Decl(Var::Binding(b)),
            value: zero,
            shared: false,
            next: PENDING,
        });
    }
    l.stmt(body);
    let values = named.iter().map(|&b| Expr::Var(Var::Binding(b))).collect();
    l.emit(Op::Return { values, at: body });
    let captures = match ast.node(func.node) {
        Node::FuncLit { .. } => pkg.captures(func),
        _ => Vec::new().into(),
    };
    let mut b = Body {
        func,
        ops: l.ops,
        // Ops are emitted in execution order: the first is the entry.
        entry: 0,
        params,
        named_results: named,
        captures,
        body_block: body,
        unsupported: l.unsupported,
        concurrent: false,
        creates: false,
        live: Vec::new(),
        loop_heads: Vec::new(),
    };
    b.loop_heads = crate::ir::loop_heads(&b.ops);
    b.concurrent = b.ops.iter().any(crate::ir::op_is_concurrent);
    b.creates = b.ops.iter().any(crate::ir::op_creates);
    b.live = crate::ir::liveness(&b.ops);
    b
}

/// The bindings of the names of a parameter, result or receiver list (None
/// for unnamed or blank ones, one per type when unnamed).
fn field_names(
    pkg: &Pkg<'_>,
    file: FileIdx,
    ast: &Ast,
    list: NodeId,
    out: &mut Vec<Option<BindingId>>,
) {
    let Node::FieldList { list, .. } = *ast.node(list) else {
        return;
    };
    for &field in ast.list(list) {
        let Node::Field { names, .. } = *ast.node(field) else {
            continue;
        };
        let names = ast.list(names);
        if names.is_empty() {
            out.push(None);
        }
        for &n in names {
            out.push(pkg.model.resolve(file, n));
        }
    }
}

impl<'a> Lower<'a> {
    /// Appends an op: the open slots now lead to it, and its own successor
    /// slots (for simple ops, `next`) are open.
    fn emit(&mut self, op: Op) -> Pc {
        let pc = self.ops.len() as Pc;
        let slots = successor_count(&op);
        self.ops.push(op);
        let open = std::mem::take(&mut self.open);
        for s in open {
            self.patch(s, pc);
        }
        for index in 0..slots {
            // Only ops with a plain `next` leave their slot open by default.
            if has_next(&self.ops[pc as usize]) {
                self.open.push(Slot {
                    pc,
                    index: index as u8,
                });
            }
        }
        pc
    }

    /// An op with no effect that later jumps may target (a loop head).
    fn anchor(&mut self) -> Pc {
        self.emit(Op::Goto(PENDING))
    }

    /// Points a slot at `target`.
    fn patch(&mut self, s: Slot, target: Pc) {
        let op = &mut self.ops[s.pc as usize];
        let i = s.index as usize;
        match op {
            Op::Goto(t) => *t = target,
            Op::Branch { then, els, .. } => {
                if i == 0 {
                    *then = target
                } else {
                    *els = target
                }
            }
            Op::Choose(ts) => {
                if let Some(t) = ts.get_mut(i) {
                    *t = target;
                }
            }
            Op::Select { cases, default, .. } => {
                if i < cases.len() {
                    cases[i].body = target;
                } else {
                    *default = Some(target);
                }
            }
            Op::Range { body, done, .. } | Op::LoopTest { body, done, .. } => {
                if i == 0 {
                    *body = target
                } else {
                    *done = target
                }
            }
            Op::Set { next, .. }
            | Op::Call { next, .. }
            | Op::Go { next, .. }
            | Op::Defer { next, .. }
            | Op::Send { next, .. }
            | Op::Recv { next, .. }
            | Op::LoopEnter { next, .. }
            | Op::Close { next, .. }
            | Op::Sync { next, .. }
            | Op::OnceDo { next, .. }
            | Op::GroupGo { next, .. }
            | Op::Escape { next, .. } => *next = target,
            Op::Return { .. } | Op::Exit { .. } | Op::Forever { .. } => {}
        }
    }

    fn temp(&mut self) -> Var {
        self.temps += 1;
        Var::Temp(self.temps)
    }

    fn text(&self, id: NodeId) -> &'a str {
        self.ast.text(id, self.src)
    }

    fn list(&self, l: goguard_syntax::List) -> &'a [NodeId] {
        self.ast.list(l)
    }

    fn stmts(&mut self, list: &[NodeId]) {
        for &s in list {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: NodeId) {
        if self.depth > MAX_DEPTH {
            self.unsupported = true;
            return;
        }
        self.depth += 1;
        let label = self.pending_label.take();
        self.stmt_inner(s, label);
        self.depth -= 1;
    }

    fn stmt_inner(&mut self, s: NodeId, label: Option<&'a str>) {
        match *self.ast.node(s) {
            Node::BlockStmt { list, .. } => self.stmts(self.list(list)),
            Node::ExprStmt { x } => self.expr_stmt(x),
            Node::SendStmt { chan, value, .. } => {
                let ch = self.expr(chan);
                let v = self.expr(value);
                self.emit(Op::Send {
                    ch,
                    value: v,
                    at: s,
                    next: PENDING,
                });
            }
            Node::IncDecStmt { x, tok, .. } => {
                self.increment(x, Some(if tok == Tok::Inc { 1 } else { -1 }));
            }
            Node::AssignStmt { lhs, tok, rhs, .. } => self.assign(s, lhs, tok, rhs),
            Node::DeclStmt { decl } => self.decl(decl),
            Node::GoStmt { call, .. } => self.go_stmt(s, call),
            Node::DeferStmt { call, .. } => self.defer_stmt(s, call),
            Node::ReturnStmt { results, .. } => {
                let values = self.return_values(results);
                self.emit(Op::Return { values, at: s });
            }
            Node::BranchStmt { tok, label: l, .. } => self.branch(s, tok, l),
            Node::LabeledStmt {
                label: l,
                stmt: inner,
                ..
            } => {
                self.pending_label = Some(self.text(l));
                self.stmt(inner);
                self.pending_label = None;
            }
            Node::IfStmt {
                init,
                cond,
                body,
                else_,
                ..
            } => {
                if let Some(i) = init {
                    self.stmt(i);
                }
                let c = self.cond(cond);
                let random = self.random_cond(cond);
                let c = if random { Cond::Nondet } else { c };
                let counting = !random
                    && (self.keys().counts(cond)
                        || (self.in_loop()
                            && (self.leaves(body) || else_.is_some_and(|e| self.leaves(e)))
                            && !self.both_leave(s, body, else_)
                            && !self.keys().checks_error(cond)));
                let reads = self.reads(cond);
                let pc = self.emit(Op::Branch {
                    cond: c,
                    then: PENDING,
                    els: PENDING,
                    counting,
                    reads,
                });
                self.open = vec![Slot { pc, index: 0 }];
                self.stmt(body);
                let after_then = std::mem::take(&mut self.open);
                self.open = vec![Slot { pc, index: 1 }];
                if let Some(e) = else_ {
                    self.stmt(e);
                }
                self.open.extend(after_then);
            }
            Node::SwitchStmt {
                init, tag, body, ..
            } => self.switch(init, tag, body, label),
            Node::TypeSwitchStmt {
                init, assign, body, ..
            } => self.type_switch(init, assign, body, label),
            Node::SelectStmt { body, .. } => self.select(s, body, label),
            Node::ForStmt {
                init,
                cond,
                post,
                body,
                ..
            } => self.for_stmt(init, cond, post, body, label),
            Node::RangeStmt {
                key,
                value,
                tok,
                x,
                body,
                ..
            } => self.range(s, key, value, tok, x, body, label),
            Node::EmptyStmt { .. } => {}
            // BadStmt and anything malformed: no effect the model can see.
            _ => {}
        }
    }

    fn branch(&mut self, s: NodeId, tok: Tok, label: Option<NodeId>) {
        let name = label.map(|l| self.text(l));
        match tok {
            Tok::Break | Tok::Continue => {
                let want_loop = tok == Tok::Continue;
                let target = self.jumps.iter_mut().rev().find(|j| match name {
                    Some(n) => j.label == Some(n),
                    None => !want_loop || j.is_loop,
                });
                // An unlabelled break leaves the innermost switch, select or loop.
                match target {
                    Some(j) => {
                        let open = std::mem::take(&mut self.open);
                        if tok == Tok::Break {
                            j.breaks.extend(open);
                        } else {
                            j.continues.extend(open);
                        }
                    }
                    None => self.open.clear(),
                }
            }
            // Fallthrough is handled by the switch; goto is not modelled.
            Tok::Fallthrough => {}
            _ => {
                let _ = s;
                self.unsupported = true;
                self.open.clear();
            }
        }
    }

    /// The values a condition reads fields or methods of: `b` in
    /// `len(b.backlog) == 0` or `s.isClosed()`, as variable paths.
    fn reads(&self, cond: NodeId) -> Vec<Expr> {
        let mut out = Vec::new();
        for n in self.ast.walk(cond).take(256) {
            let Node::SelectorExpr { x, .. } = *self.ast.node(n) else {
                continue;
            };
            if let Some(e) = self.path_expr(x, 0) {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// A variable or a field chain as an expression, without evaluating
    /// anything.
    fn path_expr(&self, x: NodeId, depth: u32) -> Option<Expr> {
        if depth > 16 {
            return None;
        }
        match *self.ast.node(x) {
            Node::ParenExpr { x, .. } | Node::StarExpr { x, .. } => self.path_expr(x, depth + 1),
            Node::Ident { .. } => {
                let b = self.pkg.model.resolve(self.file, x)?;
                let binding = self.pkg.model.binding(b);
                (binding.scope.is_some()
                    && matches!(
                        binding.kind,
                        goguard_semantic::model::BindingKind::Var
                            | goguard_semantic::model::BindingKind::Param
                            | goguard_semantic::model::BindingKind::Receiver
                    ))
                .then_some(Expr::Var(Var::Binding(b)))
            }
            Node::SelectorExpr { x: inner, sel } => {
                let base = self.path_expr(inner, depth + 1)?;
                Some(Expr::Field(
                    Box::new(base),
                    self.pkg.interner.field(self.text(sel)),
                ))
            }
            _ => None,
        }
    }

    /// True inside a loop of this function.
    fn in_loop(&self) -> bool {
        self.jumps.iter().any(|j| j.is_loop)
    }

    /// True when a statement (an `if` body) ends by leaving the function or
    /// the loop: a return, a break, a panic or a call that never returns as
    /// its last statement.
    fn leaves(&self, s: NodeId) -> bool {
        let mut s = s;
        for _ in 0..32 {
            match *self.ast.node(s) {
                Node::BlockStmt { list, .. } => match self.list(list).last() {
                    Some(&last) => s = last,
                    None => return false,
                },
                Node::ReturnStmt { .. } => return true,
                Node::BranchStmt { tok, .. } => return tok == Tok::Break || tok == Tok::Goto,
                Node::ExprStmt { x } => {
                    let x = self.unparen(x);
                    return matches!(self.ast.node(x), Node::CallExpr { .. }) && {
                        let c = self.pkg.model.callee(self.file, x);
                        c.is_builtin("panic") || self.pkg.model.never_returns(&c)
                    };
                }
                _ => return false,
            }
        }
        false
    }

    /// True when both ways of an `if` leave: its body and its else leave,
    /// or (without an else) its body and the statement after it do (`if
    /// err != io.EOF { return err }; return nil`). Then deciding the
    /// condition guesses no loop count.
    fn both_leave(&self, stmt: NodeId, body: NodeId, else_: Option<NodeId>) -> bool {
        if !self.leaves(body) {
            return false;
        }
        if let Some(e) = else_ {
            return self.leaves(e);
        }
        let Some(parent) = self.pkg.parent(self.file, stmt) else {
            return false;
        };
        let Node::BlockStmt { list, .. } = *self.ast.node(parent) else {
            return false;
        };
        let list = self.list(list);
        let next = list
            .iter()
            .position(|&x| x == stmt)
            .and_then(|i| list.get(i + 1));
        next.is_some_and(|&n| self.leaves(n))
    }

    fn push_jumps(&mut self, label: Option<&'a str>, is_loop: bool) {
        self.jumps.push(Jumps {
            label,
            is_loop,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
    }

    fn pop_jumps(&mut self) -> Jumps<'a> {
        self.jumps.pop().expect("jumps pushed")
    }

    fn for_stmt(
        &mut self,
        init: Option<NodeId>,
        cond: Option<NodeId>,
        post: Option<NodeId>,
        body: NodeId,
        label: Option<&'a str>,
    ) {
        let counted = self.counted_for(init, cond, post, body);
        if let Some(i) = init {
            self.stmt(i);
        }
        let loop_id = self.next_loop();
        if counted.is_some() {
            self.emit(Op::LoopEnter {
                loop_id,
                next: PENDING,
            });
        }
        let head = self.anchor();
        let test = match (counted, cond) {
            (Some((sym, bound)), _) => {
                let bound = self.expr(bound);
                Some(self.emit(Op::LoopTest {
                    loop_id,
                    sym,
                    bound,
                    body: PENDING,
                    done: PENDING,
                }))
            }
            (None, Some(c)) => {
                let counting = self.keys().counts(c);
                let reads = self.reads(c);
                let c = self.cond(c);
                Some(self.emit(Op::Branch {
                    cond: c,
                    then: PENDING,
                    els: PENDING,
                    counting,
                    reads,
                }))
            }
            (None, None) => None,
        };
        if let Some(t) = test {
            self.open = vec![Slot { pc: t, index: 0 }];
        }
        self.push_jumps(label, true);
        self.stmt(body);
        let jumps = self.pop_jumps();
        self.open.extend(jumps.continues);
        if let Some(p) = post {
            self.stmt(p);
        }
        let back = std::mem::take(&mut self.open);
        for s in back {
            self.patch(s, head);
        }
        self.open = jumps.breaks;
        if let Some(t) = test {
            self.open.push(Slot { pc: t, index: 1 });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn range(
        &mut self,
        s: NodeId,
        key: Option<NodeId>,
        value: Option<NodeId>,
        tok: Tok,
        x: NodeId,
        body: NodeId,
        label: Option<&'a str>,
    ) {
        let kind = self.range_kind(x);
        let xv = self.expr(x);
        let xv_elem = xv.clone();
        let loop_id = self.next_loop();
        if matches!(kind, RangeKind::Counted(_)) {
            self.emit(Op::LoopEnter {
                loop_id,
                next: PENDING,
            });
        }
        // A channel gives its element to the first variable.
        let dst = match key {
            Some(k) => self.place(k, tok == Tok::Define),
            None => Place::Discard,
        };
        matches!(kind, RangeKind::Chan);
        let header = self.emit(Op::Range {
            x: xv,
            kind,
            dst,
            body: PENDING,
            done: PENDING,
            at: s,
            loop_id,
        });
        self.open = vec![Slot {
            pc: header,
            index: 0,
        }];
        if let Some(v) = value {
            let place = self.place(v, tok == Tok::Define);
            // The element visited, when the model follows the slice.
            let elem =
                if matches!(kind, RangeKind::Counted(_)) && (self.is_slice(x) || self.is_map(x)) {
                    Expr::RangeElem(Box::new(xv_elem), loop_id)
                } else {
                    Expr::Unknown
                };
            if place != Place::Discard {
                self.emit(Op::Set {
                    place,
                    value: elem,
                    shared: false,
                    next: PENDING,
                });
            }
        }
        self.push_jumps(label, true);
        self.stmt(body);
        let jumps = self.pop_jumps();
        self.open.extend(jumps.continues);
        for s in std::mem::take(&mut self.open) {
            self.patch(s, header);
        }
        self.open = jumps.breaks;
        self.open.push(Slot {
            pc: header,
            index: 1,
        });
    }

    fn next_loop(&mut self) -> u32 {
        self.loops += 1;
        self.loops
    }

    fn switch(
        &mut self,
        init: Option<NodeId>,
        tag: Option<NodeId>,
        body: NodeId,
        label: Option<&'a str>,
    ) {
        if let Some(i) = init {
            self.stmt(i);
        }
        if let Some(t) = tag {
            self.expr(t);
        }
        let clauses: Vec<(Vec<NodeId>, &'a [NodeId])> = self
            .clauses(body)
            .iter()
            .filter_map(|&c| match *self.ast.node(c) {
                Node::CaseClause { list, body, .. } => {
                    Some((self.list(list).to_vec(), self.list(body)))
                }
                _ => None,
            })
            .collect();
        self.push_jumps(label, false);
        // Entry slots of each clause body, filled below.
        let mut entries: Vec<Vec<Slot>> = vec![Vec::new(); clauses.len()];
        let mut no_match: Vec<Slot>;
        let default = clauses.iter().position(|(list, _)| list.is_empty());
        if tag.is_none() {
            // `switch { case c1: ... }`: a chain of tests, default last.
            for (i, (list, _)) in clauses.iter().enumerate() {
                if list.is_empty() {
                    continue;
                }
                let mut c: Option<Cond> = None;
                for &e in list {
                    let ce = self.cond(e);
                    c = Some(match c {
                        None => ce,
                        Some(prev) => Cond::Or(Box::new(prev), Box::new(ce)),
                    });
                }
                let counting = list.iter().any(|&e| self.keys().counts(e));
                let reads = list.iter().flat_map(|&e| self.reads(e)).collect();
                let pc = self.emit(Op::Branch {
                    cond: c.unwrap_or(Cond::Nondet),
                    then: PENDING,
                    els: PENDING,
                    counting,
                    reads,
                });
                entries[i].push(Slot { pc, index: 0 });
                self.open = vec![Slot { pc, index: 1 }];
            }
            no_match = std::mem::take(&mut self.open);
        } else {
            for (list, _) in &clauses {
                for &e in list {
                    self.expr(e);
                }
            }
            let n = clauses.len() + usize::from(default.is_none());
            let pc = self.emit(Op::Choose(vec![PENDING; n]));
            for (i, e) in entries.iter_mut().enumerate() {
                e.push(Slot { pc, index: i as u8 });
            }
            no_match = if default.is_none() {
                vec![Slot {
                    pc,
                    index: clauses.len() as u8,
                }]
            } else {
                Vec::new()
            };
        }
        if let Some(d) = default {
            entries[d].append(&mut no_match);
        }
        let mut done = no_match;
        let mut fall: Vec<Slot> = Vec::new();
        for (i, (_, stmts)) in clauses.iter().enumerate() {
            self.open = std::mem::take(&mut entries[i]);
            self.open.append(&mut fall);
            self.stmts(stmts);
            let falls = stmts.last().is_some_and(|&l| {
                matches!(
                    self.ast.node(l),
                    Node::BranchStmt {
                        tok: Tok::Fallthrough,
                        ..
                    }
                )
            });
            if falls {
                fall = std::mem::take(&mut self.open);
            } else {
                done.append(&mut self.open);
            }
        }
        done.append(&mut fall);
        let jumps = self.pop_jumps();
        self.open = done;
        self.open.extend(jumps.breaks);
    }

    fn type_switch(
        &mut self,
        init: Option<NodeId>,
        assign: NodeId,
        body: NodeId,
        label: Option<&'a str>,
    ) {
        if let Some(i) = init {
            self.stmt(i);
        }
        // `v := x.(type)`: v holds x in every clause.
        let (bound, subject) = match *self.ast.node(assign) {
            Node::AssignStmt { lhs, rhs, .. } => {
                let lhs = self.list(lhs);
                let rhs = self.list(rhs);
                (lhs.first().copied(), rhs.first().copied())
            }
            Node::ExprStmt { x } => (None, Some(x)),
            _ => (None, None),
        };
        let subject = subject.map(|e| match *self.ast.node(e) {
            Node::TypeAssertExpr { x, .. } => x,
            _ => e,
        });
        let value = subject.map(|e| self.expr(e)).unwrap_or(Expr::Unknown);
        let clauses: Vec<(NodeId, bool, &'a [NodeId])> = self
            .clauses(body)
            .iter()
            .filter_map(|&c| match *self.ast.node(c) {
                Node::CaseClause { list, body, .. } => Some((c, list.is_empty(), self.list(body))),
                _ => None,
            })
            .collect();
        let has_default = clauses.iter().any(|c| c.1);
        let n = clauses.len() + usize::from(!has_default);
        let pc = self.emit(Op::Choose(vec![PENDING; n]));
        self.push_jumps(label, false);
        let mut done = Vec::new();
        if !has_default {
            done.push(Slot {
                pc,
                index: clauses.len() as u8,
            });
        }
        for (i, (clause, _, stmts)) in clauses.iter().enumerate() {
            self.open = vec![Slot { pc, index: i as u8 }];
            if bound.is_some() {
                // Each clause declares its own `v` (resolved to the first one).
                if let Some(b) = bound.and_then(|b| self.pkg.model.resolve(self.file, b)) {
                    let _ = clause;
                    self.emit(Op::Set {
                        place: Place::Decl(Var::Binding(b)),
                        value: value.clone(),
                        shared: false,
                        next: PENDING,
                    });
                }
            }
            self.stmts(stmts);
            done.append(&mut self.open);
        }
        let jumps = self.pop_jumps();
        self.open = done;
        self.open.extend(jumps.breaks);
    }

    fn select(&mut self, s: NodeId, body: NodeId, label: Option<&'a str>) {
        let clauses: Vec<(Option<NodeId>, &'a [NodeId])> = self
            .clauses(body)
            .iter()
            .filter_map(|&c| match *self.ast.node(c) {
                Node::CommClause { comm, body, .. } => Some((comm, self.list(body))),
                _ => None,
            })
            .collect();
        if clauses.is_empty() {
            self.emit(Op::Forever { at: s });
            return;
        }
        // Channel operands and sent values are evaluated on entry, in order.
        let mut cases = Vec::new();
        let mut bodies = Vec::new();
        let mut default_body = None;
        for (comm, stmts) in &clauses {
            match comm {
                None => default_body = Some(*stmts),
                Some(c) => {
                    if let Some(kind) = self.comm_case(*c) {
                        cases.push(SelectCase {
                            kind,
                            at: *c,
                            body: PENDING,
                        });
                        bodies.push(*stmts);
                    }
                }
            }
        }
        let n = cases.len();
        let pc = self.emit(Op::Select {
            cases,
            default: default_body.map(|_| PENDING),
            at: s,
        });
        self.open.clear();
        self.push_jumps(label, false);
        let mut done = Vec::new();
        for (i, stmts) in bodies.iter().enumerate() {
            self.open = vec![Slot { pc, index: i as u8 }];
            self.stmts(stmts);
            done.append(&mut self.open);
        }
        if let Some(stmts) = default_body {
            self.open = vec![Slot { pc, index: n as u8 }];
            self.stmts(stmts);
            done.append(&mut self.open);
        }
        let jumps = self.pop_jumps();
        self.open = done;
        self.open.extend(jumps.breaks);
    }

    fn clauses(&self, body: NodeId) -> &'a [NodeId] {
        match *self.ast.node(body) {
            Node::BlockStmt { list, .. } => self.list(list),
            _ => &[],
        }
    }

    fn return_values(&mut self, results: goguard_syntax::List) -> Vec<Expr> {
        let list = self.list(results);
        if list.is_empty() {
            return self
                .named_results
                .iter()
                .map(|&b| Expr::Var(Var::Binding(b)))
                .collect();
        }
        if list.len() == 1 {
            // `return f()` with several results.
            if let Node::CallExpr { .. } = *self.ast.node(self.unparen(list[0])) {
                let n = self.result_count(list[0]);
                if n > 1 {
                    let temps: Vec<Var> = (0..n).map(|_| self.temp()).collect();
                    let places = temps.iter().map(|&t| Place::Decl(t)).collect();
                    self.call(self.unparen(list[0]), places);
                    return temps.into_iter().map(Expr::Var).collect();
                }
            }
        }
        list.iter().map(|&e| self.expr(e)).collect()
    }

    fn unparen(&self, e: NodeId) -> NodeId {
        self.ast.unparen(e)
    }
}

/// How many successor slots an op has.
fn successor_count(op: &Op) -> usize {
    match op {
        Op::Branch { .. } | Op::Range { .. } | Op::LoopTest { .. } => 2,
        Op::Choose(ts) => ts.len(),
        Op::Select { cases, default, .. } => cases.len() + usize::from(default.is_some()),
        Op::Return { .. } | Op::Exit { .. } | Op::Forever { .. } => 0,
        _ => 1,
    }
}

/// True for ops whose one successor is a plain `next` (or a Goto anchor),
/// left open for whatever is lowered next.
fn has_next(op: &Op) -> bool {
    matches!(
        op,
        Op::Goto(PENDING)
            | Op::Set { .. }
            | Op::Call { .. }
            | Op::Go { .. }
            | Op::Defer { .. }
            | Op::Send { .. }
            | Op::Recv { .. }
            | Op::LoopEnter { .. }
            | Op::Close { .. }
            | Op::Sync { .. }
            | Op::OnceDo { .. }
            | Op::GroupGo { .. }
            | Op::Escape { .. }
    )
}
