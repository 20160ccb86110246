//! CX002 context-not-propagated.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{selector, unparen};
use crate::analyses::http::{context_name, context_source, request_given_context};
use crate::analyses::loops::{lit_run, LitRun};
use crate::analyses::release::{binding_of, call_results};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds calls of APIs that take no context — `http.Get`,
    /// `http.NewRequest`, `db.Query`, `exec.Command`, `net.Dial` and the
    /// others listed in the rule's table — in a function that holds one (a
    /// `context.Context` parameter, or an `*http.Request`), when the API
    /// has a variant taking it.
    ///
    /// Calls in a deferred call or a deferred function literal are left out:
    /// cleanup often runs after the context is done, on purpose.
    ///
    /// ## Why is this bad?
    /// The context carries the caller's deadline and cancellation. An HTTP
    /// request, query or child process started without it runs to its own
    /// end even when the caller has given up: a slow dependency then holds
    /// connections and goroutines for work nobody waits for, and shutdown
    /// cannot interrupt it.
    ///
    /// ## Example
    /// ```go
    /// package users
    ///
    /// import (
    ///     "context"
    ///     "database/sql"
    /// )
    ///
    /// func rename(ctx context.Context, db *sql.DB, id int, name string) error {
    ///     _, err := db.Exec("UPDATE users SET name = ? WHERE id = ?", name, id)
    ///     return err
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package users
    ///
    /// import (
    ///     "context"
    ///     "database/sql"
    /// )
    ///
    /// func rename(ctx context.Context, db *sql.DB, id int, name string) error {
    ///     _, err := db.ExecContext(ctx, "UPDATE users SET name = ? WHERE id = ?", name, id)
    ///     return err
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - Only the APIs of the table are known: the standard library's HTTP
    ///   client, `database/sql`, `os/exec`, `net` and `crypto/tls` dialing
    ///   and lookups, and sqlx (by the receiver's import path).
    /// - A context parameter named `_` is taken as deliberately unused.
    /// - A request made by `http.NewRequest` and given the context later
    ///   (`req = req.WithContext(ctx)`, or passed on with the context) is
    ///   not reported.
    /// - A preview rule (select it with `--select CX002`): in a review of
    ///   real trees, with the requests above left out, two of eleven
    ///   findings were processes started without the context on purpose
    ///   (one that must outlive it, one stopped by hand with a signal
    ///   first).
    pub struct ContextNotPropagated {
        name: "context-not-propagated",
        code: "CX002",
        domain: Context,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

/// Context-less functions: (package, function, what to use instead).
const FUNCS: &[(&str, &str, &str)] = &[
    (
        "net/http",
        "Get",
        "http.NewRequestWithContext and Client.Do",
    ),
    (
        "net/http",
        "Head",
        "http.NewRequestWithContext and Client.Do",
    ),
    (
        "net/http",
        "Post",
        "http.NewRequestWithContext and Client.Do",
    ),
    (
        "net/http",
        "PostForm",
        "http.NewRequestWithContext and Client.Do",
    ),
    ("net/http", "NewRequest", "http.NewRequestWithContext"),
    ("os/exec", "Command", "exec.CommandContext"),
    ("net", "Dial", "(&net.Dialer{}).DialContext"),
    (
        "net",
        "DialTimeout",
        "(&net.Dialer{Timeout: d}).DialContext",
    ),
    ("net", "LookupHost", "net.DefaultResolver.LookupHost"),
    ("net", "LookupIP", "net.DefaultResolver.LookupIPAddr"),
    ("net", "LookupAddr", "net.DefaultResolver.LookupAddr"),
    ("net", "LookupCNAME", "net.DefaultResolver.LookupCNAME"),
    ("net", "LookupSRV", "net.DefaultResolver.LookupSRV"),
    ("net", "LookupTXT", "net.DefaultResolver.LookupTXT"),
    ("crypto/tls", "Dial", "(&tls.Dialer{}).DialContext"),
];

/// Context-less methods: (package, receiver types, method, what to use
/// instead).
const METHODS: &[(&str, &[&str], &str, &str)] = &[
    (
        "net/http",
        &["Client"],
        "Get",
        "http.NewRequestWithContext and Do",
    ),
    (
        "net/http",
        &["Client"],
        "Head",
        "http.NewRequestWithContext and Do",
    ),
    (
        "net/http",
        &["Client"],
        "Post",
        "http.NewRequestWithContext and Do",
    ),
    (
        "net/http",
        &["Client"],
        "PostForm",
        "http.NewRequestWithContext and Do",
    ),
    (
        "database/sql",
        &["DB", "Tx", "Stmt"],
        "Query",
        "QueryContext",
    ),
    (
        "database/sql",
        &["DB", "Tx", "Stmt"],
        "QueryRow",
        "QueryRowContext",
    ),
    ("database/sql", &["DB", "Tx", "Stmt"], "Exec", "ExecContext"),
    ("database/sql", &["DB", "Tx"], "Prepare", "PrepareContext"),
    ("database/sql", &["DB"], "Begin", "BeginTx"),
    ("database/sql", &["DB"], "Ping", "PingContext"),
    ("net", &["Dialer"], "Dial", "DialContext"),
    (
        "github.com/jmoiron/sqlx",
        &["DB", "Tx"],
        "Queryx",
        "QueryxContext",
    ),
    (
        "github.com/jmoiron/sqlx",
        &["DB", "Tx"],
        "QueryRowx",
        "QueryRowxContext",
    ),
    (
        "github.com/jmoiron/sqlx",
        &["DB", "Tx"],
        "Get",
        "GetContext",
    ),
    (
        "github.com/jmoiron/sqlx",
        &["DB", "Tx"],
        "Select",
        "SelectContext",
    ),
    (
        "github.com/jmoiron/sqlx",
        &["DB", "Tx"],
        "NamedExec",
        "NamedExecContext",
    ),
    (
        "github.com/jmoiron/sqlx",
        &["DB", "Tx"],
        "MustExec",
        "MustExecContext",
    ),
];

impl ContextNotPropagated {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

/// What to use instead of the context-less API `call` calls, and how to
/// name the call.
fn context_less(cx: &Context<'_>, call: NodeId) -> Option<(&'static str, String)> {
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let shown = || cx.text(fun).to_string();
    let method = |pkg: &str, ty: &str, name: &str| {
        METHODS
            .iter()
            .find(|(p, tys, m, _)| *p == pkg && tys.contains(&ty) && *m == name)
            .map(|&(_, _, _, instead)| instead)
    };
    let instead = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => FUNCS
            .iter()
            .find(|(p, f, _)| n.is(p, f))
            .map(|&(_, _, instead)| instead)?,
        Callee::Method { recv, name } => method(&recv.pkg, &recv.name, &name)?,
        Callee::Unknown => {
            // A method of a package goguard has no summary of (sqlx).
            let (x, name) = selector(cx, unparen(cx, fun))?;
            let ty = cx.model().type_of(cx.file(), x);
            let n = ty.named_ref()?;
            if cx.model().universe().package(&n.pkg).is_some() {
                return None;
            }
            method(&n.pkg, &n.name, name)?
        }
        _ => return None,
    };
    let text = shown();
    let shown = if text.len() <= 40 && !text.contains('\n') {
        text
    } else {
        selector(cx, unparen(cx, fun)).map_or("the call".to_string(), |(_, s)| s.to_string())
    };
    Some((instead, shown))
}

/// `req, err := http.NewRequest(...)` whose `req` is given a context later
/// (`req.WithContext(ctx)`), or `http.NewRequest(...)` whose result is.
fn made_request_given_context(cx: &Context<'_>, call: NodeId) -> bool {
    if !cx
        .model()
        .callee(cx.file(), call)
        .is_func("net/http", "NewRequest")
    {
        return false;
    }
    call_results(cx, call)
        .and_then(|(_, lhs)| lhs.first())
        .and_then(|&req| binding_of(cx, req))
        .is_some_and(|req| request_given_context(cx, req))
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let (instead, shown) = context_less(cx, call)?;
    if made_request_given_context(cx, call) {
        return None;
    }
    // The function holding the call, through literals run in place or in a
    // goroutine; deferred cleanup is left alone.
    let mut at = call;
    let func = loop {
        let f = cx.enclosing_func(at)?;
        if let Some(source) = context_source(cx, f) {
            break (f, source);
        }
        match cx.node(f) {
            Node::FuncLit { .. }
                if matches!(lit_run(cx, f), LitRun::CalledInPlace | LitRun::Go) =>
            {
                at = f
            }
            _ => return None,
        }
    };
    let (func, source) = func;
    let deferred = cx.ancestors(call).take_while(|&a| a != func).any(|a| {
        matches!(cx.node(a), Node::DeferStmt { .. })
            || (matches!(cx.node(a), Node::FuncLit { .. }) && lit_run(cx, a) == LitRun::Deferred)
    });
    if deferred {
        return None;
    }
    let ctx = context_name(cx, source);
    Some(
        cx.diagnostic(
            call,
            format!("{shown} ignores the context this function holds ({ctx})"),
        )
        .with_help(format!(
            "use {instead} with {ctx}, so the work stops when the caller gives up"
        )),
    )
}
