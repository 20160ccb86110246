//! Values their maker must close (or commit, or roll back): which calls make
//! them — API knowledge kept in the tables below — and the check that
//! follows one on the release engine, shared by sql-rows-not-closed,
//! sql-stmt-not-closed and file-not-closed.
//!
//! Calls are recognised by their callee; a method of a package goguard has
//! no summary for (sqlx, pgx outside the workspace) is recognised by the
//! declared type of its receiver, matched by import path.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::{Callee, Member};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, Tok};

use crate::engine::Context;

use super::expr::{is_standard_package, outer_paren, place_of, selector, unparen, Place};
use super::flow::LeakExit;
use super::handoff::passed_role_in_rule;
use super::release::{
    binding_of, call_results, find_leak_with, is_blank, is_local_of, Obligation, UseRole,
};

/// What kind of value a call makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Result rows: `*sql.Rows`, sqlx and pgx rows.
    Rows,
    /// A prepared statement of a database or connection.
    Stmt,
    /// A transaction: committed or rolled back.
    Tx,
    /// A file, connection, listener or other closer.
    Closer,
}

impl Kind {
    /// The methods that release a value of this kind.
    pub fn releasing(self) -> &'static [&'static str] {
        match self {
            Kind::Tx => &["Commit", "Rollback"],
            // `atomicfile.File.Cancel`, `Release`, `Stop`...
            Kind::Closer => super::handoff::RELEASING_METHODS,
            _ => &["Close"],
        }
    }
}

/// The results of a call, as the tables describe them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `(value, error)`
    ValueErr,
    /// `value`
    Value,
}

/// Package-level functions making a value: (package, function, kind, noun,
/// results).
const FUNCS: &[(&str, &str, Kind, &str, Shape)] = &[
    ("os", "Open", Kind::Closer, "file", Shape::ValueErr),
    ("os", "Create", Kind::Closer, "file", Shape::ValueErr),
    ("os", "OpenFile", Kind::Closer, "file", Shape::ValueErr),
    ("os", "CreateTemp", Kind::Closer, "file", Shape::ValueErr),
    (
        "io/ioutil",
        "TempFile",
        Kind::Closer,
        "file",
        Shape::ValueErr,
    ),
    (
        "archive/zip",
        "OpenReader",
        Kind::Closer,
        "zip file",
        Shape::ValueErr,
    ),
    ("net", "Dial", Kind::Closer, "connection", Shape::ValueErr),
    (
        "net",
        "DialTimeout",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "net",
        "DialTCP",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "net",
        "DialUDP",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "net",
        "DialUnix",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    ("net", "DialIP", Kind::Closer, "connection", Shape::ValueErr),
    ("net", "Listen", Kind::Closer, "listener", Shape::ValueErr),
    (
        "net",
        "ListenTCP",
        Kind::Closer,
        "listener",
        Shape::ValueErr,
    ),
    (
        "net",
        "ListenUnix",
        Kind::Closer,
        "listener",
        Shape::ValueErr,
    ),
    (
        "net",
        "ListenPacket",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "net",
        "ListenUDP",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "crypto/tls",
        "Dial",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "crypto/tls",
        "DialWithDialer",
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "crypto/tls",
        "Listen",
        Kind::Closer,
        "listener",
        Shape::ValueErr,
    ),
    (
        "github.com/jmoiron/sqlx",
        "NamedQuery",
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        "github.com/jmoiron/sqlx",
        "NamedQueryContext",
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
];

const SQL: &str = "database/sql";
const SQLX: &str = "github.com/jmoiron/sqlx";
const PGX4: &str = "github.com/jackc/pgx/v4";
const PGX5: &str = "github.com/jackc/pgx/v5";
const PGXPOOL4: &str = "github.com/jackc/pgx/v4/pgxpool";
const PGXPOOL5: &str = "github.com/jackc/pgx/v5/pgxpool";

/// A method making a value: (package, receiver types, methods, kind, noun,
/// results).
type MethodMaker = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Kind,
    &'static str,
    Shape,
);

/// Methods making a value. Statements prepared in a transaction are closed with it, so
/// `(*sql.Tx).Prepare` is not listed.
const METHODS: &[MethodMaker] = &[
    (
        SQL,
        &["DB", "Conn", "Tx", "Stmt"],
        &["Query", "QueryContext"],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        SQL,
        &["DB", "Conn"],
        &["Prepare", "PrepareContext"],
        Kind::Stmt,
        "statement",
        Shape::ValueErr,
    ),
    (
        SQL,
        &["DB", "Conn"],
        &["Begin", "BeginTx"],
        Kind::Tx,
        "transaction",
        Shape::ValueErr,
    ),
    (
        SQL,
        &["DB"],
        &["Conn"],
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "net",
        &["Dialer"],
        &["Dial", "DialContext"],
        Kind::Closer,
        "connection",
        Shape::ValueErr,
    ),
    (
        "net",
        &["ListenConfig"],
        &["Listen"],
        Kind::Closer,
        "listener",
        Shape::ValueErr,
    ),
    (
        SQLX,
        &["DB", "Tx", "Conn"],
        &[
            "Query",
            "QueryContext",
            "Queryx",
            "QueryxContext",
            "NamedQuery",
            "NamedQueryContext",
        ],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        SQLX,
        &["Stmt", "NamedStmt"],
        &["Query", "QueryContext", "Queryx", "QueryxContext"],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        SQLX,
        &["DB", "Conn"],
        &[
            "Prepare",
            "PrepareContext",
            "Preparex",
            "PreparexContext",
            "PrepareNamed",
            "PrepareNamedContext",
        ],
        Kind::Stmt,
        "statement",
        Shape::ValueErr,
    ),
    (
        SQLX,
        &["DB", "Conn"],
        &["Begin", "BeginTx", "Beginx", "BeginTxx"],
        Kind::Tx,
        "transaction",
        Shape::ValueErr,
    ),
    (
        SQLX,
        &["DB"],
        &["MustBegin", "MustBeginTx"],
        Kind::Tx,
        "transaction",
        Shape::Value,
    ),
    (
        PGX4,
        &["Conn", "Tx"],
        &["Query"],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        PGX5,
        &["Conn", "Tx"],
        &["Query"],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        PGXPOOL4,
        &["Pool", "Conn", "Tx"],
        &["Query"],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        PGXPOOL5,
        &["Pool", "Conn", "Tx"],
        &["Query"],
        Kind::Rows,
        "rows",
        Shape::ValueErr,
    ),
    (
        PGX4,
        &["Conn"],
        &["Begin", "BeginTx"],
        Kind::Tx,
        "transaction",
        Shape::ValueErr,
    ),
    (
        PGX5,
        &["Conn"],
        &["Begin", "BeginTx"],
        Kind::Tx,
        "transaction",
        Shape::ValueErr,
    ),
    (
        PGXPOOL4,
        &["Pool"],
        &["Begin", "BeginTx"],
        Kind::Tx,
        "transaction",
        Shape::ValueErr,
    ),
    (
        PGXPOOL5,
        &["Pool"],
        &["Begin", "BeginTx"],
        Kind::Tx,
        "transaction",
        Shape::ValueErr,
    ),
];

/// Name prefixes of the module's constructors whose closable results the
/// caller must close.
const CONSTRUCTOR_PREFIXES: &[&str] = &["New", "Open", "Create", "Dial"];

/// A call making a value its caller must release.
#[derive(Debug, Clone)]
pub struct Acquired {
    pub kind: Kind,
    /// What the value is, in messages ("file", "rows", "*store.DB").
    pub noun: String,
    /// Whether its results are `(value, error)` rather than `value`.
    pub with_error: bool,
    /// Made by a constructor of the module, whose `Close` may not be safe
    /// to call twice.
    pub from_module: bool,
}

/// What `call` makes, if it makes a value its caller must release.
pub fn acquired(cx: &Context<'_>, call: NodeId) -> Option<Acquired> {
    let found = |kind: Kind, noun: &str, shape: Shape| Acquired {
        kind,
        noun: noun.to_string(),
        with_error: shape == Shape::ValueErr,
        from_module: false,
    };
    let method = |pkg: &str, ty: &str, name: &str| {
        METHODS
            .iter()
            .find(|(p, tys, ms, ..)| *p == pkg && tys.contains(&ty) && ms.contains(&name))
            .map(|&(_, _, _, kind, noun, shape)| found(kind, noun, shape))
    };
    match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => FUNCS
            .iter()
            .find(|(p, f, ..)| n.is(p, f))
            .map(|&(_, _, kind, noun, shape)| found(kind, noun, shape))
            .or_else(|| constructed(cx, call, &n.pkg, &n.name)),
        Callee::Method { recv, name } => method(&recv.pkg, &recv.name, &name),
        Callee::Unknown => {
            // A method of a package the universe does not hold: by the
            // declared type of the receiver.
            let Node::CallExpr { fun, .. } = *cx.node(call) else {
                return None;
            };
            let (x, name) = selector(cx, unparen(cx, fun))?;
            let ty = cx.model().type_of(cx.file(), x);
            let n = ty.named_ref()?;
            if cx.model().universe().package(&n.pkg).is_some() {
                return None;
            }
            method(&n.pkg, &n.name, name)
        }
        _ => None,
    }
}

/// A constructor of the module (`NewX`, `OpenX`, ...) returning a value
/// with a `Close()` method and an error. Constructors that cannot fail
/// mostly build values in memory (writers whose `Close` only finishes
/// their output), and are left out.
fn constructed(cx: &Context<'_>, call: NodeId, pkg: &str, name: &str) -> Option<Acquired> {
    if is_standard_package(pkg, cx.model().import_path()) {
        return None;
    }
    let is_constructor = CONSTRUCTOR_PREFIXES.iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_uppercase()))
    });
    if !is_constructor {
        return None;
    }
    let ty = cx.model().type_of(cx.file(), call);
    let (value, with_error) = match &ty {
        Type::Tuple(items) if items.len() == 2 && items[1].is_named("", "error") => {
            (items[0].clone(), true)
        }
        _ => return None,
    };
    if !matches!(value.deref(), Type::Named(_)) {
        return None;
    }
    match cx.model().lookup_member(&value, "Close") {
        Some(Member::Method { sig, .. }) if sig.params.is_empty() => Some(Acquired {
            kind: Kind::Closer,
            noun: short_type_name(&value),
            with_error,
            from_module: true,
        }),
        _ => None,
    }
}

/// `*store.DB` for `*example.com/app/store.DB`: the type as the code names it.
fn short_type_name(t: &Type) -> String {
    match t {
        Type::Pointer(inner) => format!("*{}", short_type_name(inner)),
        Type::Named(n) => {
            let pkg = n.pkg.rsplit('/').next().unwrap_or(&n.pkg);
            if pkg.is_empty() {
                n.name.to_string()
            } else {
                format!("{pkg}.{}", n.name)
            }
        }
        other => other.to_string(),
    }
}

/// How to name the call in messages: its source text when short.
pub fn call_name(cx: &Context<'_>, call: NodeId) -> String {
    let &Node::CallExpr { fun, .. } = cx.node(call) else {
        return "the call".to_string();
    };
    let text = cx.text(fun);
    if text.len() <= 40 && !text.contains('\n') {
        text.to_string()
    } else {
        match selector(cx, fun) {
            Some((_, sel)) => sel.to_string(),
            None => "the call".to_string(),
        }
    }
}

/// What a use of a closable value does: one of the kind's releasing methods
/// called releases it (a method value taken hands it off), other methods
/// read it; passing it follows [`passed_role_in_rule`].
pub fn classify_closable(cx: &Context<'_>, ident: NodeId, kind: Kind) -> UseRole {
    // `l.(*net.UnixListener)` is the value under another type.
    if let Some(assert) = cx.parent(outer_paren(cx, ident)) {
        if matches!(cx.node(assert), Node::TypeAssertExpr { .. }) {
            return classify_closable(cx, assert, kind);
        }
    }
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => {
            let name = selector(cx, sel_expr).map(|(_, s)| s).unwrap_or("");
            if !kind.releasing().contains(&name) {
                return UseRole::Other;
            }
            match place_of(cx, sel_expr) {
                Place::Called { .. } => UseRole::Release,
                _ => UseRole::Escape,
            }
        }
        Place::Argument { call, index } => passed_role_in_rule(cx, call, index),
        Place::AssignedTo { .. } => UseRole::Reassign,
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// True when leaving condition `cond` by its `taken` branch means
/// `rows.Next()` returned false for the rows in `binding`: the rows are
/// then closed.
pub fn next_returned_false(
    cx: &Context<'_>,
    cond: NodeId,
    taken: bool,
    binding: goguard_semantic::model::BindingId,
) -> bool {
    let cond = unparen(cx, cond);
    match *cx.node(cond) {
        Node::UnaryExpr {
            op: Tok::Not, x, ..
        } => next_returned_false(cx, x, !taken, binding),
        Node::CallExpr { fun, args, .. } if !taken && cx.ast().list(args).is_empty() => {
            matches!(selector(cx, unparen(cx, fun)), Some((x, "Next"))
                if binding_of(cx, unparen(cx, x)) == Some(binding))
        }
        _ => false,
    }
}

/// True for `func main` of package main and for `init` functions: what
/// they open lives as long as the process.
pub fn outlives_process(cx: &Context<'_>, func: NodeId) -> bool {
    let Node::FuncDecl {
        recv: None, name, ..
    } = *cx.node(func)
    else {
        return false;
    };
    let package_main = match *cx.node(cx.root()) {
        Node::File { name, .. } => cx.text(name) == "main",
        _ => false,
    };
    let name = cx.text(name);
    name == "init" || (package_main && name == "main")
}

/// Checks one call making a value of one of `kinds`: discarded, or not
/// released on some path to a return.
pub fn check_acquisition(cx: &Context<'_>, call: NodeId, kinds: &[Kind]) -> Option<Diagnostic> {
    let acq = acquired(cx, call)?;
    if !kinds.contains(&acq.kind) {
        return None;
    }
    let func = cx.enclosing_func(call)?;
    if outlives_process(cx, func) {
        return None;
    }
    let name = call_name(cx, call);
    let noun = &acq.noun;
    let (done, doing) = match acq.kind {
        Kind::Tx => ("committed or rolled back", "committing or rolling back"),
        _ => ("closed", "closing"),
    };
    let (are, they) = if noun == "rows" {
        ("are", "they are")
    } else {
        ("is", "it is")
    };
    let discarded = || {
        cx.diagnostic(
            call,
            format!("the {noun} from {name} {are} discarded, so {they} never {done}"),
        )
        .with_help(match acq.kind {
            Kind::Tx => "keep the transaction and roll it back or commit it".to_string(),
            _ => format!("keep the {noun} and close it when done"),
        })
    };
    let Some((stmt, lhs)) = call_results(cx, call) else {
        let parent = cx.parent(outer_paren(cx, call))?;
        return matches!(cx.node(parent), Node::ExprStmt { .. }).then(discarded);
    };
    let (value, err) = match (lhs, acq.with_error) {
        (&[v, e], true) => (v, Some(e)),
        (&[v], false) => (v, None),
        _ => return None,
    };
    if is_blank(cx, value) {
        return Some(discarded());
    }
    let binding = binding_of(cx, value)?;
    if !is_local_of(cx, binding, func) {
        return None;
    }
    let v = cx.text(value);
    let ob = Obligation {
        func,
        creation: stmt,
        binding,
        error: err.and_then(|e| binding_of(cx, e)),
        nil_exempt: true,
    };
    let kind = acq.kind;
    let classify = |cx: &Context<'_>, ident: NodeId| classify_closable(cx, ident, kind);
    let released_on = |cond: NodeId, taken: bool| {
        kind == Kind::Rows && next_returned_false(cx, cond, taken, binding)
    };
    let exit = find_leak_with(cx, &ob, &classify, &released_on)?;
    let (release_call, usual) = match kind {
        Kind::Tx => (
            format!("{v}.Rollback()"),
            format!("roll it back on every path that does not commit, usually with `defer {v}.Rollback()` after the error check (after a commit it does nothing)"),
        ),
        _ => (
            format!("{v}.Close()"),
            format!("close it on every path after the error check, usually with `defer {v}.Close()`"),
        ),
    };
    let help = match exit {
        LeakExit::LoopBack(_) => format!(
            "call {release_call} before the loop makes the next one, `continue` included (a `defer` in a loop waits for the function to return)"
        ),
        LeakExit::Overwritten(_) => format!("call {release_call} before {v} is overwritten"),
        _ => usual,
    };
    let mut d = cx
        .diagnostic(
            call,
            format!("the {noun} from {name} {are} not {done} on every path"),
        )
        .with_help(help)
        .with_related(exit.span(cx), exit.label(&format!("{doing} {v}")));
    let fixable = matches!(exit, LeakExit::Return(_) | LeakExit::FallOff(_))
        && !acq.from_module
        && (err.is_none() || ob.error.is_some())
        && !escapes(cx, &ob, &classify);
    if fixable {
        let deferred = format!("defer {release_call}");
        if let Some(fix) = super::fixes::after_error_check(cx, stmt, ob.error)
            .filter(|&at| super::fixes::in_block_outside_loops(cx, at, func))
            .and_then(|at| {
                super::fixes::insert_after(
                    cx,
                    at,
                    &deferred,
                    &format!("add `{deferred}` after the error check"),
                )
            })
        {
            d = d.with_fix(fix);
        }
    }
    Some(d)
}

/// True when some use of the obligation's variable hands the value off: a
/// deferred release added for it would then release what someone else
/// still uses.
pub fn escapes(
    cx: &Context<'_>,
    ob: &Obligation,
    classify: &dyn Fn(&Context<'_>, NodeId) -> UseRole,
) -> bool {
    cx.model().uses(ob.binding).iter().any(|u| {
        u.file != cx.file()
            || super::release::role_with_closures(cx, ob.func, u.ident, classify) == UseRole::Escape
    })
}
