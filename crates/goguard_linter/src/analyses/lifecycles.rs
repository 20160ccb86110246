//! Values that run a goroutine until they are stopped: a struct type of the
//! package has a loop method (`run`) that keeps receiving from a field of its
//! receiver (`case <-s.stopc:`, `<-s.ctx.Done()`, `range s.reqs`) or calling
//! a field's methods (`s.queue.Next()`), and a stop method (`Stop`, `Close`,
//! `Shutdown`...) that closes or sends on that field, calls the field's own
//! stop method (`s.queue.Close()`), or calls a function field (the `cancel`
//! of the context the loop waits on). Whoever starts the loop owns the value: the goroutine ends
//! only when someone calls the stop method.
//!
//! The analysis finds, per package, how such values start:
//! - `go s.run()` (the loop method itself, started with `go`, directly or
//!   from a function literal started with `go`);
//! - methods that start the loop on their receiver (`s.Start()`), through
//!   calls of other methods of the same receiver;
//! - constructors: package functions that start the loop on a value and
//!   return it (`func newNode() *node { n := &node{}; go n.run(); return n
//!   }`), or return what another constructor returns.
//!
//! Functions or methods taking a `context.Context` or a channel are left
//! out (the caller may end the goroutine through them), and so are
//! constructors that register the stop themselves (`t.Cleanup`). The
//! constructors and starting methods are exported as a fact, so callers in
//! other packages of the module see them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::engine::{Analysis, AnalysisId, Context, Counters, Fact, PackageScope};

use super::expr::{selector, unparen};
use super::loops::visit;

/// Names of the methods that stop a value's goroutine.
const STOP_METHODS: &[&str] = &[
    "Close",
    "Stop",
    "Shutdown",
    "Terminate",
    "Cancel",
    "Release",
];

/// How deep calls between methods of one receiver, and constructors
/// returning other constructors' values, are followed.
const MAX_DEPTH: usize = 4;

/// A way of starting a value's goroutine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The type of the value (its name in its package).
    pub type_name: String,
    /// The loop method the goroutine runs.
    pub loop_method: String,
    /// The methods that end it.
    pub stops: Vec<String>,
    /// Those and the methods of the type that call one of them on their
    /// receiver (`shutdown()` calling `Stop()`).
    pub stopped_by: Vec<String>,
}

/// The package's values that run a goroutine until stopped.
#[derive(Debug, Default)]
pub struct Lifecycles {
    /// Package functions returning a value whose goroutine they started.
    pub constructors: BTreeMap<String, Started>,
    /// Methods starting the goroutine on their receiver when called, by
    /// (type, method).
    pub starters: BTreeMap<(String, String), Started>,
    /// Loop methods, started with `go x.run()`, by (type, method).
    pub loops: BTreeMap<(String, String), Started>,
}

impl Lifecycles {
    fn is_empty(&self) -> bool {
        self.constructors.is_empty() && self.starters.is_empty() && self.loops.is_empty()
    }

    fn names(&self) -> impl Iterator<Item = &String> {
        self.constructors
            .keys()
            .chain(self.starters.keys().map(|(_, m)| m))
            .chain(self.loops.keys().map(|(_, m)| m))
    }
}

/// The package's lifecycles, and the names of the functions and methods
/// that start a value here or in the module packages it imports: a call
/// of any other name is not looked at.
#[derive(Debug, Default)]
pub struct PackageLifecycles {
    pub own: Arc<Lifecycles>,
    pub names: BTreeSet<String>,
}

pub struct LifecycleValues;

impl Analysis for LifecycleValues {
    type Output = PackageLifecycles;
    const ID: AnalysisId = AnalysisId("lifecycles");

    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> PackageLifecycles {
        // Methods first (syntax only); functions, which need types, only
        // when some method starts a loop.
        let mut bodies = Bodies::default();
        for file in 0..pkg.model.files().len() {
            pkg.with_file(file, |cx| collect_methods(cx, &mut bodies));
        }
        let mut out = resolve_methods(&bodies);
        if !out.is_empty() {
            let names: BTreeSet<String> = out.names().cloned().collect();
            for file in 0..pkg.model.files().len() {
                pkg.with_file(file, |cx| collect_funcs(cx, &names, &mut bodies));
            }
            resolve_constructors(&bodies, &mut out);
        }
        counters.add("stoppable loops", out.loops.len() as u64);
        counters.add("constructors", out.constructors.len() as u64);
        let mut names: BTreeSet<String> = out.names().cloned().collect();
        for imported in pkg.imported.all::<LifecycleValues, Arc<Lifecycles>>() {
            names.extend(imported.names().cloned());
        }
        PackageLifecycles {
            own: Arc::new(out),
            names,
        }
    }

    /// The package's constructors and starting methods, for the packages
    /// calling them.
    fn export(output: &PackageLifecycles) -> Option<Fact> {
        if output.own.constructors.is_empty() && output.own.starters.is_empty() {
            return None;
        }
        Some(output.own.clone())
    }
}

/// What one method body does with fields and methods of its receiver.
#[derive(Debug, Default)]
struct MethodBody {
    /// What the method's own loops wait on.
    waits: Waits,
    /// What the loops of the function literals it starts with `go` wait on.
    started_waits: Waits,
    /// Fields closed or sent on.
    signals: BTreeSet<String>,
    /// Fields whose own stop method it calls (`r.buf.Close()`).
    stops_fields: BTreeSet<String>,
    /// Names called as `r.x()`: methods, or function fields.
    calls: BTreeSet<String>,
    /// Names started as `go r.x()` or from a literal started with `go`.
    go_calls: BTreeSet<String>,
    /// The method takes a context or a channel.
    controlled: bool,
}

/// The receiver's fields some loops receive from.
#[derive(Debug, Default)]
struct Waits {
    /// Channel fields received from (or ranged over).
    fields: BTreeSet<String>,
    /// Whether a loop receives from `r.f.Done()`.
    done: bool,
    /// Fields whose methods a loop calls (`r.buf.Dequeue()`, which blocks
    /// until `r.buf.Close()`).
    called: BTreeSet<String>,
}

impl Waits {
    fn is_empty(&self) -> bool {
        self.fields.is_empty() && !self.done && self.called.is_empty()
    }
}

/// What one package function does with local values of package types.
#[derive(Debug, Default)]
struct FuncBody {
    /// (variable, type, method, started with `go`).
    starts: Vec<(String, String, String, bool)>,
    /// Variables returned as the first result.
    returned: BTreeSet<String>,
    /// Package functions whose first result is returned, directly or
    /// through a variable.
    returned_calls: BTreeSet<String>,
    /// (variable, package function) for `v := f(...)`, `v, err := f(...)`.
    assigned_calls: Vec<(String, String)>,
    /// The function takes a context or channel, or registers a cleanup.
    excluded: bool,
}

#[derive(Debug, Default)]
struct Bodies {
    /// By (type, method).
    methods: BTreeMap<(String, String), MethodBody>,
    /// By function name.
    funcs: BTreeMap<String, FuncBody>,
    /// Names of methods called other than as a goroutine's body: methods
    /// that return to their caller (`Append` retrying until `quit`), not
    /// loops that run until stopped.
    called_plainly: BTreeSet<String>,
}

/// Records the method bodies of one file, and the methods it calls other
/// than as a goroutine's body.
fn collect_methods(cx: &Context<'_>, bodies: &mut Bodies) {
    for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
        let Node::CallExpr { fun, .. } = *cx.node(call) else {
            continue;
        };
        if let Some((_, name)) = selector(cx, unparen(cx, fun)) {
            if go_body_call(cx, call).is_none() {
                bodies.called_plainly.insert(name.to_string());
            }
        }
    }
    for &decl in cx.nodes_of_kind(NodeKind::FuncDecl) {
        let Node::FuncDecl {
            recv,
            name,
            ty,
            body: Some(body),
            ..
        } = *cx.node(decl)
        else {
            continue;
        };
        let Some((recv_name, type_name)) = recv.and_then(|r| receiver(cx, r)) else {
            continue;
        };
        let mut m = method_body(cx, body, recv_name);
        m.controlled = takes_control(cx, ty);
        bodies
            .methods
            .insert((type_name.to_string(), cx.text(name).to_string()), m);
    }
}

/// Records the bodies of one file's package functions, looking at calls of
/// the methods `names` only.
fn collect_funcs(cx: &Context<'_>, names: &BTreeSet<String>, bodies: &mut Bodies) {
    for &decl in cx.nodes_of_kind(NodeKind::FuncDecl) {
        let Node::FuncDecl {
            recv: None,
            name,
            ty,
            body: Some(body),
            ..
        } = *cx.node(decl)
        else {
            continue;
        };
        let mut f = func_body(cx, body, names);
        f.excluded |= takes_control(cx, ty);
        bodies.funcs.insert(cx.text(name).to_string(), f);
    }
}

/// The `go` statement whose goroutine runs `call`: `go x.m()`, or `go
/// func() { ...; x.m(); ... }()` with the call a statement of the
/// literal's body.
pub fn go_body_call(cx: &Context<'_>, call: NodeId) -> Option<NodeId> {
    let outer = super::expr::outer_paren(cx, call);
    let parent = cx.parent(outer)?;
    match *cx.node(parent) {
        Node::GoStmt { .. } => Some(parent),
        Node::ExprStmt { .. } => {
            let block = cx.parent(parent)?;
            let lit = cx.parent(block)?;
            if !matches!(cx.node(lit), Node::FuncLit { .. }) {
                return None;
            }
            let lit_call = cx.parent(super::expr::outer_paren(cx, lit))?;
            let stmt = cx.parent(lit_call)?;
            matches!(cx.node(stmt), Node::GoStmt { call, .. } if *call == lit_call).then_some(stmt)
        }
        _ => None,
    }
}

/// The receiver's variable name and base type name.
fn receiver<'a>(cx: &Context<'a>, recv: NodeId) -> Option<(&'a str, &'a str)> {
    let Node::FieldList { list, .. } = *cx.node(recv) else {
        return None;
    };
    let &field = cx.ast().list(list).first()?;
    let Node::Field { names, .. } = *cx.node(field) else {
        return None;
    };
    let &name = cx.ast().list(names).first()?;
    let type_name = goguard_semantic::model::receiver_type_name(cx.ast(), cx.source(), recv)?;
    Some((cx.text(name), type_name))
}

/// True when a function type takes a `context.Context` or a channel.
fn takes_control(cx: &Context<'_>, ty: NodeId) -> bool {
    let Node::FuncType { params, .. } = *cx.node(ty) else {
        return false;
    };
    let Node::FieldList { list, .. } = *cx.node(params) else {
        return false;
    };
    cx.ast()
        .list(list)
        .iter()
        .any(|&field| match *cx.node(field) {
            Node::Field { ty: Some(t), .. } => {
                matches!(cx.node(t), Node::ChanType { .. })
                    || cx.text(t).ends_with("context.Context")
            }
            _ => false,
        })
}

/// `r.f` with `r` the receiver: the field or method name.
fn of_receiver<'a>(cx: &Context<'a>, expr: NodeId, recv: &str) -> Option<&'a str> {
    let (x, name) = selector(cx, unparen(cx, expr))?;
    let x = unparen(cx, x);
    (matches!(cx.node(x), Node::Ident { .. }) && cx.text(x) == recv).then_some(name)
}

/// Walks a method body (function literals only when started with `go`).
fn method_body(cx: &Context<'_>, body: NodeId, recv: &str) -> MethodBody {
    let mut m = MethodBody::default();
    let mut go_lits = BTreeSet::new();
    visit(cx, body, |id| {
        match *cx.node(id) {
            Node::FuncLit { .. } => return go_lits.contains(&id),
            Node::GoStmt { call, .. } => {
                if let Node::CallExpr { fun, .. } = *cx.node(call) {
                    let fun = unparen(cx, fun);
                    if let Some(name) = of_receiver(cx, fun, recv) {
                        m.go_calls.insert(name.to_string());
                    } else if matches!(cx.node(fun), Node::FuncLit { .. }) {
                        go_lits.insert(fun);
                        visit(cx, fun, |inner| {
                            if let Node::CallExpr { fun, .. } = *cx.node(inner) {
                                if let Some(name) = of_receiver(cx, fun, recv) {
                                    m.go_calls.insert(name.to_string());
                                }
                            }
                            inner == fun || !matches!(cx.node(inner), Node::FuncLit { .. })
                        });
                    }
                }
            }
            Node::ForStmt {
                cond: None, body, ..
            } => {
                let waits = if in_any(cx, id, &go_lits) {
                    &mut m.started_waits
                } else {
                    &mut m.waits
                };
                loop_waits(cx, body, recv, waits);
            }
            Node::RangeStmt { x, body, .. } => {
                if let Some(f) = of_receiver(cx, x, recv) {
                    let waits = if in_any(cx, id, &go_lits) {
                        &mut m.started_waits
                    } else {
                        &mut m.waits
                    };
                    waits.fields.insert(f.to_string());
                    loop_waits(cx, body, recv, waits);
                }
            }
            Node::SendStmt { chan, .. } => {
                if let Some(f) = of_receiver(cx, chan, recv) {
                    m.signals.insert(f.to_string());
                }
            }
            Node::CallExpr { fun, args, .. } => {
                let fun = unparen(cx, fun);
                if let Some(name) = of_receiver(cx, fun, recv) {
                    m.calls.insert(name.to_string());
                } else if let Some(field) = field_method_call(cx, fun, recv, STOP_METHODS) {
                    m.stops_fields.insert(field.to_string());
                } else if matches!(cx.node(fun), Node::Ident { .. }) && cx.text(fun) == "close" {
                    if let Some(&arg) = cx.ast().list(args).first() {
                        if let Some(f) = of_receiver(cx, arg, recv) {
                            m.signals.insert(f.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    m
}

/// `r.f.m` with `r` the receiver and `m` one of `methods` (any when
/// empty): the field's name.
fn field_method_call<'a>(
    cx: &Context<'a>,
    fun: NodeId,
    recv: &str,
    methods: &[&str],
) -> Option<&'a str> {
    let (x, m) = selector(cx, fun)?;
    if !methods.is_empty() && !methods.contains(&m) {
        return None;
    }
    of_receiver(cx, x, recv)
}

/// The receiver's fields a loop body receives from or calls methods of
/// (not inside literals).
fn loop_waits(cx: &Context<'_>, body: NodeId, recv: &str, waits: &mut Waits) {
    visit(cx, body, |id| match *cx.node(id) {
        Node::FuncLit { .. } => false,
        Node::CallExpr { fun, .. } => {
            if let Some(field) = field_method_call(cx, unparen(cx, fun), recv, &[]) {
                waits.called.insert(field.to_string());
            }
            true
        }
        Node::UnaryExpr {
            op: Tok::Arrow, x, ..
        } => {
            let x = unparen(cx, x);
            if let Some(f) = of_receiver(cx, x, recv) {
                waits.fields.insert(f.to_string());
            } else if let Node::CallExpr { fun, .. } = *cx.node(x) {
                // `<-r.ctx.Done()`
                if let Some((inner, "Done")) = selector(cx, unparen(cx, fun)) {
                    if of_receiver(cx, inner, recv).is_some() {
                        waits.done = true;
                    }
                }
            }
            true
        }
        _ => true,
    });
}

/// True when `id` is inside one of the function literals `lits`.
fn in_any(cx: &Context<'_>, id: NodeId, lits: &BTreeSet<NodeId>) -> bool {
    cx.ancestors(id).any(|a| lits.contains(&a))
}

/// Walks a package function's body (literals only when started with `go`).
fn func_body(cx: &Context<'_>, body: NodeId, names: &BTreeSet<String>) -> FuncBody {
    let own = cx.model().import_path();
    let mut f = FuncBody::default();
    let local_type = |x: NodeId| -> Option<String> {
        match cx.model().type_of(cx.file(), x).deref() {
            Type::Named(n) if *n.pkg == *own => Some(n.name.to_string()),
            _ => None,
        }
    };
    let package_func = |call: NodeId| -> Option<String> {
        match cx.model().callee(cx.file(), call) {
            goguard_semantic::model::Callee::Func(n) if *n.pkg == *own => Some(n.name.to_string()),
            _ => None,
        }
    };
    // `v.m()` on a local value of a package type.
    let start_of = |call: NodeId| -> Option<(String, String, String)> {
        let Node::CallExpr { fun, .. } = *cx.node(call) else {
            return None;
        };
        let (x, m) = selector(cx, unparen(cx, fun))?;
        let x = unparen(cx, x);
        if !names.contains(m) || !matches!(cx.node(x), Node::Ident { .. }) {
            return None;
        }
        let ty = local_type(x)?;
        Some((cx.text(x).to_string(), ty, m.to_string()))
    };
    let mut go_lits = BTreeSet::new();
    visit(cx, body, |id| {
        match *cx.node(id) {
            Node::FuncLit { .. } => return go_lits.contains(&id),
            Node::GoStmt { call, .. } => {
                let Node::CallExpr { fun, .. } = *cx.node(call) else {
                    return true;
                };
                let fun = unparen(cx, fun);
                if let Some((v, ty, m)) = start_of(call) {
                    f.starts.push((v, ty, m, true));
                } else if matches!(cx.node(fun), Node::FuncLit { .. }) {
                    go_lits.insert(fun);
                    visit(cx, fun, |inner| {
                        if matches!(cx.node(inner), Node::CallExpr { .. }) {
                            if let Some((v, ty, m)) = start_of(inner) {
                                f.starts.push((v, ty, m, true));
                            }
                        }
                        inner == fun || !matches!(cx.node(inner), Node::FuncLit { .. })
                    });
                }
                return false;
            }
            Node::ExprStmt { x } => {
                if let Some((v, ty, m)) = start_of(unparen(cx, x)) {
                    f.starts.push((v, ty, m, false));
                }
            }
            Node::CallExpr { fun, .. } => {
                if matches!(selector(cx, unparen(cx, fun)), Some((_, "Cleanup"))) {
                    f.excluded = true;
                }
            }
            Node::ReturnStmt { results, .. } => {
                if let Some(&first) = cx.ast().list(results).first() {
                    let first = unparen(cx, first);
                    match cx.node(first) {
                        Node::Ident { .. } => {
                            f.returned.insert(cx.text(first).to_string());
                        }
                        Node::CallExpr { .. } => {
                            if let Some(g) = package_func(first) {
                                f.returned_calls.insert(g);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Node::AssignStmt { lhs, rhs, .. } => {
                let (lhs, rhs) = (cx.ast().list(lhs), cx.ast().list(rhs));
                if let (Some(&v), [call]) = (lhs.first(), rhs) {
                    let call = unparen(cx, *call);
                    if matches!(cx.node(v), Node::Ident { .. })
                        && matches!(cx.node(call), Node::CallExpr { .. })
                    {
                        if let Some(g) = package_func(call) {
                            f.assigned_calls.push((cx.text(v).to_string(), g));
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    for (v, g) in &f.assigned_calls {
        if f.returned.contains(v) {
            f.returned_calls.insert(g.clone());
        }
    }
    f
}

/// From the method bodies to the loops and the methods starting them.
fn resolve_methods(bodies: &Bodies) -> Lifecycles {
    let mut out = Lifecycles::default();
    let methods_of = |ty: &str| -> Vec<String> {
        bodies
            .methods
            .range((ty.to_string(), String::new())..)
            .take_while(|((t, _), _)| t == ty)
            .map(|((_, m), _)| m.clone())
            .collect()
    };
    let is_method = |ty: &str, name: &str| {
        bodies
            .methods
            .contains_key(&(ty.to_string(), name.to_string()))
    };
    // What a method and the methods of the receiver it calls signal, and
    // whether they call a function field.
    let signals = |ty: &str, name: &str| -> (BTreeSet<String>, BTreeSet<String>, bool) {
        let mut seen = BTreeSet::new();
        let mut todo = vec![(name.to_string(), 0)];
        let (mut fields, mut stopped, mut calls_field) = (BTreeSet::new(), BTreeSet::new(), false);
        while let Some((m, depth)) = todo.pop() {
            if depth > MAX_DEPTH || !seen.insert(m.clone()) {
                continue;
            }
            let Some(body) = bodies.methods.get(&(ty.to_string(), m)) else {
                continue;
            };
            fields.extend(body.signals.iter().cloned());
            stopped.extend(body.stops_fields.iter().cloned());
            for c in &body.calls {
                if is_method(ty, c) {
                    todo.push((c.clone(), depth + 1));
                } else {
                    calls_field = true;
                }
            }
        }
        (fields, stopped, calls_field)
    };
    // The methods calling one of `stops` on their receiver, through other
    // methods.
    let stopped_by = |ty: &str, stops: &[String]| -> Vec<String> {
        let mut out: BTreeSet<String> = stops.iter().cloned().collect();
        for _ in 0..MAX_DEPTH {
            let more: Vec<String> = methods_of(ty)
                .into_iter()
                .filter(|m| !out.contains(m))
                .filter(|m| {
                    bodies.methods[&(ty.to_string(), m.clone())]
                        .calls
                        .iter()
                        .any(|c| out.contains(c))
                })
                .collect();
            if more.is_empty() {
                break;
            }
            out.extend(more);
        }
        out.into_iter().collect()
    };
    let stops_of = |ty: &str, waits: &Waits| -> Vec<String> {
        methods_of(ty)
            .into_iter()
            .filter(|s| STOP_METHODS.contains(&s.as_str()))
            .filter(|s| {
                let (fields, stopped, calls_field) = signals(ty, s);
                fields.iter().any(|f| waits.fields.contains(f))
                    || stopped.iter().any(|f| waits.called.contains(f))
                    || (waits.done && calls_field)
            })
            .collect()
    };
    // Loop methods and the stop methods that end them; methods starting a
    // literal that loops so.
    for ((ty, name), body) in &bodies.methods {
        if body.controlled || STOP_METHODS.contains(&name.as_str()) {
            continue;
        }
        let waits = if bodies.called_plainly.contains(name) {
            &Waits::default()
        } else {
            &body.waits
        };
        for (waits, table) in [
            (waits, &mut out.loops),
            (&body.started_waits, &mut out.starters),
        ] {
            if waits.is_empty() {
                continue;
            }
            let stops = stops_of(ty, waits);
            if !stops.is_empty() {
                let started = Started {
                    type_name: ty.clone(),
                    loop_method: name.clone(),
                    stopped_by: stopped_by(ty, &stops),
                    stops,
                };
                table.insert((ty.clone(), name.clone()), started);
            }
        }
    }
    if out.loops.is_empty() && out.starters.is_empty() {
        return out;
    }
    // Methods starting a loop on their receiver, through calls of the
    // receiver's other methods.
    for _ in 0..MAX_DEPTH {
        let mut added = Vec::new();
        for ((ty, name), body) in &bodies.methods {
            let key = (ty.clone(), name.clone());
            if body.controlled
                || out.starters.contains_key(&key)
                || out.loops.contains_key(&key)
                || STOP_METHODS.contains(&name.as_str())
            {
                continue;
            }
            let started = body
                .go_calls
                .iter()
                .find_map(|m| out.loops.get(&(ty.clone(), m.clone())))
                .or_else(|| {
                    body.calls
                        .iter()
                        .find_map(|m| out.starters.get(&(ty.clone(), m.clone())))
                });
            if let Some(s) = started {
                added.push((key, s.clone()));
            }
        }
        if added.is_empty() {
            break;
        }
        out.starters.extend(added);
    }
    out
}

/// Constructors: functions starting a loop on a local value and returning
/// it, or returning another constructor's value.
fn resolve_constructors(bodies: &Bodies, out: &mut Lifecycles) {
    for _ in 0..MAX_DEPTH {
        let mut added = Vec::new();
        for (name, body) in &bodies.funcs {
            if body.excluded || out.constructors.contains_key(name) {
                continue;
            }
            let started = body
                .starts
                .iter()
                .filter(|(v, ..)| body.returned.contains(v))
                .find_map(|(_, ty, m, go)| {
                    let key = (ty.clone(), m.clone());
                    if *go {
                        out.loops.get(&key)
                    } else {
                        out.starters.get(&key)
                    }
                })
                .or_else(|| {
                    body.returned_calls
                        .iter()
                        .find_map(|g| out.constructors.get(g))
                });
            if let Some(s) = started {
                added.push((name.clone(), s.clone()));
            }
        }
        if added.is_empty() {
            break;
        }
        out.constructors.extend(added);
    }
}

/// The facts about the package `pkg` (this one or an imported module
/// package), when any.
pub fn lifecycles_of(cx: &Context<'_>, pkg: &str) -> Option<Arc<Lifecycles>> {
    if pkg == cx.model().import_path() {
        let own = cx.analysis::<LifecycleValues>();
        return (!own.own.is_empty()).then(|| own.own.clone());
    }
    cx.imported()
        .get::<LifecycleValues, Arc<Lifecycles>>(pkg)
        .cloned()
}
