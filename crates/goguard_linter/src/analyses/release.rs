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

use std::collections::HashSet;

use goguard_semantic::cfg::Cfg;
use goguard_semantic::model::{BindingId, BindingKind};
use goguard_syntax::{Node, NodeId};

use crate::engine::Context;

use super::expr::{closure_between, is_immediately_called, place_of, unparen, Place};
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
    match closure_between(cx, ident, func) {
        None => role,
        Some(lit) => match role {
            UseRole::Release | UseRole::Escape => role,
            UseRole::Reassign => UseRole::Escape,
            UseRole::Other if is_immediately_called(cx, lit) => UseRole::Other,
            UseRole::Other => UseRole::Escape,
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
    let cfg = cx.cfg(ob.func)?;
    let stops = stop_nodes(cx, ob, cfg, classify)?;
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
        ob.nil_exempt && branch_says_non_nil(cx, cond, taken, &value_test) == Some(false)
    };
    let stop = |n: NodeId| stops.contains(&n);
    let kill = |n: NodeId| kills.contains(&n);
    let search = Search {
        stop: &stop,
        prune: &prune,
        kill_facts: &kill,
        loop_back_leaks: true,
    };
    leak_path(cx, ob.func, cfg, ob.creation, &search)
}

/// The CFG nodes where a path stops holding the value; None when a use
/// cannot be placed, or when a release or hand-off is installed before the
/// value exists (a deferred closure registered ahead of a retry loop).
fn stop_nodes(
    cx: &Context<'_>,
    ob: &Obligation,
    cfg: &Cfg,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> Option<HashSet<NodeId>> {
    let mut stops = HashSet::new();
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
        let deferred_or_closure = matches!(cx.node(at), Node::DeferStmt { .. })
            || closure_between(cx, u.ident, ob.func).is_some();
        if role != UseRole::Reassign && deferred_or_closure && cfg.reaches(at, ob.creation) {
            return None;
        }
        stops.insert(at);
    }
    Some(stops)
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
