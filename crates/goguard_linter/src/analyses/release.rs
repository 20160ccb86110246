//! "The value held by a local variable must be released on every path to a
//! normal exit, unless it is handed off": the analysis behind
//! context-cancel-not-called, response-body-not-closed and
//! ticker-not-stopped.
//!
//! Each rule says what one use of the variable does ([`UseRole`]); this
//! module finds the statements where a path ends (release, hand-off,
//! reassignment), treats uses inside function literals as the literal's
//! statement (a deferred or spawned closure that releases counts), prunes the
//! branches where the creating call failed or the value is nil, and searches
//! the CFG for a path to a return that meets none of them.
//!
//! Two refinements apply to every rule: overwriting the variable while it
//! still holds the value is a leak of that value (`ctx, cancel =
//! context.WithTimeout(...)` twice), and storing the value into a local
//! object or slice made in the function (`s.cancel = cancel`, `files =
//! append(files, f)`) is no hand-off until that holder escapes: the paths
//! before that still count.

use std::collections::HashSet;

use goguard_semantic::cfg::Cfg;
use goguard_semantic::model::{BindingId, BindingKind};
use goguard_syntax::{Node, NodeId, Tok};

use crate::engine::Context;

use super::expr::{
    closure_between, is_immediately_called, is_standard_package, outer_paren, place_of, unparen,
    Place,
};
use super::flow::{anchor, branch_says_non_nil, leak_path, LeakExit, NilTest, Search};

/// What one use of the tracked variable does to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseRole {
    /// Releases it (`cancel()`, `resp.Body.Close()`, `t.Stop()`), directly
    /// or deferred.
    Release,
    /// Hands it to someone else (returned, stored, passed, sent): from here
    /// on, releasing it is not this function's job.
    Escape,
    /// Overwrites the variable: the path no longer holds the value.
    Reassign,
    /// Reads it without changing who owns it.
    Other,
    /// Reads it without changing who owns it, even from a function literal
    /// that outlives the statement (a goroutine calling a worker's methods
    /// does not stop it); taken as [`UseRole::Other`] everywhere.
    Borrow,
}

/// A value the function must release.
#[derive(Debug, Clone, Copy)]
pub struct Obligation {
    /// The FuncDecl or FuncLit whose body creates the value.
    pub func: NodeId,
    /// The CFG node creating it (the assignment or `var` spec).
    pub creation: NodeId,
    /// The local variable holding it.
    pub binding: BindingId,
    /// The creating call's error result: on the branch where it is non-nil
    /// there is nothing to release.
    pub error: Option<BindingId>,
    /// On the branch where the variable is nil there is nothing to release.
    pub nil_exempt: bool,
}

/// True when `binding` is a local variable or parameter of `func` itself (not
/// of an enclosing function, not package-level, not a named result), so the
/// function alone decides what happens to it.
pub fn is_local_of(cx: &Context<'_>, binding: BindingId, func: NodeId) -> bool {
    let b = cx.model().binding(binding);
    if !matches!(b.kind, BindingKind::Var | BindingKind::Param) || b.scope.is_none() {
        return false;
    }
    match b.decl {
        Some((file, ident)) => file == cx.file() && cx.enclosing_func(ident) == Some(func),
        None => false,
    }
}

/// The role of a use, given the rule's view of the use itself: uses inside a
/// function literal that releases or hands off count as such; a closure that
/// only reads the value but outlives its statement (spawned, stored, passed)
/// takes it along, so it counts as a hand-off.
pub fn role_with_closures(
    cx: &Context<'_>,
    func: NodeId,
    ident: NodeId,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> UseRole {
    let role = classify(cx, ident);
    if role == UseRole::Borrow {
        return UseRole::Other;
    }
    match closure_between(cx, ident, func) {
        None => role,
        Some(lit) => match role {
            UseRole::Release | UseRole::Escape => role,
            UseRole::Reassign => UseRole::Escape,
            UseRole::Other if is_immediately_called(cx, lit) => UseRole::Other,
            UseRole::Other | UseRole::Borrow => UseRole::Escape,
        },
    }
}

/// Searches for a path on which the obligation's value is neither released
/// nor handed off before the function returns normally. None when there is
/// none, or when the analysis cannot place a use (then nothing is claimed).
pub fn find_leak(
    cx: &Context<'_>,
    ob: &Obligation,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> Option<LeakExit> {
    find_leak_with(cx, ob, classify, &|_, _| false)
}

/// [`find_leak`], where `released_on(cond, taken)` also says that leaving
/// the condition `cond` by its `taken` branch releases the value (a
/// `rows.Next()` that returned false has closed the rows).
pub fn find_leak_with(
    cx: &Context<'_>,
    ob: &Obligation,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
    released_on: &dyn Fn(NodeId, bool) -> bool,
) -> Option<LeakExit> {
    let cfg = cx.cfg(ob.func)?;
    let ends = path_ends(cx, ob, cfg, classify)?;
    let kills = match ob.error {
        Some(err) => reassignments(cx, ob.func, cfg, err),
        None => HashSet::new(),
    };
    let is_err = |id: NodeId| ident_is(cx, id, ob.error);
    let err_test = NilTest {
        is_x: &is_err,
        predicates_imply_non_nil: true,
    };
    // `resp.Body == nil` tells as much as `resp == nil`: nothing to close.
    let is_value = |id: NodeId| {
        ident_is(cx, id, Some(ob.binding))
            || matches!(*cx.node(id), Node::SelectorExpr { x, sel }
                if cx.text(sel) == "Body" && ident_is(cx, unparen(cx, x), Some(ob.binding)))
    };
    let value_test = NilTest {
        is_x: &is_value,
        predicates_imply_non_nil: false,
    };
    let prune = |cond: NodeId, taken: bool, facts: bool| {
        if facts
            && ob.error.is_some()
            && branch_says_non_nil(cx, cond, taken, &err_test) == Some(true)
        {
            return true;
        }
        if released_on(cond, taken) {
            return true;
        }
        ob.nil_exempt && branch_says_non_nil(cx, cond, taken, &value_test) == Some(false)
    };
    let stop = |n: NodeId| ends.stops.contains(&n);
    let overwrite = |n: NodeId| ends.overwrites.contains(&n);
    let holds = |n: NodeId| ends.holds.contains(&n);
    let kill = |n: NodeId| kills.contains(&n);
    let search = Search {
        stop: &stop,
        prune: &prune,
        kill_facts: &kill,
        overwrite: &overwrite,
        holds: &holds,
        loop_back_leaks: true,
        ignore_exit: &|_| false,
    };
    leak_path(cx, ob.func, cfg, ob.creation, &search)
}

/// Where paths holding the value end.
#[derive(Default)]
struct PathEnds {
    /// The value is released, handed off, or replaced by a value made from
    /// it (`f = wrap(f)`).
    stops: HashSet<NodeId>,
    /// The variable is overwritten while it holds the value: a leak.
    overwrites: HashSet<NodeId>,
    /// The value is stored into a local holder: the variable may be reused.
    holds: HashSet<NodeId>,
}

/// The CFG nodes where a path stops holding the value, and those that
/// overwrite it; None when a use cannot be placed, or when a closure that
/// releases or takes the value is installed before the value exists (a
/// deferred closure registered ahead of a retry loop, which releases
/// whatever the variable holds when it runs).
fn path_ends(
    cx: &Context<'_>,
    ob: &Obligation,
    cfg: &Cfg,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> Option<PathEnds> {
    let mut ends = PathEnds::default();
    for u in cx.model().uses(ob.binding) {
        if u.file != cx.file() {
            return None;
        }
        let role = role_with_closures(cx, ob.func, u.ident, classify);
        if role == UseRole::Other {
            continue;
        }
        let at = anchor(cx, ob.func, cfg, u.ident)?;
        if at == ob.creation {
            continue;
        }
        let in_closure = closure_between(cx, u.ident, ob.func).is_some();
        if role != UseRole::Reassign && in_closure && cfg.reaches(at, ob.creation) {
            return None;
        }
        if role == UseRole::Escape && !in_closure {
            if let Some(holder) = holder_of(cx, ob.func, u.ident) {
                ends.stops
                    .extend(holder_ends(cx, ob, cfg, &holder, at, classify)?);
                ends.holds.insert(at);
                continue;
            }
        }
        if role == UseRole::Reassign && !in_closure && !rhs_mentions(cx, u.ident, ob.binding) {
            ends.overwrites.insert(at);
            continue;
        }
        ends.stops.insert(at);
    }
    Some(ends)
}

/// A local object or slice the value is stored into (`s.cancel = cancel`,
/// `files = append(files, f)`, `s := &server{conn: c}`): until the holder
/// escapes, the value has not left the function.
struct Holder<'a> {
    binding: BindingId,
    /// The field holding the value, when it is a field (not an element).
    field: Option<&'a str>,
    /// The holder is the result of a standard-library call given the value
    /// (`r := bufio.NewReader(f)`): its methods work on it, not on the value.
    wrapper: bool,
}

/// The holder `ident`'s value is stored into, when it is a local variable
/// of `func` holding a fresh object or slice (made in `func`, so nobody else
/// can see it yet).
fn holder_of<'a>(cx: &Context<'a>, func: NodeId, ident: NodeId) -> Option<Holder<'a>> {
    let value = outer_paren(cx, ident);
    let parent = cx.parent(value)?;
    let ast = cx.ast();
    // (holder expression, field, whether the stored object is fresh here)
    let (target, field, fresh) = match *cx.node(parent) {
        // `h.f = v`, `h[k] = v`
        Node::AssignStmt {
            lhs,
            rhs,
            tok: Tok::Assign,
            ..
        } => {
            let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
            let i = rhs.iter().position(|&r| r == value)?;
            if lhs.len() != rhs.len() {
                return None;
            }
            match *cx.node(unparen(cx, lhs[i])) {
                Node::SelectorExpr { x, sel } => (unparen(cx, x), Some(cx.text(sel)), false),
                Node::IndexExpr { x, .. } => (unparen(cx, x), None, false),
                _ => return None,
            }
        }
        // `r := bufio.NewReader(f)`, `req, err := http.NewRequest(m, u, f)`
        Node::CallExpr { fun, .. } if wraps(cx, parent, value, fun) => {
            let (stmt, lhs) = super::release::call_results(cx, parent)?;
            if !matches!(
                cx.node(stmt),
                Node::AssignStmt { .. } | Node::ValueSpec { .. }
            ) {
                return None;
            }
            let h = unparen(cx, *lhs.first()?);
            let binding = binding_of(cx, h)?;
            if cx.model().binding(binding).kind != BindingKind::Var
                || !is_local_of(cx, binding, func)
            {
                return None;
            }
            return Some(Holder {
                binding,
                field: None,
                wrapper: true,
            });
        }
        // `h = append(h, v)`
        Node::CallExpr { fun, args, .. } => {
            let args = ast.list(args);
            if !cx.model().callee(cx.file(), parent).is_builtin("append")
                || args.first() == Some(&value)
                || !matches!(cx.node(unparen(cx, fun)), Node::Ident { .. })
            {
                return None;
            }
            let (stmt, lhs) = super::release::call_results(cx, parent)?;
            let &[h] = lhs else { return None };
            if !matches!(cx.node(stmt), Node::AssignStmt { .. }) {
                return None;
            }
            let first = unparen(cx, *args.first()?);
            if binding_of(cx, first)? != binding_of(cx, h)? {
                return None;
            }
            (h, None, false)
        }
        // `h := &T{f: v}`, `h := T{v}`, `h := []T{v}`
        Node::KeyValueExpr { key, value: v, .. } if v == value => {
            let lit = cx.parent(parent)?;
            let field = match cx.node(key) {
                Node::Ident { .. } => Some(cx.text(key)),
                _ => None,
            };
            (literal_holder(cx, lit)?, field, true)
        }
        Node::CompositeLit { .. } => (literal_holder(cx, parent)?, None, true),
        _ => return None,
    };
    let binding = binding_of(cx, target)?;
    let b = cx.model().binding(binding);
    if b.kind != BindingKind::Var || !is_local_of(cx, binding, func) {
        return None;
    }
    if !fresh && !declared_fresh(cx, binding) {
        return None;
    }
    Some(Holder {
        binding,
        field,
        wrapper: false,
    })
}

/// True when `call` is a standard-library call that only reads `value`
/// except through its result, which can hold it (see
/// [`super::handoff::passed_role`]); function values are left out (the
/// call may run them).
fn wraps(cx: &Context<'_>, call: NodeId, value: NodeId, fun: NodeId) -> bool {
    if matches!(cx.node(unparen(cx, fun)), Node::Ident { .. })
        && cx.model().callee(cx.file(), call).is_builtin("append")
    {
        return false;
    }
    let Some(index) = cx
        .ast()
        .list(match *cx.node(call) {
            Node::CallExpr { args, .. } => args,
            _ => return false,
        })
        .iter()
        .position(|&a| a == value)
    else {
        return false;
    };
    if matches!(
        cx.model().type_of(cx.file(), value),
        goguard_semantic::types::Type::Func(_)
    ) {
        return false;
    }
    let standard = match cx.model().callee(cx.file(), call) {
        goguard_semantic::model::Callee::Func(n) => {
            is_standard_package(&n.pkg, cx.model().import_path())
        }
        goguard_semantic::model::Callee::Method { recv, .. } => {
            is_standard_package(&recv.pkg, cx.model().import_path())
        }
        _ => false,
    };
    // Standard, and a reader of the value but for its result.
    standard
        && super::handoff::passed_role(cx, call, index, None) == UseRole::Escape
        && super::handoff::reads_but_for_result(cx, call, index)
}

/// For a composite literal (possibly under `&`) that is the whole right-hand
/// side of an assignment or `var` spec of one variable: that variable.
fn literal_holder(cx: &Context<'_>, lit: NodeId) -> Option<NodeId> {
    if !matches!(cx.node(lit), Node::CompositeLit { .. }) {
        return None;
    }
    let mut outer = outer_paren(cx, lit);
    if let Some(p) = cx.parent(outer) {
        if matches!(cx.node(p), Node::UnaryExpr { op: Tok::And, .. }) {
            outer = outer_paren(cx, p);
        }
    }
    let parent = cx.parent(outer)?;
    let ast = cx.ast();
    match *cx.node(parent) {
        Node::AssignStmt { lhs, rhs, .. } if ast.list(rhs) == [outer] => match ast.list(lhs) {
            &[h] => Some(unparen(cx, h)),
            _ => None,
        },
        Node::ValueSpec { names, values, .. } if ast.list(values) == [outer] => {
            match ast.list(names) {
                &[h] => Some(h),
                _ => None,
            }
        }
        _ => None,
    }
}

/// True when the variable is declared with a value made on the spot: the
/// zero value (`var h T`, `var s []T`), a composite literal, `new(T)` or
/// `make(...)`.
fn declared_fresh(cx: &Context<'_>, binding: BindingId) -> bool {
    let Some((file, ident)) = cx.model().binding(binding).decl else {
        return false;
    };
    if file != cx.file() {
        return false;
    }
    let Some(parent) = cx.parent(ident) else {
        return false;
    };
    let ast = cx.ast();
    let value = match *cx.node(parent) {
        Node::ValueSpec { names, values, .. } => {
            let values = ast.list(values);
            if values.is_empty() {
                return true;
            }
            let Some(i) = ast.list(names).iter().position(|&n| n == ident) else {
                return false;
            };
            match values.get(i) {
                Some(&v) if values.len() == ast.list(names).len() => v,
                _ => return false,
            }
        }
        Node::AssignStmt { lhs, rhs, .. } => {
            let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
            let Some(i) = lhs.iter().position(|&n| n == ident) else {
                return false;
            };
            match rhs.get(i) {
                Some(&v) if lhs.len() == rhs.len() => v,
                _ => return false,
            }
        }
        _ => return false,
    };
    let mut v = unparen(cx, value);
    if let Node::UnaryExpr {
        op: Tok::And, x, ..
    } = *cx.node(v)
    {
        v = unparen(cx, x);
    }
    match cx.node(v) {
        Node::CompositeLit { .. } => true,
        Node::CallExpr { .. } => {
            let callee = cx.model().callee(cx.file(), v);
            callee.is_builtin("new") || callee.is_builtin("make")
        }
        _ => false,
    }
}

/// The nodes where paths stop holding a value stored (at `store`) into a
/// holder: where the holder escapes, or where the stored field is released
/// or handed off. None when a closure handling the holder is installed
/// before the store; the store itself when the holder may have escaped
/// before it (then storing into it is a hand-off).
fn holder_ends(
    cx: &Context<'_>,
    ob: &Obligation,
    cfg: &Cfg,
    holder: &Holder<'_>,
    store: NodeId,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> Option<HashSet<NodeId>> {
    let mut stops = HashSet::new();
    for u in cx.model().uses(holder.binding) {
        if u.file != cx.file() {
            return Some(HashSet::from([store]));
        }
        let Some(at) = anchor(cx, ob.func, cfg, u.ident) else {
            return Some(HashSet::from([store]));
        };
        if at == store {
            continue;
        }
        let closure = closure_between(cx, u.ident, ob.func);
        let role = match closure {
            Some(lit) if !is_immediately_called(cx, lit) => UseRole::Escape,
            _ => holder_use(cx, holder, u.ident, classify),
        };
        if role == UseRole::Other {
            continue;
        }
        if cfg.reaches(at, store) {
            if closure.is_some() {
                return None;
            }
            return Some(HashSet::from([store]));
        }
        stops.insert(at);
    }
    Some(stops)
}

/// What a use of the holder does to the value stored in it.
fn holder_use(
    cx: &Context<'_>,
    holder: &Holder<'_>,
    ident: NodeId,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> UseRole {
    let value = outer_paren(cx, ident);
    let parent = cx.parent(value);
    if holder.wrapper {
        return match place_of(cx, value) {
            Place::Selected { .. } | Place::Read => UseRole::Other,
            Place::Argument { call, index } => super::handoff::passed_role(cx, call, index, None),
            _ => UseRole::Escape,
        };
    }
    if let Some(Node::SelectorExpr { sel, .. }) = parent.map(|p| cx.node(p)) {
        let sel_expr = parent.unwrap_or(value);
        let name = cx.text(*sel);
        if Some(name) == holder.field {
            // `h.f` stands for the value itself.
            return match classify(cx, sel_expr) {
                UseRole::Reassign => UseRole::Escape,
                UseRole::Borrow => UseRole::Other,
                role => role,
            };
        }
        return match place_of(cx, sel_expr) {
            // A method of the holder may release what it holds.
            Place::Called { .. } => UseRole::Escape,
            Place::AssignedTo { .. } | Place::Read => UseRole::Other,
            _ if holder.field.is_some() => UseRole::Other,
            _ => UseRole::Escape,
        };
    }
    match place_of(cx, value) {
        // `h = append(h, ...)`, `len(h)`.
        Place::Argument { call, index } => {
            let callee = cx.model().callee(cx.file(), call);
            let appended_to_itself = index == 0
                && callee.is_builtin("append")
                && matches!(call_results(cx, call), Some((_, &[h])) if binding_of(cx, h) == Some(holder.binding));
            if appended_to_itself || callee.is_builtin("len") || callee.is_builtin("cap") {
                UseRole::Other
            } else {
                UseRole::Escape
            }
        }
        Place::AssignedTo { .. } if holder.field.is_none() => {
            // The left side of `h = append(h, v)`.
            match cx.parent(value).map(|p| cx.node(p)) {
                Some(Node::AssignStmt { rhs, .. }) => {
                    let appended = cx.ast().list(*rhs).iter().any(|&r| {
                        matches!(cx.node(unparen(cx, r)), Node::CallExpr { .. })
                            && cx
                                .model()
                                .callee(cx.file(), unparen(cx, r))
                                .is_builtin("append")
                    });
                    if appended {
                        UseRole::Other
                    } else {
                        UseRole::Escape
                    }
                }
                _ => UseRole::Escape,
            }
        }
        // Compared with nil; an element read (`h[i]`) or a range over the
        // holder may release the elements.
        Place::Read
            if !matches!(
                parent.map(|p| cx.node(p)),
                Some(Node::IndexExpr { .. } | Node::RangeStmt { .. } | Node::TypeAssertExpr { .. })
            ) =>
        {
            UseRole::Other
        }
        _ => UseRole::Escape,
    }
}

/// True when the right-hand side of the assignment overwriting `ident`
/// mentions `binding` (`f = wrap(f)` hands the old value to the new one).
fn rhs_mentions(cx: &Context<'_>, ident: NodeId, binding: BindingId) -> bool {
    let Place::AssignedTo { stmt } = place_of(cx, ident) else {
        return true;
    };
    let Node::AssignStmt { rhs, .. } = *cx.node(stmt) else {
        return true;
    };
    cx.ast().list(rhs).iter().any(|&r| {
        cx.ast()
            .walk(r)
            .take(10_000)
            .any(|n| ident_is(cx, n, Some(binding)))
    })
}

/// The CFG nodes that assign to `binding` (or take its address).
fn reassignments(cx: &Context<'_>, func: NodeId, cfg: &Cfg, binding: BindingId) -> HashSet<NodeId> {
    cx.model()
        .uses(binding)
        .iter()
        .filter(|u| u.file == cx.file())
        .filter(|u| {
            matches!(
                place_of(cx, u.ident),
                Place::AssignedTo { .. } | Place::AddressTaken
            ) || closure_between(cx, u.ident, func).is_some()
        })
        .filter_map(|u| anchor(cx, func, cfg, u.ident))
        .collect()
}

/// True when `id` is an identifier resolving to `binding`.
fn ident_is(cx: &Context<'_>, id: NodeId, binding: Option<BindingId>) -> bool {
    match binding {
        Some(b) => {
            matches!(cx.node(id), Node::Ident { .. })
                && cx.model().resolve(cx.file(), id) == Some(b)
        }
        None => false,
    }
}

/// The identifier `id` resolves to a binding (None for `_` and non-identifiers).
pub fn binding_of(cx: &Context<'_>, id: NodeId) -> Option<BindingId> {
    match cx.node(id) {
        Node::Ident { .. } if cx.text(id) != "_" => cx.model().resolve(cx.file(), id),
        _ => None,
    }
}

/// True for the blank identifier `_`.
pub fn is_blank(cx: &Context<'_>, id: NodeId) -> bool {
    matches!(cx.node(id), Node::Ident { .. }) && cx.text(id) == "_"
}

/// Where the results of a call go when it is the only right-hand side of an
/// assignment or `var` spec: the statement (the CFG node) and the left-hand
/// expressions (identifiers for a `var` spec).
pub fn call_results<'a>(cx: &Context<'a>, call: NodeId) -> Option<(NodeId, &'a [NodeId])> {
    let outer = super::expr::outer_paren(cx, call);
    let parent = cx.parent(outer)?;
    let ast = cx.ast();
    match *cx.node(parent) {
        Node::AssignStmt { lhs, rhs, .. } if ast.list(rhs) == [outer] => {
            Some((parent, ast.list(lhs)))
        }
        Node::ValueSpec { names, values, .. } if ast.list(values) == [outer] => {
            Some((parent, ast.list(names)))
        }
        _ => None,
    }
}
