//! MM010 finalizer-keeps-object-alive.

use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::unparen;
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds `runtime.SetFinalizer(x, func(...) { ... })` whose function
    /// literal refers to `x` itself (the variable, not the parameter the
    /// finalizer receives).
    ///
    /// ## Why is this bad?
    /// The finalizer function is kept by the runtime until it runs, and a
    /// closure keeps what it captures: `x` stays reachable from its own
    /// finalizer, so it is never unreachable, never finalized and never
    /// freed. Every such object leaks, with whatever it holds.
    ///
    /// ## Example
    /// ```go
    /// package res
    ///
    /// import (
    ///     "os"
    ///     "runtime"
    /// )
    ///
    /// type Handle struct{ f *os.File }
    ///
    /// func Open(name string) (*Handle, error) {
    ///     f, err := os.Open(name)
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     h := &Handle{f: f}
    ///     runtime.SetFinalizer(h, func(*Handle) { h.f.Close() })
    ///     return h, nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package res
    ///
    /// import (
    ///     "os"
    ///     "runtime"
    /// )
    ///
    /// type Handle struct{ f *os.File }
    ///
    /// func Open(name string) (*Handle, error) {
    ///     f, err := os.Open(name)
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     h := &Handle{f: f}
    ///     runtime.SetFinalizer(h, func(h *Handle) { h.f.Close() })
    ///     return h, nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only a variable given as the first argument and captured by a
    ///   function literal given as the second is seen; a finalizer that
    ///   reaches the object through another variable or a named function's
    ///   closure is not.
    pub struct FinalizerKeepsObjectAlive {
        name: "finalizer-keeps-object-alive",
        code: "MM010",
        domain: Memory,
        category: Correctness,
        status: Stable,
    }
}

impl FinalizerKeepsObjectAlive {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(use_site) = self_reference(cx, call) {
                let Node::CallExpr { args, .. } = *cx.node(call) else {
                    continue;
                };
                let obj = cx.text(unparen(cx, cx.ast().list(args)[0]));
                let d = cx
                    .diagnostic(
                        use_site,
                        format!("the finalizer of {obj} refers to {obj}, which keeps it alive: it is never finalized or freed"),
                    )
                    .with_help("use the finalizer's parameter instead of the captured variable")
                    .with_related(cx.span(call), "finalizer set here");
                cx.report(d);
            }
        }
    }
}

/// For `runtime.SetFinalizer(x, func(...) {...})`: the first use of `x`
/// inside the literal.
fn self_reference(cx: &Context<'_>, call: NodeId) -> Option<NodeId> {
    if !cx
        .model()
        .callee(cx.file(), call)
        .is_func("runtime", "SetFinalizer")
    {
        return None;
    }
    let Node::CallExpr { args, .. } = *cx.node(call) else {
        return None;
    };
    let &[obj, fin] = cx.ast().list(args) else {
        return None;
    };
    let obj = binding_of(cx, unparen(cx, obj))?;
    let fin = unparen(cx, fin);
    if !matches!(cx.node(fin), Node::FuncLit { .. }) {
        return None;
    }
    cx.model()
        .uses(obj)
        .iter()
        .filter(|u| u.file == cx.file())
        .map(|u| u.ident)
        .find(|&id| cx.ancestors(id).any(|a| a == fin))
}
