//! RS008 defer-before-error-check.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::BindingId;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::closers::call_name;
use crate::analyses::expr::{selector, unparen};
use crate::analyses::handoff::RELEASING_METHODS;
use crate::analyses::release::binding_of;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds `defer x.Close()` (or another releasing method: `Stop`,
    /// `Rollback`, `Release`..., also `defer resp.Body.Close()`) written
    /// right after `x, err := f(...)` and before anything looks at `err`.
    ///
    /// ## Why is this bad?
    /// When the call fails, `x` is usually nil. `defer resp.Body.Close()`
    /// then panics on the spot (the receiver `resp.Body` is evaluated when
    /// the `defer` runs), and `defer rows.Close()` panics when the function
    /// returns; at best the deferred call fails on a nil value and the real
    /// error is reported late or not at all.
    ///
    /// ## Example
    /// ```go
    /// package fetch
    ///
    /// import (
    ///     "io"
    ///     "net/http"
    /// )
    ///
    /// func get(url string) ([]byte, error) {
    ///     resp, err := http.Get(url)
    ///     defer resp.Body.Close()
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     return io.ReadAll(resp.Body)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fetch
    ///
    /// import (
    ///     "io"
    ///     "net/http"
    /// )
    ///
    /// func get(url string) ([]byte, error) {
    ///     resp, err := http.Get(url)
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     defer resp.Body.Close()
    ///     return io.ReadAll(resp.Body)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers, where a panic fails
    ///   one test and where helpers often return a usable value with their
    ///   error.
    /// - Only a `defer` in the same block as the assignment, with no use of
    ///   the error in between, is reported; a deferred function literal is
    ///   not looked into.
    /// - The error must be the call's last result, held in a variable whose
    ///   type is known to be `error`.
    pub struct DeferBeforeErrorCheck {
        name: "defer-before-error-check",
        code: "RS008",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
    }
}

impl DeferBeforeErrorCheck {
    fn run(&self, cx: &mut Context<'_>) {
        for &stmt in cx.nodes_of_kind(NodeKind::DeferStmt) {
            if let Some(d) = check_defer(cx, stmt) {
                cx.report(d);
            }
        }
    }
}

fn check_defer(cx: &Context<'_>, defer: NodeId) -> Option<Diagnostic> {
    let Node::DeferStmt { call, .. } = *cx.node(defer) else {
        return None;
    };
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let (mut x, method) = selector(cx, unparen(cx, fun))?;
    if !RELEASING_METHODS.contains(&method) {
        return None;
    }
    // The root of `resp.Body`.
    for _ in 0..8 {
        match selector(cx, unparen(cx, x)) {
            Some((inner, _)) => x = inner,
            None => break,
        }
    }
    let value = binding_of(cx, unparen(cx, x))?;
    let list = statement_list(cx, defer)?;
    let at = list.iter().position(|&s| s == defer)?;
    // Walk back to the statement that assigned the value.
    for i in (0..at).rev() {
        let stmt = list[i];
        if let Some((made_by, err)) = assignment_with_error(cx, stmt, value) {
            let unchecked = list[i + 1..=at].iter().all(|&s| !mentions(cx, s, err));
            if !unchecked {
                return None;
            }
            let shown = cx.text(call);
            let err_name = cx.model().binding(err).name.clone();
            return Some(
                cx.diagnostic(
                    defer,
                    format!(
                        "`{}` is deferred before the error of {} is checked",
                        one_line(shown),
                        call_name(cx, made_by)
                    ),
                )
                .with_help(format!(
                    "check {err_name} first and defer the call after it: when the call fails, the value is usually nil"
                ))
                .with_related(cx.span(stmt), "the value and the error come from here"),
            );
        }
        if mentions(cx, stmt, value) {
            return None;
        }
    }
    None
}

/// The statements of the block (or case clause) holding `stmt`.
fn statement_list<'a>(cx: &Context<'a>, stmt: NodeId) -> Option<&'a [NodeId]> {
    let parent = cx.parent(stmt)?;
    match *cx.node(parent) {
        Node::BlockStmt { list, .. } => Some(cx.ast().list(list)),
        Node::CaseClause { body, .. } | Node::CommClause { body, .. } => Some(cx.ast().list(body)),
        _ => None,
    }
}

/// For `v, ..., err := call(...)` (or `=`, or a `var` declaration) assigning
/// `value`: the call and the error's binding.
fn assignment_with_error(
    cx: &Context<'_>,
    stmt: NodeId,
    value: BindingId,
) -> Option<(NodeId, BindingId)> {
    let ast = cx.ast();
    let (lhs, rhs): (&[NodeId], &[NodeId]) = match *cx.node(stmt) {
        Node::AssignStmt {
            lhs,
            rhs,
            tok: Tok::Assign | Tok::Define,
            ..
        } => (ast.list(lhs), ast.list(rhs)),
        Node::DeclStmt { decl } => match *cx.node(decl) {
            Node::GenDecl { specs, .. } => match ast.list(specs) {
                &[spec] => match *cx.node(spec) {
                    Node::ValueSpec { names, values, .. } => (ast.list(names), ast.list(values)),
                    _ => return None,
                },
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    let &[call] = rhs else { return None };
    let call = unparen(cx, call);
    if !matches!(cx.node(call), Node::CallExpr { .. }) || lhs.len() < 2 {
        return None;
    }
    let assigns_value = lhs[..lhs.len() - 1]
        .iter()
        .any(|&l| binding_of(cx, unparen(cx, l)) == Some(value));
    if !assigns_value {
        return None;
    }
    let err = binding_of(cx, unparen(cx, *lhs.last()?))?;
    cx.model()
        .binding(err)
        .ty
        .is_named("", "error")
        .then_some((call, err))
}

/// True when an identifier inside `node` resolves to `binding`.
fn mentions(cx: &Context<'_>, node: NodeId, binding: BindingId) -> bool {
    cx.ast().walk(node).take(100_000).any(|n| {
        matches!(cx.node(n), Node::Ident { .. })
            && cx.model().resolve(cx.file(), n) == Some(binding)
    })
}

/// The first line of a call's text, with `...` when it goes on.
fn one_line(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, _)) => format!("{}...", first.trim_end()),
        None => text.to_string(),
    }
}
