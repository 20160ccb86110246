//! SY002 double-lock: a mutex locked again on a path that already holds it,
//! by the function itself or by a package function it calls.

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{
    findings_here, line_of, message, span_of, subject, ConcurrencyModel,
};
use crate::analyses::lock_facts::{report_reacquires, LockFacts};
use crate::analyses::lock_waits::{classify, last_locked, LockDeadlock};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds a `sync.Mutex` or `sync.RWMutex` locked while the same path of
    /// the function already holds it: a second `Lock` (or a `Lock` after
    /// `RLock`, an `RLock` after `Lock`) with no `Unlock` in between, or a
    /// call to a function or method of the package that locks it (directly
    /// or through the functions it calls, a few calls deep), such as a
    /// method that holds `s.mu` and calls `s.Len()`, which locks `s.mu`.
    /// A helper that locks for its caller (`func (s *S) lock() {
    /// s.mu.Lock() }`: it locks unconditionally and unlocks nothing) counts
    /// as a `Lock` where it is called; its exits, which all return holding
    /// the mutex, are related locations.
    /// The finding is at the `Lock` that blocks (where a goroutine dump shows
    /// the goroutine waiting), with the first lock and each call on the way
    /// as related locations; when that `Lock` is in another file, the
    /// finding is at the call and names the file and line of the `Lock`.
    ///
    /// ## Why is this bad?
    /// Go mutexes are not reentrant: the second `Lock` waits for the first to
    /// be released, which never happens because the same goroutine holds it.
    /// The goroutine blocks forever, and every other goroutine that needs the
    /// mutex after it. It needs no second goroutine and usually hides on a
    /// rarely taken path (an error branch that logs through a locking
    /// helper).
    ///
    /// ## Example
    /// ```go
    /// package cache
    ///
    /// import "sync"
    ///
    /// type Cache struct {
    ///     mu    sync.Mutex
    ///     items map[string]string
    /// }
    ///
    /// func (c *Cache) Len() int {
    ///     c.mu.Lock()
    ///     defer c.mu.Unlock()
    ///     return len(c.items)
    /// }
    ///
    /// func (c *Cache) Put(k, v string) {
    ///     c.mu.Lock()
    ///     defer c.mu.Unlock()
    ///     if c.Len() > 100 {
    ///         c.items = map[string]string{}
    ///     }
    ///     c.items[k] = v
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package cache
    ///
    /// import "sync"
    ///
    /// type Cache struct {
    ///     mu    sync.Mutex
    ///     items map[string]string
    /// }
    ///
    /// func (c *Cache) Len() int {
    ///     c.mu.Lock()
    ///     defer c.mu.Unlock()
    ///     return c.lenLocked()
    /// }
    ///
    /// // lenLocked must be called with c.mu held.
    /// func (c *Cache) lenLocked() int { return len(c.items) }
    ///
    /// func (c *Cache) Put(k, v string) {
    ///     c.mu.Lock()
    ///     defer c.mu.Unlock()
    ///     if c.lenLocked() > 100 {
    ///         c.items = map[string]string{}
    ///     }
    ///     c.items[k] = v
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Mutexes are matched by the text of the expression (`s.mu`), mapped
    ///   through calls by receiver and pointer parameters; in a callee, a
    ///   local pointer given its value once (`m := s.meta`, `mu := &s.mu`)
    ///   is followed to that value. A mutex reached through a back
    ///   reference to a value of its owner's type (`r.store.mu` while
    ///   holding `s.mu`, `r` a `*Replica` whose field `store` is a
    ///   `*Store`; or an interface field the owner handed to a helper it
    ///   built) is taken to be the held one: that is what such a field is
    ///   for, though nothing proves it points to that very value. A field
    ///   of the owner's own type (`n.parent.mu`) is another value. Otherwise
    ///   a mutex reached through two different expressions (an alias in the
    ///   function holding the lock, a map element) is two mutexes.
    /// - Calls are followed into functions and methods of the same package,
    ///   four calls deep, including the `String`/`Error` method that a `fmt`
    ///   or `log` formatting call calls on an operand that points to a type
    ///   of the package, a method of an interface of the package that
    ///   exactly one type of the package implements (that type's method),
    ///   and a function value (a field, a map or slice element of a field,
    ///   a parameter, a local) whose every value the package gives is a
    ///   function of the package (each declared one or literal, with the
    ///   call's arguments; a method value or literal given to a field of the
    ///   very value it was taken from or captured, `s.cb = s.stop`, `s.cb =
    ///   func() { s.mu.Lock() }`, or a setter called on it, runs on the value
    ///   whose field is called; otherwise only mutexes reached from
    ///   parameters or package variables carry over).
    ///   Other interface method calls, function values with a value from
    ///   elsewhere (a caller, `append`), and other packages are not
    ///   followed. Value receivers lock a copy and are not followed.
    /// - Locks a function takes only under a plain flag (`if lock {
    ///   mu.Lock() }`) are not counted for its callers, and a call that may
    ///   unlock the mutex (given its owner, with a body that unlocks) ends
    ///   the held section.
    /// - Two `RLock`s are SY003 recursive-read-lock, not this rule.
    pub struct DoubleLock {
        name: "double-lock",
        code: "SY002",
        domain: Sync,
        category: Correctness,
        status: Preview,
        requires: &[LockFacts::ID, ConcurrencyModel::ID],
    }
}

impl DoubleLock {
    fn run(&self, cx: &mut Context<'_>) {
        let facts = cx.analysis::<LockFacts>();
        let found = facts.reacquisitions_in(cx.file());
        // The same deadlock seen by the concurrency model (a goroutine
        // blocked on a mutex it holds) is reported once.
        let mut explained = facts.reacquisition_locs(cx.file());
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::BlockedLock]) {
            let Some(LockDeadlock::SelfHeld { wait }) = classify(f) else {
                continue;
            };
            if explained.contains(&wait.at) {
                continue;
            }
            explained.push(wait.at);
            let held = if wait.read_held { "read lock" } else { "lock" };
            let mut msg = message(
                &subject(cx, f),
                &format!(
                    "blocks forever taking a {} of a mutex whose {held} it already holds: Go \
                     mutexes are not reentrant",
                    if wait.write { "lock" } else { "read lock" }
                ),
            );
            let first = last_locked(f, f.proc).filter(|&l| l != wait.at);
            if let Some(l) = first {
                msg.push_str(&format!(" (last lock taken at {})", line_of(cx, l)));
            }
            let mut d = cx.diagnostic_at(span_of(cx, wait.at), msg).with_help(
                "release the mutex before taking it again, or call a variant that expects it held",
            );
            if let Some(l) = first {
                d = d.with_related(span_of(cx, l), "lock taken here");
            }
            if let Some(s) = f.spawn {
                d = d.with_related(span_of(cx, s), "goroutine started here");
            }
            cx.report(d);
        }
        let mine: Vec<_> = found
            .iter()
            .filter(|r| !(r.first_read && r.second_read))
            .collect();
        report_reacquires(
            cx,
            &mine,
            "deadlocks: Go mutexes are not reentrant",
            "release the mutex before this call, or call a variant that expects it held \
                 (a `...Locked` helper that does not lock)",
        );
    }
}
