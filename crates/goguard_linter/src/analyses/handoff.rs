//! What the package's own functions do with their parameters: a summary per
//! function saying, for each parameter, whether the function only reads it
//! (reads fields, calls methods other than releasing ones, passes it to
//! other readers) or may release or keep it (closes it, returns it, stores
//! it, hands it to a goroutine or to code goguard cannot see).
//!
//! The release rules ask it when a value is passed to a function of the
//! package: passing a file to a helper that only reads it is no hand-off,
//! while `defer closeQuietly(f)` or `s.track(conn)` is. Functions of other
//! packages stay unknown, and passing a value to them counts as a hand-off.

use std::collections::HashMap;

use goguard_semantic::model::{BindingId, Callee};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::engine::{Analysis, AnalysisId, Context, Counters, PackageScope};

use super::expr::{closure_between, is_standard_package, outer_paren, place_of, Place};
use super::release::UseRole;

/// Method names that release what they are called on.
pub const RELEASING_METHODS: &[&str] = &[
    "Close",
    "CloseWithError",
    "Stop",
    "Commit",
    "Rollback",
    "Flush",
    "Wait",
    "Release",
    "Cancel",
    "Shutdown",
];

/// Standard-library packages whose functions keep what they are given.
const KEEPING_PACKAGES: &[&str] = &[
    "sync",
    "sync/atomic",
    "context",
    "runtime",
    "runtime/pprof",
    "runtime/trace",
    "log",
    "log/slog",
    "expvar",
];

/// Standard-library functions and methods (package, receiver type or "",
/// name) that close what they are given or keep it: a request body is
/// closed by `Do` and `Post`, a listener by `Serve`.
const TAKING_CALLS: &[(&str, &str, &str)] = &[
    ("net/http", "", "Post"),
    ("net/http", "Client", "Post"),
    ("net/http", "Client", "Do"),
    ("net/http", "RoundTripper", "RoundTrip"),
    ("net/http", "Transport", "RoundTrip"),
    ("net/http", "", "Serve"),
    ("net/http", "", "ServeTLS"),
    ("net/http", "Server", "Serve"),
    ("net/http", "Server", "ServeTLS"),
];

/// The summaries of the package's functions and methods.
pub struct ParamHandoffs;

/// Per function (receiver type name, or "" for a function, and name): for
/// each parameter in order, true when the function only reads it.
#[derive(Debug, Default)]
pub struct ParamSummaries {
    reads_only: HashMap<(String, String), Summary>,
}

#[derive(Debug, Clone)]
struct Summary {
    reads_only: Vec<bool>,
    variadic: bool,
}

impl ParamSummaries {
    /// True when the callee is a function of this package known to only
    /// read its `index`-th argument.
    pub fn only_reads(&self, own_package: &str, callee: &Callee, index: usize) -> bool {
        let key = match callee {
            Callee::Func(n) if &*n.pkg == own_package => (String::new(), n.name.to_string()),
            Callee::Method { recv, name } if &*recv.pkg == own_package => {
                (recv.name.to_string(), name.to_string())
            }
            _ => return false,
        };
        let Some(s) = self.reads_only.get(&key) else {
            return false;
        };
        let i = if s.variadic && index >= s.reads_only.len() {
            s.reads_only.len().saturating_sub(1)
        } else {
            index
        };
        s.reads_only.get(i).copied().unwrap_or(false)
    }
}

/// One function of the package being summarized.
struct Candidate {
    file: usize,
    func: NodeId,
    key: (String, String),
    /// The parameters' bindings (None for `_` and unnamed ones).
    params: Vec<Option<BindingId>>,
    variadic: bool,
}

/// Rounds of the fixpoint (a chain of helpers passing a value on).
const MAX_ROUNDS: usize = 8;

impl Analysis for ParamHandoffs {
    type Output = ParamSummaries;
    const ID: AnalysisId = AnalysisId("param-handoffs");

    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> ParamSummaries {
        let mut cands = Vec::new();
        for file in 0..pkg.model.files().len() {
            pkg.with_file(file, |cx| {
                for &func in cx.nodes_of_kind(NodeKind::FuncDecl) {
                    if let Some(c) = candidate(cx, func) {
                        cands.push(c);
                    }
                }
            });
        }
        counters.add("functions", cands.len() as u64);
        let mut out = ParamSummaries::default();
        for c in &cands {
            out.reads_only.insert(
                c.key.clone(),
                Summary {
                    reads_only: vec![true; c.params.len()],
                    variadic: c.variadic,
                },
            );
        }
        // Greatest fixpoint: every parameter starts as only read, and loses
        // that when some use may release or keep it.
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            for c in &cands {
                for (i, p) in c.params.iter().enumerate() {
                    let Some(p) = *p else { continue };
                    if !out.reads_only[&c.key].reads_only[i] {
                        continue;
                    }
                    let reads = pkg.with_file(c.file, |cx| only_read(cx, c.func, p, &out));
                    if !reads {
                        if let Some(s) = out.reads_only.get_mut(&c.key) {
                            s.reads_only[i] = false;
                        }
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        out
    }
}

/// The summary key and parameters of a function declaration with a body.
fn candidate(cx: &Context<'_>, func: NodeId) -> Option<Candidate> {
    let Node::FuncDecl {
        recv,
        name,
        ty,
        body: Some(_),
        ..
    } = *cx.node(func)
    else {
        return None;
    };
    let recv_name = match recv {
        Some(r) => {
            goguard_semantic::model::receiver_type_name(cx.ast(), cx.source(), r)?.to_string()
        }
        None => String::new(),
    };
    let Node::FuncType { params, .. } = *cx.node(ty) else {
        return None;
    };
    let Node::FieldList { list, .. } = *cx.node(params) else {
        return None;
    };
    let mut out = Vec::new();
    let mut variadic = false;
    for &field in cx.ast().list(list) {
        let Node::Field { names, ty, .. } = *cx.node(field) else {
            continue;
        };
        variadic = matches!(ty.map(|t| cx.node(t)), Some(Node::Ellipsis { .. }));
        let names = cx.ast().list(names);
        if names.is_empty() {
            out.push(None);
        }
        for &n in names {
            out.push(super::release::binding_of(cx, n));
        }
    }
    Some(Candidate {
        file: cx.file(),
        func,
        key: (recv_name, cx.text(name).to_string()),
        params: out,
        variadic,
    })
}

/// True when every use of parameter `p` in `func` only reads it.
fn only_read(cx: &Context<'_>, func: NodeId, p: BindingId, known: &ParamSummaries) -> bool {
    cx.model().uses(p).iter().all(|u| {
        u.file == cx.file()
            && closure_between(cx, u.ident, func).is_none()
            && use_only_reads(cx, u.ident, known)
    })
}

/// Whether one use of a parameter only reads it.
fn use_only_reads(cx: &Context<'_>, ident: NodeId, known: &ParamSummaries) -> bool {
    // Climb `p.a.b`: a method called on the value or one of its fields.
    let mut e = outer_paren(cx, ident);
    for _ in 0..16 {
        match place_of(cx, e) {
            Place::Selected { sel_expr } => {
                if let Place::Called { .. } = place_of(cx, sel_expr) {
                    let method = match *cx.node(sel_expr) {
                        Node::SelectorExpr { sel, .. } => cx.text(sel),
                        _ => return false,
                    };
                    return !RELEASING_METHODS.contains(&method);
                }
                e = outer_paren(cx, sel_expr);
            }
            _ => break,
        }
    }
    let copied_scalar =
        || e != outer_paren(cx, ident) && is_scalar(&cx.model().type_of(cx.file(), e));
    match place_of(cx, e) {
        Place::Read => !matches!(
            cx.parent(e).map(|p| cx.node(p)),
            Some(Node::TypeAssertExpr { .. })
        ),
        Place::Argument { call, index } => {
            passed_role(cx, call, index, Some(known)) == UseRole::Other
        }
        Place::AssignedFrom { .. }
        | Place::Returned
        | Place::Stored
        | Place::Sent
        | Place::Other => copied_scalar(),
        _ => false,
    }
}

/// True for basic types (numbers, strings, booleans): copying one keeps
/// nothing of the value it was read from.
fn is_scalar(t: &Type) -> bool {
    matches!(t, Type::Basic(_))
}

/// What passing a value as the `index`-th argument of `call` does to it:
/// the standard library (apart from packages and calls that keep or close
/// what they are given, see [`TAKING_CALLS`]) and the package's own
/// functions summarized as readers only read it; anything else may release
/// or keep it. A standard-library call whose result can hold the value
/// (`bufio.NewReader(f)`, `http.NewRequest(..., body)`) passes it on to
/// that result: kept when the result is.
pub fn passed_role(
    cx: &Context<'_>,
    call: NodeId,
    index: usize,
    known: Option<&ParamSummaries>,
) -> UseRole {
    passed_role_depth(cx, call, index, known, 0)
}

fn passed_role_depth(
    cx: &Context<'_>,
    call: NodeId,
    index: usize,
    known: Option<&ParamSummaries>,
    depth: u32,
) -> UseRole {
    let callee = cx.model().callee(cx.file(), call);
    let (pkg, recv, name) = match &callee {
        Callee::Builtin(name) => {
            return if matches!(&**name, "len" | "cap" | "print" | "println") {
                UseRole::Other
            } else {
                UseRole::Escape
            };
        }
        Callee::Func(n) => (n.pkg.clone(), None, n.name.clone()),
        Callee::Method { recv, name } => (recv.pkg.clone(), Some(recv.name.clone()), name.clone()),
        _ => return UseRole::Escape,
    };
    let own = cx.model().import_path();
    if &*pkg == own {
        return match known {
            Some(k) if k.only_reads(own, &callee, index) => UseRole::Other,
            _ => UseRole::Escape,
        };
    }
    let keeps = KEEPING_PACKAGES.contains(&&*pkg) || pkg.starts_with("container/");
    let takes = TAKING_CALLS
        .iter()
        .any(|(p, t, n)| **p == *pkg && recv.as_deref().unwrap_or("") == *t && **n == *name);
    if !is_standard_package(&pkg, own) || keeps || takes {
        return UseRole::Escape;
    }
    if result_kept(cx, call, known, depth) {
        UseRole::Escape
    } else {
        UseRole::Other
    }
}

/// True when passing the `index`-th argument to `call` (a standard-library
/// call) is a hand-off only because the call's result is kept: the call
/// itself neither keeps nor closes it.
pub fn reads_but_for_result(cx: &Context<'_>, call: NodeId, index: usize) -> bool {
    let _ = index;
    let (pkg, recv, name) = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => (n.pkg, None, n.name),
        Callee::Method { recv, name } => (recv.pkg, Some(recv.name), name),
        _ => return false,
    };
    let keeps = KEEPING_PACKAGES.contains(&&*pkg) || pkg.starts_with("container/");
    let takes = TAKING_CALLS
        .iter()
        .any(|(p, t, n)| **p == *pkg && recv.as_deref().unwrap_or("") == *t && **n == *name);
    !keeps && !takes && result_kept(cx, call, None, 0)
}

/// True when the result of a standard-library call may hold what it was
/// given and goes somewhere that keeps it: returned, stored, assigned,
/// passed on to a call that keeps it. A result read on the spot
/// (`json.NewDecoder(f).Decode(v)`) or of a type that holds nothing (`n,
/// err := io.Copy(w, f)`) keeps nothing.
fn result_kept(cx: &Context<'_>, call: NodeId, known: Option<&ParamSummaries>, depth: u32) -> bool {
    if depth > 4 || !can_hold(&cx.model().type_of(cx.file(), call)) {
        return false;
    }
    match place_of(cx, call) {
        Place::Selected { .. } | Place::Read | Place::Called { .. } => false,
        Place::Argument { call: outer, index } => {
            passed_role_depth(cx, outer, index, known, depth + 1) == UseRole::Escape
        }
        _ => true,
    }
}

/// Whether a value of this type can refer to another value: not a number,
/// string, boolean, byte slice or error (results like `(int64, error)`).
fn can_hold(t: &Type) -> bool {
    match t {
        Type::Basic(_) | Type::Nil => false,
        Type::Named(n) => !n.is("", "error"),
        Type::Slice(e) | Type::Array(e) => !matches!(&**e, Type::Basic(_)),
        Type::Tuple(items) => items.iter().any(can_hold),
        _ => true,
    }
}

/// [`passed_role`] for a rule that declares [`ParamHandoffs`]: the
/// package's summaries are computed on the first call to a function of the
/// package.
pub fn passed_role_in_rule(cx: &Context<'_>, call: NodeId, index: usize) -> UseRole {
    let own_call = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) => &*n.pkg == cx.model().import_path(),
        Callee::Method { recv, .. } => &*recv.pkg == cx.model().import_path(),
        _ => false,
    };
    if own_call {
        let known = cx.analysis::<ParamHandoffs>();
        passed_role(cx, call, index, Some(&known))
    } else {
        passed_role(cx, call, index, None)
    }
}
