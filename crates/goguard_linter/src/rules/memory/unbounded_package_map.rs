//! MM011 unbounded-package-map.

use goguard_semantic::model::{BindingId, Callee};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{outer_paren, place_of, Place};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Finds a package-level map that functions insert into (`m[k] = v`,
    /// `m[k]++`) and nothing ever shrinks: no `delete`, no `clear`, never
    /// replaced, never handed to other code.
    ///
    /// ## Why is this bad?
    /// A package-level map lives as long as the process. If its keys come
    /// from requests, users, connections or time, it grows without bound:
    /// a slow memory leak that shows up after days in production, and
    /// every entry keeps what its value points to. Caches need an
    /// eviction policy (a size bound, an LRU, expiry) or a lifetime tied
    /// to an object that goes away.
    ///
    /// ## Example
    /// ```go
    /// package sessions
    ///
    /// import "time"
    ///
    /// var lastSeen = map[string]time.Time{}
    ///
    /// func touch(id string) {
    ///     lastSeen[id] = time.Now()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package sessions
    ///
    /// import "time"
    ///
    /// var lastSeen = map[string]time.Time{}
    ///
    /// func touch(id string) {
    ///     lastSeen[id] = time.Now()
    /// }
    ///
    /// func expire(before time.Time) {
    ///     for id, t := range lastSeen {
    ///         if t.Before(before) {
    ///             delete(lastSeen, id)
    ///         }
    ///     }
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - An opt-in, preview rule (select it with `--select MM011`): many
    ///   package maps are registries filled by a bounded set of keys
    ///   (names of codecs, plugins, metrics) from `init` or from
    ///   registration functions, which the rule cannot tell from keys that
    ///   come from data.
    /// - Insertions from `init` functions are not counted.
    /// - Only maps used in the file declaring them are judged; a map used
    ///   in another file of its package is left alone, as is one passed to
    ///   a function, returned, stored or whose address is taken.
    pub struct UnboundedPackageMap {
        name: "unbounded-package-map",
        code: "MM011",
        domain: Memory,
        category: Suspicious,
        status: Preview,
        in_tests: false,
    }
}

impl UnboundedPackageMap {
    fn run(&self, cx: &mut Context<'_>) {
        for &spec in cx.nodes_of_kind(NodeKind::ValueSpec) {
            if cx.enclosing_func(spec).is_some() {
                continue;
            }
            let Node::ValueSpec { names, .. } = *cx.node(spec) else {
                continue;
            };
            for &name in cx.ast().list(names) {
                let Some(m) = cx.model().resolve(cx.file(), name) else {
                    continue;
                };
                let ty = cx.model().underlying(&cx.model().binding(m).ty);
                if !matches!(ty, Type::Map(..)) {
                    continue;
                }
                if let Some(insert) = only_grows(cx, m) {
                    let d = cx
                        .diagnostic(
                            name,
                            format!(
                                "package-level map {} is only ever inserted into: it grows for the life of the process",
                                cx.text(name)
                            ),
                        )
                        .with_help("bound it: delete entries that are done with, cap its size, or tie it to an object that goes away")
                        .with_related(cx.span(insert), "inserted here");
                    cx.report(d);
                }
            }
        }
    }
}

/// The first insertion into `m` outside `init`, when no use of `m` shrinks
/// it, replaces it or hands it to other code.
fn only_grows(cx: &Context<'_>, m: BindingId) -> Option<NodeId> {
    let mut insert = None;
    for u in cx.model().uses(m) {
        if u.file != cx.file() {
            return None;
        }
        let id = u.ident;
        let outer = outer_paren(cx, id);
        let parent = cx.parent(outer)?;
        if let Node::IndexExpr { x, .. } = *cx.node(parent) {
            if x != outer {
                return None;
            }
            let written = match place_of(cx, parent) {
                Place::AssignedTo { .. } => true,
                Place::Read => matches!(
                    cx.parent(outer_paren(cx, parent)).map(|p| cx.node(p)),
                    Some(Node::IncDecStmt { .. })
                ),
                _ => false,
            };
            if written && insert.is_none() && !in_init(cx, id) {
                insert = Some(parent);
            }
            continue;
        }
        match place_of(cx, id) {
            Place::Read => {}
            Place::Argument { call, .. } => match cx.model().callee(cx.file(), call) {
                Callee::Builtin(b) if &*b == "len" => {}
                _ => return None,
            },
            _ => return None,
        }
    }
    insert
}

/// True inside a package's `init` function.
fn in_init(cx: &Context<'_>, node: NodeId) -> bool {
    cx.ancestors(node).any(|a| {
        matches!(cx.node(a), Node::FuncDecl { recv: None, name, .. } if cx.text(*name) == "init")
    })
}
