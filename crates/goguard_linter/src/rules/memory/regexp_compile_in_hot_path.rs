//! MM006 regexp-compile-in-hot-path.

use goguard_semantic::model::{BindingKind, Callee};
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::expr::unparen;
use crate::analyses::loops::hot_path;
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a constant regular expression compiled in a loop or in an
    /// HTTP handler (once per request): `regexp.Compile`, `MustCompile`,
    /// `CompilePOSIX`, `MustCompilePOSIX`, and `regexp.MatchString`,
    /// `Match` and `MatchReader`, which compile their pattern at every
    /// call.
    ///
    /// ## Why is this bad?
    /// Compiling parses the pattern and builds its program: thousands of
    /// allocations and microseconds to milliseconds of CPU each time, for
    /// a result that never changes. A package-level variable compiles it
    /// once (and `MustCompile` there also fails at start-up, not at the
    /// first request).
    ///
    /// ## Example
    /// ```go
    /// package check
    ///
    /// import "regexp"
    ///
    /// func valid(names []string) bool {
    ///     for _, n := range names {
    ///         if !regexp.MustCompile(`^[a-z][a-z0-9-]*$`).MatchString(n) {
    ///             return false
    ///         }
    ///     }
    ///     return true
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package check
    ///
    /// import "regexp"
    ///
    /// var name = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
    ///
    /// func valid(names []string) bool {
    ///     for _, n := range names {
    ///         if !name.MatchString(n) {
    ///             return false
    ///         }
    ///     }
    ///     return true
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only patterns that are string literals or constants are reported:
    ///   a pattern built from data must be compiled where the data is.
    /// - Not run in `_test.go` files and test helpers.
    /// - Functions called from a loop or a handler are not followed.
    pub struct RegexpCompileInHotPath {
        name: "regexp-compile-in-hot-path",
        code: "MM006",
        domain: Memory,
        category: Perf,
        status: Stable,
        in_tests: false,
    }
}

const COMPILES: &[&str] = &[
    "Compile",
    "MustCompile",
    "CompilePOSIX",
    "MustCompilePOSIX",
    "MatchString",
    "Match",
    "MatchReader",
];

impl RegexpCompileInHotPath {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            let Callee::Func(f) = cx.model().callee(cx.file(), call) else {
                continue;
            };
            if &*f.pkg != "regexp" || !COMPILES.contains(&&*f.name) {
                continue;
            }
            let Node::CallExpr { args, .. } = *cx.node(call) else {
                continue;
            };
            let Some(&pattern) = cx.ast().list(args).first() else {
                continue;
            };
            if !constant_string(cx, pattern) {
                continue;
            }
            let Some(where_) = hot_path(cx, call) else {
                continue;
            };
            let d = cx
                .diagnostic(
                    call,
                    format!("regexp.{} compiles a constant pattern {where_}, every time it runs", f.name),
                )
                .with_help("compile it once, in a package-level variable (var re = regexp.MustCompile(...))");
            cx.report(d);
        }
    }
}

/// A string literal, or a name of a constant.
fn constant_string(cx: &Context<'_>, e: NodeId) -> bool {
    let e = unparen(cx, e);
    match cx.node(e) {
        Node::BasicLit {
            kind: Tok::String, ..
        } => true,
        Node::Ident { .. } => {
            binding_of(cx, e).is_some_and(|b| cx.model().binding(b).kind == BindingKind::Const)
        }
        _ => false,
    }
}
