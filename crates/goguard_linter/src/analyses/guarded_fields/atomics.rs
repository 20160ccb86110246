//! SY009's half of guarded-field inference: what sync/atomic functions are
//! given, and the plain accesses of the same fields and package variables.

use std::collections::{BTreeSet, HashMap};

use goguard_semantic::model::{BindingKind, Callee, FileIdx};
use goguard_syntax::{Node, NodeId, Tok};

use crate::analyses::expr::{outer_paren, place_of, unparen, Place};
use crate::analyses::lock_facts::Site;
use crate::engine::{Context, PackageScope};

use super::layout::StructInfo;
use super::{accesses_by_field, Access, AccessKind, MixedAtomic};

/// Where the `sync.WaitGroup` `Wait` calls of `func` end.
pub(super) fn wait_ends(cx: &Context<'_>, func: NodeId) -> Vec<u32> {
    cx.ast()
        .walk(func)
        .filter(|&id| {
            matches!(cx.node(id), Node::CallExpr { fun, .. } if matches!(cx.node(unparen(cx, *fun)), Node::SelectorExpr { sel, .. } if cx.text(*sel) == "Wait"))
                && cx.enclosing_func(id) == Some(func)
                && matches!(cx.model().callee(cx.file(), id), Callee::Method { recv, name } if recv.is("sync", "WaitGroup") && &*name == "Wait")
        })
        .map(|id| cx.ast().end(id))
        .collect()
}

/// True when the expression `x` (`b`, `b.stats`) starts from a variable
/// declared in a function body, not a parameter, receiver or package
/// variable: it may hold a snapshot or a value no other goroutine sees.
pub(super) fn rooted_in_local(cx: &Context<'_>, x: NodeId) -> bool {
    let mut e = unparen(cx, x);
    for _ in 0..16 {
        match *cx.node(e) {
            Node::SelectorExpr { x, .. } => e = unparen(cx, x),
            Node::Ident { .. } => {
                let Some(b) = cx.model().resolve(cx.file(), e) else {
                    return false;
                };
                let binding = cx.model().binding(b);
                return binding.kind == BindingKind::Var
                    && binding.scope.is_some_and(|s| {
                        !matches!(cx.node(s), Node::FuncDecl { .. } | Node::FuncLit { .. })
                    });
            }
            _ => return false,
        }
    }
    false
}

/// A call of a `sync/atomic` function.
pub(super) fn is_atomic_call(cx: &Context<'_>, call: NodeId) -> bool {
    matches!(cx.model().callee(cx.file(), call), Callee::Func(n) if &*n.pkg == "sync/atomic")
}

/// True when some non-test file imports sync/atomic.
pub(super) fn uses_atomic(pkg: &PackageScope<'_>) -> bool {
    pkg.model
        .files()
        .iter()
        .any(|f| !f.is_test && f.source.contains("\"sync/atomic\""))
}

/// Plain accesses of fields that sync/atomic functions are also given.
pub(super) fn mixed_atomic(
    structs: &HashMap<String, StructInfo>,
    accesses: &[Access],
) -> Vec<MixedAtomic> {
    let by_field = accesses_by_field(accesses);
    let mut out = Vec::new();
    for (_, list) in by_field {
        let atomic_writes: Vec<&&Access> = list
            .iter()
            .filter(|a| a.kind == AccessKind::Atomic)
            .collect();
        let Some(atomic) = atomic_writes
            .first()
            .copied()
            .or_else(|| list.iter().find(|a| a.kind == AccessKind::AtomicLoad))
        else {
            continue;
        };
        // The mutexes every atomic change is made holding: a plain read
        // holding one of them cannot overlap a change (the slow path of a
        // hand-written `sync.Once`).
        let mut common: Option<Vec<usize>> = None;
        for w in &atomic_writes {
            common = Some(match common {
                None => w.held.clone(),
                Some(c) => c.into_iter().filter(|m| w.held.contains(m)).collect(),
            });
        }
        let mut reported: BTreeSet<(FileIdx, NodeId)> = BTreeSet::new();
        for a in &list {
            // Through a local variable: possibly another instance than the
            // one the atomics change (the inactive half of a double buffer).
            if a.exempt
                || a.joined
                || a.local_base
                || matches!(
                    a.kind,
                    AccessKind::Atomic | AccessKind::AtomicLoad | AccessKind::Address
                )
            {
                continue;
            }
            if a.kind == AccessKind::Read {
                // Reads race only with changes: none is atomic, or the
                // reader holds a lock every atomic change holds.
                let excluded = match &common {
                    None => true,
                    Some(c) => a.held.iter().any(|m| c.contains(m)),
                };
                if excluded {
                    continue;
                }
            }
            if !reported.insert((a.site.file, a.top)) {
                continue;
            }
            let Some(info) = structs.get(&a.ty) else {
                continue;
            };
            out.push(MixedAtomic {
                site: a.site,
                text: format!("{}.{}", a.base, info.fields[a.field].name),
                write: a.kind != AccessKind::Read,
                atomic: atomic.site,
            });
        }
    }
    out
}

/// Package-level variables given to sync/atomic functions, with one such
/// call each.
pub(super) fn atomic_globals(
    pkg: &PackageScope<'_>,
) -> HashMap<goguard_semantic::model::BindingId, Site> {
    let mut out = HashMap::new();
    for (fi, file) in pkg.model.files().iter().enumerate() {
        if file.is_test || !file.source.contains("\"sync/atomic\"") {
            continue;
        }
        pkg.with_file(fi, |cx| {
            for &call in cx.nodes_of_kind(goguard_syntax::NodeKind::CallExpr) {
                let Node::CallExpr { args, .. } = *cx.node(call) else {
                    continue;
                };
                let Some(&first) = cx.ast().list(args).first() else {
                    continue;
                };
                let Node::UnaryExpr {
                    op: Tok::And, x, ..
                } = *cx.node(unparen(cx, first))
                else {
                    continue;
                };
                let x = unparen(cx, x);
                if !matches!(cx.node(x), Node::Ident { .. }) || !is_atomic_call(cx, call) {
                    continue;
                }
                let Some(b) = cx.model().resolve(fi, x) else {
                    continue;
                };
                let binding = cx.model().binding(b);
                if binding.kind == BindingKind::Var && binding.scope.is_none() {
                    out.entry(b).or_insert(Site {
                        file: fi,
                        node: call,
                    });
                }
            }
        });
    }
    out
}

/// Plain uses of the package-level variables of [`atomic_globals`] in
/// function bodies other than `init`.
pub(super) fn mixed_atomic_globals(
    pkg: &PackageScope<'_>,
    targets: &HashMap<goguard_semantic::model::BindingId, Site>,
) -> Vec<MixedAtomic> {
    let mut out = Vec::new();
    if targets.is_empty() {
        return out;
    }
    let mut ids: Vec<_> = targets.keys().copied().collect();
    ids.sort_unstable();
    for b in ids {
        let atomic = targets[&b];
        let mut reported: BTreeSet<(FileIdx, NodeId)> = BTreeSet::new();
        for u in pkg.model.uses(b) {
            if pkg.model.files()[u.file].is_test {
                continue;
            }
            let found = pkg.with_file(u.file, |cx| {
                let top = cx
                    .ancestors(u.ident)
                    .filter(|&a| matches!(cx.node(a), Node::FuncDecl { .. }))
                    .last()?;
                if let Node::FuncDecl {
                    name, recv: None, ..
                } = *cx.node(top)
                {
                    if cx.text(name) == "init" {
                        return None;
                    }
                }
                let func = cx.enclosing_func(u.ident)?;
                let at = cx.ast().pos(u.ident);
                if wait_ends(cx, func).iter().any(|&e| e <= at) {
                    return None;
                }
                let kind = plain_kind(cx, u.ident)?;
                Some((top, kind, cx.text(u.ident).to_string()))
            });
            let Some((top, write, text)) = found else {
                continue;
            };
            if !reported.insert((u.file, top)) {
                continue;
            }
            out.push(MixedAtomic {
                site: Site {
                    file: u.file,
                    node: u.ident,
                },
                text,
                write,
                atomic,
            });
        }
    }
    out
}

/// Some(write) for a plain access of the variable `ident`; None when it is
/// given to a sync/atomic function or has its address taken.
pub(super) fn plain_kind(cx: &Context<'_>, ident: NodeId) -> Option<bool> {
    if matches!(place_of(cx, ident), Place::AddressTaken) {
        return None;
    }
    let outer = outer_paren(cx, ident);
    if matches!(
        cx.parent(outer).map(|p| cx.node(p)),
        Some(Node::IncDecStmt { .. })
    ) {
        return Some(true);
    }
    match place_of(cx, ident) {
        Place::AssignedTo { .. } => Some(true),
        _ => Some(false),
    }
}
