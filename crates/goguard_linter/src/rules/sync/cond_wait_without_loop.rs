//! SY010 cond-wait-without-loop: `sync.Cond.Wait` not inside a `for` loop
//! that re-checks the condition.

use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeKind};

use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds calls of `Wait` on a `sync.Cond` that are not inside a `for`
    /// loop of the same function: the condition waited for is tested once
    /// (`if !ready { c.Wait() }`) or not at all.
    ///
    /// ## Why is this bad?
    /// `Wait` can return when the condition does not hold: `Broadcast` wakes
    /// every waiter although one of them may consume what it announced,
    /// `Signal` may be sent for another condition sharing the `Cond`, and
    /// between the wake-up and re-acquiring `c.L` another goroutine may run
    /// and change the state. The `sync.Cond` documentation asks for the
    /// loop: code that does not re-check goes on with the condition false
    /// (an empty queue read, a resource used before it is ready).
    ///
    /// ## Example
    /// ```go
    /// package queue
    ///
    /// import "sync"
    ///
    /// type Queue struct {
    ///     mu    sync.Mutex
    ///     cond  *sync.Cond
    ///     items []int
    /// }
    ///
    /// func (q *Queue) Pop() int {
    ///     q.mu.Lock()
    ///     defer q.mu.Unlock()
    ///     if len(q.items) == 0 {
    ///         q.cond.Wait()
    ///     }
    ///     it := q.items[0]
    ///     q.items = q.items[1:]
    ///     return it
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package queue
    ///
    /// import "sync"
    ///
    /// type Queue struct {
    ///     mu    sync.Mutex
    ///     cond  *sync.Cond
    ///     items []int
    /// }
    ///
    /// func (q *Queue) Pop() int {
    ///     q.mu.Lock()
    ///     defer q.mu.Unlock()
    ///     for len(q.items) == 0 {
    ///         q.cond.Wait()
    ///     }
    ///     it := q.items[0]
    ///     q.items = q.items[1:]
    ///     return it
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Any enclosing `for` loop counts, whether or not its condition (or a
    ///   `break` inside it) tests the state the `Cond` announces.
    /// - A `Cond` that nothing signals or broadcasts is not reported.
    /// - Test files are not checked: tests of code built on `sync.Cond`
    ///   (and of `sync.Cond` itself) wait once on purpose, knowing exactly
    ///   which goroutine signals.
    pub struct CondWaitWithoutLoop {
        name: "cond-wait-without-loop",
        code: "SY010",
        domain: Sync,
        category: Correctness,
        status: Preview,
        in_tests: false,
    }
}

impl CondWaitWithoutLoop {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            let is_wait = matches!(
                cx.model().callee(cx.file(), call),
                Callee::Method { recv, name } if recv.is("sync", "Cond") && &*name == "Wait"
            );
            if !is_wait {
                continue;
            }
            let in_loop = cx
                .ancestors(call)
                .take_while(|&a| {
                    !matches!(cx.node(a), Node::FuncDecl { .. } | Node::FuncLit { .. })
                })
                .any(|a| matches!(cx.node(a), Node::ForStmt { .. } | Node::RangeStmt { .. }));
            if in_loop {
                continue;
            }
            let d = cx
                .diagnostic(
                    call,
                    "`Cond.Wait` outside a loop: the condition is not checked again after waking",
                )
                .with_help(
                    "wait in a loop that tests the condition: `for !ready() { c.Wait() }`; \
                     `Wait` may return while the condition is still false",
                );
            cx.report(d);
        }
    }
}
