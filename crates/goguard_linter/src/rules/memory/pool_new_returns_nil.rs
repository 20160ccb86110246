//! MM003 pool-new-returns-nil.

use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{is_nil, unparen};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a `sync.Pool` whose `New` function returns `nil` on some path.
    ///
    /// ## Why is this bad?
    /// `Get` returns what `New` returns when the pool is empty, and the
    /// pool is emptied at every garbage collection. Callers type-assert
    /// the result (`p.Get().(*bytes.Buffer)`), which panics on `nil`: the
    /// crash waits for the first `Get` after a collection found the pool
    /// empty, often only under load. A pool without `New` is the honest
    /// way to say "nothing to make" (callers then check for `nil`).
    ///
    /// ## Example
    /// ```go
    /// package buf
    ///
    /// import (
    ///     "bytes"
    ///     "sync"
    /// )
    ///
    /// var pool = sync.Pool{New: func() any { return nil }}
    ///
    /// func get() *bytes.Buffer { return pool.Get().(*bytes.Buffer) }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package buf
    ///
    /// import (
    ///     "bytes"
    ///     "sync"
    /// )
    ///
    /// var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
    ///
    /// func get() *bytes.Buffer { return pool.Get().(*bytes.Buffer) }
    /// ```
    ///
    /// ## Known limitations
    /// - Only a function literal given as `New` in the pool's composite
    ///   literal is read, and only a literal `nil` in one of its `return`
    ///   statements counts (not a nil pointer returned through a variable).
    pub struct PoolNewReturnsNil {
        name: "pool-new-returns-nil",
        code: "MM003",
        domain: Memory,
        category: Correctness,
        status: Stable,
    }
}

impl PoolNewReturnsNil {
    fn run(&self, cx: &mut Context<'_>) {
        for &lit in cx.nodes_of_kind(NodeKind::CompositeLit) {
            if let Some(ret) = nil_return(cx, lit) {
                let d = cx
                    .diagnostic(ret, "the New function of this sync.Pool returns nil")
                    .with_help("return a new value from New, or leave New out and check Get's result for nil");
                cx.report(d);
            }
        }
    }
}

/// The first `return nil` of the `New` literal of a `sync.Pool` literal.
fn nil_return(cx: &Context<'_>, lit: NodeId) -> Option<NodeId> {
    let Node::CompositeLit { elts, .. } = *cx.node(lit) else {
        return None;
    };
    if !cx.model().type_of(cx.file(), lit).is_named("sync", "Pool") {
        return None;
    }
    let new = cx
        .ast()
        .list(elts)
        .iter()
        .find_map(|&e| match *cx.node(e) {
            Node::KeyValueExpr { key, value, .. } if cx.text(key) == "New" => {
                Some(unparen(cx, value))
            }
            _ => None,
        })?;
    let Node::FuncLit { body, .. } = *cx.node(new) else {
        return None;
    };
    cx.ast()
        .walk(body)
        .take(100_000)
        .find(|&n| match *cx.node(n) {
            Node::ReturnStmt { results, .. } => {
                // Returns of literals nested in New belong to them.
                cx.enclosing_func(n) == Some(new)
                    && matches!(cx.ast().list(results), [r] if is_nil(cx, *r))
            }
            _ => false,
        })
}
