//! MM002 pool-non-pointer.

use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeKind};

use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds `Put` on a `sync.Pool` of a value that is not pointer-shaped:
    /// a slice, a string, a number, an array or a struct value (directly
    /// or through a named type).
    ///
    /// ## Why is this bad?
    /// `Put` takes an `any`; storing a value that is not a pointer in an
    /// interface allocates a copy of it on the heap (for a slice, its
    /// three-word header). The pool exists to save allocations, and every
    /// `Put` now makes one. Pool pointers (`*[]byte`, `*bytes.Buffer`)
    /// instead.
    ///
    /// ## Example
    /// ```go
    /// package buf
    ///
    /// import "sync"
    ///
    /// var pool = sync.Pool{New: func() any { return make([]byte, 0, 4096) }}
    ///
    /// func release(b []byte) {
    ///     pool.Put(b[:0])
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package buf
    ///
    /// import "sync"
    ///
    /// var pool = sync.Pool{New: func() any {
    ///     b := make([]byte, 0, 4096)
    ///     return &b
    /// }}
    ///
    /// func release(b *[]byte) {
    ///     *b = (*b)[:0]
    ///     pool.Put(b)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers (benchmarks compare
    ///   pools of values and of pointers on purpose).
    /// - Values whose type goguard does not know are not reported.
    /// - Small values that fit in a word without allocating (a `bool`, a
    ///   small integer the runtime keeps preallocated) are reported too;
    ///   pooling them is pointless anyway.
    pub struct PoolNonPointer {
        name: "pool-non-pointer",
        code: "MM002",
        domain: Memory,
        category: Perf,
        status: Stable,
        in_tests: false,
    }
}

impl PoolNonPointer {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if !cx
                .model()
                .callee(cx.file(), call)
                .is_method("sync", "Pool", "Put")
            {
                continue;
            }
            let Node::CallExpr { args, .. } = *cx.node(call) else {
                continue;
            };
            let &[value] = cx.ast().list(args) else {
                continue;
            };
            let ty = cx.model().type_of(cx.file(), value);
            let Some(kind) = not_pointer_shaped(&cx.model().underlying(&ty)) else {
                continue;
            };
            let d = cx
                .diagnostic(
                    value,
                    format!("sync.Pool.Put of {kind}: storing it in the pool allocates a copy"),
                )
                .with_help("pool pointers (*[]byte, *bytes.Buffer) so that Put does not allocate");
            cx.report(d);
        }
    }
}

/// What kind of value a type holds, when storing it in an interface
/// allocates.
fn not_pointer_shaped(t: &Type) -> Option<&'static str> {
    match t {
        Type::Slice(_) => Some("a slice"),
        Type::Array(_) => Some("an array"),
        Type::Struct => Some("a struct value"),
        Type::Basic(name) => match &**name {
            "string" => Some("a string"),
            "any" | "unsafe.Pointer" | "Pointer" | "untyped nil" => None,
            _ => Some("a non-pointer value"),
        },
        _ => None,
    }
}
