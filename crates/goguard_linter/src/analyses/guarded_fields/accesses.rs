//! Where a package's functions access the fields of its structs, and with
//! which of the struct's mutexes held: one function declaration (and the
//! function literals in it) at a time.

use std::collections::{BTreeSet, HashMap};

use goguard_semantic::model::{BindingKind, Callee};
use goguard_syntax::{Node, NodeId, Tok};

use crate::analyses::expr::{normalized_text, outer_paren, place_of, unparen, Place};
use crate::analyses::held_locks::{held_locks, HeldLocks, LockHelpers};
use crate::analyses::lock_facts::Site;
use crate::engine::{Context, PackageScope};

use super::atomics::{is_atomic_call, rooted_in_local, wait_ends};
use super::layout::{names_word, StructInfo};
use super::{Access, AccessKind, FuncResult, MethodCall, Scope};

/// Package methods that lock a mutex of their receiver and never unlock it
/// (they lock for their caller), or unlock one they never lock.
pub(super) fn lock_helpers(pkg: &PackageScope<'_>) -> LockHelpers {
    let mut out = LockHelpers::default();
    for (fi, file) in pkg.model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
            continue;
        };
        pkg.with_file(fi, |cx| {
            for &d in ast.list(decls) {
                let Node::FuncDecl {
                    recv: Some(_),
                    body: Some(body),
                    ..
                } = *ast.node(d)
                else {
                    continue;
                };
                let (Some(key), Some(recv)) = (method_key(cx, d), receiver_name(cx, d)) else {
                    continue;
                };
                let mut locks: BTreeSet<String> = BTreeSet::new();
                let mut unlocks: BTreeSet<String> = BTreeSet::new();
                for id in cx.ast().walk(body) {
                    let Node::SelectorExpr { x, sel } = *cx.node(id) else {
                        continue;
                    };
                    let acquire = match cx.text(sel) {
                        "Lock" | "RLock" => true,
                        "Unlock" | "RUnlock" => false,
                        _ => continue,
                    };
                    let text = normalized_text(cx, x);
                    let Some(path) = text.strip_prefix(recv.as_str()) else {
                        continue;
                    };
                    if !(path.is_empty() || path.starts_with('.')) {
                        continue;
                    }
                    if acquire {
                        locks.insert(path.to_string());
                    } else {
                        unlocks.insert(path.to_string());
                    }
                }
                let only_locks: Vec<String> = locks.difference(&unlocks).cloned().collect();
                let only_unlocks: Vec<String> = unlocks.difference(&locks).cloned().collect();
                if !only_locks.is_empty() {
                    out.locks.insert(key.clone(), only_locks);
                }
                if !only_unlocks.is_empty() {
                    out.unlocks.insert(key, only_unlocks);
                }
            }
        });
    }
    out
}

/// (receiver type name, method name) of a method declaration.
pub(super) fn method_key(cx: &Context<'_>, decl: NodeId) -> Option<(String, String)> {
    let Node::FuncDecl {
        recv: Some(r),
        name,
        ..
    } = *cx.node(decl)
    else {
        return None;
    };
    let ty = goguard_semantic::model::receiver_type_name(cx.ast(), cx.source(), r)?;
    Some((ty.to_string(), cx.text(name).to_string()))
}

/// The receiver's name of a method declaration.
pub(super) fn receiver_name(cx: &Context<'_>, decl: NodeId) -> Option<String> {
    let Node::FuncDecl { recv: Some(r), .. } = *cx.node(decl) else {
        return None;
    };
    let Node::FieldList { list, .. } = *cx.node(r) else {
        return None;
    };
    let &field = cx.ast().list(list).first()?;
    let Node::Field { names, .. } = *cx.node(field) else {
        return None;
    };
    let &n = cx.ast().list(names).first()?;
    let name = cx.text(n);
    (name != "_").then(|| name.to_string())
}

/// Mutex fields of the receiver a method's name or documentation says its
/// callers hold: `flushLocked`, "must be called with s.mu held".
pub(super) fn documented_held(
    cx: &Context<'_>,
    decl: NodeId,
    structs: &HashMap<String, StructInfo>,
) -> Vec<usize> {
    let Some((ty, name)) = method_key(cx, decl) else {
        return Vec::new();
    };
    let Some(info) = structs.get(&ty) else {
        return Vec::new();
    };
    let Node::FuncDecl { doc, .. } = *cx.node(decl) else {
        return Vec::new();
    };
    let mut text = String::new();
    for g in doc.into_iter() {
        for &c in cx.ast().group_comments(g) {
            text.push_str(&cx.ast().comment_text(c, cx.source()).to_lowercase());
            text.push(' ');
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let by_name = name.ends_with("Locked") || name.ends_with("_locked");
    // "Caller should hold the lock", "always call with lock": a method
    // whose documentation speaks of the lock at all is left to its callers.
    let mentions_lock = text.contains("lock")
        || text.contains("mutex")
        || info
            .mutexes()
            .any(|m| names_word(&text, &info.fields[m].name));
    let by_doc = mentions_lock
        || [
            "must be called with",
            "must be called while",
            "must be called under",
            "must hold",
            "must be held",
            "must already hold",
            "must already be held",
            "caller holds",
            "callers hold",
            "caller must",
            "callers must",
            "lock held",
            "lock is held",
            "lock must be held",
            "while holding",
            "called with the lock",
            "called with lock",
            "called under",
            "assumes the lock",
            "assumes lock",
            "expects the lock",
            "held by the caller",
            "holding the lock",
        ]
        .iter()
        .any(|p| text.contains(p));
    if !(by_name || by_doc) {
        return Vec::new();
    }
    info.mutexes().collect()
}

/// The accesses and method calls of one function declaration and the
/// function literals inside it.
pub(super) fn scan_function(
    cx: &Context<'_>,
    decl: NodeId,
    scope: &Scope<'_>,
    entry: Option<&Vec<usize>>,
) -> FuncResult {
    let (structs, helpers) = (scope.structs, scope.helpers);
    let mut out = FuncResult::default();
    let own = cx.model().import_path().to_string();
    // Constructors, and methods that initialise their receiver in place
    // (`w.init(size)`, for a value embedded in another or reused).
    let constructor = match *cx.node(decl) {
        Node::FuncDecl {
            recv: None, name, ..
        } => {
            let n = cx.text(name);
            n.starts_with("New") || n.starts_with("new") || n == "init"
        }
        Node::FuncDecl {
            recv: Some(_),
            name,
            ..
        } => cx.text(name).starts_with("init"),
        _ => false,
    };
    let first_go = cx
        .ast()
        .walk(decl)
        .filter(|&id| matches!(cx.node(id), Node::GoStmt { .. }))
        .map(|id| cx.ast().pos(id))
        .min();
    let recv = receiver_name(cx, decl);
    let this_method = method_key(cx, decl);
    let recv_type = this_method.as_ref().map(|k| k.0.clone());
    // Mutexes held on entry: the receiver's, for a method its callers call
    // holding them. Function literals not started with `go` run while the
    // method runs (callbacks, deferred and immediately called literals).
    let decl_entry: Vec<String> = match (entry, &recv, &recv_type) {
        (Some(ms), Some(r), Some(t)) => match structs.get(t) {
            Some(info) => ms.iter().map(|&m| info.guard_key(r, m)).collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    // Functions: the declaration and its literals.
    let mut bodies: Vec<NodeId> = vec![decl];
    bodies.extend(
        cx.ast()
            .walk(decl)
            .filter(|&id| matches!(cx.node(id), Node::FuncLit { .. })),
    );
    let mut lit_entry: HashMap<NodeId, Vec<String>> = HashMap::new();
    for func in bodies {
        let mut sels: Vec<(NodeId, String, usize)> = Vec::new();
        let mut calls: Vec<(NodeId, String, String, NodeId)> = Vec::new();
        for id in cx.ast().walk(func) {
            let Node::SelectorExpr { x, sel } = *cx.node(id) else {
                continue;
            };
            if !scope.names.contains(cx.text(sel)) || cx.enclosing_func(id) != Some(func) {
                continue;
            }
            let ty = cx.model().type_of(cx.file(), x);
            let goguard_semantic::types::Type::Named(n) = ty.deref() else {
                continue;
            };
            if *n.pkg != *own {
                continue;
            }
            let Some(info) = structs.get(&*n.name) else {
                continue;
            };
            let name = cx.text(sel);
            if let Some(f) = info.field(name) {
                if !info.fields[f].synchronised && scope.considered(info) {
                    sels.push((id, n.name.to_string(), f));
                }
            } else {
                // A method of the struct: called, or used as a value.
                match place_of(cx, id) {
                    Place::Called { call } => {
                        calls.push((call, n.name.to_string(), name.to_string(), x))
                    }
                    _ => out.escaped.push((n.name.to_string(), name.to_string())),
                }
            }
        }
        let lits: Vec<NodeId> = cx
            .ast()
            .walk(func)
            .filter(|&id| {
                id != func
                    && matches!(cx.node(id), Node::FuncLit { .. })
                    && cx.enclosing_func(id) == Some(func)
            })
            .collect();
        if sels.is_empty() && calls.is_empty() && lits.is_empty() {
            continue;
        }
        let entry_keys: Vec<String> = if func == decl {
            decl_entry.clone()
        } else {
            lit_entry.get(&func).cloned().unwrap_or_default()
        };
        // Without a lock operation, an entry lock or a package method call,
        // nothing is held anywhere in the function: no graph is needed.
        let body_locks = !entry_keys.is_empty()
            || !calls.is_empty()
            || cx.ast().walk(func).any(|id| match *cx.node(id) {
                Node::SelectorExpr { sel, .. } => {
                    matches!(cx.text(sel), "Lock" | "RLock" | "Unlock" | "RUnlock")
                }
                _ => false,
            });
        let cfg = if body_locks { cx.cfg(func) } else { None };
        let held = match cfg {
            Some(cfg) => held_locks(cx, cfg, &entry_keys, helpers),
            None => HeldLocks::default(),
        };
        // Where a node is in the graph (itself when there is no graph).
        let anchor = |n: NodeId| match cfg {
            Some(cfg) => crate::analyses::flow::anchor(cx, func, cfg, n),
            None => Some(n),
        };
        // A function literal not started with `go` runs while this one
        // runs (a callback, `Range(func...)`, a deferred or immediately
        // called literal): it holds what is held where it is written.
        for &lit in &lits {
            if cfg.is_none() || started_by_go(cx, lit) {
                continue;
            }
            if let Some(a) = anchor(lit) {
                lit_entry.insert(lit, held.must_at(a));
            }
        }
        let once = in_once(cx, func);
        let waits = wait_ends(cx, func);
        for (call, ty, method, x) in calls {
            let Some(info) = structs.get(&ty) else {
                continue;
            };
            let Some(a) = anchor(call) else {
                continue;
            };
            let base = normalized_text(cx, x);
            let h: Vec<usize> = info
                .mutexes()
                .filter(|&m| held.must(a, &info.guard_key(&base, m)))
                .collect();
            let before_go = first_go.is_none_or(|g| cx.ast().pos(call) < g);
            let built = before_go && (constructor || made_here(cx, x, decl));
            let from_receiver_of = this_method
                .clone()
                .filter(|_| recv.as_deref() == Some(base.as_str()));
            out.calls.push(MethodCall {
                method: (ty, method),
                held: h,
                built,
                from_receiver_of,
            });
        }
        for (id, ty, f) in sels {
            let Some(info) = structs.get(&ty) else {
                continue;
            };
            let Node::SelectorExpr { x, .. } = *cx.node(id) else {
                continue;
            };
            let Some(a) = anchor(id) else {
                continue;
            };
            let base = normalized_text(cx, x);
            let keys: Vec<(usize, String)> = info
                .mutexes()
                .map(|m| (m, info.guard_key(&base, m)))
                .collect();
            let kind = access_kind(cx, id);
            let on_receiver = recv.as_deref() == Some(base.as_str());
            let built = constructor || made_here(cx, x, decl);
            let exempt = once || (built && first_go.is_none_or(|g| cx.ast().pos(id) < g));
            let released = cfg.and_then(|cfg| {
                keys.iter()
                    .find_map(|(m, k)| held.released_before(cfg, a, k).map(|u| (*m, u)))
            });
            out.accesses.push(Access {
                site: Site {
                    file: cx.file(),
                    node: id,
                },
                ty: ty.clone(),
                field: f,
                kind,
                base,
                top: decl,
                held: keys
                    .iter()
                    .filter(|(_, k)| held.must(a, k))
                    .map(|(m, _)| *m)
                    .collect(),
                may_held: keys
                    .iter()
                    .filter(|(_, k)| held.may(a, k))
                    .map(|(m, _)| *m)
                    .collect(),
                released,
                returned: matches!(place_of(cx, id), Place::Returned),
                exempt,
                method: this_method.clone(),
                on_receiver,
                joined: waits.iter().any(|&e| e <= cx.ast().pos(id)),
                local_base: rooted_in_local(cx, x),
            });
        }
    }
    out
}

/// True when the function literal `lit` is started with `go lit(...)`.
pub(super) fn started_by_go(cx: &Context<'_>, lit: NodeId) -> bool {
    let Some(call) = cx.parent(outer_paren(cx, lit)) else {
        return false;
    };
    matches!(cx.node(call), Node::CallExpr { fun, .. } if unparen(cx, *fun) == lit)
        && cx
            .parent(call)
            .is_some_and(|g| matches!(cx.node(g), Node::GoStmt { .. }))
}

/// True when `func` is (inside) a function literal run by `sync.Once`
/// (`once.Do(func() {...})`, `sync.OnceFunc`, `sync.OnceValue`).
pub(super) fn in_once(cx: &Context<'_>, func: NodeId) -> bool {
    let mut f = func;
    for _ in 0..16 {
        if !matches!(cx.node(f), Node::FuncLit { .. }) {
            return false;
        }
        if let Place::Argument { call, .. } = place_of(cx, f) {
            let once = match cx.model().callee(cx.file(), call) {
                Callee::Method { recv, name } => recv.is("sync", "Once") && &*name == "Do",
                Callee::Func(n) => {
                    &*n.pkg == "sync" && matches!(&*n.name, "OnceFunc" | "OnceValue" | "OnceValues")
                }
                _ => false,
            };
            if once {
                return true;
            }
        }
        match cx.enclosing_func(f) {
            Some(outer) if outer != f => f = outer,
            _ => return false,
        }
    }
    false
}

/// True when `x` is a local variable of `decl` made there as a new value
/// (`x := &T{...}`, `T{}`, `new(T)`, `var x T`): nobody else sees it yet.
pub(super) fn made_here(cx: &Context<'_>, x: NodeId, decl: NodeId) -> bool {
    let x = unparen(cx, x);
    if !matches!(cx.node(x), Node::Ident { .. }) {
        return false;
    }
    let Some(b) = cx.model().resolve(cx.file(), x) else {
        return false;
    };
    let binding = cx.model().binding(b);
    if binding.kind != BindingKind::Var || binding.scope.is_none() {
        return false;
    }
    let Some((file, ident)) = binding.decl else {
        return false;
    };
    if file != cx.file() || !cx.ancestors(ident).any(|a| a == decl) {
        return false;
    }
    let Some(parent) = cx.parent(ident) else {
        return false;
    };
    let value = match *cx.node(parent) {
        Node::AssignStmt {
            lhs,
            rhs,
            tok: Tok::Define,
            ..
        } => {
            let i = cx.ast().list(lhs).iter().position(|&l| l == ident);
            match i.and_then(|i| cx.ast().list(rhs).get(i)) {
                Some(&v) => v,
                None => return false,
            }
        }
        Node::ValueSpec {
            names, values, ty, ..
        } => {
            let i = cx.ast().list(names).iter().position(|&l| l == ident);
            match i.and_then(|i| cx.ast().list(values).get(i)) {
                Some(&v) => v,
                // `var x T`: a new zero value, unless T is a pointer.
                None => return ty.is_some_and(|t| !matches!(cx.node(t), Node::StarExpr { .. })),
            }
        }
        _ => return false,
    };
    let mut v = unparen(cx, value);
    if let Node::UnaryExpr {
        op: Tok::And, x, ..
    } = *cx.node(v)
    {
        v = unparen(cx, x);
    }
    match *cx.node(v) {
        Node::CompositeLit { .. } => true,
        Node::CallExpr { .. } => {
            matches!(cx.model().callee(cx.file(), v), Callee::Builtin(ref n) if &**n == "new")
        }
        _ => false,
    }
}

/// How the field selection `sel_expr` is used.
pub(super) fn access_kind(cx: &Context<'_>, sel_expr: NodeId) -> AccessKind {
    let outer = outer_paren(cx, sel_expr);
    let parent = cx.parent(outer).map(|p| (p, cx.node(p)));
    match parent {
        Some((_, Node::IncDecStmt { .. })) => return AccessKind::Write,
        // `x.f.g = v`: what `x.f` holds or points to is changed.
        Some((p, Node::SelectorExpr { x, .. })) if *x == outer && selected_then_assigned(cx, p) => {
            return AccessKind::Write
        }
        Some((p, Node::IndexExpr { x, .. })) if *x == outer => {
            let elem = outer_paren(cx, p);
            let written = match cx.parent(elem).map(|q| cx.node(q)) {
                Some(Node::IncDecStmt { .. }) => true,
                Some(&Node::AssignStmt { lhs, .. }) => cx.ast().list(lhs).contains(&elem),
                _ => false,
            };
            return if written {
                AccessKind::InPlace
            } else {
                AccessKind::Read
            };
        }
        _ => {}
    }
    match place_of(cx, sel_expr) {
        Place::AssignedTo { stmt } => match *cx.node(stmt) {
            Node::AssignStmt {
                tok: Tok::Define, ..
            } => AccessKind::Read,
            Node::AssignStmt { rhs, .. } => {
                let appends = cx.ast().list(rhs).iter().any(|&r| {
                    matches!(cx.model().callee(cx.file(), unparen(cx, r)), Callee::Builtin(ref n) if &**n == "append")
                });
                if appends {
                    AccessKind::InPlace
                } else {
                    AccessKind::Write
                }
            }
            _ => AccessKind::Write,
        },
        Place::Argument { call, index: 0 } => match cx.model().callee(cx.file(), call) {
            Callee::Builtin(n) if matches!(&*n, "delete" | "clear") => AccessKind::InPlace,
            _ => AccessKind::Read,
        },
        Place::AddressTaken => {
            let addr = outer_paren(cx, cx.parent(outer).unwrap_or(outer));
            match place_of(cx, addr) {
                Place::Argument { call, .. } if is_atomic_call(cx, call) => {
                    match cx.model().callee(cx.file(), call) {
                        Callee::Func(n) if n.name.starts_with("Load") => AccessKind::AtomicLoad,
                        _ => AccessKind::Atomic,
                    }
                }
                _ => AccessKind::Address,
            }
        }
        _ => AccessKind::Read,
    }
}

/// True when the selector chain starting at `sel_expr` (`x.f.g.h`) is
/// assigned to or incremented.
pub(super) fn selected_then_assigned(cx: &Context<'_>, sel_expr: NodeId) -> bool {
    let mut e = outer_paren(cx, sel_expr);
    for _ in 0..8 {
        match cx.parent(e).map(|p| (p, cx.node(p))) {
            Some((p, Node::SelectorExpr { x, .. })) if *x == e => e = outer_paren(cx, p),
            Some((_, Node::IncDecStmt { .. })) => return true,
            Some((_, &Node::AssignStmt { lhs, tok, .. })) => {
                return tok != Tok::Define && cx.ast().list(lhs).contains(&e)
            }
            _ => return false,
        }
    }
    false
}
