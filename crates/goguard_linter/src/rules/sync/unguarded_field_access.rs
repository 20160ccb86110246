//! SY011 unguarded-field-access: a field accessed without the mutex that
//! guards it everywhere else (guarded-field inference).

use crate::analyses::concurrency::{line_of, span_of};
use crate::analyses::guarded_fields::{GuardedFields, Misuse};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

use goguard_concurrency::Loc;

declare_rule! {
    /// ## What it does
    /// Infers, for each field of a struct that holds a `sync.Mutex` or
    /// `sync.RWMutex`, the mutex that guards it: the one the package's
    /// functions hold when they write it and at most of their accesses, or
    /// the one its declaration names (a field in the group after
    /// `mu sync.Mutex // protects the fields below`, or commented "guarded
    /// by mu"). It then reports, once per function:
    /// - a write of the field without the guard held (when only the
    ///   accesses tell what guards the field, in a function that takes the
    ///   guard elsewhere: a write in one that never does is most often
    ///   setup before the value is shared);
    /// - a read after the function unlocked the guard (unless the function
    ///   itself wrote the field under it: it reads back its own value);
    /// - a read without the guard, where the evidence is strong (the
    ///   declaration says so, or many functions hold it and none writes
    ///   without it) and the reading function does not itself write the
    ///   field under the guard;
    /// - a guarded map or slice, written in place under the guard, returned
    ///   while the guard is held: the caller reads it after the unlock.
    ///
    /// Findings are reported on accesses through the method's receiver.
    /// Not counted: test files, code that builds the value before it is
    /// shared (a local made by a composite literal or `new`, `New*` and
    /// `init` functions, up to their first `go` statement, and methods
    /// only they call), functions run by `sync.Once`, fields also given to
    /// `sync/atomic` (SY009), fields of types that synchronise themselves
    /// (channels, `sync` and atomic types), methods used as values
    /// (callbacks whose callers are not seen), unexported methods no
    /// package code calls, and methods their callers call with the lock
    /// held (named `...Locked`, documentation that speaks of the lock, or
    /// every call in the package holds it). A method that locks the
    /// receiver's mutex and returns without unlocking it is taken to lock
    /// it for its caller; a function literal not started with `go` holds
    /// what is held where it is written.
    ///
    /// ## Why is this bad?
    /// A mutex protects a field only if every access takes it. One write
    /// without it races with the guarded readers: they see torn or stale
    /// values, and a map written concurrently stops the program with
    /// `fatal error: concurrent map writes`. A read after the unlock, or a
    /// map handed out of the locked section, races with the next writer.
    /// These races show up under load, rarely in tests.
    ///
    /// ## Example
    /// ```go
    /// package cache
    ///
    /// import "sync"
    ///
    /// type Cache struct {
    ///     mu    sync.Mutex // protects the fields below
    ///     items map[string]string
    ///     hits  int
    /// }
    ///
    /// func (c *Cache) Get(k string) string {
    ///     c.mu.Lock()
    ///     defer c.mu.Unlock()
    ///     c.hits++
    ///     return c.items[k]
    /// }
    ///
    /// func (c *Cache) Put(k, v string) {
    ///     c.mu.Lock()
    ///     c.items[k] = v
    ///     c.mu.Unlock()
    /// }
    ///
    /// func (c *Cache) Reset() {
    ///     c.hits = 0
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
    ///     mu    sync.Mutex // protects the fields below
    ///     items map[string]string
    ///     hits  int
    /// }
    ///
    /// func (c *Cache) Get(k string) string {
    ///     c.mu.Lock()
    ///     defer c.mu.Unlock()
    ///     c.hits++
    ///     return c.items[k]
    /// }
    ///
    /// func (c *Cache) Put(k, v string) {
    ///     c.mu.Lock()
    ///     c.items[k] = v
    ///     c.mu.Unlock()
    /// }
    ///
    /// func (c *Cache) Reset() {
    ///     c.mu.Lock()
    ///     c.hits = 0
    ///     c.mu.Unlock()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only a mutex of the same value guards a field (`s.mu` for `s.f`);
    ///   fields guarded by a parent's or a package-level mutex are not
    ///   inferred.
    /// - Mutexes are matched by the text of the expression within one
    ///   function; accesses through another variable holding the same
    ///   pointer look unguarded, and such accesses are only reported when
    ///   the evidence for the guard is strong.
    /// - Accesses where the guard is held on some paths only are skipped,
    ///   as are values handed to other goroutines before the first `go`
    ///   statement of their constructor.
    /// - A map or slice returned under the lock is only reported when it is
    ///   also written in place under it; a copy-on-write field (replaced
    ///   whole, never modified) is safe to hand out.
    pub struct UnguardedFieldAccess {
        name: "unguarded-field-access",
        code: "SY011",
        domain: Sync,
        category: Correctness,
        status: Preview,
        in_tests: false,
        requires: &[GuardedFields::ID],
    }
}

impl UnguardedFieldAccess {
    fn run(&self, cx: &mut Context<'_>) {
        let facts = cx.analysis::<GuardedFields>();
        let here = cx.file();
        for u in facts.unguarded.iter().filter(|u| u.site.file == here) {
            let evidence = if u.declared {
                format!("its declaration says `{}` guards it", u.guard)
            } else {
                format!(
                    "{} function{} access it holding `{}`",
                    u.guarded_funcs,
                    if u.guarded_funcs == 1 { "" } else { "s" },
                    u.guard
                )
            };
            let witness = Loc::new(u.guarded_at.file, u.guarded_at.node);
            let guarded_line = line_of(cx, witness);
            let (msg, help) = match u.misuse {
                Misuse::Write => (
                    format!(
                        "`{}` is written without holding `{}` ({evidence})",
                        u.text, u.guard
                    ),
                    format!(
                        "lock `{}` around the write, as the other accesses do",
                        u.guard
                    ),
                ),
                Misuse::Read => (
                    format!(
                        "`{}` is read without holding `{}` ({evidence}): it races with the \
                         guarded writes",
                        u.text, u.guard
                    ),
                    format!("read it with `{}` held", u.guard),
                ),
                Misuse::ReadAfterUnlock(_) => (
                    format!(
                        "`{}` is read after `{}` is unlocked ({evidence}): it races with the \
                         guarded writes",
                        u.text, u.guard
                    ),
                    "copy the value into a local before the unlock, or read it before \
                     unlocking"
                        .to_string(),
                ),
                Misuse::Returned => (
                    format!(
                        "`{}` is returned out of the section locked by `{}`: the caller uses \
                         it unlocked while guarded writes change it in place",
                        u.text, u.guard
                    ),
                    "return a copy (`maps.Clone`, `slices.Clone`), or give callers methods \
                     that take the lock"
                        .to_string(),
                ),
            };
            let mut d = cx
                .diagnostic(u.site.node, msg)
                .with_help(help)
                .with_related(
                    span_of(cx, witness),
                    format!("written holding `{}` here ({guarded_line})", u.guard),
                );
            if u.declared {
                let decl = Loc::new(u.field_decl.file, u.field_decl.node);
                d = d.with_related(span_of(cx, decl), "declared as guarded here");
            }
            if let Misuse::ReadAfterUnlock(unlock) = u.misuse {
                d = d.with_related(cx.span(unlock), "unlocked here");
            }
            cx.report(d);
        }
    }
}
