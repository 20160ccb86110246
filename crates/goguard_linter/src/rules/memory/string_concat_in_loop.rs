//! MM005 string-concat-in-loop.

use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeKind, Tok};

use crate::analyses::expr::unparen;
use crate::analyses::loops::enclosing_loop_in_place;
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a string variable declared outside a loop and grown with
    /// `+=` inside it.
    ///
    /// ## Why is this bad?
    /// Strings are immutable: each `+=` allocates a new string and copies
    /// everything built so far, so building a string of n pieces costs
    /// O(n²) bytes copied and n allocations that become garbage at once.
    /// A `strings.Builder` (or `bytes.Buffer`) grows its buffer
    /// geometrically and copies each byte about once.
    ///
    /// ## Example
    /// ```go
    /// package report
    ///
    /// func lines(names []string) string {
    ///     out := ""
    ///     for _, n := range names {
    ///         out += n + "\n"
    ///     }
    ///     return out
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package report
    ///
    /// import "strings"
    ///
    /// func lines(names []string) string {
    ///     var out strings.Builder
    ///     for _, n := range names {
    ///         out.WriteString(n)
    ///         out.WriteByte('\n')
    ///     }
    ///     return out.String()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - The number of iterations is not known: a loop over three items
    ///   costs nothing worth fixing and is reported all the same (a
    ///   preview rule for that reason: select it with `--select MM005`).
    /// - Only `s += ...` on a plain variable is seen, not `s = s + ...` or
    ///   a field.
    pub struct StringConcatInLoop {
        name: "string-concat-in-loop",
        code: "MM005",
        domain: Memory,
        category: Perf,
        status: Preview,
        in_tests: false,
    }
}

impl StringConcatInLoop {
    fn run(&self, cx: &mut Context<'_>) {
        for &stmt in cx.nodes_of_kind(NodeKind::AssignStmt) {
            let Node::AssignStmt {
                lhs,
                tok: Tok::AddAssign,
                ..
            } = *cx.node(stmt)
            else {
                continue;
            };
            let &[target] = cx.ast().list(lhs) else {
                continue;
            };
            let target = unparen(cx, target);
            let Some(var) = binding_of(cx, target) else {
                continue;
            };
            let ty = cx.model().underlying(&cx.model().binding(var).ty);
            if !matches!(&ty, Type::Basic(n) if &**n == "string") {
                continue;
            }
            let Some(loop_stmt) = enclosing_loop_in_place(cx, stmt) else {
                continue;
            };
            // Declared in the loop: a fresh string each iteration.
            let declared_inside =
                cx.model().binding(var).decl.is_some_and(|(f, id)| {
                    f == cx.file() && cx.ancestors(id).any(|a| a == loop_stmt)
                });
            if declared_inside {
                continue;
            }
            let name = cx.text(target).to_string();
            let d = cx
                .diagnostic(
                    stmt,
                    format!("{name} is built with += in a loop: each step copies the whole string"),
                )
                .with_help("build it with a strings.Builder and call String() once after the loop");
            cx.report(d);
        }
    }
}
