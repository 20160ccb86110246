//! Stable expressions: expressions whose value cannot change during a run
//! because every variable in them is never assigned after its declaration.
//! Two tests of the same stable condition agree, and loops bounded by the
//! same stable expression run the same number of times; the interner gives
//! each stable expression (by its text with names replaced by bindings) one
//! [`PredId`] or [`SymId`] for the whole package.

use std::cell::RefCell;

use goguard_semantic::model::{BindingId, BindingKind, FileIdx};
use goguard_syntax::{Node, NodeId, Tok};
use rustc_hash::FxHashMap;

use crate::ir::{ConstId, FieldId, PredId, SymId};
use crate::Pkg;

/// How deep a key is built (operators, selectors).
const MAX_KEY_DEPTH: u32 = 12;

/// Predicates and symbols of one package, shared by all its bodies.
#[derive(Default)]
pub(crate) struct Interner {
    inner: RefCell<InternerInner>,
}

#[derive(Default)]
struct InternerInner {
    fields: FxHashMap<String, FieldId>,
    consts: FxHashMap<String, ConstId>,
    preds: FxHashMap<String, PredId>,
    /// The function whose one run holds every variable of each predicate
    /// (None: some variable is declared in a loop, or in several functions,
    /// so the predicate can have several values in one run).
    pred_owner: Vec<Option<NodeId>>,
    syms: FxHashMap<String, SymId>,
    next_sym: u32,
    /// Whether a binding is ever written after its declaration.
    written: FxHashMap<BindingId, bool>,
    /// Whether a binding is a counter (incremented or decremented).
    counter: FxHashMap<BindingId, bool>,
    /// Whether a boolean binding carries a receive's `ok`.
    tracked_bool: FxHashMap<BindingId, bool>,
    /// Symbols made for one loop only (not a stable expression).
    fresh: Vec<u32>,
    /// How many places (loops, capacities) use each symbol.
    sym_refs: Vec<u32>,
    /// The value of symbols that are small integer constants.
    sym_fixed: Vec<Option<u8>>,
    /// Symbols standing for integer constants too large to follow.
    sym_large_const: Vec<bool>,
}

impl Interner {
    fn pred(&self, key: String, owner: Option<NodeId>) -> PredId {
        let mut i = self.inner.borrow_mut();
        if let Some(&p) = i.preds.get(&key) {
            return p;
        }
        let p = PredId(i.preds.len() as u32);
        i.preds.insert(key, p);
        i.pred_owner.push(owner);
        p
    }

    pub(crate) fn field(&self, name: &str) -> FieldId {
        let mut i = self.inner.borrow_mut();
        if let Some(&f) = i.fields.get(name) {
            return f;
        }
        let f = FieldId(i.fields.len() as u32);
        i.fields.insert(name.to_string(), f);
        f
    }

    /// The identity of the named constant `path.name`.
    pub(crate) fn named_const(&self, path: &str, name: &str) -> ConstId {
        let mut i = self.inner.borrow_mut();
        let key = format!("{path}.{name}");
        let next = ConstId(i.consts.len() as u32);
        *i.consts.entry(key).or_insert(next)
    }

    /// The name of an interned field (for debug output).
    pub(crate) fn field_name(&self, f: FieldId) -> Option<String> {
        let i = self.inner.borrow();
        i.fields
            .iter()
            .find(|(_, &id)| id == f)
            .map(|(name, _)| name.clone())
    }

    fn known_pred(&self, key: &str) -> Option<PredId> {
        self.inner.borrow().preds.get(key).copied()
    }

    /// The function (a FuncDecl or FuncLit node) a predicate belongs to: it
    /// has one value per run of that function.
    pub(crate) fn pred_owner(&self, p: PredId) -> Option<NodeId> {
        self.inner
            .borrow()
            .pred_owner
            .get(p.0 as usize)
            .copied()
            .flatten()
    }

    /// The symbol of a stable expression (one more place uses it). A
    /// small integer constant has its own value; a larger one is a guess.
    pub(crate) fn sym(&self, key: String) -> SymId {
        let mut i = self.inner.borrow_mut();
        if let Some(&s) = i.syms.get(&key) {
            i.sym_refs[s.0 as usize] += 1;
            return s;
        }
        let s = SymId(i.next_sym);
        i.next_sym += 1;
        let fixed = key.parse::<u64>().ok();
        i.sym_refs.push(1);
        i.sym_fixed
            .push(fixed.filter(|&n| (1..=4).contains(&n)).map(|n| n as u8));
        i.sym_large_const.push(fixed.is_some_and(|n| n > 4));
        i.syms.insert(key, s);
        s
    }

    /// A symbol of its own (a loop bound that is not a stable expression).
    pub(crate) fn fresh_sym(&self) -> SymId {
        let mut i = self.inner.borrow_mut();
        let s = SymId(i.next_sym);
        i.next_sym += 1;
        i.fresh.push(s.0);
        i.sym_refs.push(1);
        i.sym_fixed.push(None);
        i.sym_large_const.push(false);
        s
    }

    /// The value of a symbol that is a small constant.
    pub(crate) fn fixed(&self, s: u32) -> Option<u8> {
        self.inner
            .borrow()
            .sym_fixed
            .get(s as usize)
            .copied()
            .flatten()
    }

    /// True for a symbol that stands for an integer constant larger than
    /// the model follows (`wg.Add(30)`, `make(chan T, 10)`): its small value
    /// agrees with the places that use the same constant, but not with
    /// other constants or with counted operations.
    pub(crate) fn is_large_const(&self, s: u32) -> bool {
        self.inner
            .borrow()
            .sym_large_const
            .get(s as usize)
            .copied()
            .unwrap_or(false)
    }

    /// True for a symbol no other count follows: used in one place only,
    /// or a loop's own count.
    pub(crate) fn is_lone(&self, s: u32) -> bool {
        let i = self.inner.borrow();
        i.fresh.contains(&s) || i.sym_refs.get(s as usize).is_none_or(|&n| n < 2)
    }

    /// True for a boolean variable assigned from the `ok` of a receive (or
    /// an expression of one), or a flag only ever assigned `true` or
    /// `false`: the model follows its value.
    pub(crate) fn tracked_bool(&self, pkg: &Pkg<'_>, b: BindingId) -> bool {
        if let Some(&t) = self.inner.borrow().tracked_bool.get(&b) {
            return t;
        }
        let t = is_recv_ok(pkg, b)
            || is_literal_flag(pkg, b)
            || pkg.model.uses(b).iter().any(|u| {
                let ast = pkg.model.files()[u.file].parsed.ast();
                let Some(p) = pkg.parent(u.file, u.ident) else {
                    return false;
                };
                let Node::AssignStmt { lhs, rhs, .. } = *ast.node(p) else {
                    return false;
                };
                let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
                let Some(i) = lhs.iter().position(|&l| l == u.ident) else {
                    return false;
                };
                let Some(&r) = rhs.get(i) else {
                    return false;
                };
                ast.walk(r).take(64).any(|n| {
                    matches!(ast.node(n), Node::Ident { .. })
                        && pkg
                            .model
                            .resolve(u.file, n)
                            .is_some_and(|ob| ob != b && is_recv_ok(pkg, ob))
                })
            });
        self.inner.borrow_mut().tracked_bool.insert(b, t);
        t
    }

    /// True when a local binding is incremented or decremented (`n++`,
    /// `n -= 1`) somewhere.
    fn counter(&self, pkg: &Pkg<'_>, b: BindingId) -> bool {
        if let Some(&c) = self.inner.borrow().counter.get(&b) {
            return c;
        }
        let c = pkg.model.uses(b).iter().any(|u| {
            let ast = pkg.model.files()[u.file].parsed.ast();
            match pkg.parent(u.file, u.ident).map(|p| (p, ast.node(p))) {
                Some((_, Node::IncDecStmt { .. })) => true,
                Some((_, &Node::AssignStmt { tok, lhs, .. })) => {
                    matches!(tok, Tok::AddAssign | Tok::SubAssign)
                        && ast.list(lhs).contains(&u.ident)
                }
                _ => false,
            }
        });
        self.inner.borrow_mut().counter.insert(b, c);
        c
    }

    /// True when a local binding is assigned somewhere after its declaration
    /// (or has its address taken).
    fn written(&self, pkg: &Pkg<'_>, b: BindingId) -> bool {
        if let Some(&w) = self.inner.borrow().written.get(&b) {
            return w;
        }
        let w = pkg
            .model
            .uses(b)
            .iter()
            .any(|u| is_write(pkg, u.file, u.ident));
        self.inner.borrow_mut().written.insert(b, w);
        w
    }
}

/// True when the identifier occurrence is written: the left side of an
/// assignment or of `++`/`--`, a range key or value assigned with `=`, or
/// an operand of `&`.
fn is_write(pkg: &Pkg<'_>, file: FileIdx, ident: NodeId) -> bool {
    let ast = pkg.model.files()[file].parsed.ast();
    // Climb through parentheses to the node that uses the identifier.
    let mut child = ident;
    let mut parent = pkg.parent(file, ident);
    for _ in 0..32 {
        match parent.map(|p| (p, ast.node(p))) {
            Some((p, Node::ParenExpr { .. })) => {
                child = p;
                parent = pkg.parent(file, p);
            }
            _ => break,
        }
    }
    let Some(p) = parent else {
        return false;
    };
    match *ast.node(p) {
        Node::AssignStmt { lhs, .. } => ast.list(lhs).contains(&child),
        Node::IncDecStmt { .. } => true,
        Node::RangeStmt {
            key, value, tok, ..
        } => tok == Tok::Assign && (key == Some(child) || value == Some(child)),
        Node::UnaryExpr { op: Tok::And, .. } => true,
        _ => false,
    }
}

/// True for a boolean only ever assigned `true` or `false`: a flag a
/// closure shares with its function (`sent := false; send := func() { if
/// !sent { ch <- v; sent = true } }`), how code says "once" or "already
/// done" across calls of the closure, or a local "found" mark (`var closed
/// bool; ... closed = true; break; ... if !closed { list = append(list, s)
/// }`). Guessing it either way would invent a second send, a missing one, or
/// a path that drops a value the model follows.
fn is_literal_flag(pkg: &Pkg<'_>, b: BindingId) -> bool {
    let uses = pkg.model.uses(b);
    let mut assigned = false;
    for u in uses.iter() {
        if !is_write(pkg, u.file, u.ident) {
            continue;
        }
        let ast = pkg.model.files()[u.file].parsed.ast();
        let source = pkg.model.files()[u.file].source;
        let Some(p) = pkg.parent(u.file, u.ident) else {
            return false;
        };
        let Node::AssignStmt { lhs, rhs, .. } = *ast.node(p) else {
            return false;
        };
        let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
        let Some(i) = lhs.iter().position(|&l| l == u.ident) else {
            return false;
        };
        if lhs.len() != rhs.len() {
            return false;
        }
        if !is_bool_literal(ast, source, rhs[i]) {
            return false;
        }
        assigned = true;
    }
    assigned
}

/// True for the literal `true` or `false` (an identifier of that name; the
/// flags the model follows are never shadowed booleans).
pub(crate) fn is_bool_literal(ast: &goguard_syntax::Ast, source: &str, e: NodeId) -> bool {
    matches!(ast.node(e), Node::Ident { .. }) && matches!(ast.text(e, source), "true" | "false")
}

/// True for a variable declared as the `ok` of a receive (`v, ok := <-ch`,
/// also in a select case).
fn is_recv_ok(pkg: &Pkg<'_>, b: BindingId) -> bool {
    let Some((file, decl)) = pkg.model.binding(b).decl else {
        return false;
    };
    let ast = pkg.model.files()[file].parsed.ast();
    let Some(p) = pkg.parent(file, decl) else {
        return false;
    };
    let Node::AssignStmt { lhs, rhs, .. } = *ast.node(p) else {
        return false;
    };
    let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
    lhs.get(1) == Some(&decl)
        && rhs.len() == 1
        && matches!(ast.node(rhs[0]), Node::UnaryExpr { op: Tok::Arrow, .. })
}

/// A condition and the operands of its `&&`, `||` and `!`.
fn condition_parts(ast: &goguard_syntax::Ast, c: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack = vec![c];
    while let Some(e) = stack.pop() {
        if out.len() > 64 {
            break;
        }
        out.push(e);
        match *ast.node(e) {
            Node::ParenExpr { x, .. }
            | Node::UnaryExpr {
                op: Tok::Not, x, ..
            } => stack.push(x),
            Node::BinaryExpr {
                x,
                op: Tok::Land | Tok::Lor,
                y,
                ..
            } => {
                stack.push(x);
                stack.push(y);
            }
            _ => {}
        }
    }
    out
}

/// Builds stable keys for the expressions of one file.
pub(crate) struct Keys<'a> {
    pub pkg: &'a Pkg<'a>,
    pub file: FileIdx,
}

impl Keys<'_> {
    /// The key of a stable expression, or None. `len(x)` and `cap(x)` have
    /// the key of `x`, so that a loop over `x` and a capacity `len(x)` share
    /// their symbol.
    pub(crate) fn key(&self, e: NodeId) -> Option<String> {
        let mut out = String::new();
        let mut bindings = Vec::new();
        self.build(e, &mut out, &mut bindings, 0).then_some(out)
    }

    /// True when a condition tests whether a call failed: compares an
    /// `error` (or a variable named like one) with nil. Comparing an error
    /// with a sentinel (`err == io.EOF`, `errors.Is(err, ErrClosed)`) is
    /// not such a test: which error comes back is a protocol with the other
    /// side of the I/O (a pipe's writer closing, a server shutting down)
    /// that the model does not see, so a loop left on it is a guess.
    pub(crate) fn checks_error(&self, e: NodeId) -> bool {
        let model = self.pkg.model;
        let f = &model.files()[self.file];
        let ast = f.parsed.ast();
        ast.walk(e).take(256).any(|n| match *ast.node(n) {
            Node::BinaryExpr {
                x,
                op: Tok::Eql | Tok::Neq,
                y,
                ..
            } => {
                // `err != nil`: one side an error, the other nil.
                let errorish = |z: NodeId| {
                    model.type_of(self.file, z).is_named("", "error") || {
                        let text = ast.text(z, f.source).to_ascii_lowercase();
                        let last = text.rsplit('.').next().unwrap_or("");
                        last.ends_with("err") || last.ends_with("error")
                    }
                };
                let nil = |z: NodeId| {
                    matches!(ast.node(z), Node::Ident { .. }) && ast.text(z, f.source) == "nil"
                };
                (errorish(x) && nil(y)) || (nil(x) && errorish(y))
            }
            _ => false,
        })
    }

    /// True when a condition mentions a local counter variable.
    pub(crate) fn counts(&self, e: NodeId) -> bool {
        let model = self.pkg.model;
        let ast = model.files()[self.file].parsed.ast();
        ast.walk(e).take(256).any(|n| {
            matches!(ast.node(n), Node::Ident { .. })
                && model.resolve(self.file, n).is_some_and(|b| {
                    model.binding(b).scope.is_some() && self.pkg.interner.counter(self.pkg, b)
                })
        })
    }

    /// The predicate of a stable condition.
    pub(crate) fn pred(&self, e: NodeId) -> Option<PredId> {
        let mut out = String::new();
        let mut bindings = Vec::new();
        if !self.build(e, &mut out, &mut bindings, 0) {
            return None;
        }
        let owners: Vec<Option<NodeId>> = bindings.iter().map(|&b| self.owner(b)).collect();
        let owner = match owners.split_first() {
            Some((first, rest)) if rest.iter().all(|o| o == first) => *first,
            _ => None,
        };
        if let Some(p) = self.pkg.interner.known_pred(&out) {
            return Some(p);
        }
        // A condition tested once needs no memory of its value: only
        // conditions tested twice or more in their function are predicates.
        let owner = owner?;
        if self.tests_of(owner, &out) < 2 {
            return None;
        }
        Some(self.pkg.interner.pred(out, Some(owner)))
    }

    /// How many conditions (of `if`, `for` and tagless `switch` cases)
    /// inside `func`, of this file, have the key `key`.
    fn tests_of(&self, func: NodeId, key: &str) -> usize {
        let ast = self.pkg.model.files()[self.file].parsed.ast();
        let mut n = 0;
        for id in ast.walk(func) {
            let conds: Vec<NodeId> = match *ast.node(id) {
                Node::IfStmt { cond, .. } => vec![cond],
                Node::ForStmt { cond: Some(c), .. } => vec![c],
                Node::CaseClause { list, .. } => ast.list(list).to_vec(),
                _ => continue,
            };
            for c in conds {
                for sub in condition_parts(ast, c) {
                    if self.key(sub).as_deref() == Some(key) {
                        n += 1;
                    }
                }
            }
            if n >= 2 {
                break;
            }
        }
        n
    }

    /// The value of an integer constant declared with a literal (or a
    /// product, sum, difference, shift or bitwise combination of such
    /// constants and `iota`; a spec of a `const` block with no values
    /// repeats the last values given, with its own `iota`).
    pub(crate) fn const_value(&self, b: BindingId) -> Option<i64> {
        self.const_binding(b, 0)
    }

    fn const_binding(&self, b: BindingId, depth: u32) -> Option<i64> {
        let binding = self.pkg.model.binding(b);
        if binding.kind != BindingKind::Const {
            return None;
        }
        let (file, decl) = binding.decl?;
        let ast = self.pkg.model.files()[file].parsed.ast();
        let spec = self.pkg.parent(file, decl)?;
        let Node::ValueSpec { names, .. } = *ast.node(spec) else {
            return None;
        };
        let i = ast.list(names).iter().position(|&n| n == decl)?;
        // The spec's place in its block is `iota`; a spec without values
        // takes those of the nearest one above that has them.
        let (iota, values) = match self.pkg.parent(file, spec).map(|g| ast.node(g)) {
            Some(&Node::GenDecl { specs, .. }) => {
                let specs = ast.list(specs);
                let at = specs.iter().position(|&sp| sp == spec)?;
                let values = specs[..=at]
                    .iter()
                    .rev()
                    .find_map(|&sp| match *ast.node(sp) {
                        Node::ValueSpec { values, .. } if !ast.list(values).is_empty() => {
                            Some(values)
                        }
                        _ => None,
                    })?;
                (at as i64, values)
            }
            _ => match *ast.node(spec) {
                Node::ValueSpec { values, .. } => (0, values),
                _ => return None,
            },
        };
        let &v = ast.list(values).get(i)?;
        self.const_expr(file, v, Some(iota), depth + 1)
    }

    fn const_expr(&self, file: usize, e: NodeId, iota: Option<i64>, depth: u32) -> Option<i64> {
        if depth > 8 {
            return None;
        }
        let f = &self.pkg.model.files()[file];
        let ast = f.parsed.ast();
        match *ast.node(e) {
            Node::BasicLit { kind: Tok::Int, .. } => ast.text(e, f.source).parse().ok(),
            Node::ParenExpr { x, .. } => self.const_expr(file, x, iota, depth + 1),
            // `iota` is the universe's: it has no declaration here.
            Node::Ident { .. } => match self.pkg.model.resolve(file, e) {
                Some(b) if self.pkg.model.binding(b).decl.is_some() => {
                    self.const_binding(b, depth + 1)
                }
                _ if ast.text(e, f.source) == "iota" => iota,
                _ => None,
            },
            Node::BinaryExpr { x, op, y, .. } => {
                let (a, b) = (
                    self.const_expr(file, x, iota, depth + 1)?,
                    self.const_expr(file, y, iota, depth + 1)?,
                );
                match op {
                    Tok::Add => a.checked_add(b),
                    Tok::Sub => a.checked_sub(b),
                    Tok::Mul => a.checked_mul(b),
                    Tok::Shl if (0..62).contains(&b) => a.checked_mul(1 << b),
                    Tok::Or => Some(a | b),
                    Tok::And => Some(a & b),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The expression a variable is declared with (`x := e`, `var x = e`),
    /// in this file.
    fn initializer(&self, b: BindingId) -> Option<NodeId> {
        let (file, decl) = self.pkg.model.binding(b).decl?;
        if file != self.file {
            return None;
        }
        let ast = self.pkg.model.files()[file].parsed.ast();
        let parent = self.pkg.parent(file, decl)?;
        let (names, values) = match *ast.node(parent) {
            Node::AssignStmt {
                lhs,
                tok: Tok::Define,
                rhs,
                ..
            } => (lhs, rhs),
            Node::ValueSpec { names, values, .. } => (names, values),
            _ => return None,
        };
        let (names, values) = (ast.list(names), ast.list(values));
        if names.len() != values.len() {
            return None;
        }
        let i = names.iter().position(|&n| n == decl)?;
        Some(values[i])
    }

    /// The function declaring a local binding, when the declaration runs
    /// once per run of it (not in a loop).
    fn owner(&self, b: BindingId) -> Option<NodeId> {
        let (file, decl) = self.pkg.model.binding(b).decl?;
        let ast = self.pkg.model.files()[file].parsed.ast();
        let mut n = decl;
        for _ in 0..10_000 {
            let p = self.pkg.parent(file, n)?;
            match ast.node(p) {
                Node::ForStmt { .. } | Node::RangeStmt { .. } => return None,
                Node::FuncDecl { .. } | Node::FuncLit { .. } => return Some(p),
                _ => {}
            }
            n = p;
        }
        None
    }

    fn build(&self, e: NodeId, out: &mut String, bs: &mut Vec<BindingId>, depth: u32) -> bool {
        if depth > MAX_KEY_DEPTH {
            return false;
        }
        let model = self.pkg.model;
        let f = &model.files()[self.file];
        let ast = f.parsed.ast();
        match *ast.node(e) {
            Node::ParenExpr { x, .. } => self.build(x, out, bs, depth + 1),
            Node::Ident { .. } => {
                let Some(b) = model.resolve(self.file, e) else {
                    return false;
                };
                let binding = model.binding(b);
                match binding.kind {
                    BindingKind::Var
                    | BindingKind::Param
                    | BindingKind::Result
                    | BindingKind::Receiver => {
                        // Package-level variables may change at any time.
                        if binding.scope.is_none() || self.pkg.interner.written(self.pkg, b) {
                            return false;
                        }
                        // `n := len(items)`: n stands for its value.
                        if let Some(init) = self.initializer(b) {
                            let mark = out.len();
                            let marks = bs.len();
                            if self.build(init, out, bs, depth + 1) {
                                return true;
                            }
                            out.truncate(mark);
                            bs.truncate(marks);
                        }
                        out.push_str(&format!("b{}", b.0));
                        bs.push(b);
                        true
                    }
                    BindingKind::Const => {
                        // A constant stands for its value when it is a
                        // number written out (`const workers = 3`).
                        match self.const_value(b) {
                            Some(v) => out.push_str(&v.to_string()),
                            None => out.push_str(ast.text(e, f.source)),
                        }
                        true
                    }
                    BindingKind::Builtin => {
                        out.push_str(ast.text(e, f.source));
                        true
                    }
                    _ => false,
                }
            }
            Node::BasicLit { .. } => {
                out.push_str(ast.text(e, f.source));
                true
            }
            Node::SelectorExpr { x, sel } => {
                if !self.build(x, out, bs, depth + 1) {
                    return false;
                }
                out.push('.');
                out.push_str(ast.text(sel, f.source));
                true
            }
            Node::StarExpr { x, .. } => self.build(x, out, bs, depth + 1),
            Node::UnaryExpr { op, x, .. } if matches!(op, Tok::Not | Tok::Sub) => {
                out.push_str(if op == Tok::Not { "!" } else { "-" });
                self.build(x, out, bs, depth + 1)
            }
            Node::BinaryExpr { x, op, y, .. } => {
                if let Some(v) = self.const_expr(self.file, e, None, 0) {
                    out.push_str(&v.to_string());
                    return true;
                }
                out.push('(');
                if !self.build(x, out, bs, depth + 1) {
                    return false;
                }
                out.push_str(&format!(" {op:?} "));
                if !self.build(y, out, bs, depth + 1) {
                    return false;
                }
                out.push(')');
                true
            }
            Node::CallExpr { fun, args, .. } => {
                // len(x) and cap(x) only.
                let callee = model.callee(self.file, e);
                let list = ast.list(args);
                if (callee.is_builtin("len") || callee.is_builtin("cap")) && list.len() == 1 {
                    let _ = fun;
                    self.build(list[0], out, bs, depth + 1)
                } else {
                    false
                }
            }
            _ => false,
        }
    }
}
