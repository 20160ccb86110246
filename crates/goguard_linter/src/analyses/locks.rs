//! Mutex operations of one function, keyed by the receiver expression's text
//! (`c.mu` in `c.mu.Lock()`): where each lock method is selected, which CFG
//! node holds it, and whether a call elsewhere in the package might release
//! a mutex it is given.

use std::collections::HashMap;

use goguard_semantic::cfg::Cfg;
use goguard_semantic::model::{Callee, Member};
use goguard_syntax::{Ast, Node, NodeId};

use crate::engine::Context;

use super::expr::{is_standard_package, normalized_text, outer_paren, place_of, Place};
use super::flow::anchor;

/// The methods of sync.Mutex and sync.RWMutex.
pub const LOCK_METHODS: &[&str] = &["Lock", "Unlock", "RLock", "RUnlock", "TryLock", "TryRLock"];

/// One `key.Method` selection of a lock method in a function (called or
/// not, possibly inside a function literal).
#[derive(Debug, Clone)]
pub struct MutexOp {
    /// The SelectorExpr `key.Method`.
    pub selector: NodeId,
    /// The receiver's text, white space and parentheses removed.
    pub key: String,
    pub method: &'static str,
    /// The CFG node of the function holding the selection; None when it
    /// cannot be placed.
    pub anchor: Option<NodeId>,
    /// True when the selection is in a function literal inside the function.
    pub in_closure: bool,
}

/// Every lock-method selection in `func` (its body and its literals).
pub fn mutex_ops(cx: &Context<'_>, func: NodeId, cfg: &Cfg) -> Vec<MutexOp> {
    let mut ops = Vec::new();
    for id in cx.ast().walk(func) {
        let Node::SelectorExpr { x, sel } = *cx.node(id) else {
            continue;
        };
        let name = cx.text(sel);
        let Some(&method) = LOCK_METHODS.iter().find(|&&m| m == name) else {
            continue;
        };
        ops.push(MutexOp {
            selector: id,
            key: normalized_text(cx, x),
            method,
            anchor: anchor(cx, func, cfg, id),
            in_closure: cx.enclosing_func(id) != Some(func),
        });
    }
    ops
}

/// True when two receiver texts name the same mutex: equal, or one is the
/// other's embedded `Mutex`/`RWMutex` field spelled out (`s.Mutex` and `s`).
pub fn same_mutex(a: &str, b: &str) -> bool {
    let embedded = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest == ".Mutex" || rest == ".RWMutex")
    };
    a == b || embedded(a, b) || embedded(b, a)
}

/// The texts through which a call could reach the mutex `key`: the key
/// itself and the expression it is a field of (`c` for `c.mu`).
pub fn owners(cx: &Context<'_>, receiver: NodeId) -> Vec<String> {
    let mut out = vec![normalized_text(cx, receiver)];
    if let Node::SelectorExpr { x, .. } = *cx.node(super::expr::unparen(cx, receiver)) {
        out.push(normalized_text(cx, x));
    }
    out
}

/// The CFG nodes of `func` where one of `owners` is given to code that
/// might unlock a mutex through it, or where the lock is recorded in the
/// owner for later:
/// - a call given the owner (as receiver or argument, possibly by address):
///   a function of this package whose body unlocks something, or one
///   goguard cannot see into (standard-library calls do not count);
/// - a method value of the owner whose body unlocks (`return tx.release`);
/// - a field of the owner whose name speaks of the lock (`rs.scanHold =
///   true`, `c.locked = true`) assigned.
pub fn owner_handoffs(
    cx: &Context<'_>,
    func: NodeId,
    cfg: &Cfg,
    owners: &[String],
    cache: &mut HashMap<String, bool>,
) -> Vec<NodeId> {
    let mut out = Vec::new();
    for id in cx.ast().walk(func) {
        if !matches!(cx.node(id), Node::Ident { .. } | Node::SelectorExpr { .. }) {
            continue;
        }
        // Only whole expressions: not the `c` inside `c.mu`.
        if matches!(cx.parent(id).map(|p| cx.node(p)), Some(Node::SelectorExpr { sel, .. }) if *sel == id)
        {
            continue;
        }
        let text = normalized_text(cx, id);
        if !owners.contains(&text) {
            continue;
        }
        let hands_off = match place_of(cx, id) {
            Place::Argument { call, .. } => may_unlock(cx, call, cache),
            Place::AddressTaken => {
                let addr = outer_paren(cx, cx.parent(outer_paren(cx, id)).unwrap_or(id));
                match place_of(cx, addr) {
                    Place::Argument { call, .. } => may_unlock(cx, call, cache),
                    _ => false,
                }
            }
            Place::Selected { sel_expr } => {
                let Node::SelectorExpr { sel, .. } = *cx.node(sel_expr) else {
                    continue;
                };
                let name = cx.text(sel);
                if LOCK_METHODS.contains(&name) {
                    continue;
                }
                match place_of(cx, sel_expr) {
                    Place::Called { call } => may_unlock(cx, call, cache),
                    Place::AssignedTo { .. } => names_lock_state(name),
                    _ => method_value_unlocks(cx, id, name),
                }
            }
            _ => false,
        };
        if hands_off {
            if let Some(a) = anchor(cx, func, cfg, id) {
                out.push(a);
            }
        }
    }
    out
}

/// A field name that records lock state: `locked`, `scanHold`, `muHeld`.
fn names_lock_state(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["lock", "hold", "held"].iter().any(|w| lower.contains(w))
}

/// `x.name` used as a value where `name` is a method whose body unlocks
/// (or cannot be seen); false for fields.
fn method_value_unlocks(cx: &Context<'_>, x: NodeId, name: &str) -> bool {
    let ty = cx.model().type_of(cx.file(), x);
    match cx.model().lookup_member(&ty, name) {
        Some(Member::Method { recv, .. }) => {
            let own = cx.model().import_path();
            if &*recv.pkg == own {
                body_unlocks(cx, Some(&recv.name), name).unwrap_or(true)
            } else {
                !is_standard_package(&recv.pkg, own)
            }
        }
        Some(Member::Field { .. }) => false,
        None => false,
    }
}

/// Whether a call might unlock a mutex reachable from what it is given.
fn may_unlock(cx: &Context<'_>, call: NodeId, cache: &mut HashMap<String, bool>) -> bool {
    let callee = cx.model().callee(cx.file(), call);
    let key = format!("{callee:?}");
    if let Some(&known) = cache.get(&key) {
        return known;
    }
    let own = cx.model().import_path();
    let answer = match &callee {
        Callee::Builtin(_) | Callee::Conversion(_) => false,
        Callee::Func(n) | Callee::Method { recv: n, .. } if &*n.pkg != own => {
            !is_standard_package(&n.pkg, own)
        }
        Callee::Func(n) => body_unlocks(cx, None, &n.name).unwrap_or(true),
        Callee::Method { recv, name } => body_unlocks(cx, Some(&recv.name), name).unwrap_or(true),
        Callee::Lit(lit) => subtree_unlocks(cx.ast(), cx.source(), *lit),
        Callee::Value(_) | Callee::Unknown => true,
    };
    cache.insert(key, answer);
    answer
}

/// Whether the package's function `name` (a method of `recv` when given)
/// calls Unlock or RUnlock anywhere in its body; None when not found.
fn body_unlocks(cx: &Context<'_>, recv: Option<&str>, name: &str) -> Option<bool> {
    for file in cx.model().files() {
        let ast = file.parsed.ast();
        let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
            continue;
        };
        for &d in ast.list(decls) {
            let Node::FuncDecl {
                recv: r,
                name: n,
                body,
                ..
            } = *ast.node(d)
            else {
                continue;
            };
            if ast.text(n, file.source) != name {
                continue;
            }
            let matches_recv = match (recv, r) {
                (None, None) => true,
                (Some(t), Some(fields)) => {
                    goguard_semantic::model::receiver_type_name(ast, file.source, fields) == Some(t)
                }
                _ => false,
            };
            if matches_recv {
                return Some(body.is_some_and(|b| subtree_unlocks(ast, file.source, b)));
            }
        }
    }
    None
}

/// True when a subtree selects Unlock or RUnlock anywhere.
fn subtree_unlocks(ast: &Ast, source: &str, root: NodeId) -> bool {
    ast.walk(root).any(|id| match *ast.node(id) {
        Node::SelectorExpr { sel, .. } => {
            matches!(ast.text(sel, source), "Unlock" | "RUnlock")
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::{names_lock_state, same_mutex};

    #[test]
    fn an_embedded_mutex_spelled_out_is_the_same_mutex() {
        assert!(same_mutex("s.mu", "s.mu"));
        assert!(same_mutex("s", "s.Mutex"));
        assert!(same_mutex("s.RWMutex", "s"));
        assert!(!same_mutex("s.mu", "s"));
        assert!(!same_mutex("a.mu", "b.mu"));
    }

    #[test]
    fn lock_state_fields_are_recognised_by_name() {
        assert!(names_lock_state("closemuScanHold"));
        assert!(names_lock_state("locked"));
        assert!(names_lock_state("muHeld"));
        assert!(!names_lock_state("dirty"));
    }
}
