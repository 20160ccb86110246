//! Field channels whose only receiver is a loop that can stop: a struct of
//! the package holds a channel (`p.added`), every receive of it in the
//! package is a case of a `select` inside one `for` loop, and another case
//! of that loop's selects leaves the loop (`case <-ctx.Done(): return`).
//! Once the loop has left, nothing receives from the channel any more, so a
//! plain `p.added <- v` made elsewhere (another method, a callback) blocks
//! forever: the goroutine making it leaks. The shape of many real leaks in
//! services: a worker's `Run(ctx)` returns on shutdown while producers go on
//! calling `Add`.
//!
//! The concurrency model explores one function and the goroutines it starts;
//! a producer method and the loop of another method that some caller starts
//! are not in one model, which is why this is a separate, package-wide
//! analysis. It stays narrow: the channel must not be used in any other way
//! (passed on, copied, ranged over, closed, received outside the loop), its
//! buffer (from every `make` that sets the field) must be 0 or 1, and sends
//! in test files, in the function holding the loop, in a function that
//! function calls (they run while the loop runs), or in the function that
//! makes the channel (it sends before anyone can end the loop) are left
//! out.

use std::collections::{HashMap, HashSet};

use goguard_semantic::model::FileIdx;
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::engine::{Analysis, AnalysisId, Context, Counters, PackageScope};

use super::expr::{outer_paren, unparen};
use super::loops::{enclosing_loop, ends_leaving_loop};

/// A plain send on a field channel that only a loop which can stop
/// receives from.
#[derive(Debug, Clone)]
pub struct LoopSend {
    pub file: FileIdx,
    /// The `SendStmt`.
    pub send: NodeId,
    /// The field's name and the name of the struct type holding it.
    pub field: String,
    pub owner: String,
    /// The capacity every `make` of the field gives it: 0 or 1.
    pub cap: u32,
    /// The function (or method) holding the loop, its file and the loop.
    pub loop_func: String,
    pub loop_file: FileIdx,
    pub loop_stmt: NodeId,
    /// The communication of a select case receiving from the field, and of
    /// one that leaves the loop.
    pub recv_case: NodeId,
    pub exit_case: NodeId,
    /// The communication of the exit case, as written (`<-ctx.Done()`).
    pub exit_comm: String,
}

#[derive(Debug, Default)]
pub struct LoopSends {
    pub sends: Vec<LoopSend>,
}

pub struct LoopReceivers;

impl Analysis for LoopReceivers {
    type Output = LoopSends;
    const ID: AnalysisId = AnalysisId("loop-receivers");

    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> LoopSends {
        // Cheap syntactic pass first: only names selected both by a select
        // case receive in a loop and by a plain send are worth typing.
        let (mut received, mut sent) = (HashSet::new(), HashSet::new());
        for file in 0..pkg.model.files().len() {
            pkg.with_file(file, |cx| candidate_names(cx, &mut received, &mut sent));
        }
        let names: HashSet<String> = received.intersection(&sent).cloned().collect();
        if names.is_empty() {
            return LoopSends::default();
        }
        let mut fields: HashMap<(String, String), FieldUses> = HashMap::new();
        for file in 0..pkg.model.files().len() {
            pkg.with_file(file, |cx| collect(cx, &names, &mut fields));
        }
        let mut sends = Vec::new();
        let mut keys: Vec<_> = fields.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let uses = &fields[&key];
            if let Some(found) = judge(pkg, &key, uses) {
                sends.extend(found);
            }
        }
        counters.add("sends to stoppable loops", sends.len() as u64);
        LoopSends { sends }
    }
}

/// Everything the package does with one field channel.
#[derive(Default)]
struct FieldUses {
    /// A use that lets the channel go anywhere, or that is not followed.
    other: bool,
    /// Receives as a select case: (file, CommClause, loop, top function).
    cases: Vec<(FileIdx, NodeId, Option<NodeId>, Option<NodeId>)>,
    /// Plain sends: (file, SendStmt, top function, in a test file).
    sends: Vec<(FileIdx, NodeId, Option<NodeId>, bool)>,
    /// Capacities given by `make`; None for one that is not a small
    /// constant.
    caps: Vec<Option<u32>>,
    /// The functions that set the field (file, top function).
    makers: Vec<(FileIdx, Option<NodeId>)>,
}

/// Records the uses of the package's struct fields of channel type in one
/// file.
fn collect(
    cx: &Context<'_>,
    names: &HashSet<String>,
    fields: &mut HashMap<(String, String), FieldUses>,
) {
    let own = cx.model().import_path();
    for &id in cx.nodes_of_kind(NodeKind::SelectorExpr) {
        let Node::SelectorExpr { x, sel } = *cx.node(id) else {
            continue;
        };
        if !names.contains(cx.text(sel)) {
            continue;
        }
        if !matches!(cx.model().type_of(cx.file(), id), Type::Chan(..)) {
            continue;
        }
        let Type::Named(n) = cx.model().type_of(cx.file(), x).deref().clone() else {
            continue;
        };
        if *n.pkg != *own {
            continue;
        }
        let uses = fields
            .entry((n.name.to_string(), cx.text(sel).to_string()))
            .or_default();
        classify(cx, id, uses);
    }
    // `T{f: make(chan X, n)}`: the key is a bare field name.
    for &lit in cx.nodes_of_kind(NodeKind::CompositeLit) {
        let Node::CompositeLit { elts, .. } = *cx.node(lit) else {
            continue;
        };
        let keyed = cx.ast().list(elts).iter().any(|&e| {
            matches!(*cx.node(e), Node::KeyValueExpr { key, .. } if names.contains(cx.text(key)))
        });
        if !keyed {
            continue;
        }
        let Type::Named(n) = cx.model().type_of(cx.file(), lit).deref().clone() else {
            continue;
        };
        if *n.pkg != *own {
            continue;
        }
        let Node::CompositeLit { elts, .. } = *cx.node(lit) else {
            continue;
        };
        for &e in cx.ast().list(elts) {
            let Node::KeyValueExpr { key, value, .. } = *cx.node(e) else {
                continue;
            };
            if !matches!(cx.node(key), Node::Ident { .. }) {
                continue;
            }
            // Recorded for every field: one that is not a channel is never
            // received from, so it is never judged.
            if !super::expr::is_nil(cx, value) {
                let k = (n.name.to_string(), cx.text(key).to_string());
                let uses = fields.entry(k).or_default();
                uses.caps.push(make_cap(cx, value));
                uses.makers.push((cx.file(), top_func(cx, lit)));
            }
        }
    }
}

/// Field names received by a select case inside a loop, and sent on by a
/// plain send statement, in one file.
fn candidate_names(cx: &Context<'_>, received: &mut HashSet<String>, sent: &mut HashSet<String>) {
    for &id in cx.nodes_of_kind(NodeKind::SendStmt) {
        if let Node::SendStmt { chan, .. } = *cx.node(id) {
            if let Node::SelectorExpr { sel, .. } = *cx.node(unparen(cx, chan)) {
                sent.insert(cx.text(sel).to_string());
            }
        }
    }
    for &id in cx.nodes_of_kind(NodeKind::CommClause) {
        let Node::CommClause { comm: Some(c), .. } = *cx.node(id) else {
            continue;
        };
        let recv = match *cx.node(c) {
            Node::ExprStmt { x } => x,
            Node::AssignStmt { rhs, .. } => match cx.ast().list(rhs) {
                [r] => *r,
                _ => continue,
            },
            _ => continue,
        };
        if let Node::UnaryExpr {
            op: Tok::Arrow, x, ..
        } = *cx.node(unparen(cx, recv))
        {
            if let Node::SelectorExpr { sel, .. } = *cx.node(unparen(cx, x)) {
                if cx
                    .parent(id)
                    .and_then(|b| cx.parent(b))
                    .and_then(|s| enclosing_loop(cx, s))
                    .is_some()
                {
                    received.insert(cx.text(sel).to_string());
                }
            }
        }
    }
}

/// Classifies one `x.f` of a channel field.
fn classify(cx: &Context<'_>, id: NodeId, uses: &mut FieldUses) {
    let expr = outer_paren(cx, id);
    let Some(parent) = cx.parent(expr) else {
        uses.other = true;
        return;
    };
    match *cx.node(parent) {
        Node::SendStmt { chan, .. } if chan == expr => {
            let in_select = cx.parent(parent).is_some_and(
                |p| matches!(*cx.node(p), Node::CommClause { comm: Some(c), .. } if c == parent),
            );
            if !in_select {
                uses.sends
                    .push((cx.file(), parent, top_func(cx, parent), cx.is_test()));
            }
        }
        Node::UnaryExpr {
            op: Tok::Arrow, x, ..
        } if x == expr => match recv_case(cx, parent) {
            Some(case) => {
                let sel = cx.parent(case);
                let lp = sel.and_then(|s| enclosing_loop(cx, s));
                uses.cases.push((cx.file(), case, lp, top_func(cx, case)));
            }
            None => uses.other = true,
        },
        Node::AssignStmt { lhs, rhs, .. } if cx.ast().list(lhs).contains(&expr) => {
            let (l, r) = (cx.ast().list(lhs), cx.ast().list(rhs));
            match l.iter().position(|&e| e == expr) {
                Some(i) if l.len() == r.len() => {
                    if !super::expr::is_nil(cx, r[i]) {
                        uses.caps.push(make_cap(cx, r[i]));
                        uses.makers.push((cx.file(), top_func(cx, parent)));
                    }
                }
                _ => uses.other = true,
            }
        }
        Node::CallExpr { fun, .. } if fun != expr => {
            let callee = cx.model().callee(cx.file(), parent);
            if !(callee.is_builtin("len") || callee.is_builtin("cap")) {
                uses.other = true;
            }
        }
        // `x.f == nil`, `if x.f != nil`: read without being kept.
        Node::BinaryExpr { .. } => {}
        _ => uses.other = true,
    }
}

/// The `CommClause` whose communication is the receive `recv`
/// (`case <-x.f:`, `case v := <-x.f:`, `case v, ok := <-x.f:`).
fn recv_case(cx: &Context<'_>, recv: NodeId) -> Option<NodeId> {
    let recv = outer_paren(cx, recv);
    let stmt = cx.parent(recv)?;
    match *cx.node(stmt) {
        Node::ExprStmt { x } if x == recv => {}
        Node::AssignStmt { rhs, .. } if cx.ast().list(rhs) == [recv] => {}
        _ => return None,
    }
    let clause = cx.parent(stmt)?;
    matches!(*cx.node(clause), Node::CommClause { comm: Some(c), .. } if c == stmt)
        .then_some(clause)
}

/// The capacity of `make(chan T)` / `make(chan T, n)` with a small literal
/// `n`; None for anything else.
fn make_cap(cx: &Context<'_>, expr: NodeId) -> Option<u32> {
    let call = unparen(cx, expr);
    let Node::CallExpr { args, .. } = *cx.node(call) else {
        return None;
    };
    if !cx.model().callee(cx.file(), call).is_builtin("make") {
        return None;
    }
    match cx.ast().list(args) {
        [_] => Some(0),
        [_, n] => match *cx.node(unparen(cx, *n)) {
            Node::BasicLit { kind: Tok::Int, .. } => cx.text(*n).parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// The function declaration holding `node` (through function literals).
fn top_func(cx: &Context<'_>, node: NodeId) -> Option<NodeId> {
    cx.ancestors(node)
        .find(|&a| matches!(cx.node(a), Node::FuncDecl { .. }))
}

/// The plain sends of one field that block once its loop has left.
fn judge(
    pkg: &PackageScope<'_>,
    key: &(String, String),
    uses: &FieldUses,
) -> Option<Vec<LoopSend>> {
    if uses.other || uses.cases.is_empty() || uses.sends.is_empty() || uses.caps.is_empty() {
        return None;
    }
    let cap = uses
        .caps
        .iter()
        .try_fold(0u32, |acc, c| c.filter(|&c| c <= 1).map(|c| acc.max(c)))?;
    // Every receive in one loop of one function.
    let (loop_file, _, loop_stmt, loop_top) = uses.cases[0];
    let loop_stmt = loop_stmt?;
    let loop_top = loop_top?;
    if uses
        .cases
        .iter()
        .any(|&(f, _, l, _)| f != loop_file || l != Some(loop_stmt))
    {
        return None;
    }
    let (recv_case, exit_case, exit_comm, exit_signal, loop_func, called) =
        pkg.with_file(loop_file, |cx| {
            let (recv, exit) = uses
                .cases
                .iter()
                .find_map(|&(_, case, _, _)| exit_case(cx, case, loop_stmt).map(|e| (case, e)))?;
            let Node::CommClause { comm: Some(c), .. } = *cx.node(exit) else {
                return None;
            };
            let Node::CommClause { comm: Some(r), .. } = *cx.node(recv) else {
                return None;
            };
            let Node::FuncDecl { name, .. } = *cx.node(loop_top) else {
                return None;
            };
            Some((
                r,
                c,
                cx.text(c).to_string(),
                signal_key(cx, c)?,
                cx.text(name).to_string(),
                called_names(cx, loop_top),
            ))
        })?;
    let senders: Vec<_> = uses
        .sends
        .iter()
        .filter(|&&(file, _, top, in_test)| {
            // The function that makes the channel sends before it hands
            // the value to anyone who could end the loop.
            !in_test
                && top.is_some()
                && (file != loop_file || top != Some(loop_top))
                && !uses.makers.contains(&(file, top))
        })
        .collect();
    let mut out = Vec::new();
    for &&(file, send, top, _) in &senders {
        let Some(top) = top else { continue };
        let (sender, checks_exit, repeats) = pkg.with_file(file, |cx| {
            let name = match *cx.node(top) {
                Node::FuncDecl { name, .. } => Some(cx.text(name).to_string()),
                _ => None,
            };
            (
                name,
                receives_signal(cx, top, &exit_signal),
                enclosing_loop(cx, send).is_some(),
            )
        });
        if sender.as_ref().is_none_or(|s| called.contains(s)) || checks_exit {
            continue;
        }
        // A buffer of one holds one value: a single send that does not
        // repeat (a final request made once) never blocks.
        if cap == 1 && senders.len() < 2 && !repeats {
            continue;
        }
        out.push(LoopSend {
            file,
            send,
            field: key.1.clone(),
            owner: key.0.clone(),
            cap,
            loop_func: loop_func.clone(),
            loop_file,
            loop_stmt,
            recv_case,
            exit_case,
            exit_comm: exit_comm.clone(),
        });
    }
    Some(out)
}

/// A case of the select holding `case` that receives from another channel
/// and leaves the loop.
fn exit_case(cx: &Context<'_>, case: NodeId, loop_stmt: NodeId) -> Option<NodeId> {
    let block = cx.parent(case)?;
    let Node::BlockStmt { list, .. } = *cx.node(block) else {
        return None;
    };
    cx.ast().list(list).iter().copied().find(|&other| {
        if other == case {
            return false;
        }
        let Node::CommClause {
            comm: Some(c),
            body,
            ..
        } = *cx.node(other)
        else {
            return false;
        };
        let receives = match *cx.node(c) {
            Node::ExprStmt { x } => matches!(
                *cx.node(unparen(cx, x)),
                Node::UnaryExpr { op: Tok::Arrow, .. }
            ),
            Node::AssignStmt { rhs, .. } => cx.ast().list(rhs).iter().any(|&r| {
                matches!(
                    *cx.node(unparen(cx, r)),
                    Node::UnaryExpr { op: Tok::Arrow, .. }
                )
            }),
            _ => false,
        };
        receives && ends_leaving_loop(cx, cx.ast().list(body), loop_stmt)
    })
}

/// Names of the functions and methods `func` calls (`f(...)`, `x.f(...)`).
fn called_names(cx: &Context<'_>, func: NodeId) -> HashSet<String> {
    let mut names = HashSet::new();
    for id in cx.ast().walk(func) {
        let Node::CallExpr { fun, .. } = *cx.node(id) else {
            continue;
        };
        match *cx.node(unparen(cx, fun)) {
            Node::Ident { .. } => {
                names.insert(cx.text(fun).to_string());
            }
            Node::SelectorExpr { sel, .. } => {
                names.insert(cx.text(sel).to_string());
            }
            _ => {}
        }
    }
    names
}

/// What a receive waits on, as compared between functions: `Done()` for a
/// context's Done channel, the field or variable name otherwise (`quit`
/// for `<-q.quit`).
fn signal_key(cx: &Context<'_>, comm: NodeId) -> Option<String> {
    let recv = match *cx.node(comm) {
        Node::ExprStmt { x } => x,
        Node::AssignStmt { rhs, .. } => *cx.ast().list(rhs).first()?,
        _ => return None,
    };
    let Node::UnaryExpr {
        op: Tok::Arrow, x, ..
    } = *cx.node(unparen(cx, recv))
    else {
        return None;
    };
    channel_key(cx, x)
}

fn channel_key(cx: &Context<'_>, ch: NodeId) -> Option<String> {
    match *cx.node(unparen(cx, ch)) {
        Node::CallExpr { fun, .. } => match *cx.node(unparen(cx, fun)) {
            Node::SelectorExpr { sel, .. } => Some(format!("{}()", cx.text(sel))),
            _ => None,
        },
        Node::SelectorExpr { sel, .. } => Some(cx.text(sel).to_string()),
        Node::Ident { .. } => Some(cx.text(ch).to_string()),
        _ => None,
    }
}

/// True when `func` receives from a channel with the same key as the one
/// that ends the loop: the sender checks that the loop is still there
/// first (`select { case <-r.ctx.Done(): return ...; default: }`).
fn receives_signal(cx: &Context<'_>, func: NodeId, key: &str) -> bool {
    cx.ast().walk(func).any(|id| match *cx.node(id) {
        Node::UnaryExpr {
            op: Tok::Arrow, x, ..
        } => channel_key(cx, x).as_deref() == Some(key),
        _ => false,
    })
}
