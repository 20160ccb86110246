//! RS004 sql-stmt-not-closed.

use goguard_syntax::NodeKind;

use crate::analyses::closers::{check_acquisition, Kind};
use crate::analyses::handoff::ParamHandoffs;
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds prepared statements (`Prepare` and `PrepareContext` of a
    /// `*sql.DB` or `*sql.Conn`, and sqlx's) that are not closed on some
    /// path to a return, and transactions (`Begin`, `BeginTx` of database
    /// packages, sqlx and pgx) that are neither committed nor rolled back
    /// on some path; also either one discarded.
    ///
    /// The branch where the call's error is non-nil needs nothing. Handing
    /// the value off counts as releasing it: returning it, storing it where
    /// it escapes, passing it to a function outside the standard library (or
    /// to one of the package's functions that may release or keep it), or
    /// releasing it in a function literal. Statements prepared inside a
    /// transaction are closed with it and are not followed.
    ///
    /// ## Why is this bad?
    /// A prepared statement holds resources on the server and in the
    /// client's connections until it is closed; one leaked per call
    /// accumulates until the database refuses to prepare more. A
    /// transaction that is neither committed nor rolled back keeps its
    /// connection, and its locks on the server, until the process exits:
    /// the pool runs dry and other transactions block on the locks.
    ///
    /// ## Example
    /// ```go
    /// package accounts
    ///
    /// import (
    ///     "database/sql"
    ///     "errors"
    /// )
    ///
    /// func move(db *sql.DB, from, to string, n int) error {
    ///     tx, err := db.Begin()
    ///     if err != nil {
    ///         return err
    ///     }
    ///     if n <= 0 {
    ///         return errors.New("nothing to move")
    ///     }
    ///     if _, err := tx.Exec("UPDATE a SET n = n - ? WHERE id = ?", n, from); err != nil {
    ///         tx.Rollback()
    ///         return err
    ///     }
    ///     return tx.Commit()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package accounts
    ///
    /// import (
    ///     "database/sql"
    ///     "errors"
    /// )
    ///
    /// func move(db *sql.DB, from, to string, n int) error {
    ///     tx, err := db.Begin()
    ///     if err != nil {
    ///         return err
    ///     }
    ///     defer tx.Rollback()
    ///     if n <= 0 {
    ///         return errors.New("nothing to move")
    ///     }
    ///     if _, err := tx.Exec("UPDATE a SET n = n - ? WHERE id = ?", n, from); err != nil {
    ///         return err
    ///     }
    ///     return tx.Commit()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files.
    /// - Only values held in a local variable are followed; sqlx and pgx are
    ///   recognised by the declared type of the receiver when goguard has no
    ///   summary of them.
    /// - A commit that fails leaves nothing to roll back, so any `Commit`
    ///   call ends the path, checked or not.
    /// - Any function literal that releases the value counts, even if it
    ///   runs only on some paths.
    pub struct SqlStmtNotClosed {
        name: "sql-stmt-not-closed",
        code: "RS004",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
        requires: &[ParamHandoffs::ID],
    }
}

impl SqlStmtNotClosed {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_acquisition(cx, call, &[Kind::Stmt, Kind::Tx]) {
                cx.report(d);
            }
        }
    }
}
