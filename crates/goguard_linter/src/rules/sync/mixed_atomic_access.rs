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
    /// (`s.n++`, `if state == 1`), once per function. Not counted: plain
    /// accesses while the value is built (a local made by a composite
    /// literal or `new`, `New*` and `init` functions and `init*` methods
    /// before their first `go` statement), in `sync.Once` functions, in
    /// test files and in unexported methods only tests call, after a
    /// `sync.WaitGroup` `Wait` of the same function (the goroutines that
    /// changed it are done), through a local variable (it may hold another
    /// instance than the one the atomics change), and plain reads holding
    /// a mutex that every atomic change also holds (the slow path of a
    /// hand-written `sync.Once`). The typed atomics (`atomic.Int64`) cannot
    /// be accessed plainly and are not concerned.
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
    /// - Which mutex an atomic change holds is known only for the mutexes
    ///   of the same struct reached from the same value; a plain read under
    ///   another lock that all changes hold is still reported.
    /// - Plain accesses after the value is shared but before other
    ///   goroutines can reach it in fact (a value stored in a map under a
    ///   lock, then initialised) are reported; accesses through local
    ///   variables are not, even when they alias the shared value.
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
