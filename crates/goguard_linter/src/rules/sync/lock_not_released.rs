//! SY001 lock-not-released.

use std::collections::{HashMap, HashSet};

use goguard_concurrency::{FindingKind, Loc};
use goguard_diagnostics::{Diagnostic, Span};
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::concurrency::{
    findings_here, line_of, message, span_of, subject, ConcurrencyModel,
};
use crate::analyses::expr::{normalized_text, outer_paren, place_of, unparen, Place};
use crate::analyses::flow::{entry_reaches, leak_exits, reports_failure, LeakExit, Search};
use crate::analyses::lock_waits::{
    classify, ended_at, held_by_running, last_locked, HeldByRunning, LockDeadlock,
};
use crate::analyses::locks::{mutex_ops, owner_handoffs, owners, same_mutex, MutexOp};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds `Lock` and `RLock` calls on a `sync.Mutex` or `sync.RWMutex`
    /// (a variable, a field or an embedded mutex) after which the function
    /// unlocks the same mutex on some paths but can return on another path
    /// without unlocking it, directly or by a deferred call.
    ///
    /// Functions whose name says they take a lock (`lockIfOpen`, `tryRLock`)
    /// are taken to hand the lock to their caller on purpose, and functions
    /// that unlock it before locking it to be called with the lock held;
    /// neither is reported. Functions that never unlock the mutex are taken
    /// to hand it over too (`func (c *C) lock() { c.mu.Lock() }`), but only
    /// when they succeed: a path that returns an error with the mutex still
    /// locked is reported, since the caller that gets the error does not
    /// unlock.
    ///
    /// The finding is at the first `return` that leaves the mutex held:
    /// that is where the unlock is missing, and the line a change adding an
    /// early return touches. The `Lock` and every other exit that leaves the
    /// mutex held (up to eight) are related locations. A function that only
    /// falls off its end with the mutex held is reported at the `Lock`.
    ///
    /// Exploring a function and the goroutines it starts (the concurrency
    /// model) also shows the consequence: a goroutine that ends still
    /// holding a mutex while another waits forever in `Lock` or `RLock`
    /// for it. That wait is reported too, at the blocked `Lock`, with the
    /// lock left held and the exits that leave it held as related
    /// locations.
    ///
    /// ## Why is this bad?
    /// The early return that forgets the unlock — typically on an error
    /// path — leaves the mutex locked: the next goroutine that locks it
    /// blocks forever, and with it every request that needs the data it
    /// guards. The bug only shows on the rare path, long after review.
    ///
    /// ## Example
    /// ```go
    /// package store
    ///
    /// import (
    ///     "errors"
    ///     "sync"
    /// )
    ///
    /// type Store struct {
    ///     mu   sync.Mutex
    ///     data map[string]string
    /// }
    ///
    /// func (s *Store) Put(k, v string) error {
    ///     s.mu.Lock()
    ///     if k == "" {
    ///         return errors.New("empty key")
    ///     }
    ///     s.data[k] = v
    ///     s.mu.Unlock()
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package store
    ///
    /// import (
    ///     "errors"
    ///     "sync"
    /// )
    ///
    /// type Store struct {
    ///     mu   sync.Mutex
    ///     data map[string]string
    /// }
    ///
    /// func (s *Store) Put(k, v string) error {
    ///     s.mu.Lock()
    ///     defer s.mu.Unlock()
    ///     if k == "" {
    ///         return errors.New("empty key")
    ///     }
    ///     s.data[k] = v
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Mutexes are matched by the text of the receiver (`s.mu`): a mutex
    ///   reached through two different expressions is two mutexes, and the
    ///   rule stays silent when the expression could denote another mutex.
    /// - A function that is given the mutex or its owner (`s.unlockAll()`,
    ///   `release(s)`, a method value `return s.release`) counts as unlocking
    ///   it when its body (in this package) unlocks anything, or when
    ///   goguard cannot see its body. Assigning a field of the owner whose
    ///   name speaks of the lock (`s.locked = true`, `rs.scanHold = true`)
    ///   counts as recording that the lock is still held on purpose.
    /// - Locks taken and released under the same condition
    ///   (`if lock { mu.Lock() } ... if lock { mu.Unlock() }`) are not
    ///   reported, whatever happens in between.
    /// - Paths that panic or call `os.Exit`/`log.Fatal` are not considered,
    ///   nor `TryLock`.
    /// - The blocked waits come from the concurrency model, which follows
    ///   only mutexes it sees made in the explored function and the
    ///   goroutines it starts, and reports a wait only when no schedule it
    ///   explores releases the mutex.
    pub struct LockNotReleased {
        name: "lock-not-released",
        code: "SY001",
        domain: Sync,
        category: Correctness,
        status: Stable,
        requires: &[ConcurrencyModel::ID],
    }
}

impl LockNotReleased {
    fn run(&self, cx: &mut Context<'_>) {
        let mut found = Vec::new();
        let mut per_func: HashMap<NodeId, Vec<MutexOp>> = HashMap::new();
        let mut cache = HashMap::new();
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call, &mut per_func, &mut cache) {
                found.push(d);
            }
        }
        for d in found {
            cx.report(d);
        }
        report_waits_on_ended_holders(cx, &mut per_func, &mut cache);
    }
}

/// Reports the concurrency model's goroutines blocked forever on a mutex
/// whose holder goes on (or ends) without releasing it: at the blocked lock, with
/// where the holder locked it and the exits that leave it held (those of
/// this rule's own search when the lock is in this file, else where the
/// holder ended).
fn report_waits_on_ended_holders(
    cx: &mut Context<'_>,
    per_func: &mut HashMap<NodeId, Vec<MutexOp>>,
    cache: &mut HashMap<String, bool>,
) {
    let model = cx.analysis::<ConcurrencyModel>();
    let mut reported: Vec<Loc> = Vec::new();
    for f in findings_here(cx, &model, &[FindingKind::BlockedLock]) {
        // Deadlocks of another shape are the other lock rules' (a holder
        // blocked forever itself is CH008's, which `held_by_running` leaves).
        if !matches!(classify(f), None | Some(LockDeadlock::HolderBlocked { .. })) {
            continue;
        }
        let Some(HeldByRunning {
            wait,
            holder,
            holder_spawn,
        }) = held_by_running(f, &model.findings)
        else {
            continue;
        };
        if reported.contains(&wait.at) {
            continue;
        }
        reported.push(wait.at);
        let holder_name = match holder_spawn {
            Some(s) => format!("the goroutine started at {}", line_of(cx, s)),
            None => "the function that started it".to_string(),
        };
        let taken = last_locked(f, holder);
        let mut msg = message(
            &subject(cx, f),
            &format!(
                "blocks forever taking a {} of a mutex that {holder_name} holds{} and never releases",
                if wait.write { "lock" } else { "read lock" },
                if wait.read_held { " for reading" } else { "" },
            ),
        );
        if let Some(l) = taken {
            msg.push_str(&format!(" (locked at {})", line_of(cx, l)));
        }
        let mut d = cx.diagnostic_at(span_of(cx, wait.at), msg).with_help(
            "release the mutex on every path of the code that locks it, usually with `defer` right after the lock",
        );
        // This rule's own finding for the holder's lock: its locations other
        // than the lock are the exits that leave it held.
        let exits: Vec<(Span, String)> = match taken.filter(|l| l.file() == cx.file()) {
            Some(l) => check_call(cx, l.node, per_func, cache)
                .map(|leak| {
                    let primary = (leak.span, "returns here still holding it".to_string());
                    std::iter::once(primary)
                        .chain(leak.related.into_iter().map(|r| (r.span, r.label)))
                        .filter(|(at, _)| *at != cx.span(l.node))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        if let Some(l) = taken {
            d = d.with_related(span_of(cx, l), "locked here");
        }
        if exits.is_empty() {
            if let Some(end) = ended_at(f, holder) {
                d = d.with_related(span_of(cx, end), "ends here still holding it");
            }
        }
        for (at, label) in exits {
            d = d.with_related(at, label);
        }
        if let Some(s) = holder_spawn {
            d = d.with_related(span_of(cx, s), "the goroutine holding it, started here");
        }
        cx.report(d);
    }
}

/// "Unlock" for "Lock", "RUnlock" for "RLock", for a lock call on a mutex.
fn release_method(cx: &Context<'_>, call: NodeId) -> Option<(&'static str, &'static str)> {
    match cx.model().callee(cx.file(), call) {
        Callee::Method { recv, name } if recv.is("sync", "Mutex") || recv.is("sync", "RWMutex") => {
            match &*name {
                "Lock" => Some(("Lock", "Unlock")),
                "RLock" => Some(("RLock", "RUnlock")),
                _ => None,
            }
        }
        _ => None,
    }
}

fn check_call(
    cx: &Context<'_>,
    call: NodeId,
    per_func: &mut HashMap<NodeId, Vec<MutexOp>>,
    cache: &mut HashMap<String, bool>,
) -> Option<Diagnostic> {
    let (lock, unlock) = release_method(cx, call)?;
    // Only `x.Lock()` as a statement of this function.
    let stmt = cx.parent(outer_paren(cx, call))?;
    if !matches!(cx.node(stmt), Node::ExprStmt { .. }) {
        return None;
    }
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let Node::SelectorExpr { x: receiver, .. } = *cx.node(unparen(cx, fun)) else {
        return None;
    };
    let func = cx.enclosing_func(call)?;
    let cfg = cx.cfg(func)?;
    let key = normalized_text(cx, receiver);
    let ops = per_func
        .entry(func)
        .or_insert_with(|| mutex_ops(cx, func, cfg));
    let ops: Vec<&MutexOp> = ops.iter().filter(|op| same_mutex(&op.key, &key)).collect();
    if ops
        .iter()
        .any(|op| op.anchor.is_none() || op.method.starts_with("Try"))
    {
        return None;
    }
    let releases: HashSet<NodeId> = ops
        .iter()
        .filter(|op| op.method == unlock)
        .filter_map(|op| op.anchor)
        .collect();
    let locks: HashSet<NodeId> = ops
        .iter()
        .filter(|op| matches!(op.method, "Lock" | "RLock") && !op.in_closure)
        .filter_map(|op| op.anchor)
        .collect();
    // A lock-acquiring helper: its name says it locks (`lockIfOpen`),
    // unlocking only when it fails; or nothing here unlocks what it locks.
    // Such a helper hands the lock over on success, but a caller that sees
    // an error does not unlock: only its failing returns are checked.
    if named_as_acquiring(cx, func) {
        return None;
    }
    let hands_over = !releases.iter().any(|&r| r != stmt && cfg.reaches(stmt, r));
    // An unlock deferred (or wrapped in a closure) before this lock runs at
    // exit: the function unlocks, relocks, and leaves the rest to it.
    let installed_before = ops.iter().any(|op| {
        op.method == unlock
            && op.anchor.is_some_and(|a| {
                (op.in_closure || matches!(cx.node(a), Node::DeferStmt { .. }))
                    && cfg.reaches(a, stmt)
            })
    });
    if installed_before {
        return None;
    }
    // Called with the lock held: it unlocks before it ever locks.
    let any_unlock: HashSet<NodeId> = ops
        .iter()
        .filter(|op| matches!(op.method, "Unlock" | "RUnlock"))
        .filter_map(|op| op.anchor)
        .collect();
    if entry_reaches(cfg, &|n| any_unlock.contains(&n), &|n| locks.contains(&n)) {
        return None;
    }
    if locked_under_same_condition(cx, func, stmt, ops.as_slice(), unlock) {
        return None;
    }
    let escapes = mentions_handing_off(cx, func, &key);
    let helpers = owner_handoffs(cx, func, cfg, &owners(cx, receiver), cache);
    let stop = |n: NodeId| {
        releases.contains(&n) || locks.contains(&n) || escapes.contains(&n) || helpers.contains(&n)
    };
    let prune = |cond: NodeId, taken: bool, _facts: bool| {
        guarded_by_flag(cx, cond, taken, ops.as_slice(), unlock)
    };
    let succeeding = |e: LeakExit| {
        hands_over && !matches!(e, LeakExit::Return(r) if reports_failure(cx, func, r))
    };
    let search = Search {
        stop: &stop,
        prune: &prune,
        ignore_exit: &succeeding,
        ..Search::stopping_at(&stop)
    };
    // Every exit that leaves the lock held is where an unlock is missing.
    let exits = leak_exits(cx, func, cfg, stmt, &search, MAX_EXITS_SHOWN);
    if exits.is_empty() {
        return None;
    }
    let shown = cx.text(receiver);
    let lock_line = {
        let file = &cx.model().files()[cx.file()];
        file.parsed.lines().line_col(cx.ast().pos(call)).0
    };
    // The finding is at the first `return` that leaves the lock held: the
    // statement to mend, and the one a change adding an early return
    // touches. A function that only falls off its end points at the lock.
    let mut exits = exits;
    exits.sort_by_key(|e| e.span(cx).start);
    let primary = exits.iter().position(|e| matches!(e, LeakExit::Return(_)));
    let (message, help) = if hands_over {
        (
            format!("{shown}.{lock}() at line {lock_line} is still held when this returns an error"),
            format!(
                "call {shown}.{unlock}() before returning the error: the function keeps the lock for its caller only when it succeeds, and a caller that gets an error does not unlock"
            ),
        )
    } else {
        (
            format!("{shown}.{lock}() at line {lock_line} is still held when this returns"),
            format!(
                "call {shown}.{unlock}() on every path, usually with `defer {shown}.{unlock}()` right after the lock"
            ),
        )
    };
    let label = |exit: LeakExit| match exit {
        LeakExit::Return(_) if hands_over => {
            format!("returns an error here with {shown} still locked")
        }
        LeakExit::Return(_) => format!("returns here with {shown} still locked"),
        LeakExit::FallOff(_) | LeakExit::LoopBack(_) | LeakExit::Overwritten(_) => {
            format!("the function ends here with {shown} still locked")
        }
    };
    let mut d = match primary {
        Some(i) => cx
            .diagnostic_at(exits[i].span(cx), message)
            .with_related(cx.span(call), format!("{shown} is locked here")),
        None if hands_over => cx.diagnostic(
            call,
            format!("{shown}.{lock}() is still held when this function returns an error"),
        ),
        None => cx.diagnostic(
            call,
            format!("{shown}.{lock}() is not released on every path"),
        ),
    }
    .with_help(help);
    for (i, exit) in exits.into_iter().enumerate() {
        if Some(i) != primary {
            d = d.with_related(exit.span(cx), label(exit));
        }
    }
    Some(d)
}

/// How many exits that leave the lock held a finding points at.
const MAX_EXITS_SHOWN: usize = 8;

/// A function whose name says it takes a lock for its caller: one of its
/// words is "lock" or "rlock" (`lockIfOpen`, `tryRLock`; not `handleBlock`,
/// `deleteUnlocked` or `unlockAll`). "acquire" alone is not enough: it
/// names taking a connection or a slot as often as a lock.
fn named_as_acquiring(cx: &Context<'_>, func: NodeId) -> bool {
    let Node::FuncDecl { name, .. } = *cx.node(func) else {
        return false;
    };
    name_words(cx.text(name))
        .iter()
        .any(|w| w == "lock" || w == "rlock")
}

/// The lower-cased words of a camelCase or snake_case name.
fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' {
            prev_lower = false;
            words.push(String::new());
            continue;
        }
        if c.is_uppercase() && prev_lower || words.is_empty() {
            words.push(String::new());
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        if let Some(w) = words.last_mut() {
            w.extend(c.to_lowercase());
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// `if cond { mu.Lock() } ... if cond { mu.Unlock() }`: the lock and an
/// unlock sit in `if` statements with the same condition text.
fn locked_under_same_condition(
    cx: &Context<'_>,
    func: NodeId,
    lock_stmt: NodeId,
    ops: &[&MutexOp],
    unlock: &str,
) -> bool {
    let conditions = |node: NodeId| -> Vec<String> {
        cx.ancestors(node)
            .take_while(|&a| a != func)
            .filter_map(|a| match *cx.node(a) {
                Node::IfStmt { cond, .. } => Some(normalized_text(cx, cond)),
                _ => None,
            })
            .collect()
    };
    let around_lock = conditions(lock_stmt);
    if around_lock.is_empty() {
        return false;
    }
    ops.iter().filter(|op| op.method == unlock).any(|op| {
        conditions(op.selector)
            .iter()
            .any(|c| around_lock.contains(c))
    })
}

/// `if held { mu.Unlock() }`: leaving an `if` on a flag (`held`, `!held`,
/// `s.locked`) by the branch that skips an unlock of this mutex. Whether the
/// flag tracks the lock is beyond this rule, so such paths are not followed.
fn guarded_by_flag(
    cx: &Context<'_>,
    cond: NodeId,
    taken: bool,
    ops: &[&MutexOp],
    unlock: &str,
) -> bool {
    let Some(parent) = cx.parent(cond) else {
        return false;
    };
    let Node::IfStmt { body, else_, .. } = *cx.node(parent) else {
        return false;
    };
    let mut flag = unparen(cx, cond);
    if let Node::UnaryExpr {
        op: goguard_syntax::Tok::Not,
        x,
        ..
    } = *cx.node(flag)
    {
        flag = unparen(cx, x);
    }
    if !matches!(
        cx.node(flag),
        Node::Ident { .. } | Node::SelectorExpr { .. }
    ) {
        return false;
    }
    let skipped = if taken { else_ } else { Some(body) };
    skipped.is_some_and(|branch| {
        ops.iter().any(|op| {
            op.method == unlock && crate::analyses::expr::is_within(cx, op.selector, branch)
        })
    })
}

/// The CFG nodes of `func` where the mutex itself is handed to someone
/// else: passed (by address or value), returned, stored, or a method value
/// other than Lock/RLock taken from it.
fn mentions_handing_off(cx: &Context<'_>, func: NodeId, key: &str) -> HashSet<NodeId> {
    let Some(cfg) = cx.cfg(func) else {
        return HashSet::new();
    };
    let mut out = HashSet::new();
    for id in cx.ast().walk(func) {
        if !matches!(cx.node(id), Node::Ident { .. } | Node::SelectorExpr { .. }) {
            continue;
        }
        if matches!(cx.parent(id).map(|p| cx.node(p)), Some(Node::SelectorExpr { sel, .. }) if *sel == id)
        {
            continue;
        }
        if !same_mutex(&normalized_text(cx, id), key) {
            continue;
        }
        let hands_off = !matches!(
            place_of(cx, id),
            Place::Selected { .. } | Place::Read | Place::AssignedTo { .. }
        );
        if hands_off {
            if let Some(a) = crate::analyses::flow::anchor(cx, func, cfg, id) {
                out.insert(a);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::name_words;

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("lockIfOpen"), ["lock", "if", "open"]);
        assert_eq!(name_words("tryRLock"), ["try", "rlock"]);
        assert_eq!(name_words("handleBlock"), ["handle", "block"]);
        assert_eq!(name_words("delete_unlocked"), ["delete", "unlocked"]);
        assert_eq!(name_words("HTTPLock"), ["httplock"]);
    }
}
