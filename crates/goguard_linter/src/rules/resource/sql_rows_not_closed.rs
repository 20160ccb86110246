//! RS002 sql-rows-not-closed.

use goguard_syntax::NodeKind;

use crate::analyses::closers::{check_acquisition, Kind};
use crate::analyses::handoff::ParamHandoffs;
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds result rows — `*sql.Rows` from `Query` and `QueryContext` of a
    /// `*sql.DB`, `Conn`, `Tx` or `Stmt`, and the rows of sqlx and pgx,
    /// matched by import path — that are not closed on some path from the
    /// query to a return, and rows that are discarded.
    ///
    /// A `rows.Next()` that returned false has closed the rows, so the path
    /// leaving a `for rows.Next()` loop normally needs no close; a `break`
    /// or `return` inside the loop does. The branch where the query's error
    /// is non-nil needs no close either. Handing the rows off counts as
    /// closing them: returning them, storing them where they escape, passing
    /// them to a function outside the standard library (or to one of the
    /// package's functions that may close or keep them), or closing them in
    /// a function literal.
    ///
    /// ## Why is this bad?
    /// Open rows hold their database connection: it cannot go back to the
    /// pool until the rows are closed. A function that returns early from
    /// the loop over its rows — on a scan error, after finding what it
    /// wanted — keeps a connection busy each time, and once the pool is
    /// used up every query waits forever.
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
    /// - Only rows held in a local variable are followed; sqlx and pgx are
    ///   recognised by the declared type of the receiver (`*sqlx.DB`,
    ///   `pgx.Tx`, `*pgxpool.Pool`) when goguard has no summary of them.
    /// - A `Next` that returns false closes the rows only when it is the
    ///   loop's (or an `if`'s) whole condition.
    /// - Any function literal that closes the rows counts, even if it runs
    ///   only on some paths.
    pub struct SqlRowsNotClosed {
        name: "sql-rows-not-closed",
        code: "RS002",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
        requires: &[ParamHandoffs::ID],
    }
}

impl SqlRowsNotClosed {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_acquisition(cx, call, &[Kind::Rows]) {
                cx.report(d);
            }
        }
    }
}
