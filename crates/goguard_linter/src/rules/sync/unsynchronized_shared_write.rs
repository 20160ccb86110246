//! SY008 unsynchronized-shared-write: a variable written without a lock by
//! every goroutine a loop starts.

use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::expr::unparen;
use crate::analyses::shared_writes::shared_by_loop_goroutines;
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a variable declared before a loop and assigned (`n++`,
    /// `total += x`, `err = e`, `out = append(out, v)`) inside a function
    /// literal that the loop starts with `go`, when the literal takes no
    /// `Lock`/`RLock`: every goroutine of the loop writes the same variable
    /// at the same time. Maps are SY007's.
    ///
    /// ## Why is this bad?
    /// Unsynchronised writes race: increments are lost, a slice appended
    /// from several goroutines loses elements or is corrupted, an error
    /// written by one goroutine is overwritten by another's `nil`. The
    /// result is wrong only sometimes, and `go test -race` sees it only
    /// when a test runs the loop with several iterations.
    ///
    /// ## Example
    /// ```go
    /// package sum
    ///
    /// import "sync"
    ///
    /// func Total(parts [][]int) int {
    ///     total := 0
    ///     var wg sync.WaitGroup
    ///     for _, p := range parts {
    ///         wg.Add(1)
    ///         go func() {
    ///             defer wg.Done()
    ///             for _, v := range p {
    ///                 total += v
    ///             }
    ///         }()
    ///     }
    ///     wg.Wait()
    ///     return total
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package sum
    ///
    /// import (
    ///     "sync"
    ///     "sync/atomic"
    /// )
    ///
    /// func Total(parts [][]int) int {
    ///     var total atomic.Int64
    ///     var wg sync.WaitGroup
    ///     for _, p := range parts {
    ///         wg.Add(1)
    ///         go func() {
    ///             defer wg.Done()
    ///             for _, v := range p {
    ///                 total.Add(int64(v))
    ///             }
    ///         }()
    ///     }
    ///     wg.Wait()
    ///     return int(total.Load())
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only function literals started with `go` directly inside a loop;
    ///   goroutines started once, through `errgroup.Go`, or by named
    ///   functions given a pointer are not considered.
    /// - Any `Lock`/`RLock` in the literal counts as protecting the write;
    ///   a write guarded by a channel used as a semaphore is reported.
    pub struct UnsynchronizedSharedWrite {
        name: "unsynchronized-shared-write",
        code: "SY008",
        domain: Sync,
        category: Correctness,
        status: Preview,
    }
}

impl UnsynchronizedSharedWrite {
    fn run(&self, cx: &mut Context<'_>) {
        let mut targets: Vec<NodeId> = Vec::new();
        for &a in cx.nodes_of_kind(NodeKind::AssignStmt) {
            if let Node::AssignStmt { lhs, tok, .. } = *cx.node(a) {
                if tok != Tok::Define {
                    targets.extend(cx.ast().list(lhs).iter().map(|&l| unparen(cx, l)));
                }
            }
        }
        for &s in cx.nodes_of_kind(NodeKind::IncDecStmt) {
            if let Node::IncDecStmt { x, .. } = *cx.node(s) {
                targets.push(unparen(cx, x));
            }
        }
        targets.sort_unstable();
        targets.dedup();
        let mut reported: Vec<(String, NodeId)> = Vec::new();
        for v in targets {
            if !matches!(cx.node(v), Node::Ident { .. }) || cx.text(v) == "_" {
                continue;
            }
            let is_map = matches!(
                cx.model().underlying(&cx.model().type_of(cx.file(), v)),
                Type::Map(..)
            );
            if is_map {
                continue;
            }
            let Some(func) = cx.enclosing_func(v) else {
                continue;
            };
            if shared_by_loop_goroutines(cx, v, func).is_none() {
                continue;
            }
            // One report per variable and goroutine.
            let name = cx.text(v).to_string();
            if reported.contains(&(name.clone(), func)) {
                continue;
            }
            reported.push((name.clone(), func));
            let d = cx
                .diagnostic(
                    v,
                    format!(
                        "`{name}` is written without a lock by every goroutine this loop \
                         starts: the writes race"
                    ),
                )
                .with_help(
                    "guard it with a mutex, use sync/atomic, or give each goroutine its own \
                     result (a slice element by index, a channel) and combine them after \
                     `Wait`",
                );
            cx.report(d);
        }
    }
}
