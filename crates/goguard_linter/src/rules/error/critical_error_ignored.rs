//! ER001 critical-error-ignored.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::{BindingId, Callee};
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{is_within, outer_paren, place_of, selector, unparen, Place};
use crate::analyses::release::{binding_of, is_blank};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds the error of a call whose failure loses data thrown away —
    /// the call used as a statement, deferred, or its error assigned to
    /// `_`. The calls are a curated list, not every call returning an
    /// error:
    /// - `Close` and `Sync` of a file the function opened for writing
    ///   (`os.Create`, `os.OpenFile` with a write flag, `os.CreateTemp`) and
    ///   writes to, unless another `Close` or `Sync` of it in the function is
    ///   checked, or the function removes the file (a temporary one);
    /// - `Flush` of a `bufio`, `gzip`, `zlib` or `flate` writer, unless
    ///   another `Flush` of it is checked;
    /// - `Commit` of an `*sql.Tx` (and sqlx, pgx transactions);
    /// - `Write`, `WriteString` and `WriteAt` of an `*os.File` other than
    ///   the standard streams;
    /// - `Scan` of `*sql.Rows` and `*sql.Row`;
    /// - `Encode` of a JSON, XML or gob encoder not writing to an
    ///   `http.ResponseWriter`;
    /// - `io.Copy`, `io.CopyN` and `io.CopyBuffer` into an `*os.File`;
    /// - `binary.Read` (but from `crypto/rand.Reader`) and `binary.Write`.
    ///
    /// ## Why is this bad?
    /// These calls are where a write becomes durable or a read becomes
    /// real: a full disk shows up at `Close` or `Flush` of a written file, a
    /// failed `Commit` means the transaction was rolled back, a failed
    /// `Scan` leaves the destination unset. Dropping the error turns a
    /// failure that should abort the operation into silent data loss or
    /// corrupt results.
    ///
    /// ## Example
    /// ```go
    /// package store
    ///
    /// import "os"
    ///
    /// func save(path string, data []byte) error {
    ///     f, err := os.Create(path)
    ///     if err != nil {
    ///         return err
    ///     }
    ///     defer f.Close()
    ///     _, err = f.Write(data)
    ///     return err
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package store
    ///
    /// import "os"
    ///
    /// func save(path string, data []byte) error {
    ///     f, err := os.Create(path)
    ///     if err != nil {
    ///         return err
    ///     }
    ///     if _, err := f.Write(data); err != nil {
    ///         f.Close()
    ///         return err
    ///     }
    ///     return f.Close()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers.
    /// - `Rollback` is not listed: a deferred rollback after a commit fails
    ///   by design, and losing its error loses nothing.
    /// - A file counts as written only when the function opened it itself.
    /// - A preview rule (select it with `--select ER001`): in a review of
    ///   real trees about one finding in eight was a file whose loss is
    ///   harmless (a debug log, a command's output captured for a person, a
    ///   stack dump) or a close after the function already reported a
    ///   failure without returning it; the rule cannot tell those files
    ///   from data.
    pub struct CriticalErrorIgnored {
        name: "critical-error-ignored",
        code: "ER001",
        domain: Error,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

/// Writers whose `Flush` loses data when it fails.
/// (`text/tabwriter` is left out: it formats output for people, and a
/// failed flush of a table to a terminal loses nothing worth an error.)
const FLUSHING: &[(&str, &str)] = &[
    ("bufio", "Writer"),
    ("bufio", "ReadWriter"),
    ("compress/gzip", "Writer"),
    ("compress/zlib", "Writer"),
    ("compress/flate", "Writer"),
];

/// Transactions whose `Commit` matters: (package, type).
const TRANSACTIONS: &[(&str, &str)] = &[
    ("database/sql", "Tx"),
    ("github.com/jmoiron/sqlx", "Tx"),
    ("github.com/jackc/pgx/v4", "Tx"),
    ("github.com/jackc/pgx/v5", "Tx"),
];

/// Encoders: (package, type).
const ENCODERS: &[(&str, &str)] = &[
    ("encoding/json", "Encoder"),
    ("encoding/xml", "Encoder"),
    ("encoding/gob", "Encoder"),
];

impl CriticalErrorIgnored {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

/// How the call's error is thrown away, if it is: as a statement or
/// deferred. Assigning it to `_` says it is dropped on purpose.
fn dropped(cx: &Context<'_>, call: NodeId) -> Option<&'static str> {
    let outer = outer_paren(cx, call);
    let parent = cx.parent(outer)?;
    match *cx.node(parent) {
        Node::ExprStmt { .. } => Some("is not checked"),
        Node::DeferStmt { .. } => Some("is lost in the defer"),
        Node::GoStmt { .. } => Some("is lost in the goroutine"),
        _ => None,
    }
}

/// True when the error is assigned to `_` (acknowledged and dropped).
fn discarded_on_purpose(cx: &Context<'_>, call: NodeId) -> bool {
    let outer = outer_paren(cx, call);
    matches!(cx.parent(outer).map(|p| cx.node(p)), Some(&Node::AssignStmt { lhs, rhs, .. })
        if cx.ast().list(rhs) == [outer]
            && cx.ast().list(lhs).last().is_some_and(|&l| is_blank(cx, l)))
}

/// True when the statement holding `call` is followed by a `return` that
/// reports another failure: closing on the way out of an error path.
fn on_failure_path(cx: &Context<'_>, call: NodeId) -> bool {
    let Some(stmt) = cx.parent(outer_paren(cx, call)) else {
        return false;
    };
    let Some(func) = cx.enclosing_func(stmt) else {
        return false;
    };
    let list = match cx.parent(stmt).map(|p| cx.node(p)) {
        Some(&Node::BlockStmt { list, .. }) => cx.ast().list(list),
        Some(&Node::CaseClause { body, .. }) => cx.ast().list(body),
        _ => return false,
    };
    let Some(i) = list.iter().position(|&s| s == stmt) else {
        return false;
    };
    list[i + 1..]
        .iter()
        .find(|&&s| matches!(cx.node(s), Node::ReturnStmt { .. }))
        .is_some_and(|&r| crate::analyses::flow::reports_failure(cx, func, r))
        && list[i + 1..]
            .iter()
            .take_while(|&&s| !matches!(cx.node(s), Node::ReturnStmt { .. }))
            .all(|&s| {
                matches!(
                    cx.node(s),
                    Node::ExprStmt { .. } | Node::AssignStmt { .. } | Node::IfStmt { .. }
                )
            })
}

/// The method's receiver expression and name, with the type declaring it.
fn method_parts<'a>(cx: &Context<'a>, call: NodeId) -> Option<(NodeId, &'a str)> {
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let (x, name) = selector(cx, unparen(cx, fun))?;
    Some((unparen(cx, x), name))
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    if discarded_on_purpose(cx, call) {
        return None;
    }
    let how = dropped(cx, call)?;
    let callee = cx.model().callee(cx.file(), call);
    let what: String = match &callee {
        Callee::Method { recv, name } => {
            let (x, _) = method_parts(cx, call)?;
            let shown = cx.text(x);
            let recv_ty = cx.model().type_of(cx.file(), x);
            match &**name {
                "Close" | "Sync" if recv.is("os", "File") => {
                    let f = binding_of(cx, x)?;
                    if !opened_for_writing(cx, f)
                        || !written(cx, f)
                        || removed_here(cx, f)
                        || on_failure_path(cx, call)
                        || checked_elsewhere(cx, f, call, &["Close", "Sync"])
                    {
                        return None;
                    }
                    format!("{name} of the written file {shown}")
                }
                "Flush"
                    if FLUSHING
                        .iter()
                        .any(|(p, t)| recv_ty.is_named_or_pointer(p, t) || recv.is(p, t)) =>
                {
                    if let Some(w) = binding_of(cx, x) {
                        if checked_elsewhere(cx, w, call, &["Flush"]) {
                            return None;
                        }
                    }
                    if on_failure_path(cx, call) {
                        return None;
                    }
                    format!("{shown}.Flush")
                }
                "Commit" if TRANSACTIONS.iter().any(|(p, t)| recv.is(p, t)) => {
                    format!("{shown}.Commit")
                }
                "Write" | "WriteString" | "WriteAt" if recv.is("os", "File") => {
                    if is_standard_stream(cx, x) {
                        return None;
                    }
                    format!("{shown}.{name}")
                }
                "Scan" if recv.is("database/sql", "Rows") || recv.is("database/sql", "Row") => {
                    format!("{shown}.Scan")
                }
                "Encode" if ENCODERS.iter().any(|(p, t)| recv.is(p, t)) => {
                    if encodes_to_response(cx, x) {
                        return None;
                    }
                    format!("{shown}.Encode")
                }
                _ => return None,
            }
        }
        Callee::Func(n) => match (&*n.pkg, &*n.name) {
            ("io", "Copy" | "CopyN" | "CopyBuffer") => {
                let Node::CallExpr { args, .. } = *cx.node(call) else {
                    return None;
                };
                let dst = unparen(cx, *cx.ast().list(args).first()?);
                if !cx
                    .model()
                    .type_of(cx.file(), dst)
                    .is_pointer_to("os", "File")
                    || is_standard_stream(cx, dst)
                {
                    return None;
                }
                format!("io.{} into the file {}", n.name, cx.text(dst))
            }
            ("encoding/binary", "Read" | "Write") => {
                // Reading random bytes (`crypto/rand.Reader`) does not fail.
                let Node::CallExpr { args, .. } = *cx.node(call) else {
                    return None;
                };
                let src = unparen(cx, *cx.ast().list(args).first()?);
                if matches!(selector(cx, src), Some((_, "Reader")))
                    && cx.text(src).ends_with("rand.Reader")
                {
                    return None;
                }
                format!("binary.{}", n.name)
            }
            _ => return None,
        },
        _ => return None,
    };
    Some(
        cx.diagnostic(call, format!("the error of {what} {how}"))
            .with_help("check the error: when this call fails, data is lost or left incomplete"),
    )
}

/// True when `f` is assigned from `os.Create`, `os.CreateTemp`,
/// `ioutil.TempFile` or `os.OpenFile` with a write flag in this file.
fn opened_for_writing(cx: &Context<'_>, f: BindingId) -> bool {
    let mut sites = cx
        .model()
        .uses(f)
        .iter()
        .map(|u| u.ident)
        .collect::<Vec<_>>();
    if let Some((file, decl)) = cx.model().binding(f).decl {
        if file == cx.file() {
            sites.push(decl);
        }
    }
    sites.into_iter().any(|ident| {
        let Some(parent) = cx.parent(ident) else {
            return false;
        };
        let rhs = match *cx.node(parent) {
            Node::AssignStmt { lhs, rhs, .. } if cx.ast().list(lhs).first() == Some(&ident) => {
                cx.ast().list(rhs)
            }
            Node::ValueSpec { names, values, .. }
                if cx.ast().list(names).first() == Some(&ident) =>
            {
                cx.ast().list(values)
            }
            _ => return false,
        };
        let &[made] = rhs else { return false };
        let made = unparen(cx, made);
        match cx.model().callee(cx.file(), made) {
            Callee::Func(n)
                if n.is("os", "Create")
                    || n.is("os", "CreateTemp")
                    || n.is("io/ioutil", "TempFile") =>
            {
                true
            }
            Callee::Func(n) if n.is("os", "OpenFile") => {
                let Node::CallExpr { args, .. } = *cx.node(made) else {
                    return false;
                };
                cx.ast().list(args).get(1).is_some_and(|&flags| {
                    let text = cx.text(flags);
                    ["O_WRONLY", "O_RDWR", "O_APPEND", "O_TRUNC"]
                        .iter()
                        .any(|f| text.contains(f))
                })
            }
            _ => false,
        }
    })
}

/// True when the function writes to the file: a `Write...`/`ReadFrom`/
/// `Truncate` method, or the file passed to a call (`io.Copy(f, r)`,
/// `fmt.Fprintf(f, ...)`, `json.NewEncoder(f)`) or stored (as a command's
/// output). A file only created and closed loses nothing, nor one only
/// given to `runtime/pprof` or `runtime/trace`.
fn written(cx: &Context<'_>, f: BindingId) -> bool {
    cx.model().uses(f).iter().any(|u| {
        u.file == cx.file()
            && match place_of(cx, u.ident) {
                Place::Selected { sel_expr } => selector(cx, sel_expr).is_some_and(|(_, m)| {
                    m.starts_with("Write") || m == "ReadFrom" || m == "Truncate"
                }),
                Place::Argument { call, .. } => {
                    let callee = cx.model().callee(cx.file(), call);
                    // A profile or trace of the program is diagnostics,
                    // not data.
                    !(callee.is_func("os", "Remove")
                        || matches!(&callee, Callee::Func(n)
                            if &*n.pkg == "runtime/pprof" || &*n.pkg == "runtime/trace")
                        || callee.is_method("runtime/pprof", "Profile", "WriteTo"))
                }
                Place::AssignedFrom { .. } | Place::Stored => true,
                _ => false,
            }
    })
}

/// True when the function removes the file (`os.Remove(f.Name())`): a
/// temporary file whose content does not outlive it.
fn removed_here(cx: &Context<'_>, f: BindingId) -> bool {
    cx.model().uses(f).iter().any(|u| {
        u.file == cx.file()
            && cx.ancestors(u.ident).take(6).any(|a| {
                matches!(cx.node(a), Node::CallExpr { .. }) && {
                    let c = cx.model().callee(cx.file(), a);
                    c.is_func("os", "Remove") || c.is_func("os", "RemoveAll")
                }
            })
    })
}

/// True when some other call of one of `methods` on `var` has its error
/// checked (not thrown away).
fn checked_elsewhere(cx: &Context<'_>, var: BindingId, call: NodeId, methods: &[&str]) -> bool {
    cx.model().uses(var).iter().any(|u| {
        if u.file != cx.file() || is_within(cx, u.ident, call) {
            return false;
        }
        let Place::Selected { sel_expr } = place_of(cx, u.ident) else {
            return false;
        };
        let Place::Called { call: other } = place_of(cx, sel_expr) else {
            return false;
        };
        selector(cx, sel_expr).is_some_and(|(_, m)| methods.contains(&m))
            && dropped(cx, other).is_none()
    })
}

/// `os.Stdout`, `os.Stderr`, `os.Stdin`.
fn is_standard_stream(cx: &Context<'_>, x: NodeId) -> bool {
    matches!(selector(cx, x), Some((pkg, "Stdout" | "Stderr" | "Stdin"))
        if matches!(cx.node(pkg), Node::Ident { .. }) && cx.text(pkg) == "os")
}

/// `json.NewEncoder(w).Encode(v)` (or an encoder variable made so) with `w`
/// an `http.ResponseWriter`: a failed response is the client's loss, and
/// handlers cannot do better than ignore it.
fn encodes_to_response(cx: &Context<'_>, enc: NodeId) -> bool {
    let made = match cx.node(enc) {
        Node::CallExpr { .. } => Some(enc),
        Node::Ident { .. } => binding_of(cx, enc).and_then(|b| {
            let (file, decl) = cx.model().binding(b).decl?;
            if file != cx.file() {
                return None;
            }
            match *cx.node(cx.parent(decl)?) {
                Node::AssignStmt { rhs, .. } => cx.ast().list(rhs).first().map(|&r| unparen(cx, r)),
                _ => None,
            }
        }),
        _ => None,
    };
    let Some(made) = made else {
        return false;
    };
    let Node::CallExpr { args, .. } = *cx.node(made) else {
        return false;
    };
    cx.ast().list(args).first().is_some_and(|&w| {
        cx.model()
            .type_of(cx.file(), unparen(cx, w))
            .is_named("net/http", "ResponseWriter")
    })
}
