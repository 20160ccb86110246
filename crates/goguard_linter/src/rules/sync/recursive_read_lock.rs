//! SY003 recursive-read-lock: `RLock` taken again on a path that already
//! holds the read lock.

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{
    findings_here, line_of, message, span_of, subject, ConcurrencyModel,
};
use crate::analyses::lock_facts::{report_reacquires, LockFacts};
use crate::analyses::lock_waits::{classify, last_locked, spawn_of, LockDeadlock};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds a `sync.RWMutex` read-locked while the same path of the function
    /// already holds its read lock: a second `RLock` with no `RUnlock` in
    /// between, or a call to a function or method of the package that
    /// read-locks it (directly or a few calls deep). Reported at the `RLock`
    /// that blocks, as SY002 double-lock does.
    ///
    /// ## Why is this bad?
    /// A writer calling `Lock` blocks new readers until it gets the lock.
    /// If a writer queues between the two `RLock`s, the second `RLock` waits
    /// for the writer, and the writer waits for the first read lock, held by
    /// the same goroutine: both block forever. It works in tests and
    /// deadlocks under load, when a writer arrives at the wrong moment.
    ///
    /// ## Example
    /// ```go
    /// package registry
    ///
    /// import "sync"
    ///
    /// type Registry struct {
    ///     mu    sync.RWMutex
    ///     names map[string]int
    /// }
    ///
    /// func (r *Registry) Has(name string) bool {
    ///     r.mu.RLock()
    ///     defer r.mu.RUnlock()
    ///     _, ok := r.names[name]
    ///     return ok
    /// }
    ///
    /// func (r *Registry) Lookup(name string) int {
    ///     r.mu.RLock()
    ///     defer r.mu.RUnlock()
    ///     if !r.Has(name) {
    ///         return -1
    ///     }
    ///     return r.names[name]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package registry
    ///
    /// import "sync"
    ///
    /// type Registry struct {
    ///     mu    sync.RWMutex
    ///     names map[string]int
    /// }
    ///
    /// func (r *Registry) Lookup(name string) int {
    ///     r.mu.RLock()
    ///     defer r.mu.RUnlock()
    ///     id, ok := r.names[name]
    ///     if !ok {
    ///         return -1
    ///     }
    ///     return id
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// The same as SY002 double-lock: mutexes matched by the text of the
    /// expression or through a back reference to their owner's type, calls
    /// followed into the package four calls deep (into the one package type
    /// implementing a package interface, and through function values whose
    /// every value is a function of the package), locks under a plain flag
    /// not counted for callers.
    pub struct RecursiveReadLock {
        name: "recursive-read-lock",
        code: "SY003",
        domain: Sync,
        category: Correctness,
        status: Preview,
        requires: &[LockFacts::ID, ConcurrencyModel::ID],
    }
}

impl RecursiveReadLock {
    fn run(&self, cx: &mut Context<'_>) {
        let facts = cx.analysis::<LockFacts>();
        let found = facts.reacquisitions_in(cx.file());
        let mut explained = facts.reacquisition_locs(cx.file());
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::BlockedLock]) {
            let Some(LockDeadlock::ReadAgain { wait, writer }) = classify(f) else {
                continue;
            };
            if explained.contains(&wait.at) {
                continue;
            }
            explained.push(wait.at);
            let mut msg = message(
                &subject(cx, f),
                "blocks forever taking a read lock it already holds",
            );
            if let Some(w) = writer {
                let who = match spawn_of(f, w.proc) {
                    Some(s) => format!("the goroutine started at {}", line_of(cx, s)),
                    None => "the function".to_string(),
                };
                msg.push_str(&format!(
                    ": {who} waits in `Lock` at {} for the first read lock, and new readers \
                     wait for it",
                    line_of(cx, w.at)
                ));
            }
            let mut d = cx.diagnostic_at(span_of(cx, wait.at), msg).with_help(
                "take the read lock once: release it before calling code that read-locks \
                 again, or call a variant that expects it held",
            );
            if let Some(l) = last_locked(f, f.proc).filter(|&l| l != wait.at) {
                d = d.with_related(span_of(cx, l), "read lock taken here");
            }
            if let Some(w) = writer {
                d = d.with_related(span_of(cx, w.at), "a writer waits here");
            }
            cx.report(d);
        }
        let mine: Vec<_> = found
            .iter()
            .filter(|r| r.first_read && r.second_read)
            .collect();
        report_reacquires(
            cx,
            &mine,
            "deadlocks once a writer calls `Lock` between the two read locks",
            "take the read lock once: call a variant that expects it held, or release it \
                 before this call",
        );
    }
}
