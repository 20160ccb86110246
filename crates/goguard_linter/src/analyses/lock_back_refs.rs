//! Back references: a mutex reached from a value of another type through a
//! field that points back to an owner of the mutex's class (`r.store.mu`,
//! with `r` a `*Replica` whose `store` is the `*Store` that holds it).
//!
//! A method holding `s.mu` that reaches, through its helpers, `r.store.mu`
//! of a value it handed them (a replica of the store, a client built from
//! it) locks the same mutex when the back reference points to `s`, which is
//! what such a field is for. Lock texts differ, so the text match of the
//! reacquisition search misses it; the mutex class (see
//! [`super::lock_order`]) and the back reference find it. A field of the
//! same type (`n.parent.mu`, `s.next.mu`) links *other* values of the type
//! (trees, lists) and is not a back reference.

use std::sync::Arc;

use goguard_semantic::model::{FileIdx, PackageModel};
use goguard_syntax::{Node, NodeId};

use super::lock_order::named;

/// True when `x` selects a field of a named type from a value of another
/// named type (`r.store`: a `*Store` out of a `*Replica`), and the owner of
/// the mutex's class `class` is not the type selected from either (a field
/// of interface type that a `DB` uses to reach the value it wraps is not a
/// reference back to a `DB`).
pub(crate) fn is_back_selection(
    model: &PackageModel<'_>,
    fi: FileIdx,
    x: NodeId,
    class: Option<&str>,
) -> bool {
    let ast = model.files()[fi].parsed.ast();
    let Node::SelectorExpr { x: from, .. } = *ast.node(ast.unparen(x)) else {
        return false;
    };
    let (Some((pkg, to)), Some((from_pkg, from))) = (
        named(&model.type_of(fi, x)),
        named(&model.type_of(fi, from)),
    ) else {
        return false;
    };
    let owner = class.and_then(|c| c.split('.').next());
    &*pkg != "sync" && &*from_pkg != "sync" && to != from && owner != Some(&*from)
}

/// The value whose mutex `mutex` is (the receiver of `Lock`): `s` of
/// `s.mu`, or `mutex` itself when it embeds the mutex (`c.client` of
/// `c.client.Lock()`).
pub(crate) fn mutex_owner(model: &PackageModel<'_>, fi: FileIdx, mutex: NodeId) -> NodeId {
    let ast = model.files()[fi].parsed.ast();
    let mutex = ast.unparen(mutex);
    match (*ast.node(mutex), named(&model.type_of(fi, mutex))) {
        (_, Some((pkg, _))) if &*pkg != "sync" => mutex,
        (Node::SelectorExpr { x, .. }, _) => ast.unparen(x),
        _ => mutex,
    }
}

/// True when the mutex of class `class`, reached by the lock path `path`
/// from a function's root, belongs to the root itself (`.mu` of class
/// `Store.mu`, or the empty path of a mutex embedded in the root): the
/// caller's expression for the root is then the mutex's owner.
pub(crate) fn owned_by_root(class: &Arc<str>, path: &str) -> bool {
    match class.split_once('.') {
        Some((_, field)) => path.strip_prefix('.') == Some(field),
        None => path.is_empty(),
    }
}
