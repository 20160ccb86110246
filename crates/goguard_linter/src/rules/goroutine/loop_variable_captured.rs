//! GR002 loop-variable-captured: a closure that outlives the iteration
//! (goroutine, deferred call, errgroup task, parallel subtest) refers to a
//! variable declared by the loop header, before Go 1.22.

use std::collections::HashSet;

use goguard_semantic::model::{BindingId, BindingKind};
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::fixes::insert_first_in_block;
use crate::analyses::loops::{
    contains, loop_body, method_call_parts, runs_again, started_lit, unparen, visit,
};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// Reports a function literal that refers to a variable declared by the
    /// header of an enclosing `for` or `range` statement when the literal
    /// runs after the iteration may have moved on: started with `go`,
    /// deferred, handed to an `errgroup.Group`'s `Go`, or run as a subtest
    /// that calls `t.Parallel()`. Only files whose Go version is below 1.22
    /// are checked.
    ///
    /// ## Why is this bad?
    /// Before Go 1.22 a loop declares its variables once and updates them on
    /// every iteration. A goroutine or deferred closure that captures one
    /// sees whatever value it holds when the closure runs, usually the last
    /// one: all goroutines process the same item, all deferred calls close
    /// the same file. Unlike `go vet`, every such closure in the body is
    /// checked, not only the last statement.
    ///
    /// ## Example
    /// ```go
    /// package fanout
    ///
    /// import "sync"
    ///
    /// func each(items []string, handle func(string)) {
    /// 	var wg sync.WaitGroup
    /// 	for _, it := range items {
    /// 		wg.Add(1)
    /// 		go func() {
    /// 			defer wg.Done()
    /// 			handle(it)
    /// 		}()
    /// 	}
    /// 	wg.Wait()
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fanout
    ///
    /// import "sync"
    ///
    /// func each(items []string, handle func(string)) {
    /// 	var wg sync.WaitGroup
    /// 	for _, it := range items {
    /// 		wg.Add(1)
    /// 		go func(it string) {
    /// 			defer wg.Done()
    /// 			handle(it)
    /// 		}(it)
    /// 	}
    /// 	wg.Wait()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// A loop that waits for its goroutine before the next iteration
    /// (`go ...; wg.Wait()` inside the body) is still reported. Closures
    /// stored in variables or passed to other functions are not followed.
    /// errgroup is recognised by the `golang.org/x/sync/errgroup` import.
    pub struct LoopVariableCaptured {
        name: "loop-variable-captured",
        code: "GR002",
        domain: Goroutine,
        category: Correctness,
        status: Stable,
        go_below: (1, 22),
    }
}

/// How the closure outlives the iteration, for the message.
#[derive(Clone, Copy)]
enum Late {
    Go,
    Defer,
    Errgroup,
    ParallelSubtest,
}

impl Late {
    fn describe(self) -> &'static str {
        match self {
            Late::Go => "goroutine",
            Late::Defer => "deferred closure",
            Late::Errgroup => "errgroup task",
            Late::ParallelSubtest => "parallel subtest",
        }
    }
}

impl LoopVariableCaptured {
    fn run(&self, cx: &mut Context<'_>) {
        let mut loops = cx.nodes_of_kind(NodeKind::ForStmt).to_vec();
        loops.extend_from_slice(cx.nodes_of_kind(NodeKind::RangeStmt));
        loops.sort();
        let mut reported: HashSet<(NodeId, BindingId)> = HashSet::new();
        for loop_stmt in loops {
            let vars = header_vars(cx, loop_stmt);
            if vars.is_empty() {
                continue;
            }
            let Some(body) = loop_body(cx, loop_stmt) else {
                continue;
            };
            for (lit, late, start) in late_closures(cx, body) {
                if joined_in_iteration(cx, body, start) {
                    continue;
                }
                // A parallel subtest runs in place until `t.Parallel()`:
                // uses before it (`tt := tt`) see this iteration's value.
                let from = match late {
                    Late::ParallelSubtest => parallel_call_end(cx, lit),
                    _ => 0,
                };
                for &(var, decl) in &vars {
                    let Some(use_ident) = first_use_in(cx, var, lit, from) else {
                        continue;
                    };
                    if !reported.insert((lit, var)) {
                        continue;
                    }
                    let Some(func) = cx.enclosing_func(loop_stmt) else {
                        continue;
                    };
                    if runs_again(cx, func, start) == Some(false) {
                        continue;
                    }
                    let name = cx.text(decl);
                    let diagnostic = cx
                        .diagnostic(
                            use_ident,
                            format!(
                                "{} captures loop variable `{name}`, shared by all iterations \
                                 before go 1.22",
                                late.describe()
                            ),
                        )
                        .with_help(format!(
                            "pass `{name}` to the function literal as an argument, or copy it \
                             in the loop body (`{name} := {name}`)"
                        ))
                        .with_related(cx.span(decl), "loop variable declared here");
                    // A copy at the top of the body gives each iteration its
                    // own variable, unless the body changes it.
                    let copy = format!("{name} := {name}");
                    let diagnostic = match (!written_in(cx, var, body))
                        .then(|| {
                            insert_first_in_block(
                                cx,
                                body,
                                &copy,
                                &format!("copy the loop variable: `{copy}`"),
                            )
                        })
                        .flatten()
                    {
                        Some(fix) => diagnostic.with_fix(fix),
                        None => diagnostic,
                    };
                    cx.report(diagnostic);
                }
            }
        }
    }
}

/// The variables a loop header declares, with their declaring identifiers.
fn header_vars(cx: &Context<'_>, loop_stmt: NodeId) -> Vec<(BindingId, NodeId)> {
    let idents: Vec<NodeId> = match *cx.node(loop_stmt) {
        Node::ForStmt {
            init: Some(init), ..
        } => match *cx.node(init) {
            Node::AssignStmt {
                lhs,
                tok: Tok::Define,
                ..
            } => cx.ast().list(lhs).to_vec(),
            _ => Vec::new(),
        },
        Node::RangeStmt {
            key,
            value,
            tok: Tok::Define,
            ..
        } => key.into_iter().chain(value).collect(),
        _ => Vec::new(),
    };
    let written_by_header = matches!(
        cx.node(loop_stmt),
        Node::RangeStmt { .. } | Node::ForStmt { post: Some(_), .. }
    );
    idents
        .into_iter()
        .filter(|&id| matches!(cx.node(id), Node::Ident { .. }) && cx.text(id) != "_")
        .filter_map(|id| {
            let b = cx.model().resolve(cx.file(), id)?;
            let binding = cx.model().binding(b);
            let ok = binding.kind == BindingKind::Var
                && binding.decl == Some((cx.file(), id))
                && (written_by_header || written_in(cx, b, loop_stmt));
            ok.then_some((b, id))
        })
        .collect()
}

/// The function literals inside `body` that run after the iteration may
/// have moved on, with how they do and the statement that starts them.
fn late_closures(cx: &Context<'_>, body: NodeId) -> Vec<(NodeId, Late, NodeId)> {
    let mut out = Vec::new();
    visit(cx, body, |id| {
        match *cx.node(id) {
            // A defer inside a function literal runs when that literal
            // returns: within the iteration when it is called in place.
            Node::DeferStmt { .. } if inside_func_lit(cx, body, id) => {}
            Node::GoStmt { .. } | Node::DeferStmt { .. } => {
                if let Some(lit) = started_lit(cx, id) {
                    let late = if matches!(cx.node(id), Node::GoStmt { .. }) {
                        Late::Go
                    } else {
                        Late::Defer
                    };
                    out.push((lit, late, id));
                    // Closures nested in this one are covered by it.
                    return false;
                }
            }
            Node::CallExpr { args, .. } => {
                let args = cx.ast().list(args);
                if let Some(&last) = args.last() {
                    let lit = unparen(cx, last);
                    if matches!(cx.node(lit), Node::FuncLit { .. }) {
                        if args.len() == 1 && is_errgroup_go(cx, id) {
                            out.push((lit, Late::Errgroup, id));
                            return false;
                        } else if args.len() == 2 && is_parallel_subtest(cx, id, lit) {
                            out.push((lit, Late::ParallelSubtest, id));
                            return false;
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    out
}

/// True when a function literal lies between `body` and `node`.
fn inside_func_lit(cx: &Context<'_>, body: NodeId, node: NodeId) -> bool {
    cx.ancestors(node)
        .take_while(|&p| p != body)
        .any(|p| matches!(cx.node(p), Node::FuncLit { .. }))
}

/// True when the loop body waits for the closure started by `start` before
/// the iteration ends: after `start`, and outside function literals, it
/// receives from a channel the closure sends on or closes, or calls `Wait`
/// on a WaitGroup or errgroup the closure (or its start) mentions. The loop
/// variable cannot change while the closure runs.
fn joined_in_iteration(cx: &Context<'_>, body: NodeId, start: NodeId) -> bool {
    let ast = cx.ast();
    // Bindings the closure or its start could signal through.
    let mut signals: HashSet<BindingId> = HashSet::new();
    visit(cx, start, |id| {
        if matches!(cx.node(id), Node::Ident { .. }) {
            if let Some(b) = cx.model().resolve(cx.file(), id) {
                if matches!(
                    cx.model().binding(b).kind,
                    BindingKind::Var | BindingKind::Param
                ) {
                    signals.insert(b);
                }
            }
        }
        true
    });
    if signals.is_empty() {
        return false;
    }
    let after = ast.end(start);
    // The join must happen in the function that runs the start statement:
    // the loop body, or a literal inside it called in place (a subtest).
    let scope = cx
        .ancestors(start)
        .take_while(|&p| p != body)
        .find(|&p| matches!(cx.node(p), Node::FuncLit { .. }))
        .unwrap_or(body);
    let mut joined = false;
    visit(cx, scope, |id| {
        if joined || ast.end(id) <= after && !contains(cx, id, start) {
            return false;
        }
        match *cx.node(id) {
            Node::FuncLit { .. } if id != scope => return false,
            Node::UnaryExpr {
                op: Tok::Arrow, x, ..
            } if ast.pos(id) >= after => {
                let x = unparen(cx, x);
                joined |= cx
                    .model()
                    .resolve(cx.file(), x)
                    .is_some_and(|b| signals.contains(&b));
            }
            Node::CallExpr { .. } if ast.pos(id) >= after => {
                if let Some((recv, "Wait")) = method_call_parts(cx, id) {
                    let recv = unparen(cx, recv);
                    joined |= cx
                        .model()
                        .resolve(cx.file(), recv)
                        .is_some_and(|b| signals.contains(&b));
                }
            }
            _ => {}
        }
        !joined
    });
    joined
}

/// The first identifier inside `lit`, at or after offset `from`, that
/// refers to `var`.
fn first_use_in(cx: &Context<'_>, var: BindingId, lit: NodeId, from: u32) -> Option<NodeId> {
    cx.model()
        .uses(var)
        .iter()
        .find(|u| {
            u.file == cx.file() && contains(cx, lit, u.ident) && cx.ast().pos(u.ident) >= from
        })
        .map(|u| u.ident)
}

/// The end of the `t.Parallel()` statement in a subtest's literal (0 when
/// there is none).
fn parallel_call_end(cx: &Context<'_>, lit: NodeId) -> u32 {
    let Node::FuncLit { body, .. } = *cx.node(lit) else {
        return 0;
    };
    let Node::BlockStmt { list, .. } = *cx.node(body) else {
        return 0;
    };
    cx.ast()
        .list(list)
        .iter()
        .find(|&&s| match *cx.node(s) {
            Node::ExprStmt { x } => {
                let x = unparen(cx, x);
                matches!(cx.node(x), Node::CallExpr { .. })
                    && cx
                        .model()
                        .callee(cx.file(), x)
                        .is_method("testing", "T", "Parallel")
            }
            _ => false,
        })
        .map_or(0, |&s| cx.ast().end(s))
}

/// `g.Go(func() error { ... })` on a `golang.org/x/sync/errgroup` Group.
fn is_errgroup_go(cx: &Context<'_>, call: NodeId) -> bool {
    const ERRGROUP: &str = "golang.org/x/sync/errgroup";
    let callee = cx.model().callee(cx.file(), call);
    if callee.is_method(ERRGROUP, "Group", "Go") {
        return true;
    }
    let Some((recv, "Go")) = method_call_parts(cx, call) else {
        return false;
    };
    let ty = cx.model().type_of(cx.file(), recv);
    if ty.is_named_or_pointer(ERRGROUP, "Group") {
        return true;
    }
    // `g, ctx := errgroup.WithContext(ctx)` when the package is unknown.
    let recv = unparen(cx, recv);
    if !matches!(cx.node(recv), Node::Ident { .. }) {
        return false;
    }
    let Some(b) = cx.model().resolve(cx.file(), recv) else {
        return false;
    };
    let Some((file, decl)) = cx.model().binding(b).decl else {
        return false;
    };
    if file != cx.file() {
        return false;
    }
    let Some(assign) = cx.parent(decl) else {
        return false;
    };
    let Node::AssignStmt { rhs, .. } = *cx.node(assign) else {
        return false;
    };
    cx.ast().list(rhs).iter().any(|&r| {
        let r = unparen(cx, r);
        matches!(cx.node(r), Node::CallExpr { .. })
            && crate::analyses::loops::calls_func(cx, r, ERRGROUP, "WithContext")
    })
}

/// `t.Run(name, func(t *testing.T) { t.Parallel(); ... })`.
fn is_parallel_subtest(cx: &Context<'_>, call: NodeId, lit: NodeId) -> bool {
    let callee = cx.model().callee(cx.file(), call);
    callee.is_method("testing", "T", "Run") && parallel_call_end(cx, lit) > 0
}

/// True when `var` is assigned, incremented or has its address taken
/// inside `stmt`: only then do iterations share a changing value.
fn written_in(cx: &Context<'_>, var: BindingId, stmt: NodeId) -> bool {
    cx.model().uses(var).iter().any(|u| {
        if u.file != cx.file() || !contains(cx, stmt, u.ident) {
            return false;
        }
        let Some(parent) = cx.parent(u.ident) else {
            return false;
        };
        match *cx.node(parent) {
            Node::AssignStmt { lhs, .. } => cx.ast().list(lhs).contains(&u.ident),
            Node::IncDecStmt { .. } => true,
            Node::UnaryExpr { op: Tok::And, .. } => true,
            _ => false,
        }
    })
}
