//! A rule defined for testing the engine, the harness and the meta checks:
//! it reports every `go` statement.

#![allow(dead_code)]

use goguard_linter::engine::runner::CheckOutput;
use goguard_linter::engine::Context;
use goguard_syntax::{Node, NodeKind};

goguard_linter::declare_rule! {
    /// ## What it does
    /// Reports `go` statements. A test rule.
    ///
    /// ## Why is this bad?
    /// It is not; this rule exists to test the meta checks.
    ///
    /// ## Example
    /// ```go
    /// package p
    ///
    /// func f() {
    /// 	go f()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package p
    ///
    /// func f() {
    /// 	f()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// None.
    pub struct SampleRule {
        name: "sample-rule",
        code: "CX901",
        domain: Context,
        category: Style,
        status: Preview,
    }
}

impl SampleRule {
    pub fn run(&self, cx: &mut Context<'_>) {
        for &g in cx.nodes_of_kind(NodeKind::GoStmt) {
            if let Node::GoStmt { .. } = cx.node(g) {
                let d = cx.diagnostic(g, "go statement");
                cx.report(d);
            }
        }
    }
}

/// `path:line CODE` per finding of a check, in output order.
pub fn finding_lines(out: &CheckOutput) -> Vec<String> {
    out.diagnostics
        .iter()
        .map(|d| {
            let (start, _) = out.files.positions(d.span);
            format!(
                "{}:{} {}",
                out.files.get(d.span.file).path(),
                start.line,
                d.code
            )
        })
        .collect()
}
