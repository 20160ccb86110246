//! SY004 lock-order-inversion: goroutines that each hold a mutex the next
//! one waits for, because they take the mutexes in opposite orders.

use goguard_concurrency::{FindingKind, Loc};

use crate::analyses::concurrency::{
    findings_here, line_of, message, span_of, subject, ConcurrencyModel,
};
use crate::analyses::lock_facts::{LockFacts, Site};
use crate::analyses::lock_order::Edge;
use crate::analyses::lock_waits::{classify, last_locked, spawn_of, LockDeadlock};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds two mutexes taken in opposite orders: the classic AB-BA
    /// deadlock, where one path locks `a` then `b` and another locks `b`
    /// then `a`. Two analyses find it:
    /// - the package's lock-order graph: mutexes by class (the field `mu`
    ///   of any `Replica` is `Replica.mu`, a mutex embedded in `Cache` is
    ///   `Cache`, a package-level mutex is its name, the elements of a map
    ///   or slice of mutexes `s.m[k]` are `Set.m[]`), an order `A -> B`
    ///   wherever `B` is locked, directly or by a package function called a
    ///   few calls deep, while `A` is held. Calls are followed through
    ///   function values (a field, parameter or local, when every value
    ///   the package gives it is a function of the package) and through
    ///   methods of an interface that one type of the package implements.
    ///   A function that unlocks a mutex before locking it holds it from
    ///   its caller on entry: what it locks before that unlock is an order
    ///   too. A pair of classes taken in both
    ///   orders is reported where the second order is taken, with both
    ///   paths as related locations. Two orders that both run while their
    ///   functions hold a common *gate* mutex (locked before on every path,
    ///   not released in between), held exclusively by at least one of
    ///   them, cannot run at once and are not reported; a gate both hold
    ///   only with `RLock` excludes nothing. A mutex one path holds and
    ///   the other takes, both with `RLock`, only blocks when a writer can
    ///   queue in between: not when it is unexported and the package
    ///   never locks it for writing, nor when every writer runs under a
    ///   gate the reader holds, one of the two exclusively;
    /// - the concurrency model, which runs a function and the goroutines it
    ///   starts and reports goroutines that each hold a mutex the next one
    ///   waits for, also between instances of one class (`from.mu` and
    ///   `to.mu`).
    ///
    /// ## Why is this bad?
    /// When both goroutines have taken their first mutex, neither can take
    /// its second: both block forever, and with them everything else that
    /// needs either mutex. The window is small, so tests pass and the
    /// service hangs under load.
    ///
    /// ## Example
    /// ```go
    /// package bank
    ///
    /// import "sync"
    ///
    /// type Account struct {
    ///     mu      sync.Mutex
    ///     balance int
    /// }
    ///
    /// func move(from, to *Account, n int) {
    ///     from.mu.Lock()
    ///     to.mu.Lock()
    ///     from.balance -= n
    ///     to.balance += n
    ///     to.mu.Unlock()
    ///     from.mu.Unlock()
    /// }
    ///
    /// func Swap() {
    ///     a, b := &Account{}, &Account{}
    ///     done := make(chan bool)
    ///     go func() {
    ///         move(a, b, 1)
    ///         done <- true
    ///     }()
    ///     move(b, a, 1)
    ///     <-done
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package bank
    ///
    /// import "sync"
    ///
    /// type Account struct {
    ///     id      int
    ///     mu      sync.Mutex
    ///     balance int
    /// }
    ///
    /// // move locks the two accounts in one global order: by id.
    /// func move(from, to *Account, n int) {
    ///     first, second := from, to
    ///     if second.id < first.id {
    ///         first, second = second, first
    ///     }
    ///     first.mu.Lock()
    ///     second.mu.Lock()
    ///     from.balance -= n
    ///     to.balance += n
    ///     second.mu.Unlock()
    ///     first.mu.Unlock()
    /// }
    ///
    /// func Swap() {
    ///     a, b := &Account{id: 1}, &Account{id: 2}
    ///     done := make(chan bool)
    ///     go func() {
    ///         move(a, b, 1)
    ///         done <- true
    ///     }()
    ///     move(b, a, 1)
    ///     <-done
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - The lock-order graph is per package: calls into other packages and
    ///   through interfaces or function values are not followed, and a
    ///   function counts as taking every class it locks on any of its paths
    ///   (except under a plain flag, `if lock { mu.Lock() }`). Two classes
    ///   taken in both orders deadlock only if two goroutines run both paths
    ///   at once on related instances; the rule does not check that they
    ///   can, beyond gate mutexes the two functions take themselves (a gate
    ///   held by their callers is not seen).
    /// - Between instances of one class, only goroutines the model follows
    ///   are seen: those started by one function (the model's root) and the
    ///   package functions they call, a few frames deep; mutexes that escape
    ///   to code the model cannot see (other packages, maps, globals) are
    ///   not followed.
    /// - A cycle that needs more interleavings than the model's state budget
    ///   is not found (the model gives up silently).
    /// - Where a goroutine "took the mutex it holds" is its last `Lock` on
    ///   the way: when it holds several, the location may name another one.
    pub struct LockOrderInversion {
        name: "lock-order-inversion",
        code: "SY004",
        domain: Sync,
        category: Correctness,
        status: Preview,
        requires: &[LockFacts::ID, ConcurrencyModel::ID],
    }
}

impl LockOrderInversion {
    fn run(&self, cx: &mut Context<'_>) {
        let graph = cx.analysis::<LockFacts>();
        let mut seen: Vec<Loc> = Vec::new();
        for inv in &graph.inversions {
            for s in [inv.ab.lock, inv.ab.second, inv.ba.lock, inv.ba.second] {
                seen.push(Loc::new(s.file, s.node));
            }
            // Reported on the order whose two locks one function takes
            // itself, when one is (both locks in view); else the first.
            let (ab, ba) = if inv.ab.lock != inv.ab.second && inv.ba.lock == inv.ba.second {
                (&inv.ba, &inv.ab)
            } else {
                (&inv.ab, &inv.ba)
            };
            if ab.second.file == cx.file() {
                report_inversion(cx, ab, ba);
            }
        }
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::BlockedLock]) {
            let Some(LockDeadlock::Cycle { waits }) = classify(f) else {
                continue;
            };
            // One report per cycle: at its first waiting operation.
            let Some(first) = waits.iter().map(|w| w.at).min() else {
                continue;
            };
            if first != f.at || waits.iter().any(|w| seen.contains(&w.at)) {
                continue;
            }
            seen.push(first);
            let who = |proc: u8| match spawn_of(f, proc) {
                Some(s) => format!("the goroutine started at {}", line_of(cx, s)),
                None => "the function".to_string(),
            };
            let others: Vec<String> = waits
                .iter()
                .skip(1)
                .map(|w| format!("{} waits at {}", who(w.proc), line_of(cx, w.at)))
                .collect();
            let msg = message(
                &subject(cx, f),
                &format!(
                    "blocks forever: it waits for a mutex held by another goroutine that waits \
                     for one it holds ({}): the mutexes are taken in opposite orders",
                    others.join(", ")
                ),
            );
            let mut d = cx.diagnostic_at(span_of(cx, f.at), msg).with_help(
                "take the mutexes in one order everywhere (for instances of one type, by a \
                 stable key), or release the first before taking the second",
            );
            for w in &waits {
                if let Some(l) = last_locked(f, w.proc) {
                    d = d.with_related(
                        span_of(cx, l),
                        format!("{} takes the mutex it holds here", who(w.proc)),
                    );
                }
                if w.at != f.at {
                    d = d.with_related(span_of(cx, w.at), format!("{} waits here", who(w.proc)));
                }
            }
            if let Some(s) = f.spawn {
                d = d.with_related(span_of(cx, s), "goroutine started here");
            }
            cx.report(d);
        }
    }
}

/// Reports two classes of mutexes taken in opposite orders, at the `Lock`
/// that blocks on the path `ab` (where a goroutine dump shows it waiting)
/// when that is in the checked file, else at the call that leads to it.
fn report_inversion(cx: &mut Context<'_>, ab: &Edge, ba: &Edge) {
    let loc = |s: Site| Loc::new(s.file, s.node);
    let at_lock = ab.lock.file == cx.file();
    let through = if ab.lock == ab.second {
        String::new()
    } else if at_lock {
        format!(", by the call at {},", line_of(cx, loc(ab.second)))
    } else {
        format!(" (at {})", line_of(cx, loc(ab.lock)))
    };
    let since = if ab.held_on_entry {
        format!(
            "held by the caller: the function unlocks it at {}",
            line_of(cx, loc(ab.first))
        )
    } else {
        format!("since {}", line_of(cx, loc(ab.first)))
    };
    let msg = format!(
        "`{}` is taken{through} while `{}` is held ({since}), and {} takes them in the \
         opposite order: two goroutines running both paths deadlock",
        ab.taken,
        ab.held,
        line_of(cx, loc(ba.second)),
    );
    let primary = if at_lock { ab.lock } else { ab.second };
    let mut d = cx
        .diagnostic_at(span_of(cx, loc(primary)), msg)
        .with_help(
            "take the two mutexes in one order everywhere, or release the first before taking \
             the second",
        )
        .with_related(span_of(cx, loc(ab.first)), held_label(ab, false));
    if ab.lock != ab.second {
        let (other, label) = if at_lock {
            (
                ab.second,
                format!("called here while `{}` is held", ab.held),
            )
        } else {
            (ab.lock, format!("`{}` is taken here", ab.taken))
        };
        d = d.with_related(span_of(cx, loc(other)), label);
    }
    d = d
        .with_related(span_of(cx, loc(ba.first)), held_label(ba, true))
        .with_related(
            span_of(cx, loc(ba.second)),
            format!("then `{}` here", ba.taken),
        );
    if ba.lock != ba.second {
        d = d.with_related(
            span_of(cx, loc(ba.lock)),
            format!("`{}` is taken here", ba.taken),
        );
    }
    cx.report(d);
}

/// The label of the related location where an order's held mutex is
/// taken, or, when its caller holds it on entry, released.
fn held_label(e: &Edge, other_path: bool) -> String {
    match (e.held_on_entry, other_path) {
        (false, false) => format!("`{}` is taken here", e.held),
        (false, true) => format!("the other path takes `{}` here", e.held),
        (true, false) => format!(
            "`{}` is held on entry (by the caller) and unlocked here",
            e.held
        ),
        (true, true) => format!(
            "the other path holds `{}` on entry (by its caller) and unlocks it here",
            e.held
        ),
    }
}
