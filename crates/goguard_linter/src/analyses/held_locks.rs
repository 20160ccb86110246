//! Which mutexes one function holds at each node of its CFG, by the text of
//! the mutex (`s.mu`): a forward data flow over the graph where a
//! `Lock`/`RLock` call adds the mutex, a non-deferred `Unlock`/`RUnlock`
//! removes it, and a call of a package method that locks (or unlocks) a
//! mutex of its receiver for its caller does the same for the caller's
//! receiver expression. `must` holds on every path to the node, `may` on
//! some path. Deferred calls, `go` statements and function literals do
//! not change what the function holds.

use std::collections::{BTreeSet, HashMap};

use goguard_semantic::cfg::Cfg;
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId};

use crate::engine::Context;

use super::expr::{normalized_text, unparen};
use super::lock_facts::{is_unlock, lock_kind};
use super::locks::same_mutex;

/// A package method that leaves a mutex of its receiver locked (or
/// unlocked) for its caller: receiver type name and method name, with the
/// field paths after the receiver (`.mu`, or empty for an embedded mutex).
#[derive(Debug, Default, Clone)]
pub struct LockHelpers {
    pub locks: HashMap<(String, String), Vec<String>>,
    pub unlocks: HashMap<(String, String), Vec<String>>,
}

/// One change to the held set, in evaluation order.
#[derive(Debug, Clone)]
pub struct LockOp {
    pub key: String,
    pub acquire: bool,
    /// The call that makes the change.
    pub call: NodeId,
}

/// What a function holds at its CFG nodes.
#[derive(Debug, Default)]
pub struct HeldLocks {
    /// Held at the start of each node, on every path / on some path.
    at: HashMap<NodeId, (Vec<String>, Vec<String>)>,
    /// The nodes that change the held set, with their changes.
    pub ops: Vec<(NodeId, Vec<LockOp>)>,
}

impl HeldLocks {
    /// True when `key` is held at `node` on every path.
    pub fn must(&self, node: NodeId, key: &str) -> bool {
        self.at
            .get(&node)
            .is_some_and(|(m, _)| m.iter().any(|k| same_mutex(k, key)))
    }

    /// The mutexes held at `node` on every path.
    pub fn must_at(&self, node: NodeId) -> Vec<String> {
        self.at
            .get(&node)
            .map(|(m, _)| m.clone())
            .unwrap_or_default()
    }

    /// True when `key` is held at `node` on some path.
    pub fn may(&self, node: NodeId, key: &str) -> bool {
        self.at
            .get(&node)
            .is_some_and(|(_, m)| m.iter().any(|k| same_mutex(k, key)))
    }

    /// The node that releases `key` (not deferred) and from which `node` is
    /// reachable, if any.
    pub fn released_before(&self, cfg: &Cfg, node: NodeId, key: &str) -> Option<NodeId> {
        self.ops.iter().find_map(|(at, ops)| {
            ops.iter()
                .find(|o| !o.acquire && same_mutex(&o.key, key))
                .filter(|_| *at != node && cfg.reaches(*at, node))
                .map(|o| o.call)
        })
    }
}

/// The lock changes one CFG node makes (none for `defer` and `go`). A
/// `range` header stands for its whole statement in the graph: the
/// statements of its body are nodes of their own, so bodies are not
/// entered.
fn node_ops(cx: &Context<'_>, node: NodeId, helpers: &LockHelpers) -> Vec<LockOp> {
    let mut out = Vec::new();
    if matches!(
        cx.node(node),
        Node::DeferStmt { .. }
            | Node::GoStmt { .. }
            | Node::FuncLit { .. }
            | Node::RangeStmt { .. }
    ) {
        return out;
    }
    let mut stack = vec![node];
    let mut buf = Vec::new();
    while let Some(id) = stack.pop() {
        if let Node::CallExpr { fun, .. } = *cx.node(id) {
            if let Node::SelectorExpr { x, sel } = *cx.node(unparen(cx, fun)) {
                let callee = cx.model().callee(cx.file(), id);
                let base = normalized_text(cx, x);
                if lock_kind(&callee).is_some() {
                    out.push(LockOp {
                        key: base,
                        acquire: true,
                        call: id,
                    });
                } else if is_unlock(&callee) {
                    out.push(LockOp {
                        key: base,
                        acquire: false,
                        call: id,
                    });
                } else if let Callee::Method { recv, .. } = &callee {
                    let k = (recv.name.to_string(), cx.text(sel).to_string());
                    for (table, acquire) in [(&helpers.locks, true), (&helpers.unlocks, false)] {
                        for path in table.get(&k).into_iter().flatten() {
                            out.push(LockOp {
                                key: format!("{base}{path}"),
                                acquire,
                                call: id,
                            });
                        }
                    }
                }
            }
        }
        buf.clear();
        cx.ast().children(id, &mut buf);
        for &(_, c) in buf.iter().rev() {
            if let goguard_syntax::Child::Node(c) = c {
                if !matches!(
                    cx.node(c),
                    Node::FuncLit { .. }
                        | Node::BlockStmt { .. }
                        | Node::CaseClause { .. }
                        | Node::CommClause { .. }
                ) {
                    stack.push(c);
                }
            }
        }
    }
    out
}

/// The held sets of `cfg`, the graph of `func`, starting with `entry`
/// held (mutexes the callers hold).
pub fn held_locks(
    cx: &Context<'_>,
    cfg: &Cfg,
    entry: &[String],
    helpers: &LockHelpers,
) -> HeldLocks {
    let mut out = HeldLocks::default();
    let mut node_changes: HashMap<NodeId, Vec<LockOp>> = HashMap::new();
    for b in &cfg.blocks {
        for &n in &b.nodes {
            let ops = node_ops(cx, n, helpers);
            if !ops.is_empty() {
                node_changes.insert(n, ops.clone());
                out.ops.push((n, ops));
            }
        }
    }
    type State = (BTreeSet<String>, BTreeSet<String>);
    let apply = |state: &mut State, ops: &[LockOp]| {
        for o in ops {
            if o.acquire {
                state.0.insert(o.key.clone());
                state.1.insert(o.key.clone());
            } else {
                state.0.retain(|k| !same_mutex(k, &o.key));
                state.1.retain(|k| !same_mutex(k, &o.key));
            }
        }
    };
    let preds = cfg.predecessors();
    let n = cfg.blocks.len();
    let mut outs: Vec<Option<State>> = vec![None; n];
    let start: State = (
        entry.iter().cloned().collect(),
        entry.iter().cloned().collect(),
    );
    let mut ins: Vec<Option<State>> = vec![None; n];
    for _round in 0..32 {
        let mut changed = false;
        for b in 0..n {
            let input = if b == cfg.entry().0 as usize {
                Some(start.clone())
            } else {
                let mut acc: Option<State> = None;
                for p in &preds[b] {
                    let Some(po) = &outs[p.0 as usize] else {
                        continue;
                    };
                    acc = Some(match acc {
                        None => po.clone(),
                        Some((must, may)) => (
                            must.intersection(&po.0).cloned().collect(),
                            may.union(&po.1).cloned().collect(),
                        ),
                    });
                }
                acc
            };
            let Some(input) = input else { continue };
            let mut state = input.clone();
            for node in &cfg.blocks[b].nodes {
                if let Some(ops) = node_changes.get(node) {
                    apply(&mut state, ops);
                }
            }
            if ins[b].as_ref() != Some(&input) || outs[b].as_ref() != Some(&state) {
                ins[b] = Some(input);
                outs[b] = Some(state);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (b, input) in ins.into_iter().enumerate() {
        let Some(mut state) = input else { continue };
        for &node in &cfg.blocks[b].nodes {
            out.at.insert(
                node,
                (
                    state.0.iter().cloned().collect(),
                    state.1.iter().cloned().collect(),
                ),
            );
            if let Some(ops) = node_changes.get(&node) {
                apply(&mut state, ops);
            }
        }
    }
    out
}
