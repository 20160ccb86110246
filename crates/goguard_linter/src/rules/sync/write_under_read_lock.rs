//! SY005 write-under-read-lock: a field of the mutex's owner assigned while
//! only the read lock is held.

use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{normalized_text, unparen};
use crate::analyses::lock_order::reachable_avoiding;
use crate::analyses::locks::{mutex_ops, same_mutex};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds assignments (`=`, `op=`, `++`, `--`, map element stores) to a
    /// field of the value that owns a `sync.RWMutex` (`s.count++` after
    /// `s.mu.RLock()`) on a path where the function holds only the read
    /// lock: after `RLock` and before `RUnlock`.
    ///
    /// ## Why is this bad?
    /// A read lock lets any number of goroutines in at once. Two of them
    /// writing the same field race: updates are lost, and a map written
    /// concurrently makes the runtime stop the program with `fatal error:
    /// concurrent map writes`. The code looks protected, so the race is
    /// rarely suspected.
    ///
    /// ## Example
    /// ```go
    /// package stats
    ///
    /// import "sync"
    ///
    /// type Stats struct {
    ///     mu    sync.RWMutex
    ///     hits  map[string]int
    ///     reads int
    /// }
    ///
    /// func (s *Stats) Get(k string) int {
    ///     s.mu.RLock()
    ///     defer s.mu.RUnlock()
    ///     s.reads++
    ///     return s.hits[k]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package stats
    ///
    /// import (
    ///     "sync"
    ///     "sync/atomic"
    /// )
    ///
    /// type Stats struct {
    ///     mu    sync.RWMutex
    ///     hits  map[string]int
    ///     reads atomic.Int64
    /// }
    ///
    /// func (s *Stats) Get(k string) int {
    ///     s.mu.RLock()
    ///     defer s.mu.RUnlock()
    ///     s.reads.Add(1)
    ///     return s.hits[k]
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Only fields of the value the mutex is reached from (`s` for
    ///   `s.mu`, or `s` itself for an embedded `RWMutex`) are considered,
    ///   by the text of the expression; writes through other variables or
    ///   in called functions are not seen.
    /// - A function that also takes another mutex is skipped: the written
    ///   field may be guarded by that one.
    pub struct WriteUnderReadLock {
        name: "write-under-read-lock",
        code: "SY005",
        domain: Sync,
        category: Correctness,
        status: Preview,
    }
}

impl WriteUnderReadLock {
    fn run(&self, cx: &mut Context<'_>) {
        let mut funcs: Vec<NodeId> = cx.nodes_of_kind(NodeKind::FuncDecl).to_vec();
        funcs.extend_from_slice(cx.nodes_of_kind(NodeKind::FuncLit));
        funcs.sort_unstable();
        let mut found = Vec::new();
        for func in funcs {
            let Some(cfg) = cx.cfg(func) else { continue };
            let ops: Vec<_> = mutex_ops(cx, func, cfg)
                .into_iter()
                .filter(|o| !o.in_closure)
                .collect();
            let rlocks: Vec<_> = ops.iter().filter(|o| o.method == "RLock").collect();
            if rlocks.is_empty() {
                continue;
            }
            for r in rlocks {
                // Another mutex taken here may guard what is written.
                if ops.iter().any(|o| {
                    o.method == "Lock" || (o.method == "RLock" && !same_mutex(&o.key, &r.key))
                }) {
                    continue;
                }
                let Some(from) = r.anchor else { continue };
                let owner = match r.key.rsplit_once('.') {
                    Some((owner, _)) => owner.to_string(),
                    None => r.key.clone(),
                };
                let stops: Vec<NodeId> = ops
                    .iter()
                    .filter(|o| o.method == "RUnlock" && same_mutex(&o.key, &r.key))
                    .filter_map(|o| o.anchor)
                    .filter(|&a| !matches!(cx.node(a), Node::DeferStmt { .. }))
                    .collect();
                for n in reachable_avoiding(cfg, from, &stops) {
                    if let Some(field) = written_field(cx, n, &owner, &r.key) {
                        found.push((field, r.selector));
                    }
                }
            }
        }
        found.sort_unstable();
        found.dedup_by_key(|f| f.0);
        for (field, rlock) in found {
            let d = cx
                .diagnostic(
                    field,
                    format!(
                        "`{}` is written while only the read lock is held: readers run \
                         concurrently",
                        normalized_text(cx, field)
                    ),
                )
                .with_help(
                    "take the write lock (`Lock`) for code that writes, or make the field \
                     atomic",
                )
                .with_related(cx.span(rlock), "read lock taken here");
            cx.report(d);
        }
    }
}

/// The field of `owner` a statement writes (`owner.f = v`, `owner.f++`,
/// `owner.m[k] = v`), other than the mutex itself.
fn written_field(cx: &Context<'_>, stmt: NodeId, owner: &str, key: &str) -> Option<NodeId> {
    let targets: Vec<NodeId> = match *cx.node(stmt) {
        Node::AssignStmt { lhs, tok, .. } if tok != goguard_syntax::Tok::Define => {
            cx.ast().list(lhs).to_vec()
        }
        Node::IncDecStmt { x, .. } => vec![x],
        _ => return None,
    };
    for t in targets {
        let mut e = unparen(cx, t);
        // A map or slice element of the field: `owner.m[k]`.
        if let Node::IndexExpr { x, .. } = *cx.node(e) {
            e = unparen(cx, x);
        }
        let Node::SelectorExpr { x, .. } = *cx.node(e) else {
            continue;
        };
        if normalized_text(cx, x) == owner && !same_mutex(&normalized_text(cx, e), key) {
            return Some(e);
        }
    }
    None
}
