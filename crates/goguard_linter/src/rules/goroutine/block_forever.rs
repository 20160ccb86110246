//! GR006 block-forever: `select {}` outside `main`, operations on a nil
//! channel, and a `sync.Cond` wait nothing can signal block the goroutine
//! forever.

use goguard_concurrency::FindingKind;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::entry::on_main_goroutine;
use crate::analyses::expr::unparen;

use crate::analyses::concurrency::{findings_here, report_blocked, ConcurrencyModel};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports `select {}` outside the `main` function of a `main` package
    /// (and the functions of that package only `main` calls),
    /// and channel operations that run on a nil channel on some path (a
    /// channel variable declared but never made, a struct whose channel
    /// field is never set, a channel set to nil): such an operation blocks
    /// forever. Also a `sync.Cond` `Wait` that nothing can end: the Cond
    /// was made by the function (or a callee) and kept, and no code of the
    /// package ever calls `Signal` or `Broadcast`. The nil-channel and Cond
    /// cases come from exploring the function and the goroutines it starts.
    ///
    /// ## Why is this bad?
    /// A goroutine blocked forever is never collected. In `main`,
    /// `select {}` is a deliberate way to serve forever; anywhere else it
    /// parks the goroutine for the life of the process, and a receive or
    /// send on a nil channel does the same by accident.
    ///
    /// ## Example
    /// ```go
    /// package worker
    ///
    /// type Worker struct {
    /// 	jobs chan func()
    /// }
    ///
    /// func (w *Worker) Start() {
    /// 	go func() {
    /// 		for job := range w.jobs {
    /// 			job()
    /// 		}
    /// 	}()
    /// 	select {}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package worker
    ///
    /// type Worker struct {
    /// 	jobs chan func()
    /// }
    ///
    /// func (w *Worker) Start() {
    /// 	go func() {
    /// 		for job := range w.jobs {
    /// 			job()
    /// 		}
    /// 	}()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// `select {}` is not reported in tests, in `func main` of a `main`
    /// package, or in a function of that package only `main` calls; a
    /// server entry point of another package that a `main` calls (`func
    /// Serve() { ...; select {} }`) is reported, since the rule does not
    /// see which packages call it. A nil channel is reported only when the model sees where
    /// the channel's variable or struct is made and every assignment to it;
    /// a struct given to code the model cannot see may be set up there. A
    /// Cond wait is reported only in packages that never name `Signal` or
    /// `Broadcast`, and only when the loop around it is one the model can
    /// decide.
    pub struct BlockForever {
        name: "block-forever",
        code: "GR006",
        domain: Goroutine,
        category: Correctness,
        status: Preview,
        requires: &[ConcurrencyModel::ID],
    }
}

impl BlockForever {
    fn run(&self, cx: &mut Context<'_>) {
        if !cx.is_test() {
            for &sel in cx.nodes_of_kind(NodeKind::SelectStmt) {
                let Node::SelectStmt { body, .. } = *cx.node(sel) else {
                    continue;
                };
                let empty = match *cx.node(body) {
                    Node::BlockStmt { list, .. } => list.is_empty(),
                    _ => false,
                };
                if !empty || in_main(cx, sel) {
                    continue;
                }
                let d = cx
                    .diagnostic(sel, "`select {}` blocks this goroutine forever")
                    .with_help(
                        "return, or wait on something that ends (a context's Done channel, a \
                         channel closed at shutdown)",
                    );
                cx.report(d);
            }
        }
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::BlockedNil]) {
            // Only a channel nothing ever makes: one assigned a channel on
            // some path may well be set on every real path.
            if ever_made(cx, f.at.node) {
                continue;
            }
            report_blocked(
                cx,
                f,
                &[],
                "blocks forever on a nil channel",
                "make the channel before it is used (a nil channel blocks every send and \
                 receive), or leave the select case out instead of setting its channel to nil \
                 when no other case can end the wait",
            );
        }
        for f in findings_here(cx, &model, &[FindingKind::BlockedCond]) {
            report_blocked(
                cx,
                f,
                &[],
                "waits forever in Cond.Wait: nothing in the package signals it",
                "call Signal or Broadcast on the Cond where the condition it waits for \
                 becomes true (and on shutdown)",
            );
        }
    }
}

/// True when the channel an operation uses (a variable or a field) is
/// assigned something other than nil anywhere in the package, or the
/// operation's channel cannot be named.
fn ever_made(cx: &Context<'_>, op: NodeId) -> bool {
    let chans: Vec<NodeId> = match *cx.node(op) {
        Node::SendStmt { chan, .. } => vec![chan],
        Node::UnaryExpr { x, .. } => vec![x],
        Node::RangeStmt { x, .. } => vec![x],
        Node::SelectStmt { body, .. } => {
            let mut out = Vec::new();
            for id in cx.ast().walk(body) {
                match *cx.node(id) {
                    Node::SendStmt { chan, .. } => out.push(chan),
                    Node::UnaryExpr {
                        op: goguard_syntax::Tok::Arrow,
                        x,
                        ..
                    } => out.push(x),
                    _ => {}
                }
            }
            out
        }
        _ => return true,
    };
    chans.into_iter().any(|c| match *cx.node(unparen(cx, c)) {
        Node::Ident { .. } => match cx.model().resolve(cx.file(), unparen(cx, c)) {
            Some(b) => assigned_non_nil(cx, |file, lhs| cx.model().resolve(file, lhs) == Some(b)),
            None => true,
        },
        Node::SelectorExpr { sel, .. } => {
            let field = cx.text(sel).to_string();
            assigned_non_nil(cx, |file, lhs| {
                let f = &cx.model().files()[file];
                let ast = f.parsed.ast();
                match *ast.node(lhs) {
                    Node::SelectorExpr { sel, .. } => ast.text(sel, f.source) == field,
                    Node::Ident { .. } => ast.text(lhs, f.source) == field,
                    _ => false,
                }
            })
        }
        _ => true,
    })
}

/// True when some assignment (or composite literal key, or declaration
/// with a value) anywhere in the package stores a non-nil value into a
/// target `is_target` accepts.
fn assigned_non_nil(cx: &Context<'_>, is_target: impl Fn(usize, NodeId) -> bool) -> bool {
    for (fi, f) in cx.model().files().iter().enumerate() {
        let ast = f.parsed.ast();
        let is_nil =
            |e: NodeId| matches!(ast.node(e), Node::Ident { .. }) && ast.text(e, f.source) == "nil";
        for (_, node) in ast.nodes() {
            let (lhs, rhs): (Vec<NodeId>, Vec<NodeId>) = match *node {
                Node::AssignStmt { lhs, rhs, .. } => {
                    (ast.list(lhs).to_vec(), ast.list(rhs).to_vec())
                }
                Node::ValueSpec { names, values, .. } => {
                    (ast.list(names).to_vec(), ast.list(values).to_vec())
                }
                Node::KeyValueExpr { key, value, .. } => (vec![key], vec![value]),
                _ => continue,
            };
            for (i, &l) in lhs.iter().enumerate() {
                let value = if lhs.len() == rhs.len() {
                    rhs.get(i).copied()
                } else {
                    rhs.first().copied()
                };
                if is_target(fi, l) && !value.is_some_and(is_nil) && value.is_some() {
                    return true;
                }
            }
        }
    }
    false
}

/// True inside `func main` of a `main` package (a goroutine it starts
/// too), or on the goroutine of a function only `main` calls (of that
/// package, or of another package of the module).
fn in_main(cx: &Context<'_>, node: NodeId) -> bool {
    let Node::File { name, .. } = *cx.node(cx.root()) else {
        return false;
    };
    if cx.text(name) != "main" {
        // A function of another package only `main` calls.
        return on_main_goroutine(cx, node);
    }
    let is_main = |a: NodeId| match *cx.node(a) {
        Node::FuncDecl {
            recv: None, name, ..
        } => cx.text(name) == "main",
        _ => false,
    };
    cx.ancestors(node).any(is_main) || on_main_goroutine(cx, node)
}
