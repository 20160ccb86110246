//! RS006 ticker-not-stopped.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::load::GoVersion;
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

use crate::analyses::closers::escapes;
use crate::analyses::expr::{func_var_target, outer_paren, place_of, selector, Place};
use crate::analyses::fixes::{in_block_outside_loops, insert_after};
use crate::analyses::flow::{anchor, leak_path, LeakExit, Search};
use crate::analyses::release::{
    binding_of, call_results, find_leak, is_blank, is_local_of, Obligation, UseRole,
};
use crate::declare_rule;
use crate::engine::Context;

declare_rule! {
    /// ## What it does
    /// In a module whose `go.mod` declares a Go version below 1.23, finds
    /// tickers from `time.NewTicker` and timers from `time.NewTimer` that are
    /// not stopped on some path from their creation to a return, tickers
    /// that are discarded, and `time.Tick` (or `time.NewTicker(d).C`) in a
    /// function that can return. A call through a package-level variable
    /// holding one of these functions (`var newTicker = time.NewTicker`,
    /// replaced in tests) counts as a call of the function.
    ///
    /// Handing the ticker off counts as stopping it: returning it, storing it
    /// in a field, variable, map, slice or struct literal, sending it,
    /// passing it to a call, or using it in a function literal that outlives
    /// the statement (a goroutine ranging over `t.C` owns the ticker). A
    /// timer whose channel has been received from has fired and needs no
    /// stop on that path.
    ///
    /// ## Why is this bad?
    /// Before Go 1.23 the runtime keeps every started ticker until it is
    /// stopped: an unstopped ticker ticks, and holds its memory, for the rest
    /// of the process even when nothing references it, and an unstopped
    /// timer stays allocated until it fires. A function that leaves one
    /// behind on each call leaks one per call. Since Go 1.23 (when the main
    /// module declares `go 1.23` or later) unreferenced tickers and timers
    /// are garbage collected, so the rule does not report there.
    ///
    /// ## Example
    /// ```go
    /// package poll
    ///
    /// import "time"
    ///
    /// func waitReady(ready func() bool, attempts int) bool {
    ///     t := time.NewTicker(100 * time.Millisecond)
    ///     for i := 0; i < attempts; i++ {
    ///         if ready() {
    ///             return true
    ///         }
    ///         <-t.C
    ///     }
    ///     t.Stop()
    ///     return false
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package poll
    ///
    /// import "time"
    ///
    /// func waitReady(ready func() bool, attempts int) bool {
    ///     t := time.NewTicker(100 * time.Millisecond)
    ///     defer t.Stop()
    ///     for i := 0; i < attempts; i++ {
    ///         if ready() {
    ///             return true
    ///         }
    ///         <-t.C
    ///     }
    ///     return false
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files, whose tickers end with the test binary.
    /// - The version that matters is the main module's `go` line; the rule
    ///   is silent from go 1.23 on, including for tickers kept alive by a
    ///   goroutine that never ends (a goroutine problem, not a ticker one).
    ///   Files whose own version is 1.23 or later (`//go:build go1.23`) are
    ///   skipped too.
    /// - Any function literal using the ticker, other than one called on the
    ///   spot, counts as taking it over.
    /// - `time.Tick` is not reported in `func main` of package main, nor in
    ///   functions that never return (an endless loop).
    /// - Going round a loop back to the call while the previous value is
    ///   still held is reported as a leak of that value; the path is not
    ///   followed further.
    pub struct TickerNotStopped {
        name: "ticker-not-stopped",
        code: "RS006",
        domain: Resource,
        category: Correctness,
        status: Stable,
        go_below: (1, 23),
        in_tests: false,
    }
}

/// Unreferenced tickers and timers are collected from this version on.
const COLLECTED_FROM: GoVersion = GoVersion::new(1, 23);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NewTicker,
    NewTimer,
    Tick,
}

impl TickerNotStopped {
    fn run(&self, cx: &mut Context<'_>) {
        if cx.main_module_go_version() >= COLLECTED_FROM {
            return;
        }
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

fn kind_of(cx: &Context<'_>, call: NodeId) -> Option<Kind> {
    // `var newTicker = time.NewTicker` is time.NewTicker.
    let callee = match cx.model().callee(cx.file(), call) {
        Callee::Value(_) => Callee::Func(func_var_target(cx, call)?),
        c => c,
    };
    match callee {
        Callee::Func(n) if n.is("time", "NewTicker") => Some(Kind::NewTicker),
        Callee::Func(n) if n.is("time", "NewTimer") => Some(Kind::NewTimer),
        Callee::Func(n) if n.is("time", "Tick") => Some(Kind::Tick),
        _ => None,
    }
}

/// Why leaving it unstopped matters, for the module's version.
fn consequence(cx: &Context<'_>, kind: Kind) -> String {
    let v = cx.main_module_go_version();
    match kind {
        Kind::NewTimer => format!("with go {v} in go.mod it stays allocated until it fires"),
        _ => format!("with go {v} in go.mod an unstopped ticker is never garbage collected"),
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let kind = kind_of(cx, call)?;
    let func = cx.enclosing_func(call)?;
    let outer = outer_paren(cx, call);
    let parent = cx.parent(outer)?;
    // `time.NewTicker(d).C`: nothing can ever stop that ticker.
    let unreferenced_ticker = kind == Kind::NewTicker
        && matches!(place_of(cx, call), Place::Selected { sel_expr }
            if selector(cx, sel_expr).map(|(_, s)| s) == Some("C"));
    if unreferenced_ticker || (kind == Kind::Tick && call_results(cx, call).is_none()) {
        return check_unreferenced(cx, func, call, kind);
    }
    let discarded = kind != Kind::NewTimer
        && (matches!(cx.node(parent), Node::ExprStmt { .. })
            || matches!(call_results(cx, call), Some((_, &[lhs])) if is_blank(cx, lhs)));
    if discarded {
        let what = if kind == Kind::Tick {
            "the channel of time.Tick"
        } else {
            "the ticker from time.NewTicker"
        };
        return Some(
            cx.diagnostic(
                call,
                format!(
                    "{what} is discarded without being stopped; {}",
                    consequence(cx, Kind::NewTicker)
                ),
            )
            .with_help("remove the call, or keep the ticker and stop it when done"),
        );
    }
    let (stmt, &[lhs]) = call_results(cx, call)? else {
        return None;
    };
    let binding = binding_of(cx, lhs)?;
    if !is_local_of(cx, binding, func) {
        return None;
    }
    if kind == Kind::Tick && !can_return(cx, func) {
        return None;
    }
    let name = cx.text(lhs);
    let ob = Obligation {
        func,
        creation: stmt,
        binding,
        error: None,
        nil_exempt: true,
    };
    let classify = |cx: &Context<'_>, ident: NodeId| classify_use(cx, ident, kind);
    let exit = find_leak(cx, &ob, &classify)?;
    let what = match kind {
        Kind::NewTicker => "the ticker from time.NewTicker",
        Kind::NewTimer => "the timer from time.NewTimer",
        Kind::Tick => return Some(unstoppable(cx, call, kind, exit)),
    };
    let label = exit.label(&format!("stopping {name}"));
    let help = match exit {
        LeakExit::LoopBack(_) => format!(
            "stop {name} before the loop makes the next one (a `defer` in a loop waits for the function to return)"
        ),
        _ => format!("stop it on every path, usually with `defer {name}.Stop()` right after the call"),
    };
    let mut d = cx
        .diagnostic(
            call,
            format!(
                "{what} is not stopped on every path; {}",
                consequence(cx, kind)
            ),
        )
        .with_help(help)
        .with_related(exit.span(cx), label);
    // `defer t.Stop()` right after the call, when nothing else takes it.
    let fixable = matches!(exit, LeakExit::Return(_) | LeakExit::FallOff(_))
        && in_block_outside_loops(cx, stmt, func)
        && !escapes(cx, &ob, &classify);
    if fixable {
        let deferred = format!("defer {name}.Stop()");
        if let Some(fix) = insert_after(cx, stmt, &deferred, &format!("add `{deferred}`")) {
            d = d.with_fix(fix);
        }
    }
    Some(d)
}

/// `time.Tick(d)` or `time.NewTicker(d).C` used in place: reported when the
/// function can return after it.
fn check_unreferenced(
    cx: &Context<'_>,
    func: NodeId,
    call: NodeId,
    kind: Kind,
) -> Option<Diagnostic> {
    if !can_return(cx, func) {
        return None;
    }
    let cfg = cx.cfg(func)?;
    let at = anchor(cx, func, cfg, call)?;
    // `for range time.Tick(d)` only ends by break or return: the channel
    // is never closed.
    let ranged = match cx.parent(outer_paren(cx, call)).map(|p| (p, cx.node(p))) {
        Some((p, &Node::RangeStmt { x, .. })) if x == outer_paren(cx, call) => Some(p),
        _ => None,
    };
    let prune = |cond: NodeId, taken: bool, _facts: bool| !taken && Some(cond) == ranged;
    let search = Search {
        stop: &|_| false,
        prune: &prune,
        kill_facts: &|_| false,
        overwrite: &|_| false,
        holds: &|_| false,
        loop_back_leaks: false,
        ignore_exit: &|_| false,
    };
    let exit = leak_path(cx, func, cfg, at, &search)?;
    Some(unstoppable(cx, call, kind, exit))
}

/// The finding for a ticker nothing can stop (`time.Tick`,
/// `time.NewTicker(d).C`) in a function that can return.
fn unstoppable(cx: &Context<'_>, call: NodeId, kind: Kind, exit: LeakExit) -> Diagnostic {
    let what = match kind {
        Kind::Tick => "time.Tick",
        _ => "time.NewTicker(...).C",
    };
    let label = match exit {
        LeakExit::Return(_) => "returns here, leaving the ticker running",
        LeakExit::FallOff(_) | LeakExit::LoopBack(_) | LeakExit::Overwritten(_) => {
            "the function ends here, leaving the ticker running"
        }
    };
    cx.diagnostic(
        call,
        format!(
            "{what} starts a ticker that nothing can stop and this function can return; {}",
            consequence(cx, Kind::Tick)
        ),
    )
    .with_help("use time.NewTicker and `defer t.Stop()`, or declare go 1.23 or later in go.mod")
    .with_related(exit.span(cx), label)
}

/// False for `func main` of package main, which ends the process.
fn can_return(cx: &Context<'_>, func: NodeId) -> bool {
    match *cx.node(func) {
        Node::FuncDecl {
            recv: None, name, ..
        } => {
            let package_main = match *cx.node(cx.root()) {
                Node::File { name, .. } => cx.text(name) == "main",
                _ => false,
            };
            !(package_main && cx.text(name) == "main")
        }
        _ => true,
    }
}

/// What a use of the ticker (or timer, or Tick channel) variable does.
fn classify_use(cx: &Context<'_>, ident: NodeId, kind: Kind) -> UseRole {
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => {
            let method = selector(cx, sel_expr).map(|(_, s)| s);
            match method {
                Some("Stop") if matches!(place_of(cx, sel_expr), Place::Called { .. }) => {
                    UseRole::Release
                }
                // A timer whose channel delivered has fired: nothing to stop.
                Some("C") if kind == Kind::NewTimer && is_received(cx, sel_expr) => {
                    UseRole::Release
                }
                _ => UseRole::Other,
            }
        }
        Place::AssignedTo { .. } => UseRole::Reassign,
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// `<-x` (in a statement, an assignment or a select case).
fn is_received(cx: &Context<'_>, x: NodeId) -> bool {
    let x = outer_paren(cx, x);
    matches!(
        cx.parent(x).map(|p| cx.node(p)),
        Some(Node::UnaryExpr { op: Tok::Arrow, .. })
    )
}
