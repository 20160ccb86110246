//! CH008 blocking-while-holding-lock: a goroutine blocked forever on a
//! channel operation or a wait while it holds a mutex that the goroutine
//! it waits for needs first.

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{findings_here, line_of, span_of, ConcurrencyModel};
use crate::analyses::lock_waits::{classify, last_locked, spawn_of, LockDeadlock};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds a channel send or receive, `wg.Wait()` or `cond.Wait()` that
    /// blocks forever while its goroutine holds a mutex, because the
    /// goroutine that would complete it is itself blocked taking that
    /// mutex. The concurrency model runs the function and the goroutines it
    /// starts and reports the operation, where the lock was taken, and
    /// where the other goroutine waits for it.
    ///
    /// ## Why is this bad?
    /// The partner needs the mutex before it can receive (or send, or call
    /// `Done`); the holder keeps the mutex until the partner has done so.
    /// Both block forever, along with every other user of the mutex. It is
    /// the most common mixed deadlock in real Go code: a result sent on a
    /// channel from inside a locked section.
    ///
    /// ## Example
    /// ```go
    /// package worker
    ///
    /// import "sync"
    ///
    /// type Pool struct {
    ///     mu   sync.Mutex
    ///     done int
    /// }
    ///
    /// func Run() {
    ///     p := &Pool{}
    ///     results := make(chan int)
    ///     go func() {
    ///         p.mu.Lock()
    ///         p.done++
    ///         p.mu.Unlock()
    ///         <-results
    ///     }()
    ///     p.mu.Lock()
    ///     results <- 1
    ///     p.mu.Unlock()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package worker
    ///
    /// import "sync"
    ///
    /// type Pool struct {
    ///     mu   sync.Mutex
    ///     done int
    /// }
    ///
    /// func Run() {
    ///     p := &Pool{}
    ///     results := make(chan int)
    ///     go func() {
    ///         p.mu.Lock()
    ///         p.done++
    ///         p.mu.Unlock()
    ///         <-results
    ///     }()
    ///     p.mu.Lock()
    ///     p.done = 0
    ///     p.mu.Unlock()
    ///     results <- 1
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only goroutines the model follows are seen (those started by one
    ///   function and the package functions they call, a few frames deep);
    ///   a partner in code the model cannot see makes the channel escape and
    ///   nothing is reported.
    /// - Where the lock was taken is the holder's last `Lock` on the way:
    ///   when it holds several, the location may name another one.
    pub struct BlockingWhileHoldingLock {
        name: "blocking-while-holding-lock",
        code: "CH008",
        domain: Channel,
        category: Correctness,
        status: Preview,
        requires: &[ConcurrencyModel::ID],
    }
}

impl BlockingWhileHoldingLock {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        let mut seen = Vec::new();
        for f in findings_here(cx, &model, &[FindingKind::BlockedLock]) {
            let Some(LockDeadlock::HolderBlocked {
                wait,
                holder,
                holder_at,
                holder_spawn,
            }) = classify(f)
            else {
                continue;
            };
            if holder_at.file() != cx.file() || seen.contains(&holder_at) {
                continue;
            }
            // The holder must be stuck there too (not merely passing by a
            // `select` that a timer will complete): the model found its
            // operation blocked forever.
            let stuck = model.findings.iter().any(|g| {
                g.at == holder_at && g.spawn == holder_spawn && g.kind != FindingKind::BlockedLock
            });
            if !stuck {
                continue;
            }
            seen.push(holder_at);
            let who = |spawn: Option<_>| match spawn {
                Some(s) => format!("the goroutine started at {}", line_of(cx, s)),
                None => "the function".to_string(),
            };
            let holder_name = who(holder_spawn);
            let waiter = who(spawn_of(f, f.proc));
            let op = compact(cx.text(holder_at.node));
            let msg = format!(
                "`{op}` blocks forever while {holder_name} holds a mutex that {waiter} waits \
                 for at {}",
                line_of(cx, wait.at)
            );
            let mut d = cx.diagnostic_at(span_of(cx, holder_at), msg).with_help(
                "release the mutex before blocking (copy what it guards first), or make the \
                 operation give up (a `select` with the cancellation, a buffer)",
            );
            if let Some(l) = last_locked(f, holder) {
                d = d.with_related(span_of(cx, l), "the mutex is taken here");
            }
            d = d.with_related(span_of(cx, wait.at), format!("{waiter} waits for it here"));
            if let Some(s) = holder_spawn {
                d = d.with_related(span_of(cx, s), "goroutine started here");
            }
            cx.report(d);
        }
    }
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
