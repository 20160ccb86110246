//! RS003 sql-rows-err-unchecked.

use goguard_diagnostics::Diagnostic;
use goguard_syntax::{NodeId, NodeKind};

use crate::analyses::closers::{acquired, call_name, classify_closable, Kind};
use crate::analyses::expr::{closure_between, place_of, selector, Place};
use crate::analyses::handoff::ParamHandoffs;
use crate::analyses::release::{binding_of, call_results, is_local_of, UseRole};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds result rows (`*sql.Rows`, sqlx and pgx rows) iterated with
    /// `Next` in a function that never calls their `Err` method and does not
    /// hand them to anyone else.
    ///
    /// ## Why is this bad?
    /// `Next` returns false both at the end of the results and when reading
    /// them fails: a dropped connection, a timeout, a conversion error in
    /// the driver. Only `rows.Err()` tells the two apart. Without it, a
    /// failed read looks like a short result: the function returns part of
    /// the data as if it were all of it, and nothing is logged.
    ///
    /// ## Example
    /// ```go
    /// package users
    ///
    /// import "database/sql"
    ///
    /// func names(db *sql.DB) ([]string, error) {
    ///     rows, err := db.Query("SELECT name FROM users")
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     defer rows.Close()
    ///     var out []string
    ///     for rows.Next() {
    ///         var n string
    ///         if err := rows.Scan(&n); err != nil {
    ///             return nil, err
    ///         }
    ///         out = append(out, n)
    ///     }
    ///     return out, nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package users
    ///
    /// import "database/sql"
    ///
    /// func names(db *sql.DB) ([]string, error) {
    ///     rows, err := db.Query("SELECT name FROM users")
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     defer rows.Close()
    ///     var out []string
    ///     for rows.Next() {
    ///         var n string
    ///         if err := rows.Scan(&n); err != nil {
    ///             return nil, err
    ///         }
    ///         out = append(out, n)
    ///     }
    ///     return out, rows.Err()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files.
    /// - Any call of `Err` counts, wherever it is; the rule does not check
    ///   that it runs after the loop on every path.
    /// - Rows passed to a function outside the standard library (or to one
    ///   of the package's functions that may keep them), returned or stored
    ///   are left to whoever receives them.
    pub struct SqlRowsErrUnchecked {
        name: "sql-rows-err-unchecked",
        code: "RS003",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
        requires: &[ParamHandoffs::ID],
    }
}

impl SqlRowsErrUnchecked {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    if acquired(cx, call)?.kind != Kind::Rows {
        return None;
    }
    let func = cx.enclosing_func(call)?;
    let (_, lhs) = call_results(cx, call)?;
    let binding = binding_of(cx, *lhs.first()?)?;
    if !is_local_of(cx, binding, func) {
        return None;
    }
    let mut first_next = None;
    for u in cx.model().uses(binding) {
        if u.file != cx.file() {
            return None;
        }
        let method = match place_of(cx, u.ident) {
            Place::Selected { sel_expr } => selector(cx, sel_expr).map(|(_, s)| s),
            _ => None,
        };
        match method {
            Some("Err") => return None,
            Some("Next") => {
                first_next = first_next.or(Some(u.ident));
            }
            _ => {}
        }
        let in_literal = closure_between(cx, u.ident, func).is_some();
        let role = classify_closable(cx, u.ident, Kind::Rows);
        if role == UseRole::Escape || (in_literal && role == UseRole::Reassign) {
            return None;
        }
    }
    let next = first_next?;
    let rows = cx.text(lhs[0]);
    Some(
        cx.diagnostic(
            call,
            format!(
                "the rows from {} are iterated but {rows}.Err() is never checked",
                call_name(cx, call)
            ),
        )
        .with_help(format!(
            "check {rows}.Err() after the loop: Next also returns false when reading fails"
        ))
        .with_related(cx.span(next), "iterated here"),
    )
}
