//! GR001 goroutine-loop-without-exit: a goroutine whose loop never ends and
//! waits on no stop signal, started by code that can run more than once.

use goguard_semantic::cfg::{BlockKind, ExitFilter};
use goguard_semantic::model::FileIdx;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::concurrency::{go_span, ConcurrencyModel};
use crate::analyses::loops::{calls_func, loop_header_span, started_lit};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a `go` statement whose goroutine can never end: its body (a
    /// function literal, or a function or method of the package) loops
    /// forever (`for { ... }`, `for range ticker.C`, `for range
    /// time.Tick(d)`) with no `return`, `break` or panic on any path, so no
    /// stop signal (a context's Done channel, a closed channel) can end it.
    /// Only goroutines started by code that runs more than once are
    /// reported: a method of a type with a `Close`, `Stop` or `Shutdown`
    /// method (the goroutine outlives the object), or a function the package
    /// calls from two places or from a loop outside its tests; never by
    /// `main`, `init`, `TestMain` or tests.
    ///
    /// ## Why is this bad?
    /// A goroutine that never ends lives as long as the process. Started by
    /// a constructor, a handler or a `Start` method, one more accumulates
    /// on every call, with everything it references; none of them can be
    /// stopped when its owner is closed.
    ///
    /// ## Example
    /// ```go
    /// package cache
    ///
    /// import "time"
    ///
    /// type Cache struct {
    /// 	items map[string]string
    /// }
    ///
    /// func (c *Cache) Start() {
    /// 	go func() {
    /// 		for range time.Tick(time.Minute) {
    /// 			c.items = map[string]string{}
    /// 		}
    /// 	}()
    /// }
    ///
    /// func (c *Cache) Close() {}
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package cache
    ///
    /// import "time"
    ///
    /// type Cache struct {
    /// 	items map[string]string
    /// 	stop  chan struct{}
    /// }
    ///
    /// func (c *Cache) Start() {
    /// 	go func() {
    /// 		t := time.NewTicker(time.Minute)
    /// 		defer t.Stop()
    /// 		for {
    /// 			select {
    /// 			case <-t.C:
    /// 				c.items = map[string]string{}
    /// 			case <-c.stop:
    /// 				return
    /// 			}
    /// 		}
    /// 	}()
    /// }
    ///
    /// func (c *Cache) Close() { close(c.stop) }
    /// ```
    ///
    /// ## Known limitations
    /// The goroutine's body is read as written: a loop left only through a
    /// call into another package that never returns, or through `goto`, is
    /// not recognised. Callers in other packages are not counted: a
    /// function called once here but many times elsewhere is missed.
    pub struct GoroutineLoopWithoutExit {
        name: "goroutine-loop-without-exit",
        code: "GR001",
        domain: Goroutine,
        category: Suspicious,
        status: Preview,
        in_tests: false,
        requires: &[ConcurrencyModel::ID],
    }
}

impl GoroutineLoopWithoutExit {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        for &go in cx.nodes_of_kind(NodeKind::GoStmt) {
            if started_once(cx, go) {
                continue;
            }
            let Some(spawner) = cx
                .ancestors(go)
                .find(|&a| matches!(cx.node(a), Node::FuncDecl { .. }))
            else {
                continue;
            };
            let Some(why) = runs_more_than_once(cx, spawner) else {
                continue;
            };
            let Some((file, func)) = goroutine_body(cx, go, &model) else {
                continue;
            };
            let Some(lp) = endless_loop(cx, file, func) else {
                continue;
            };
            let Node::GoStmt { call, .. } = *cx.node(go) else {
                continue;
            };
            let loop_span = if file == cx.file() {
                loop_header_span(cx, lp)
            } else {
                cx.span_in(file, lp)
            };
            let d = cx
                .diagnostic_at(
                    go_span(cx, goguard_concurrency::Loc::new(cx.file(), call)),
                    "goroutine never ends: its loop has no exit and waits on no stop signal",
                )
                .with_help(
                    "give the loop a way out: select on a context's Done channel or on a \
                     channel closed at shutdown, and return",
                )
                .with_related(loop_span, "loops forever")
                .with_related(cx.span(why.0), why.1);
            cx.report(d);
        }
    }
}

/// True for a `go` statement in `main`, `init` or `TestMain`: started once.
fn started_once(cx: &Context<'_>, go: NodeId) -> bool {
    cx.ancestors(go).any(|a| match *cx.node(a) {
        Node::FuncDecl {
            recv: None, name, ..
        } => matches!(cx.text(name), "main" | "init" | "TestMain"),
        _ => false,
    })
}

/// Why the function starting the goroutine can run more than once, as a
/// place and a label: it is a method of a type that can be stopped
/// (declares Close, Stop or Shutdown), which the goroutine outlives; or the
/// package calls it from two places or from a loop.
fn runs_more_than_once(cx: &Context<'_>, spawner: NodeId) -> Option<(NodeId, String)> {
    let Node::FuncDecl { recv, name, .. } = *cx.node(spawner) else {
        return None;
    };
    let fname = cx.text(name).to_string();
    if let Some(r) = recv {
        let recv_ty = receiver_named(cx, r)?;
        let decl = cx.model().type_decl(&recv_ty)?;
        if let Some(m) = decl
            .methods
            .iter()
            .find(|m| matches!(&*m.name, "Close" | "Stop" | "Shutdown"))
        {
            return Some((
                name,
                format!(
                    "{} has a {} method, which cannot stop this goroutine",
                    recv_ty.name, m.name
                ),
            ));
        }
    }
    // Calls of the function in the package.
    let mut sites = 0;
    let mut in_loop = None;
    for (fi, f) in cx.model().files().iter().enumerate() {
        // Tests calling a function many times say nothing of production.
        if f.is_test {
            continue;
        }
        let ast = f.parsed.ast();
        for (id, node) in ast.nodes() {
            let Node::CallExpr { fun, .. } = *node else {
                continue;
            };
            let called = match *ast.node(fun) {
                Node::Ident { .. } => ast.text(fun, f.source),
                Node::SelectorExpr { sel, .. } => ast.text(sel, f.source),
                _ => continue,
            };
            if called != fname {
                continue;
            }
            let callee = cx.model().callee(fi, id);
            let same = match (&callee, recv) {
                (goguard_semantic::model::Callee::Func(n), None) => {
                    &*n.pkg == cx.model().import_path() && *n.name == *fname
                }
                (goguard_semantic::model::Callee::Method { recv: r, name: n }, Some(rl)) => {
                    Some(r.clone()) == receiver_named(cx, rl) && **n == *fname
                }
                _ => false,
            };
            if !same {
                continue;
            }
            sites += 1;
            if fi == cx.file()
                && in_loop.is_none()
                && crate::analyses::loops::enclosing_loop(cx, id).is_some()
            {
                in_loop = Some(id);
            }
        }
    }
    if let Some(call) = in_loop {
        return Some((call, "called in a loop".to_string()));
    }
    (sites >= 2).then(|| (name, format!("called from {sites} places")))
}

/// The named type of a receiver list.
fn receiver_named(cx: &Context<'_>, list: NodeId) -> Option<goguard_semantic::types::NamedRef> {
    let Node::FieldList { list, .. } = *cx.node(list) else {
        return None;
    };
    let &field = cx.ast().list(list).first()?;
    let Node::Field {
        names, ty: Some(t), ..
    } = *cx.node(field)
    else {
        return None;
    };
    if let Some(&n) = cx.ast().list(names).first() {
        if let Some(b) = cx.model().resolve(cx.file(), n) {
            return cx.model().binding(b).ty.named_ref().cloned();
        }
    }
    cx.model().type_of(cx.file(), t).named_ref().cloned()
}

/// The function a `go` statement runs: a literal, or a function or method
/// of the package.
fn goroutine_body(
    cx: &Context<'_>,
    go: NodeId,
    model: &goguard_concurrency::Analysis,
) -> Option<(FileIdx, NodeId)> {
    if let Some(lit) = started_lit(cx, go) {
        return Some((cx.file(), lit));
    }
    let Node::GoStmt { call, .. } = *cx.node(go) else {
        return None;
    };
    let callee = cx.model().callee(cx.file(), call);
    let f = model.function(cx.model(), &callee)?;
    Some((f.file(), f.node))
}

/// A loop of the function that nothing ends: the function has no exit (no
/// return, panic or call that never returns) once the loop is entered,
/// ranging over a ticker or `time.Tick` counting as never done.
fn endless_loop(cx: &Context<'_>, file: FileIdx, func: NodeId) -> Option<NodeId> {
    let cfg = cx.cfg_in(file, func)?;
    let f = &cx.model().files()[file];
    let ast = f.parsed.ast();
    // The loops of the body, outermost first, outside nested literals.
    let mut loops = Vec::new();
    for n in ast.walk(func) {
        if n != func && matches!(ast.node(n), Node::FuncLit { .. }) {
            continue;
        }
        if let Node::ForStmt { cond: None, .. } | Node::RangeStmt { .. } = ast.node(n) {
            if cfg.locate(n).is_some() || matches!(ast.node(n), Node::ForStmt { .. }) {
                loops.push(n);
            }
        }
    }
    for lp in loops {
        let endless = match *ast.node(lp) {
            Node::ForStmt { .. } => true,
            Node::RangeStmt { x, .. } => ticks_forever(cx, file, x),
            _ => false,
        };
        if !endless {
            continue;
        }
        // A node of the loop's body to search from: the loop statement for
        // a range (its header node), else the first node of a body block.
        let from = match *ast.node(lp) {
            Node::RangeStmt { .. } => Some(lp),
            _ => cfg
                .blocks
                .iter()
                .find(|b| b.live && b.loop_stmt == Some(lp) && !b.nodes.is_empty())
                .and_then(|b| b.nodes.first().copied()),
        };
        let Some(from) = from else {
            continue;
        };
        let never_done = |_, b: &goguard_semantic::cfg::Block| {
            b.kind == BlockKind::RangeDone && b.stmt.is_some_and(|s| {
                matches!(*ast.node(s), Node::RangeStmt { x, .. } if ticks_forever(cx, file, x))
            })
        };
        let exit = cfg.path_to_exit_avoiding_blocks(
            from,
            ExitFilter::All,
            &mut |_| false,
            &mut |id, b| never_done(id, b),
        );
        if exit.is_none() {
            return Some(lp);
        }
    }
    None
}

/// True for the operand of a range that never ends: `time.Tick(d)`, or the
/// `C` field of a ticker.
fn ticks_forever(cx: &Context<'_>, file: FileIdx, x: NodeId) -> bool {
    let f = &cx.model().files()[file];
    let ast = f.parsed.ast();
    let mut x = x;
    for _ in 0..16 {
        match *ast.node(x) {
            Node::ParenExpr { x: inner, .. } => x = inner,
            _ => break,
        }
    }
    match *ast.node(x) {
        Node::CallExpr { .. } => {
            if file == cx.file() {
                calls_func(cx, x, "time", "Tick")
            } else {
                cx.model().callee(file, x).is_func("time", "Tick")
            }
        }
        Node::SelectorExpr { x: base, sel } => {
            ast.text(sel, f.source) == "C"
                && cx
                    .model()
                    .type_of(file, base)
                    .is_named_or_pointer("time", "Ticker")
        }
        _ => false,
    }
}
