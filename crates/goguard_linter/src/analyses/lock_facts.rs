//! Lock facts across the package: for each function and method, the
//! `sync.Mutex`/`sync.RWMutex` locks a call of it acquires, directly or
//! through the package functions it calls, named relative to what the
//! caller gives it (its receiver, a pointer parameter, a package-level
//! mutex). A caller that holds `s.mu` and calls `s.flush()`, which locks
//! `s.mu` again, deadlocks itself without any goroutine; these summaries
//! find that with one pass over the package and a fixpoint over its calls.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use goguard_semantic::cfg::Cfg;
use goguard_semantic::model::{BindingId, BindingKind, Callee, FileIdx, PackageModel};
use goguard_semantic::types::Type;
use goguard_syntax::{Ast, Node, NodeId, NodeKind, Tok};

use crate::engine::{Analysis, AnalysisId, Context, Counters, PackageScope};

use goguard_concurrency::Loc;

use super::concurrency::{line_of, span_of};
use super::cond_lockers::{locker_text, CondFields};
use super::dynamic_calls::{Bound, DynamicCalls};
use super::expr::normalized_text;
use super::flow::{anchor, leak_exits, LeakExit, Search};
use super::lock_back_refs::{is_back_selection, mutex_owner, owned_by_root};
use super::lock_bodies::{
    cond_locker_call, implicit_calls, package_bodies, unaddressed, Body, OpKind,
};
use super::lock_order::{self, class_of, Inversion};
use super::locks::{mutex_ops, owner_handoffs, owners, same_mutex};

/// The text of a lock path from a value the function cannot name.
const UNNAMED: &str = "?";

/// How many calls deep acquisitions are followed.
const MAX_CALL_DEPTH: usize = 4;

/// A node of some file of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub file: FileIdx,
    pub node: NodeId,
}

/// What a lock path starts from, in the function that takes the lock.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    /// The method's pointer receiver.
    Receiver,
    /// The parameter at this position (a pointer).
    Param(usize),
    /// A package-level variable, by name.
    Global(Arc<str>),
    /// In a function literal, a variable it captures (declared at this
    /// identifier, given no other value): named by a caller only when the
    /// literal is bound to it (see [`super::dynamic_calls`]).
    Captured(Site),
    /// A value the function cannot name (a local given by a constructor):
    /// kept only for a mutex reached through a back reference, which is
    /// matched by class (see [`super::lock_back_refs`]).
    Unknown,
}

/// A mutex a call acquires: `root` then `path` (`.mu`, or empty for a
/// mutex embedded in the root or the root itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acquire {
    pub root: Root,
    pub path: String,
    /// `RLock` rather than `Lock`.
    pub read: bool,
    /// The `Lock`/`RLock` call.
    pub lock: Site,
    /// The calls that lead from the function's body to the lock, outermost
    /// first; empty when the function locks it itself.
    pub via: Vec<Site>,
    /// The mutex's class (see [`lock_order`]), when it has one.
    pub class: Option<Arc<str>>,
    /// Its owner is reached through a back reference (see
    /// [`super::lock_back_refs`]).
    pub back: bool,
}

/// A package function or method: receiver type name (None for a function)
/// and name.
pub type FuncKey = (Option<Arc<str>>, Arc<str>);

/// The lock facts of a package: the summaries of its functions and
/// methods, and what the rules derive from them, computed once per package.
#[derive(Debug, Default)]
pub struct LockSummaries {
    acquires: HashMap<FuncKey, Vec<Acquire>>,
    /// The mutexes a call of the function leaves locked for its caller
    /// (`func (s *S) lock() { s.mu.Lock() }`).
    held_on_return: HashMap<FuncKey, Vec<Acquire>>,
    /// The mutexes a call of the function unlocks (not deferred), as lock
    /// paths of the function (`func (t *T) Unlock() { t.mu.Unlock() }`).
    releases: HashMap<FuncKey, Vec<(Root, String)>>,
    /// The locks taken again in each file (indexed like `model.files()`).
    reacquires: Vec<Vec<Reacquire>>,
    /// The pairs of mutex classes taken in both orders (see [`lock_order`]).
    pub inversions: Vec<Inversion>,
    /// The mutexes behind fields of condition variables.
    cond_fields: CondFields,
    /// Methods of interface types of the package that one type of the
    /// package implements: the interface's key and that type's method.
    dispatch: HashMap<FuncKey, FuncKey>,
    /// Calls through function values (see [`super::dynamic_calls`]): the
    /// declared functions they may run, and whether some body they may
    /// run unlocks a mutex itself.
    value_calls: HashMap<Site, ValueCall>,
}

/// What a call through a function value may run.
#[derive(Debug, Default)]
struct ValueCall {
    /// The declared functions, methods and literals among its values,
    /// each with the value it is bound to when the call names it (the
    /// value whose field is called): the receiver of a method value
    /// stored in a field of its own receiver, or the variable a literal
    /// captured the field's owner in.
    callees: Vec<(FuncKey, Option<NodeId>, Option<Site>)>,
    /// Some value (a literal included) unlocks a mutex itself.
    unlocks: bool,
}

impl LockSummaries {
    /// Every place in file `file` where a function locks a mutex it
    /// already holds (see [`reacquisitions`]).
    pub fn reacquisitions_in(&self, file: FileIdx) -> &[Reacquire] {
        match self.reacquires.get(file) {
            Some(v) => v,
            None => &[],
        }
    }

    /// Where the locks taken again in `file` are (each second lock and the
    /// call that leads there), so that a rule reporting the same deadlock
    /// from the concurrency model reports it once.
    pub fn reacquisition_locs(&self, file: FileIdx) -> Vec<Loc> {
        self.reacquisitions_in(file)
            .iter()
            .flat_map(|r| [Loc::new(r.lock.file, r.lock.node), Loc::new(file, r.second)])
            .collect()
    }

    /// The mutexes a call of the package function `callee` acquires.
    pub fn acquired_by(&self, model: &PackageModel<'_>, callee: &Callee) -> &[Acquire] {
        match key_of(model, callee) {
            Some(k) => self.acquired_by_key(self.dispatch.get(&k).unwrap_or(&k)),
            None => &[],
        }
    }

    /// The mutexes a call of the package function `callee` leaves locked
    /// when it returns: it locks them on every path, unconditionally, and
    /// unlocks nothing.
    pub fn held_after(&self, model: &PackageModel<'_>, callee: &Callee) -> &[Acquire] {
        match key_of(model, callee).and_then(|k| self.held_on_return.get(&k)) {
            Some(v) => v,
            None => &[],
        }
    }

    /// The mutexes a call of the package function `callee` unlocks itself.
    pub fn released_by(&self, model: &PackageModel<'_>, callee: &Callee) -> &[(Root, String)] {
        match key_of(model, callee).and_then(|k| self.releases.get(&k)) {
            Some(v) => v,
            None => &[],
        }
    }

    /// The mutexes a call of the package function or method `key`
    /// acquires.
    pub fn acquired_by_key(&self, key: &FuncKey) -> &[Acquire] {
        match self.acquires.get(key) {
            Some(v) => v,
            None => &[],
        }
    }
}

/// The lock facts of a package (see the module documentation).
pub struct LockFacts;

impl Analysis for LockFacts {
    type Output = LockSummaries;
    const ID: AnalysisId = AnalysisId("lock-facts");

    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> LockSummaries {
        if !package_locks(pkg) {
            return LockSummaries::default();
        }
        let (bodies, cond_fields) = package_bodies(pkg);
        // One resolution of calls through interfaces and function values
        // for the summaries and the lock order.
        let dynamic = DynamicCalls::new(pkg.model, &bodies);
        let mut out = summarize(pkg, &bodies, &dynamic);
        out.cond_fields = cond_fields;
        out.inversions = lock_order::inversions(pkg, &bodies, &dynamic);
        counters.add("lock-order inversions", out.inversions.len() as u64);
        counters.add(
            "calls through function values followed",
            out.value_calls.len() as u64,
        );
        counters.add(
            "functions that lock",
            out.acquires.values().filter(|v| !v.is_empty()).count() as u64,
        );
        if !out.acquires.is_empty() {
            out.reacquires = (0..pkg.model.files().len())
                .map(|fi| pkg.with_file(fi, |cx| reacquisitions(cx, &out)))
                .collect();
        }
        counters.add(
            "locks taken again",
            out.reacquires.iter().map(|v| v.len() as u64).sum(),
        );
        out
    }
}

/// The key of a package function or method a call runs.
pub(crate) fn key_of(model: &PackageModel<'_>, callee: &Callee) -> Option<FuncKey> {
    let own = model.import_path();
    match callee {
        Callee::Func(n) if &*n.pkg == own => Some((None, n.name.clone())),
        Callee::Method { recv, name } if &*recv.pkg == own => {
            Some((Some(recv.name.clone()), name.clone()))
        }
        _ => None,
    }
}

/// True for a call of `Lock`/`RLock` (Some(read)) on a sync mutex.
pub fn lock_call(model: &PackageModel<'_>, file: FileIdx, call: NodeId) -> Option<bool> {
    lock_kind(&model.callee(file, call))
}

/// Some(read) when the callee is `Lock`/`RLock` of a sync mutex.
pub(crate) fn lock_kind(callee: &Callee) -> Option<bool> {
    match callee {
        Callee::Method { recv, name } if recv.is("sync", "Mutex") || recv.is("sync", "RWMutex") => {
            match &**name {
                "Lock" => Some(false),
                "RLock" => Some(true),
                _ => None,
            }
        }
        _ => None,
    }
}

/// True when the callee is `Unlock`/`RUnlock` of a sync mutex.
pub(crate) fn is_unlock(callee: &Callee) -> bool {
    match callee {
        Callee::Method { recv, name } if recv.is("sync", "Mutex") || recv.is("sync", "RWMutex") => {
            matches!(&**name, "Unlock" | "RUnlock")
        }
        _ => false,
    }
}

/// True when some path from the function's entry reaches `node` without
/// unlocking `root`+`path` first (so a lock there is taken while a caller
/// holding the mutex still holds it). True when it cannot tell.
fn reached_holding(
    pkg: &PackageScope<'_>,
    f: &FuncFacts,
    node: NodeId,
    root: &Root,
    path: &str,
) -> bool {
    let releases: Vec<NodeId> = f
        .unlocks
        .iter()
        .filter(|(r, p, _)| r == root && same_mutex(p, path))
        .map(|&(_, _, n)| n)
        .collect();
    if releases.is_empty() {
        return true;
    }
    let Some(cfg) = pkg.cfg(f.file, f.decl) else {
        return true;
    };
    let facts = &pkg.files[f.file];
    let anchor_of = |n: NodeId| -> Option<NodeId> {
        let mut at = n;
        for _ in 0..256 {
            if cfg.locate(at).is_some() {
                return Some(at);
            }
            at = facts.parent(at)?;
        }
        None
    };
    let Some(target) = anchor_of(node) else {
        return true;
    };
    let stops: Vec<NodeId> = releases.into_iter().filter_map(anchor_of).collect();
    cfg.first_reachable_from_entry(&mut |n| n == target, &mut |n| stops.contains(&n))
        .is_some()
}

/// A call of a package function made by a function, with what it is
/// given in the caller's terms.
struct CallSite {
    call: Site,
    callee: FuncKey,
    /// The receiver expression as a lock path of the caller (for a bound
    /// literal: what its captured variable `captured` holds).
    recv: Option<(Root, String)>,
    captured: Option<Site>,
    /// The arguments, as lock paths of the caller.
    args: Vec<Option<(Root, String)>>,
    /// The receiver expression and the arguments (`&` removed).
    recv_node: Option<NodeId>,
    arg_nodes: Vec<NodeId>,
}

/// One function: its own acquisitions, its calls and its unlocks.
struct FuncFacts {
    file: FileIdx,
    decl: NodeId,
    direct: Vec<Acquire>,
    calls: Vec<CallSite>,
    /// `Unlock`/`RUnlock` calls (not deferred) on its lock paths.
    unlocks: Vec<(Root, String, NodeId)>,
}

/// The locks a function takes for its caller: `Lock`/`RLock` calls that are
/// statements of the body itself (not under a condition or in a loop, and
/// with no `return` or `goto` before them), in
/// a body that unlocks nothing (no `Unlock`/`RUnlock` anywhere, deferred
/// or in a literal), so that every return leaves them held.
fn locked_for_caller(ast: &Ast, source: &str, b: &Body, f: &FuncFacts) -> Vec<Acquire> {
    let Node::FuncDecl {
        body: Some(body), ..
    } = *ast.node(b.func)
    else {
        return Vec::new();
    };
    let Node::BlockStmt { list, .. } = *ast.node(body) else {
        return Vec::new();
    };
    let statements = ast.list(list);
    // A statement of the body with no `return` or `goto` before it: every
    // return passes by it.
    let top_level = |call: NodeId| {
        let Some(at) = statements.iter().position(
            |&st| matches!(*ast.node(st), Node::ExprStmt { x } if ast.unparen(x) == call),
        ) else {
            return false;
        };
        !statements[..at].iter().any(|&st| {
            ast.walk(st).any(|id| {
                matches!(
                    ast.node(id),
                    Node::ReturnStmt { .. } | Node::BranchStmt { .. }
                )
            })
        })
    };
    let mut held: Vec<Acquire> = f
        .direct
        .iter()
        .filter(|a| top_level(a.lock.node))
        .cloned()
        .collect();
    if held.is_empty() {
        return held;
    }
    let unlocks = ast.walk(body).any(|id| match *ast.node(id) {
        Node::SelectorExpr { sel, .. } => matches!(ast.text(sel, source), "Unlock" | "RUnlock"),
        _ => false,
    });
    if unlocks {
        held.clear();
    }
    held
}

/// The names a function binds for its receiver and parameters.
struct Signature {
    /// The receiver's declaring identifier, when it is a pointer.
    recv: Option<NodeId>,
    /// The declaring identifier of each parameter that is a pointer.
    params: Vec<Option<NodeId>>,
    /// For a literal, the variables it captures that are given no other
    /// value.
    captured: Vec<BindingId>,
}

/// The key of a function literal's summary: no Go name can spell it.
pub(crate) fn literal_key(file: FileIdx, lit: NodeId) -> FuncKey {
    (None, Arc::from(format!("func literal {file}/{lit:?}")))
}

/// The variables of an enclosing function that the literal `lit` (of file
/// `fi`) uses and that are given no other value than their declaration's:
/// locals, parameters and receivers.
fn fixed_captures(
    model: &PackageModel<'_>,
    fi: FileIdx,
    lit: NodeId,
    dynamic: &DynamicCalls<'_, '_>,
) -> Vec<BindingId> {
    let ast = model.files()[fi].parsed.ast();
    let (start, end) = (ast.pos(lit), ast.end(lit));
    let mut out: Vec<BindingId> = ast
        .walk(lit)
        .filter(|&n| matches!(ast.node(n), Node::Ident { .. }))
        .filter_map(|n| model.resolve(fi, n))
        .filter(|&id| {
            let b = model.binding(id);
            matches!(
                b.kind,
                BindingKind::Var | BindingKind::Param | BindingKind::Receiver
            ) && b.scope.is_some()
                && b.decl
                    .is_some_and(|(df, d)| df == fi && !(start <= ast.pos(d) && ast.pos(d) < end))
                && !dynamic.reassigned(id)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// True when some file of the package selects `Lock` or `RLock`: without
/// one, no function of the package locks anything.
pub(crate) fn package_locks(pkg: &PackageScope<'_>) -> bool {
    pkg.model
        .files()
        .iter()
        .zip(pkg.files)
        .any(|(file, facts)| {
            let ast = file.parsed.ast();
            facts
                .nodes_of_kind(NodeKind::SelectorExpr)
                .iter()
                .any(|&id| match *ast.node(id) {
                    Node::SelectorExpr { sel, .. } => {
                        matches!(ast.text(sel, file.source), "Lock" | "RLock")
                    }
                    _ => false,
                })
        })
}

fn summarize(
    pkg: &PackageScope<'_>,
    bodies: &[Body],
    dynamic: &DynamicCalls<'_, '_>,
) -> LockSummaries {
    let model = pkg.model;
    let mut facts: BTreeMap<FuncKey, FuncFacts> = BTreeMap::new();
    let mut held_on_return: HashMap<FuncKey, Vec<Acquire>> = HashMap::new();
    let mut releases: HashMap<FuncKey, Vec<(Root, String)>> = HashMap::new();
    let mut dispatch: HashMap<FuncKey, FuncKey> = HashMap::new();
    let value_calls = value_calls(model, bodies, dynamic);
    for b in bodies {
        let file = &model.files()[b.file];
        let ast = file.parsed.ast();
        let (key, sig) = match *ast.node(b.func) {
            Node::FuncDecl { recv, ty, .. } => {
                let Some(key) = b.decl_key(model) else {
                    continue;
                };
                (key, signature(ast, recv, ty))
            }
            // A literal has a summary for the calls through the function
            // values it is given to.
            Node::FuncLit { ty, .. } => {
                let mut sig = signature(ast, None, ty);
                sig.captured = fixed_captures(model, b.file, b.func, dynamic);
                (literal_key(b.file, b.func), sig)
            }
            _ => continue,
        };
        let mut f = function_facts(model, b, &sig, dynamic, &mut dispatch, &value_calls);
        let held = locked_for_caller(ast, file.source, b, &f);
        if !held.is_empty() {
            held_on_return.insert(key.clone(), held);
        }
        if !f.unlocks.is_empty() {
            let released = f.unlocks.iter().map(|(r, p, _)| (r.clone(), p.clone()));
            releases.insert(key.clone(), released.collect());
        }
        // A lock taken only after the function has released the same
        // mutex (`unlockWaitAndLockAgain`, `resetTransportAndUnlock`)
        // is not taken while a caller holds it.
        let direct = std::mem::take(&mut f.direct);
        f.direct = direct
            .into_iter()
            .filter(|a| reached_holding(pkg, &f, a.lock.node, &a.root, &a.path))
            .collect();
        facts.insert(key, f);
    }
    // Acquisitions through calls, one call level per round.
    let mut acquires: HashMap<FuncKey, Vec<Acquire>> = facts
        .iter()
        .map(|(k, f)| (k.clone(), f.direct.clone()))
        .collect();
    for _ in 0..MAX_CALL_DEPTH {
        let mut changed = false;
        for (k, f) in &facts {
            let mut add = Vec::new();
            for c in &f.calls {
                let Some(inner) = acquires.get(&c.callee) else {
                    continue;
                };
                for a in inner {
                    let given = match &a.root {
                        Root::Receiver => c.recv.clone(),
                        Root::Param(i) => c.args.get(*i).cloned().flatten(),
                        Root::Global(g) => Some((Root::Global(g.clone()), String::new())),
                        Root::Unknown => Some((Root::Unknown, String::new())),
                        Root::Captured(v) if c.captured == Some(*v) => c.recv.clone(),
                        Root::Captured(_) => None,
                    };
                    // A mutex reached through a back reference is matched
                    // by class: it need not be named in the caller's terms.
                    let given = given.or_else(|| {
                        (a.back && a.class.is_some()).then(|| (Root::Unknown, String::new()))
                    });
                    let Some((root, prefix)) = given else {
                        continue;
                    };
                    let path = format!("{prefix}{}", a.path);
                    if !reached_holding(pkg, f, c.call.node, &root, &path) {
                        continue;
                    }
                    let mut via = vec![c.call];
                    via.extend(a.via.iter().copied());
                    // The expression given for the callee's root is the
                    // owner of a mutex of the root itself.
                    let given_node = match &a.root {
                        Root::Receiver | Root::Captured(_) => c.recv_node,
                        Root::Param(i) => c.arg_nodes.get(*i).copied(),
                        Root::Global(_) | Root::Unknown => None,
                    };
                    let back = match &a.class {
                        Some(class) if owned_by_root(class, &a.path) => given_node
                            .is_some_and(|n| is_back_selection(model, c.call.file, n, Some(class))),
                        _ => a.back,
                    };
                    add.push(Acquire {
                        root,
                        path,
                        read: a.read,
                        lock: a.lock,
                        via,
                        class: a.class.clone(),
                        back,
                    });
                }
            }
            let mine = acquires.entry(k.clone()).or_default();
            for a in add {
                let known = mine
                    .iter()
                    .any(|m| m.root == a.root && m.path == a.path && m.read == a.read);
                if !known {
                    mine.push(a);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    LockSummaries {
        acquires,
        held_on_return,
        releases,
        reacquires: Vec::new(),
        inversions: Vec::new(),
        cond_fields: CondFields::new(),
        dispatch,
        value_calls,
    }
}

/// The calls through function values of every body of the package that
/// may run a declared function of the package.
fn value_calls(
    model: &PackageModel<'_>,
    bodies: &[Body],
    dynamic: &DynamicCalls<'_, '_>,
) -> HashMap<Site, ValueCall> {
    let mut out = HashMap::new();
    for (i, b) in bodies.iter().enumerate() {
        for &call in &b.value_calls {
            let targets = dynamic.bound_targets(i, call);
            let callees: Vec<(FuncKey, Option<NodeId>, Option<Site>)> = targets
                .iter()
                .filter_map(|&(t, recv, bound)| {
                    if let Bound::Captured(decl) = bound {
                        let captured = Site {
                            file: bodies[t].file,
                            node: decl,
                        };
                        return Some((
                            literal_key(bodies[t].file, bodies[t].func),
                            recv,
                            Some(captured),
                        ));
                    }
                    let Some(key) = bodies[t].decl_key(model) else {
                        // A literal not bound to the call's value: its
                        // parameters and package variables still carry over.
                        return matches!(
                            model.files()[bodies[t].file]
                                .parsed
                                .ast()
                                .node(bodies[t].func),
                            Node::FuncLit { .. }
                        )
                        .then(|| (literal_key(bodies[t].file, bodies[t].func), None, None));
                    };
                    // Only a receiver of the method's own type (not one
                    // whose embedded field declares it).
                    let recv = recv.filter(|&x| {
                        key.0
                            .as_deref()
                            .is_some_and(|n| is_named(&model.type_of(b.file, x), n))
                    });
                    Some((key, recv, None))
                })
                .collect();
            if callees.is_empty() {
                continue;
            }
            let unlocks = targets.iter().any(|&(t, _, _)| {
                bodies[t]
                    .ops
                    .iter()
                    .any(|op| matches!(op.kind, OpKind::Unlock))
            });
            let site = Site {
                file: b.file,
                node: call,
            };
            out.insert(site, ValueCall { callees, unlocks });
        }
    }
    out
}

fn signature(ast: &Ast, recv: Option<NodeId>, ty: NodeId) -> Signature {
    let mut sig = Signature {
        recv: None,
        params: Vec::new(),
        captured: Vec::new(),
    };
    if let Some(r) = recv {
        if let Node::FieldList { list, .. } = *ast.node(r) {
            if let Some(&field) = ast.list(list).first() {
                if let Node::Field {
                    names, ty: Some(t), ..
                } = *ast.node(field)
                {
                    if matches!(ast.node(t), Node::StarExpr { .. }) {
                        sig.recv = ast.list(names).first().copied();
                    }
                }
            }
        }
    }
    if let Node::FuncType { params, .. } = *ast.node(ty) {
        if let Node::FieldList { list, .. } = *ast.node(params) {
            for &field in ast.list(list) {
                let Node::Field { names, ty, .. } = *ast.node(field) else {
                    continue;
                };
                let pointer = ty.is_some_and(|t| matches!(ast.node(t), Node::StarExpr { .. }));
                let names = ast.list(names);
                if names.is_empty() {
                    sig.params.push(None);
                }
                for &n in names {
                    sig.params.push(pointer.then_some(n));
                }
            }
        }
    }
    sig
}

/// The locks a function body takes and the package calls it makes, as
/// lock paths of the function (see [`Body`] for what is left out).
fn function_facts(
    model: &PackageModel<'_>,
    b: &Body,
    sig: &Signature,
    dynamic: &DynamicCalls<'_, '_>,
    dispatch: &mut HashMap<FuncKey, FuncKey>,
    value_calls: &HashMap<Site, ValueCall>,
) -> FuncFacts {
    let fi = b.file;
    let mut out = FuncFacts {
        file: fi,
        decl: b.func,
        direct: Vec::new(),
        calls: Vec::new(),
        unlocks: Vec::new(),
    };
    let path = |x: NodeId| lock_path(model, fi, x, sig, Some(b));
    for op in &b.ops {
        // The mutex of the operation: its receiver's path, then the fields
        // a condition variable's `L` stands for.
        let mutex = |x: NodeId| path(x).map(|(root, p)| (root, format!("{p}{}", op.suffix)));
        let site = Site {
            file: fi,
            node: op.call,
        };
        match &op.kind {
            OpKind::Lock { read } => {
                if let Some((root, path)) = op.recv.and_then(mutex) {
                    // A condition variable's locker (a suffix) has no
                    // class here.
                    let recv = op.recv.filter(|_| op.suffix.is_empty());
                    out.direct.push(Acquire {
                        root,
                        path,
                        read: *read,
                        lock: site,
                        via: Vec::new(),
                        class: recv.and_then(|x| class_of(model, fi, x, 0)),
                        back: recv.is_some_and(|x| {
                            let class = class_of(model, fi, x, 0);
                            is_back_selection(
                                model,
                                fi,
                                mutex_owner(model, fi, x),
                                class.as_deref(),
                            )
                        }),
                    });
                }
            }
            OpKind::Unlock => {
                if let Some((root, path)) = op.recv.and_then(mutex) {
                    out.unlocks.push((root, path, op.call));
                }
            }
            OpKind::Call {
                callee,
                method,
                interface,
            } => {
                // A method of an interface of the package runs the method
                // of the one type of the package that implements it, if one.
                let mut callee = callee.clone();
                if *interface {
                    let Some(concrete) = dynamic.resolve_key(&callee) else {
                        continue;
                    };
                    dispatch.insert(callee, concrete.clone());
                    callee = concrete;
                }
                // A method's receiver, when the call is on a value of the
                // method's own type (not a promoted method of a field).
                let recv = match op.recv {
                    Some(x)
                        if *method
                            && (*interface
                                || callee
                                    .0
                                    .as_deref()
                                    .is_some_and(|t| is_named(&model.type_of(fi, x), t))) =>
                    {
                        path(x)
                    }
                    _ => None,
                };
                out.calls.push(CallSite {
                    call: site,
                    callee,
                    recv_node: recv.as_ref().and(op.recv),
                    recv,
                    captured: None,
                    args: op.args.iter().map(|&a| path(a)).collect(),
                    arg_nodes: op.args.clone(),
                });
            }
        }
    }
    // A call through a function value runs one of its values with the
    // call's arguments, and a method value bound to the value whose field
    // is called on that value.
    for &call in &b.value_calls {
        let site = Site {
            file: fi,
            node: call,
        };
        let Some(v) = value_calls.get(&site) else {
            continue;
        };
        let ast = model.files()[fi].parsed.ast();
        let Node::CallExpr { args, .. } = *ast.node(call) else {
            continue;
        };
        let arg_nodes: Vec<NodeId> = ast
            .list(args)
            .iter()
            .map(|&a| unaddressed(ast, a))
            .collect();
        for (callee, bound, captured) in &v.callees {
            let recv = bound.and_then(path);
            out.calls.push(CallSite {
                call: site,
                callee: callee.clone(),
                recv_node: recv.as_ref().and(*bound),
                recv,
                captured: *captured,
                args: arg_nodes.iter().map(|&a| path(a)).collect(),
                arg_nodes: arg_nodes.clone(),
            });
        }
    }
    // Receiver and parameters given a new value in the body: a lock
    // through them may be on another object (`c = c.parent; c.mu.Lock()`).
    let reassigned: Vec<Root> = b
        .assigned
        .iter()
        .filter_map(|&l| lock_path(model, fi, l, sig, None))
        .filter(|(_, p)| p.is_empty())
        .map(|(r, _)| r)
        .collect();
    out.direct.retain(|a| !reassigned.contains(&a.root));
    for c in &mut out.calls {
        if c.recv.as_ref().is_some_and(|(r, _)| reassigned.contains(r)) {
            c.recv = None;
        }
        for a in &mut c.args {
            if a.as_ref().is_some_and(|(r, _)| reassigned.contains(r)) {
                *a = None;
            }
        }
    }
    out
}

/// True when the outermost function around `func` unlocks the mutex `key`
/// (by the same text) in a function body other than `func` that may run
/// on another goroutine (not a literal `func` calls itself).
fn unlocked_elsewhere(cx: &Context<'_>, func: NodeId, key: &str) -> bool {
    let top = cx
        .ancestors(func)
        .filter(|&a| matches!(cx.node(a), Node::FuncDecl { .. } | Node::FuncLit { .. }))
        .last()
        .unwrap_or(func);
    cx.ast().walk(top).any(|id| {
        let Node::SelectorExpr { x, sel } = *cx.node(id) else {
            return false;
        };
        matches!(cx.text(sel), "Unlock" | "RUnlock")
            && same_mutex(&normalized_text(cx, x), key)
            && !called_by(cx, cx.enclosing_func(id), func)
    })
}

/// True when `body` is `func`, or a literal that only `func` (or such a
/// literal of it) calls, on its own goroutine: called at once (deferred
/// too), or kept in a local variable that is only ever called, never
/// started with `go` nor handed on.
fn called_by(cx: &Context<'_>, body: Option<NodeId>, func: NodeId) -> bool {
    let mut at = body;
    for _ in 0..8 {
        let Some(b) = at else {
            return false;
        };
        if b == func {
            return true;
        }
        if !matches!(cx.node(b), Node::FuncLit { .. }) || !only_called(cx, b) {
            return false;
        }
        at = cx.parent(b).and_then(|p| cx.enclosing_func(p));
    }
    false
}

/// True when the literals between `node` and `func` are all called where
/// they are written, on the same goroutine (`func() { ... }()`, deferred
/// too).
fn runs_where_written(cx: &Context<'_>, node: NodeId, func: NodeId) -> bool {
    let mut at = cx.enclosing_func(node);
    for _ in 0..8 {
        match at {
            Some(b) if b == func => return true,
            Some(b) if called_at_once(cx, b) => {
                at = cx.parent(b).and_then(|p| cx.enclosing_func(p));
            }
            _ => return false,
        }
    }
    false
}

/// True when the expression `e` is called right where it is written, not
/// by a `go` statement: `e(...)` or `defer e(...)`.
fn called_at_once(cx: &Context<'_>, e: NodeId) -> bool {
    let e = outer_paren_of(cx, e);
    match cx.parent(e).map(|p| (p, cx.node(p))) {
        Some((p, &Node::CallExpr { fun, .. })) if outer_paren_of(cx, fun) == e => {
            !matches!(cx.parent(p).map(|g| cx.node(g)), Some(Node::GoStmt { .. }))
        }
        _ => false,
    }
}

/// True when the literal `lit` is only called on the goroutine that
/// reaches it: `func() {...}()` (or deferred), or `f := func() {...}` with
/// every use of `f` a call outside a `go` statement.
fn only_called(cx: &Context<'_>, lit: NodeId) -> bool {
    let called_at_once = |e: NodeId| called_at_once(cx, e);
    if called_at_once(lit) {
        return true;
    }
    let Some(parent) = cx.parent(outer_paren_of(cx, lit)) else {
        return false;
    };
    let Node::AssignStmt { lhs, rhs, tok, .. } = *cx.node(parent) else {
        return false;
    };
    let (lhs, rhs) = (cx.ast().list(lhs), cx.ast().list(rhs));
    if tok != Tok::Define || lhs.len() != 1 || rhs.len() != 1 {
        return false;
    }
    let model = cx.model();
    let Some(id) = model.resolve(cx.file(), lhs[0]) else {
        return false;
    };
    let uses = model.uses(id);
    !uses.is_empty()
        && uses
            .iter()
            .all(|u| u.file == cx.file() && u.ident != lhs[0] && called_at_once(u.ident))
}

/// `e` with the parentheses around it.
fn outer_paren_of(cx: &Context<'_>, e: NodeId) -> NodeId {
    let mut at = e;
    while let Some(p) = cx.parent(at) {
        if !matches!(cx.node(p), Node::ParenExpr { .. }) {
            break;
        }
        at = p;
    }
    at
}

/// The graph nodes of `func` that give the variable `name` a new value:
/// assignments, declarations, `range` headers.
fn rebinding_anchors(cx: &Context<'_>, func: NodeId, cfg: &Cfg, name: &str) -> Vec<NodeId> {
    let names =
        |list: goguard_syntax::List| cx.ast().list(list).iter().any(|&n| cx.text(n) == name);
    let mut out = Vec::new();
    for id in cx.ast().walk(func) {
        let hit = match *cx.node(id) {
            Node::AssignStmt { lhs, .. } => names(lhs),
            Node::ValueSpec { names: n, .. } => names(n),
            Node::RangeStmt { key, value, .. } => {
                key.is_some_and(|k| cx.text(k) == name) || value.is_some_and(|v| cx.text(v) == name)
            }
            _ => false,
        };
        if hit && cx.enclosing_func(id) == Some(func) {
            if let Some(a) = anchor(cx, func, cfg, id) {
                out.push(a);
            }
        }
    }
    out
}

/// True when `node` runs only on one side of an `if` on a plain flag
/// inside `func`.
fn under_flag(cx: &Context<'_>, node: NodeId, func: NodeId) -> bool {
    let mut child = node;
    for a in cx.ancestors(node) {
        if a == func {
            return false;
        }
        if let Node::IfStmt { cond, init, .. } = *cx.node(a) {
            if child != cond && Some(child) != init && is_state_flag(cx, cond, func) {
                return true;
            }
        }
        child = a;
    }
    false
}

/// A plain flag (see [`is_flag`]) that the function sets to `true` or
/// `false` itself next to a lock or unlock taken on one branch (`if !held {
/// mu.Lock(); held = true }`): it records whether the lock is held. A flag
/// set beside the function's unconditional lock (`s.drain = true` before
/// the final `Unlock`) is state the lock guards, not lock state.
fn is_state_flag(cx: &Context<'_>, cond: NodeId, func: NodeId) -> bool {
    if !is_flag(cx.ast(), cond) {
        return false;
    }
    let mut c = crate::analyses::expr::unparen(cx, cond);
    if let Node::UnaryExpr {
        op: Tok::Not, x, ..
    } = *cx.node(c)
    {
        c = x;
    }
    let flag = normalized_text(cx, c);
    cx.ast().walk(func).any(|id| {
        let Node::AssignStmt { lhs, rhs, .. } = *cx.node(id) else {
            return false;
        };
        let (lhs, rhs) = (cx.ast().list(lhs), cx.ast().list(rhs));
        let sets = lhs.iter().zip(rhs).any(|(&l, &r)| {
            matches!(cx.text(r), "true" | "false") && normalized_text(cx, l) == flag
        });
        sets && beside_conditional_lock(cx, id, func)
    })
}

/// True when the statement `stmt` sits in a block, other than the body of
/// `func`, that also locks or unlocks a mutex (directly or deferred).
fn beside_conditional_lock(cx: &Context<'_>, stmt: NodeId, func: NodeId) -> bool {
    let Some(block) = cx.parent(stmt) else {
        return false;
    };
    let Node::BlockStmt { list, .. } = *cx.node(block) else {
        return false;
    };
    if cx.parent(block) == Some(func) {
        return false;
    }
    cx.ast().list(list).iter().any(|&st| {
        let call = match *cx.node(st) {
            Node::ExprStmt { x } => x,
            Node::DeferStmt { call, .. } => call,
            _ => return false,
        };
        let Node::CallExpr { fun, .. } = *cx.node(crate::analyses::expr::unparen(cx, call)) else {
            return false;
        };
        matches!(*cx.node(crate::analyses::expr::unparen(cx, fun)),
            Node::SelectorExpr { sel, .. }
                if matches!(cx.text(sel), "Lock" | "RLock" | "Unlock" | "RUnlock"))
    })
}

/// `flag`, `!flag`, `s.flag`, `!s.flag`: a condition that is a plain value.
pub(crate) fn is_flag(ast: &Ast, cond: NodeId) -> bool {
    let mut c = ast.unparen(cond);
    if let Node::UnaryExpr {
        op: Tok::Not, x, ..
    } = *ast.node(c)
    {
        c = ast.unparen(x);
    }
    matches!(ast.node(c), Node::Ident { .. } | Node::SelectorExpr { .. })
}

/// True when `ty` is the named type `name` or a pointer to it.
fn is_named(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Named(n) => &*n.name == name,
        Type::Pointer(t) => matches!(&**t, Type::Named(n) if &*n.name == name),
        _ => false,
    }
}

/// `x` as a lock path of the function: an identifier (its pointer receiver,
/// a pointer parameter, a package-level variable) followed by field
/// selections. With the function's `body` walk, a local
/// pointer variable given its value once (`r := s.replica`, `mu := &s.mu`)
/// stands for that value.
fn lock_path(
    model: &PackageModel<'_>,
    fi: FileIdx,
    x: NodeId,
    sig: &Signature,
    body: Option<&Body>,
) -> Option<(Root, String)> {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let mut fields: Vec<&str> = Vec::new();
    let mut at = ast.unparen(x);
    for _ in 0..16 {
        match *ast.node(at) {
            Node::SelectorExpr { x, sel } => {
                fields.push(ast.text(sel, file.source));
                at = ast.unparen(x);
            }
            Node::Ident { .. } => {
                let b: BindingId = model.resolve(fi, at)?;
                let binding = model.binding(b);
                let decl = binding.decl.map(|(_, n)| n);
                let root = if decl.is_some() && decl == sig.recv {
                    Root::Receiver
                } else if let Some(i) = sig.params.iter().position(|p| p.is_some() && *p == decl) {
                    Root::Param(i)
                } else if binding.kind == BindingKind::Var && binding.scope.is_none() {
                    Root::Global(binding.name.clone())
                } else if let (true, Some((df, d))) = (sig.captured.contains(&b), binding.decl) {
                    Root::Captured(Site { file: df, node: d })
                } else if let Some(value) = body.and_then(|body| alias_value(model, fi, b, body)) {
                    // Follow the alias to its value, keeping the fields
                    // selected from it.
                    at = value;
                    continue;
                } else {
                    return None;
                };
                let path: String = fields.iter().rev().map(|f| format!(".{f}")).collect();
                return Some((root, path));
            }
            _ => return None,
        }
    }
    None
}

/// The value a local pointer variable is given by its declaration
/// (`r := s.replica`, `var mu = &s.mu`, without the `&`), when the body
/// assigns it nowhere else; None otherwise.
fn alias_value(model: &PackageModel<'_>, fi: FileIdx, b: BindingId, body: &Body) -> Option<NodeId> {
    let binding = model.binding(b);
    if binding.kind != BindingKind::Var || binding.scope.is_none() {
        return None;
    }
    let (df, decl) = binding.decl?;
    if df != fi || !matches!(model.type_of(fi, decl), Type::Pointer(_)) {
        return None;
    }
    let again = body
        .assigned
        .iter()
        .any(|&n| n != decl && model.resolve(fi, n) == Some(b));
    if again {
        return None;
    }
    let &(_, value) = body.defines.iter().find(|&&(n, _)| n == decl)?;
    let ast = model.files()[fi].parsed.ast();
    let v = ast.unparen(value);
    Some(match *ast.node(v) {
        Node::UnaryExpr {
            op: Tok::And, x, ..
        } => ast.unparen(x),
        _ => v,
    })
}

/// A mutex locked again while the same path of a function already holds
/// it: by a second `Lock`/`RLock`, or by a call that acquires it.
#[derive(Debug, Clone)]
pub struct Reacquire {
    /// The mutex as the function spells it (`s.mu`).
    pub key: String,
    /// The first `Lock`/`RLock` call, or the call of a function that
    /// returns holding the mutex.
    pub first: NodeId,
    pub first_read: bool,
    /// When `first` is such a call: the `Lock`/`RLock` it leaves held.
    pub first_lock: Option<Site>,
    /// The second `Lock`/`RLock` call, or the call that leads to one.
    pub second: NodeId,
    pub second_read: bool,
    /// The `Lock`/`RLock` call that blocks (the same as `second` when the
    /// function locks again itself).
    pub lock: Site,
    /// The calls from `second` down to `lock`, outermost first; empty when
    /// the function locks again itself.
    pub via: Vec<Site>,
    /// When the second lock names the mutex differently, through a back
    /// reference to the owner of the first (see
    /// [`super::lock_back_refs`]): its text here and the mutex's class.
    pub back_ref: Option<(String, Arc<str>)>,
}

/// An acquisition at a node of a function's graph.
struct Acq {
    anchor: NodeId,
    /// The call in the function: the lock itself or the call leading to it.
    call: NodeId,
    key: String,
    read: bool,
    lock: Site,
    via: Vec<Site>,
    /// The mutex is held after this node: a `Lock`/`RLock`, or a call of a
    /// function that returns holding it.
    holds: bool,
    /// What the mutex is reached from at this node (`s.mu` of `s.mu.Lock()`,
    /// `s` of `s.lock()`), for the calls that might release it.
    owner: Option<NodeId>,
    /// The mutex's class, and whether its owner is reached through a back
    /// reference (see [`super::lock_back_refs`]).
    class: Option<Arc<str>>,
    back: bool,
}

impl Acq {
    /// True when this acquisition takes the mutex `first` holds: the same
    /// text, or the same class with one of the two reached through a back
    /// reference to the other's owner.
    fn takes(&self, first: &Acq) -> bool {
        same_mutex(&self.key, &first.key)
            || (self.back != first.back && self.class.is_some() && self.class == first.class)
    }
}

/// Every place in the checked file where a function locks a mutex it
/// already holds on that path (no `Unlock` of it, nor a call that might
/// unlock it, in between).
pub fn reacquisitions(cx: &Context<'_>, facts: &LockSummaries) -> Vec<Reacquire> {
    let mut out = Vec::new();
    // Only functions that lock something themselves (or call a helper that
    // returns holding a lock) can hold a lock when they lock again: the
    // others need no graph nor walk.
    let helpers: Vec<&str> = facts.held_on_return.keys().map(|k| &*k.1).collect();
    let mut funcs: Vec<NodeId> = cx
        .nodes_of_kind(NodeKind::SelectorExpr)
        .iter()
        .filter(|&&id| match *cx.node(id) {
            Node::SelectorExpr { sel, .. } => {
                let name = cx.text(sel);
                matches!(name, "Lock" | "RLock") || helpers.contains(&name)
            }
            _ => false,
        })
        .chain(
            cx.nodes_of_kind(NodeKind::Ident)
                .iter()
                .filter(|&&id| !helpers.is_empty() && helpers.contains(&cx.text(id))),
        )
        .filter_map(|&id| cx.enclosing_func(id))
        .collect();
    funcs.sort_unstable();
    funcs.dedup();
    for func in funcs {
        let Some(cfg) = cx.cfg(func) else {
            continue;
        };
        reacquisitions_in(cx, facts, func, cfg, &mut out);
    }
    out
}

fn reacquisitions_in(
    cx: &Context<'_>,
    facts: &LockSummaries,
    func: NodeId,
    cfg: &Cfg,
    out: &mut Vec<Reacquire>,
) {
    let model = cx.model();
    let fi = cx.file();
    let mut acqs: Vec<Acq> = Vec::new();
    // Calls of package functions that unlock a mutex (`rt.Unlock()` that
    // unlocks `rt.mu`): the graph node and the mutex in this function's terms.
    let mut released: Vec<(NodeId, String)> = Vec::new();
    // Calls through function values one of whose values unlocks a mutex:
    // which one is not known, so they end every held section.
    let mut value_unlocks: Vec<NodeId> = Vec::new();
    for id in cx.ast().walk(func) {
        if !matches!(cx.node(id), Node::CallExpr { .. }) || cx.enclosing_func(id) != Some(func) {
            continue;
        }
        let Some(a) = anchor(cx, func, cfg, id) else {
            continue;
        };
        if matches!(cx.node(a), Node::GoStmt { .. } | Node::DeferStmt { .. }) {
            continue;
        }
        let Node::CallExpr { fun, args, .. } = *cx.node(id) else {
            continue;
        };
        let fun = crate::analyses::expr::unparen(cx, fun);
        // `c.L.Lock()`: a lock of the mutex given to `sync.NewCond`.
        if cond_locker_call(model, fi, fun) == Some(false) {
            if let Node::SelectorExpr { x, .. } = *cx.node(fun) {
                // Without a known mutex, `c.L` is a mutex of its own.
                let (key, read) = locker_text(cx, func, x, &facts.cond_fields)
                    .unwrap_or_else(|| (normalized_text(cx, x), false));
                acqs.push(Acq {
                    anchor: a,
                    call: id,
                    key,
                    read,
                    lock: Site { file: fi, node: id },
                    via: Vec::new(),
                    holds: true,
                    owner: None,
                    class: None,
                    back: false,
                });
            }
            continue;
        }
        if let Some(read) = lock_call(model, fi, id) {
            if let Node::SelectorExpr { x, .. } = *cx.node(fun) {
                acqs.push(Acq {
                    anchor: a,
                    call: id,
                    key: normalized_text(cx, x),
                    read,
                    lock: Site { file: fi, node: id },
                    via: Vec::new(),
                    holds: true,
                    owner: Some(x),
                    class: class_of(model, fi, x, 0),
                    back: is_back_selection(
                        model,
                        fi,
                        mutex_owner(model, fi, x),
                        class_of(model, fi, x, 0).as_deref(),
                    ),
                });
            }
            continue;
        }
        let callee = model.callee(fi, id);
        let through = |inner: &Acquire, base: String, owner: Option<NodeId>, holds: bool| {
            let mut via = vec![Site { file: fi, node: id }];
            via.extend(inner.via.iter().copied());
            // What this function gives for the callee's root owns the
            // mutex when the root does.
            let back = match &inner.class {
                Some(class) if owned_by_root(class, &inner.path) => {
                    owner.is_some_and(|o| is_back_selection(model, fi, o, Some(class)))
                }
                _ => inner.back,
            };
            Acq {
                anchor: a,
                call: id,
                key: format!("{base}{}", inner.path),
                read: inner.read,
                lock: inner.lock,
                via,
                holds,
                owner,
                class: inner.class.clone(),
                back,
            }
        };
        // `fmt.Printf("%v", s)` calls `s.String()`: the operand is its
        // receiver.
        let operands: Vec<NodeId> = cx.ast().list(args).to_vec();
        for (key, operand) in implicit_calls(model, fi, &callee, &operands) {
            for inner in facts.acquired_by_key(&key) {
                if inner.root == Root::Receiver {
                    acqs.push(through(inner, normalized_text(cx, operand), None, false));
                }
            }
        }
        // What the callee's lock path starts from, in this function's terms.
        let base_of = |root: &Root| -> Option<(String, Option<NodeId>)> {
            match root {
                Root::Receiver => match (&callee, cx.node(fun)) {
                    (Callee::Method { recv, .. }, &Node::SelectorExpr { x, .. })
                        if is_named(&model.type_of(fi, x), &recv.name) =>
                    {
                        Some((normalized_text(cx, x), Some(x)))
                    }
                    _ => None,
                },
                Root::Param(i) => {
                    let arg = crate::analyses::expr::unparen(cx, *cx.ast().list(args).get(*i)?);
                    let arg = match *cx.node(arg) {
                        Node::UnaryExpr {
                            op: Tok::And, x, ..
                        } => x,
                        _ => arg,
                    };
                    Some((normalized_text(cx, arg), Some(arg)))
                }
                Root::Global(g) => Some((g.to_string(), None)),
                Root::Unknown => Some((UNNAMED.to_string(), None)),
                Root::Captured(_) => None,
            }
        };
        // A call through a function value: what its declared values
        // acquire, with the call's arguments for their parameters.
        let value = facts.value_calls.get(&Site { file: fi, node: id });
        if value.is_some_and(|v| v.unlocks) {
            value_unlocks.push(a);
        }
        for inner in facts.acquired_by(model, &callee) {
            if let Some((base, owner)) = base_of(&inner.root) {
                acqs.push(through(inner, base, owner, false));
            }
        }
        for (key, bound, captured) in value.into_iter().flat_map(|v| &v.callees) {
            for inner in facts.acquired_by_key(key) {
                let base = match (&inner.root, bound) {
                    (Root::Receiver, &Some(x)) => Some((normalized_text(cx, x), Some(x))),
                    (Root::Captured(v), &Some(x)) if *captured == Some(*v) => {
                        Some((normalized_text(cx, x), Some(x)))
                    }
                    _ => base_of(&inner.root),
                };
                if let Some((base, owner)) = base {
                    acqs.push(through(inner, base, owner, false));
                }
            }
        }
        for (root, path) in facts.released_by(model, &callee) {
            if let Some((base, _)) = base_of(root) {
                released.push((a, format!("{base}{path}")));
            }
        }
        // A helper that returns holding the mutex takes it for this
        // function, as a `Lock` here would.
        for inner in facts.held_after(model, &callee) {
            if let Some((base, owner)) = base_of(&inner.root) {
                acqs.push(through(inner, base, owner, true));
            }
        }
    }
    if acqs.iter().all(|a| !a.holds) {
        return;
    }
    let mut ops = mutex_ops(cx, func, cfg);
    // `c.L.Unlock()` unlocks the mutex given to `sync.NewCond`.
    for o in &mut ops {
        if let Node::SelectorExpr { x, .. } = *cx.node(o.selector) {
            if let Some((key, _)) = locker_text(cx, func, x, &facts.cond_fields) {
                o.key = key;
            }
        }
    }
    let mut handoffs: HashMap<Vec<String>, Vec<NodeId>> = HashMap::new();
    let mut cache = HashMap::new();
    for first in acqs.iter().filter(|a| a.holds) {
        let unlocks: Vec<NodeId> = ops
            .iter()
            .filter(|o| matches!(o.method, "Unlock" | "RUnlock") && same_mutex(&o.key, &first.key))
            // An unlock in a literal runs where the literal is called, not
            // where it is written, unless it is called right there (a call
            // through a variable holding it is a value call that unlocks).
            .filter(|o| !o.in_closure || runs_where_written(cx, o.selector, func))
            .filter_map(|o| o.anchor)
            .filter(|&a| !matches!(cx.node(a), Node::DeferStmt { .. }))
            .chain(
                released
                    .iter()
                    .filter(|(_, k)| same_mutex(k, &first.key))
                    .map(|&(a, _)| a),
            )
            .collect();
        // Unlocked by another goroutine (a closure started here, or the
        // function that started this one): the mutex is handed between
        // goroutines, and a second Lock waits for the other to release it.
        if unlocked_elsewhere(cx, func, &first.key) {
            continue;
        }
        // The variable the key starts from is assigned a new value (a walk
        // up a tree of nodes, a mutex declared in a loop): a different mutex.
        let root = first.key.split('.').next().unwrap_or_default().to_string();
        let rebinds = rebinding_anchors(cx, func, cfg, &root);
        // The texts through which a call could release it: the mutex, and
        // what it is reached from.
        let mut owner_texts = vec![first.key.clone()];
        if let Some(o) = first.owner {
            owner_texts.extend(owners(cx, o));
        }
        if let Some((base, _)) = first.key.rsplit_once('.') {
            owner_texts.push(base.to_string());
        }
        // A helper that returns holding the mutex may hand it to what it
        // returns (`txn := s.Write(); ...; txn.End()`): calls through the
        // variables given its results may release it.
        if !first.via.is_empty() {
            owner_texts.extend(result_names(cx, first.call));
        }
        owner_texts.sort();
        owner_texts.dedup();
        let hand = handoffs
            .entry(owner_texts.clone())
            .or_insert_with(|| owner_handoffs(cx, func, cfg, &owner_texts, &mut cache));
        let is_target = |n: NodeId| acqs.iter().any(|a| a.anchor == n && a.takes(first));
        let Some(at) = cfg.first_reachable(first.anchor, &mut |n| is_target(n), &mut |n| {
            unlocks.contains(&n)
                || hand.contains(&n)
                || rebinds.contains(&n)
                || value_unlocks.contains(&n)
        }) else {
            continue;
        };
        let Some(second) = acqs.iter().find(|a| a.anchor == at && a.takes(first)) else {
            continue;
        };
        // `if !locked { mu.Lock() }`: a flag records whether the lock is
        // held, and the paths that would lock twice are not taken.
        if under_flag(cx, first.call, func) || under_flag(cx, second.call, func) {
            continue;
        }
        out.push(Reacquire {
            key: first.key.clone(),
            first: first.call,
            first_read: first.read,
            first_lock: (!first.via.is_empty()).then_some(first.lock),
            second: second.call,
            second_read: second.read,
            lock: second.lock,
            via: second.via.clone(),
            back_ref: (!same_mutex(&second.key, &first.key))
                .then(|| (second.key.clone(), second.class.clone().unwrap_or_default())),
        });
    }
}

/// The names of the variables a call's results are assigned to
/// (`txn` of `txn := s.Write()`).
fn result_names(cx: &Context<'_>, call: NodeId) -> Vec<String> {
    let Some(parent) = cx.parent(call) else {
        return Vec::new();
    };
    let names = match *cx.node(parent) {
        Node::AssignStmt { lhs, .. } => lhs,
        Node::ValueSpec { names, .. } => names,
        _ => return Vec::new(),
    };
    cx.ast()
        .list(names)
        .iter()
        .map(|&n| normalized_text(cx, n))
        .collect()
}

/// Reports locks taken again.
///
/// Each finding is where the goroutine blocks: the second `Lock`/`RLock`
/// (where a goroutine dump shows it waiting), when it is in the checked
/// file; a lock taken in a helper of another file is reported at the call
/// that leads to it. The message names both the blocked lock and the call,
/// and the related locations give the first lock and every call on the way.
/// Each path (each call made while holding the mutex) is its own finding:
/// each needs its own fix.
pub fn report_reacquires(
    cx: &mut Context<'_>,
    found: &[&Reacquire],
    consequence: &str,
    help: &str,
) {
    for r in found {
        report_reacquire(cx, r, consequence, help);
    }
}

fn report_reacquire(cx: &mut Context<'_>, r: &Reacquire, consequence: &str, help: &str) {
    let loc = |s: Site| Loc::new(s.file, s.node);
    let first_line = line_of(cx, Loc::new(cx.file(), r.first));
    let at_lock = r.lock.file == cx.file();
    let shown = match &r.back_ref {
        None => format!("`{}`", r.key),
        Some((text, class)) => {
            let owner = class.split('.').next().unwrap_or_default();
            if text.starts_with(UNNAMED) {
                format!(
                    "`{}` (reached again through a reference back to the same `{owner}`)",
                    r.key
                )
            } else {
                format!(
                    "`{}` (as `{text}`, which points back to the same `{owner}`)",
                    r.key
                )
            }
        }
    };
    let msg = match r.via.first() {
        None if r.first == r.second => format!(
            "{shown} is locked again on the next turn of the loop while still held from the turn \
             before: {consequence}"
        ),
        None => format!(
            "{shown} is locked again while this path already holds it (since {first_line}): \
             {consequence}"
        ),
        Some(_) => {
            let callee = match *cx.node(r.second) {
                Node::CallExpr { fun, .. } => compact(&normalized_text(cx, fun)),
                _ => "the callee".to_string(),
            };
            let call_line = line_of(cx, Loc::new(cx.file(), r.second));
            if at_lock {
                format!(
                    "{shown} is locked again here, by the call of `{callee}` at {call_line}, while \
                     that path already holds it (since {first_line}): {consequence}"
                )
            } else {
                format!(
                    "`{callee}` locks {shown} again (at {}) while this path already holds it \
                     (since {first_line}): {consequence}",
                    line_of(cx, loc(r.lock))
                )
            }
        }
    };
    let primary = if at_lock {
        span_of(cx, loc(r.lock))
    } else {
        cx.span(r.second)
    };
    let mut d = cx.diagnostic_at(primary, msg).with_help(help).with_related(
        cx.span(r.first),
        if r.first_lock.is_some() {
            "first locked here, by a call that returns holding it"
        } else {
            "first locked here"
        },
    );
    if let Some(l) = r.first_lock {
        d = d.with_related(span_of(cx, loc(l)), "where that call locks it");
        // The helper's exits all leave the mutex held: one of them is
        // where an unlock may be missing.
        for exit in helper_exits(cx, l) {
            let label = match exit {
                LeakExit::Return(_) => "the helper returns here still holding it",
                _ => "the helper ends here still holding it",
            };
            d = d.with_related(exit.span(cx), label);
        }
    }
    if !r.via.is_empty() {
        d = d.with_related(cx.span(r.second), "called here while holding it");
        for &c in r.via.iter().skip(1) {
            d = d.with_related(span_of(cx, loc(c)), "which calls this");
        }
        if !at_lock {
            d = d.with_related(span_of(cx, loc(r.lock)), "where it is locked again");
        }
    }
    cx.report(d);
}

/// The exits of the function of the checked file that takes the lock
/// `lock` and returns holding it (up to eight).
fn helper_exits(cx: &Context<'_>, lock: Site) -> Vec<LeakExit> {
    if lock.file != cx.file() {
        return Vec::new();
    }
    let Some(func) = cx.enclosing_func(lock.node) else {
        return Vec::new();
    };
    let Some(cfg) = cx.cfg(func) else {
        return Vec::new();
    };
    let Some(at) = anchor(cx, func, cfg, lock.node) else {
        return Vec::new();
    };
    leak_exits(cx, func, cfg, at, &Search::stopping_at(&|_| false), 8)
}

/// Source text on one line, shortened.
fn compact(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 40 {
        let mut t: String = one.chars().take(37).collect();
        t.push_str("...");
        t
    } else {
        one
    }
}
