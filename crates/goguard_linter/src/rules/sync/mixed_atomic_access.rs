//! SY009 mixed-atomic-access: a variable or field given to `sync/atomic`
//! functions and also read or written plainly.

use crate::analyses::concurrency::{line_of, span_of};
use crate::analyses::guarded_fields::GuardedFields;
use crate::declare_rule;
use crate::engine::{Analysis, Context};

use goguard_concurrency::Loc;

declare_rule! {
    /// ## What it does
    /// Finds fields of the package's structs and package-level variables
    /// that are given to the `sync/atomic` functions (`atomic.AddInt64(&s.n,
    /// 1)`, `atomic.LoadUint32(&state)`) and also read or written plainly
    /// (`s.n++`, `if state == 1`), once per function. Plain accesses while
    /// the value is built (a local made by a composite literal or `new`,
    /// `New*` and `init` functions before their first `go` statement), in
    /// `sync.Once` functions and in test files do not count. The typed
    /// atomics (`atomic.Int64`) cannot be accessed plainly and are not
    /// concerned.
    ///
    /// ## Why is this bad?
    /// An atomic operation is only atomic against other atomic operations
    /// on the same word. A plain read next to an `atomic.Add` can see a
    /// stale or torn value and may be hoisted out of a loop by the
    /// compiler; a plain write loses concurrent atomic updates. The race
    /// detector reports these pairs, and on 32-bit platforms a plain access
    /// of a 64-bit word is two instructions.
    ///
    /// ## Example
    /// ```go
    /// package stats
    ///
    /// import "sync/atomic"
    ///
    /// type Stats struct {
    ///     requests int64
    /// }
    ///
    /// func (s *Stats) Inc() {
    ///     atomic.AddInt64(&s.requests, 1)
    /// }
    ///
    /// func (s *Stats) Report() int64 {
    ///     return s.requests
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package stats
    ///
    /// import "sync/atomic"
    ///
    /// type Stats struct {
    ///     requests atomic.Int64
    /// }
    ///
    /// func (s *Stats) Inc() {
    ///     s.requests.Add(1)
    /// }
    ///
    /// func (s *Stats) Report() int64 {
    ///     return s.requests.Load()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Fields are identified by their struct type and name, variables by
    ///   their declaration; a value given to atomics through a pointer held
    ///   in another variable (`p := &s.n; atomic.AddInt64(p, 1)`) is not
    ///   seen.
    /// - A plain read made while holding a mutex that every writer also
    ///   holds is safe, but is still reported: the rule does not check
    ///   which locks the atomic writers hold.
    /// - Plain accesses after the value is shared but before other
    ///   goroutines can reach it in fact (a value stored in a map under a
    ///   lock, then initialised) are reported.
    pub struct MixedAtomicAccess {
        name: "mixed-atomic-access",
        code: "SY009",
        domain: Sync,
        category: Correctness,
        status: Preview,
        in_tests: false,
        requires: &[GuardedFields::ID],
    }
}

impl MixedAtomicAccess {
    fn run(&self, cx: &mut Context<'_>) {
        let facts = cx.analysis::<GuardedFields>();
        let here = cx.file();
        for m in facts.mixed.iter().filter(|m| m.site.file == here) {
            let atomic = Loc::new(m.atomic.file, m.atomic.node);
            let msg = format!(
                "`{}` is {} plainly here but given to sync/atomic elsewhere ({}): the plain \
                 access races with the atomic ones",
                m.text,
                if m.write { "written" } else { "read" },
                line_of(cx, atomic)
            );
            let d = cx
                .diagnostic(m.site.node, msg)
                .with_help(
                    "use the atomic functions for every access, or better a typed atomic \
                     (`atomic.Int64`, `atomic.Bool`) that cannot be accessed plainly",
                )
                .with_related(span_of(cx, atomic), "atomic access here");
            cx.report(d);
        }
    }
}
