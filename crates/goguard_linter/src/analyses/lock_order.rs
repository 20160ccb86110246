//! The lock-order graph of a package: which mutex classes are taken while
//! which others are held, over every function and the package functions
//! they call, and the pairs of classes taken in both orders (AB-BA).
//!
//! A mutex class is where the mutex lives, not which instance: the field
//! `raftMu` of any `Replica` is `Replica.raftMu`, a mutex embedded in
//! `Store` is `Store`, a package-level mutex is its name. The same idea as
//! the Linux kernel's lockdep: two code paths that take two classes in
//! opposite orders can deadlock as soon as two goroutines run them at
//! once, whatever the tests happened to interleave. Two instances of one
//! class (`from.mu` then `to.mu`) are not an order between classes and are
//! left to the concurrency model.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use goguard_semantic::cfg::{BlockId, Cfg};
use goguard_semantic::model::{BindingKind, FileIdx, PackageModel};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId};

use crate::engine::PackageScope;

use super::dynamic_calls::DynamicCalls;
use super::lock_bodies::{Body, OpKind};
use super::lock_facts::Site;
use super::locks::same_mutex;

/// How many calls deep the classes a call acquires are followed.
const MAX_CALL_DEPTH: usize = 4;

/// Gate locks: classes held on every path to a lock, each with whether it
/// is held exclusively.
type Gates = Vec<(Arc<str>, bool)>;

/// One order between two classes: `taken` acquired while `held` is held.
#[derive(Debug, Clone)]
pub struct Edge {
    pub held: Arc<str>,
    pub taken: Arc<str>,
    /// The `Lock` of the held mutex.
    pub first: Site,
    /// The `Lock` of the taken mutex, or the call that leads to it.
    pub second: Site,
    /// The `Lock` that takes it (the same as `second` for a direct lock).
    pub lock: Site,
    /// Other classes the function holds on every path to `first`, each with
    /// whether it holds it exclusively (`Lock`, not `RLock`): gate locks.
    pub gates: Vec<(Arc<str>, bool)>,
    /// The held mutex is the caller's, held on entry: `first` is then the
    /// function's `Unlock` of it, not a `Lock`.
    pub held_on_entry: bool,
    /// The held mutex is held with `RLock`.
    pub held_read: bool,
    /// The taken mutex is taken with `RLock`.
    pub taken_read: bool,
}

impl Edge {
    /// True when this order and `other` both run under a common gate lock
    /// that at least one of them holds exclusively: the two cannot run at
    /// once, so their opposite orders cannot deadlock.
    fn gated_with(&self, other: &Edge) -> bool {
        self.gates.iter().any(|(g, excl)| {
            other
                .gates
                .iter()
                .any(|(h, other_excl)| g == h && (*excl || *other_excl))
        })
    }
}

/// Two classes taken in both orders.
#[derive(Debug, Clone)]
pub struct Inversion {
    pub ab: Edge,
    pub ba: Edge,
}

/// A lock or unlock call of a function body.
struct LockSite {
    call: NodeId,
    class: Option<Arc<str>>,
    /// The receiver's text (white space removed), for unlocks that end the
    /// held section.
    key: String,
    lock: bool,
    /// An `RLock` (for a lock).
    read: bool,
}

/// What one function body does with mutexes, outside its literals, `go`
/// and `defer` statements.
#[derive(Default)]
struct BodyFacts {
    locks: Vec<LockSite>,
    /// Calls that may run bodies of the package: the call and the bodies
    /// (by index).
    calls: Vec<(NodeId, Vec<usize>)>,
}

/// The package's inversions: pairs of classes taken in both orders, from
/// the shared walk of its bodies.
pub(crate) fn inversions(
    pkg: &PackageScope<'_>,
    bodies: &[Body],
    dynamic: &DynamicCalls<'_, '_>,
) -> Vec<Inversion> {
    let model = pkg.model;
    let facts: Vec<BodyFacts> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| body_facts(model, dynamic, i, b))
        .collect();
    let bodies: Vec<(FileIdx, NodeId)> = bodies.iter().map(|b| (b.file, b.func)).collect();
    // Classes each body acquires and releases, through calls.
    let mut acquires: Vec<Vec<(Arc<str>, Site)>> = Vec::with_capacity(bodies.len());
    let mut releases: Vec<HashSet<Arc<str>>> = Vec::with_capacity(bodies.len());
    for (i, &(fi, f)) in bodies.iter().enumerate() {
        let mut acq = Vec::new();
        let mut rel = HashSet::new();
        for l in &facts[i].locks {
            let Some(c) = &l.class else { continue };
            if l.lock {
                if !acq.iter().any(|(x, _): &(Arc<str>, Site)| x == c) {
                    acq.push((
                        c.clone(),
                        Site {
                            file: fi,
                            node: l.call,
                        },
                    ));
                }
            } else {
                rel.insert(c.clone());
            }
        }
        // A function releases its caller's lock of a class when some path
        // from its entry unlocks it before locking it
        // (`resetTransportAndUnlock`); one that locks and then unlocks it
        // does not.
        rel.retain(|c| unlocks_first(pkg, fi, f, &facts[i], c));
        acquires.push(acq);
        releases.push(rel);
    }
    for _ in 0..MAX_CALL_DEPTH {
        let mut changed = false;
        for i in 0..bodies.len() {
            let mut add = Vec::new();
            for (_, callees) in &facts[i].calls {
                for &c in callees {
                    add.extend(acquires[c].iter().cloned());
                }
            }
            let mine = &mut acquires[i];
            for (c, s) in add {
                if !mine.iter().any(|(x, _)| *x == c) {
                    mine.push((c, s));
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // The `RLock` calls, and the gates of every write lock of each class.
    let read_locks: HashSet<Site> = bodies
        .iter()
        .zip(&facts)
        .flat_map(|(&(fi, _), b)| {
            b.locks
                .iter()
                .filter(|l| l.lock && l.read)
                .map(move |l| Site {
                    file: fi,
                    node: l.call,
                })
        })
        .collect();
    let mut writers: HashMap<Arc<str>, Vec<Gates>> = HashMap::new();
    // The edges: from each lock, the classes acquired before its unlock.
    let mut edges: Vec<Edge> = Vec::new();
    for (i, &(fi, func)) in bodies.iter().enumerate() {
        let b = &facts[i];
        if releases[i].is_empty() && !b.locks.iter().any(|l| l.lock && l.class.is_some()) {
            continue;
        }
        let Some(cfg) = pkg.cfg(fi, func) else {
            continue;
        };
        let parents = &pkg.files[fi];
        let anchor_of = |n: NodeId| -> Option<NodeId> {
            let mut at = n;
            for _ in 0..256 {
                if cfg.locate(at).is_some() {
                    return Some(at);
                }
                at = parents.parent(at)?;
            }
            None
        };
        // Acquisitions at each graph node: (class, the call, the lock).
        let mut at_node: Vec<(NodeId, Arc<str>, NodeId, Site)> = Vec::new();
        for l in b.locks.iter().filter(|l| l.lock) {
            if let (Some(c), Some(a)) = (&l.class, anchor_of(l.call)) {
                at_node.push((
                    a,
                    c.clone(),
                    l.call,
                    Site {
                        file: fi,
                        node: l.call,
                    },
                ));
            }
        }
        for (call, callees) in &b.calls {
            let Some(a) = anchor_of(*call) else { continue };
            for (c, s) in callees.iter().flat_map(|&c| &acquires[c]) {
                at_node.push((a, c.clone(), *call, *s));
            }
        }
        for l in b.locks.iter().filter(|l| l.lock) {
            let (Some(held), Some(from)) = (&l.class, anchor_of(l.call)) else {
                continue;
            };
            if !l.read {
                let gates = gates_at(cfg, b, l, from, held, &anchor_of);
                writers.entry(held.clone()).or_default().push(gates);
            }
            let mut stops: Vec<NodeId> = b
                .locks
                .iter()
                .filter(|u| !u.lock && same_mutex(&u.key, &l.key))
                .filter_map(|u| anchor_of(u.call))
                .collect();
            for (call, callees) in &b.calls {
                if callees.iter().any(|&c| releases[c].contains(held)) {
                    stops.extend(anchor_of(*call));
                }
            }
            let mut gates: Option<Vec<(Arc<str>, bool)>> = None;
            for n in reachable_avoiding(cfg, from, &stops) {
                for (a, c, call, lock) in &at_node {
                    if *a == n && c != held {
                        let gates = gates
                            .get_or_insert_with(|| gates_at(cfg, b, l, from, held, &anchor_of))
                            .clone();
                        edges.push(Edge {
                            held: held.clone(),
                            taken: c.clone(),
                            first: Site {
                                file: fi,
                                node: l.call,
                            },
                            second: Site {
                                file: fi,
                                node: *call,
                            },
                            lock: *lock,
                            gates,
                            held_on_entry: false,
                            held_read: l.read,
                            taken_read: read_locks.contains(lock),
                        });
                    }
                }
            }
        }
        // A class the body unlocks before locking it (`URLUnlock` ending
        // what `URLLock` left held) is held by its caller from the entry to
        // that unlock: what the body takes before it is taken while the
        // class is held. Only unlocks that no lock of the same mutex in the
        // body reaches count (`if a { m.Lock() }; ...; if a { m.Unlock() }`
        // ends the body's own lock).
        let mut entry_held: Vec<&Arc<str>> = releases[i].iter().collect();
        entry_held.sort();
        for held in entry_held {
            let unlocks: Vec<(NodeId, NodeId)> = b
                .locks
                .iter()
                .filter(|u| !u.lock && u.class.as_ref() == Some(held))
                .filter_map(|u| Some((anchor_of(u.call)?, u)))
                .filter(|(at, u)| {
                    !b.locks.iter().any(|l| {
                        l.lock
                            && same_mutex(&l.key, &u.key)
                            && anchor_of(l.call).is_some_and(|la| cfg.reaches(la, *at))
                    })
                })
                .map(|(at, u)| (at, u.call))
                .collect();
            if unlocks.is_empty() {
                continue;
            }
            let mut stops: Vec<NodeId> = unlocks.iter().map(|&(a, _)| a).collect();
            for (call, callees) in &b.calls {
                if callees.iter().any(|&c| releases[c].contains(held)) {
                    stops.extend(anchor_of(*call));
                }
            }
            for n in reachable_from_entry_avoiding(cfg, &stops) {
                for (a, c, call, lock) in &at_node {
                    if *a != n || c == held {
                        continue;
                    }
                    let Some(&(_, unlock)) = unlocks.iter().find(|&&(u, _)| cfg.reaches(n, u))
                    else {
                        continue;
                    };
                    edges.push(Edge {
                        held: held.clone(),
                        taken: c.clone(),
                        first: Site {
                            file: fi,
                            node: unlock,
                        },
                        second: Site {
                            file: fi,
                            node: *call,
                        },
                        lock: *lock,
                        gates: Vec::new(),
                        held_on_entry: true,
                        held_read: false,
                        taken_read: read_locks.contains(lock),
                    });
                }
            }
        }
    }
    edges.sort_by_key(|a| (a.second, a.first));
    let mut inversions = Vec::new();
    let mut pairs: HashSet<(Arc<str>, Arc<str>)> = HashSet::new();
    for e in &edges {
        let key = if e.held < e.taken {
            (e.held.clone(), e.taken.clone())
        } else {
            (e.taken.clone(), e.held.clone())
        };
        if pairs.contains(&key) {
            continue;
        }
        if let Some(back) = edges.iter().find(|b| {
            b.held == e.taken
                && b.taken == e.held
                && !e.gated_with(b)
                && can_block(e, b, &writers)
                && can_block(b, e, &writers)
        }) {
            pairs.insert(key);
            inversions.push(Inversion {
                ab: e.clone(),
                ba: back.clone(),
            });
        }
    }
    inversions
}

/// True when the order `other` can block on the class `held` holds: one
/// of the two takes it exclusively, or a writer can queue on it while
/// `held` holds it for reading (Go's `RLock` waits for a queued `Lock`).
/// A writer cannot queue there when the mutex is not exported and the
/// package has none, or when every one of them runs under a gate lock that
/// `held` holds, one of the two exclusively.
fn can_block(held: &Edge, other: &Edge, writers: &HashMap<Arc<str>, Vec<Gates>>) -> bool {
    if !(held.held_read && other.taken_read) {
        return true;
    }
    // Another package may lock an exported mutex (`T.Mu`, a mutex embedded
    // in an exported `T`, a package-level `Mu`) for writing.
    let last = held.held.rsplit('.').next().unwrap_or_default();
    if last.starts_with(|c: char| c.is_uppercase()) {
        return true;
    }
    writers.get(&held.held).is_some_and(|ws| {
        ws.iter().any(|w| {
            !w.iter().any(|(g, excl)| {
                held.gates
                    .iter()
                    .any(|(h, held_excl)| g == h && (*excl || *held_excl))
            })
        })
    })
}

/// The gate locks of lock `l` (class `held`, at graph node `from`): the
/// other classes whose lock dominates `from` with no unlock of the same
/// mutex on a path between them, so that the function holds them on every
/// path to `l`; each with whether it is held exclusively.
fn gates_at(
    cfg: &Cfg,
    b: &BodyFacts,
    l: &LockSite,
    from: NodeId,
    held: &Arc<str>,
    anchor_of: &dyn Fn(NodeId) -> Option<NodeId>,
) -> Vec<(Arc<str>, bool)> {
    let mut out: Vec<(Arc<str>, bool)> = Vec::new();
    for g in b.locks.iter().filter(|g| g.lock && g.call != l.call) {
        let (Some(class), Some(at)) = (&g.class, anchor_of(g.call)) else {
            continue;
        };
        if class == held || at == from || !cfg.dominates(at, from) {
            continue;
        }
        let released_between = b
            .locks
            .iter()
            .filter(|u| !u.lock && same_mutex(&u.key, &g.key))
            .filter_map(|u| anchor_of(u.call))
            .any(|u| cfg.reaches(at, u) && cfg.reaches(u, from));
        if !released_between && !out.iter().any(|(c, _)| c == class) {
            out.push((class.clone(), !g.read));
        }
    }
    out
}

/// True when some path from the entry of `func` meets an unlock of class
/// `class` before any lock of it.
fn unlocks_first(
    pkg: &PackageScope<'_>,
    fi: FileIdx,
    func: NodeId,
    b: &BodyFacts,
    class: &Arc<str>,
) -> bool {
    let Some(cfg) = pkg.cfg(fi, func) else {
        return true;
    };
    let parents = &pkg.files[fi];
    let anchor_of = |n: NodeId| -> Option<NodeId> {
        let mut at = n;
        for _ in 0..256 {
            if cfg.locate(at).is_some() {
                return Some(at);
            }
            at = parents.parent(at)?;
        }
        None
    };
    let of_class = |lock: bool| -> Vec<NodeId> {
        b.locks
            .iter()
            .filter(|l| l.lock == lock && l.class.as_ref() == Some(class))
            .filter_map(|l| anchor_of(l.call))
            .collect()
    };
    let (unlocks, locks) = (of_class(false), of_class(true));
    cfg.first_reachable_from_entry(&mut |n| unlocks.contains(&n), &mut |n| locks.contains(&n))
        .is_some()
}

/// The graph nodes reached from just after `from` on paths that meet no
/// node of `stops` (a stop is not reached through).
pub(crate) fn reachable_avoiding(cfg: &Cfg, from: NodeId, stops: &[NodeId]) -> Vec<NodeId> {
    let Some((b0, i0)) = cfg.locate(from) else {
        return Vec::new();
    };
    reachable_from(cfg, (b0, i0 + 1), stops)
}

/// The graph nodes reached from the entry on paths that meet no node of
/// `stops`.
fn reachable_from_entry_avoiding(cfg: &Cfg, stops: &[NodeId]) -> Vec<NodeId> {
    reachable_from(cfg, (cfg.entry(), 0), stops)
}

/// The graph nodes reached from node index `start.1` of block `start.0`
/// on paths that meet no node of `stops`.
fn reachable_from(cfg: &Cfg, start: (BlockId, usize), stops: &[NodeId]) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    // (block, first node index to visit)
    let mut stack = vec![start];
    let mut budget = 100_000usize;
    while let Some((b, start)) = stack.pop() {
        let block = cfg.block(b);
        let mut stopped = false;
        for &n in block.nodes.iter().skip(start) {
            budget = budget.saturating_sub(1);
            if stops.contains(&n) {
                stopped = true;
                break;
            }
            out.push(n);
        }
        if stopped || budget == 0 {
            continue;
        }
        for &s in &block.succs {
            if cfg.block(s).live && seen.insert(s) {
                stack.push((s, 0));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn body_facts(
    model: &PackageModel<'_>,
    dynamic: &DynamicCalls<'_, '_>,
    index: usize,
    b: &Body,
) -> BodyFacts {
    let file = &model.files()[b.file];
    let ast = file.parsed.ast();
    let mut out = BodyFacts::default();
    for op in &b.ops {
        match (&op.kind, op.recv) {
            (OpKind::Lock { .. } | OpKind::Unlock, Some(x)) => out.locks.push(LockSite {
                call: op.call,
                class: if op.suffix.is_empty() {
                    class_of(model, b.file, x, 0).or_else(|| {
                        // A local given its mutex once (`um, ok := s.m[k]`).
                        let (vf, v) = dynamic.local_value(b.file, x)?;
                        class_of(model, vf, v, 0)
                    })
                } else {
                    suffix_class(model, b.file, x, &op.suffix)
                },
                key: ast
                    .text(x, file.source)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .chain(op.suffix.chars())
                    .collect(),
                lock: matches!(op.kind, OpKind::Lock { .. }),
                read: matches!(op.kind, OpKind::Lock { read: true }),
            }),
            (OpKind::Call { callee, .. }, _) => {
                if let Some(c) = dynamic.body_of(callee) {
                    out.calls.push((op.call, vec![c]));
                }
            }
            _ => {}
        }
    }
    for &call in &b.value_calls {
        let targets = dynamic.targets(index, call);
        if !targets.is_empty() {
            out.calls.push((call, targets));
        }
    }
    out
}

/// The class of the mutex `x` (see the module documentation); None for a
/// local mutex or one reached through something other than fields.
pub(crate) fn class_of(
    model: &PackageModel<'_>,
    fi: FileIdx,
    x: NodeId,
    depth: u32,
) -> Option<Arc<str>> {
    if depth > 8 {
        return None;
    }
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let x = ast.unparen(x);
    // A field of a named type: `Conn.in`, whatever the field's type.
    if let Node::SelectorExpr { x: owner, sel } = *ast.node(x) {
        if let Some((pkg, name)) = named(&model.type_of(fi, owner)) {
            let field = ast.text(sel, file.source);
            if &*pkg != "sync" && field != "Mutex" && field != "RWMutex" {
                return Some(format!("{name}.{field}").into());
            }
        }
    }
    // A value of a named type that embeds the mutex: the type is the class.
    if let Some(n) = named(&model.type_of(fi, x)) {
        if &*n.0 != "sync" {
            return Some(n.1);
        }
    }
    let class: Arc<str> = match *ast.node(x) {
        Node::SelectorExpr { x: owner, sel } => {
            let field = ast.text(sel, file.source);
            match named(&model.type_of(fi, owner)) {
                Some((pkg, name)) if &*pkg != "sync" => format!("{name}.{field}").into(),
                _ => format!("{}.{field}", class_of(model, fi, owner, depth + 1)?).into(),
            }
        }
        Node::Ident { .. } => {
            let b = model.binding(model.resolve(fi, x)?);
            if b.kind == BindingKind::Var && b.scope.is_none() {
                b.name.clone()
            } else {
                return None;
            }
        }
        // The elements of a map, slice or array of mutexes share one class
        // (`Set.m[]`), as the elements of a type share their fields'.
        Node::IndexExpr { x: container, .. } => match model.type_of(fi, container).deref() {
            Type::Map(..) | Type::Slice(_) | Type::Array(_) => {
                format!("{}[]", class_of(model, fi, container, depth + 1)?).into()
            }
            _ => return None,
        },
        _ => return None,
    };
    // `s.Mutex` is the mutex embedded in `s`: the class of `s`.
    let trimmed = class
        .strip_suffix(".Mutex")
        .or_else(|| class.strip_suffix(".RWMutex"))
        .map(Arc::<str>::from);
    Some(trimmed.unwrap_or(class))
}

/// The class of the mutex reached from `x` by the field `suffix` (`.mu`):
/// `T.mu` for `x` of named type `T`, as [`class_of`] names a field; None
/// for longer paths.
fn suffix_class(
    model: &PackageModel<'_>,
    fi: FileIdx,
    x: NodeId,
    suffix: &str,
) -> Option<Arc<str>> {
    let field = suffix.strip_prefix('.')?;
    if field.contains('.') {
        return None;
    }
    let (pkg, name) = named(&model.type_of(fi, x))?;
    if &*pkg == "sync" {
        return None;
    }
    if field == "Mutex" || field == "RWMutex" {
        return Some(name);
    }
    Some(format!("{name}.{field}").into())
}

/// The package and name of a named type or a pointer to one.
pub(crate) fn named(t: &Type) -> Option<(Arc<str>, Arc<str>)> {
    match t {
        Type::Named(n) => Some((n.pkg.clone(), n.name.clone())),
        Type::Pointer(p) => match &**p {
            Type::Named(n) => Some((n.pkg.clone(), n.name.clone())),
            _ => None,
        },
        _ => None,
    }
}
