//! RS011 exec-pipe-not-consumed.

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::{BindingId, BindingKind, Callee};
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::closers::{call_name, outlives_process};
use crate::analyses::expr::{closure_between, place_of, selector, unparen, Place};
use crate::analyses::flow::{anchor, LeakExit};
use crate::analyses::handoff::{passed_role_in_rule, ParamHandoffs};
use crate::analyses::release::{
    binding_of, call_results, find_leak, is_local_of, Obligation, UseRole,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds misuses of `os/exec` commands that leave a process or its
    /// output behind:
    /// - a command started with `Start` that is not waited for (`Wait`, or
    ///   `cmd.Process.Wait`) on some path to a return;
    /// - a pipe from `StdoutPipe` or `StderrPipe` that is never read, or
    ///   read only after `Wait`, or a command with such a pipe run with
    ///   `Run`, `Output` or `CombinedOutput`.
    ///
    /// The branch where `Start` failed needs no `Wait`. Handing the command
    /// off (returning it, storing it, passing it or its `Process` to a
    /// function outside the standard library, using it in a function
    /// literal) ends the check, and so does passing the pipe to any call or
    /// using it in a goroutine.
    ///
    /// ## Why is this bad?
    /// A started process that is never waited for stays a zombie until the
    /// parent exits, and the goroutines copying its output stay blocked.
    /// `Wait` closes the pipes: reading after it reads nothing, and a child
    /// whose output fills the pipe (64 KiB on Linux) blocks writing while
    /// the parent blocks in `Wait` — the classic exec deadlock, which `Run`
    /// with a pipe also produces.
    ///
    /// ## Example
    /// ```go
    /// package run
    ///
    /// import (
    ///     "io"
    ///     "os/exec"
    /// )
    ///
    /// func output(name string) ([]byte, error) {
    ///     cmd := exec.Command(name)
    ///     out, err := cmd.StdoutPipe()
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     if err := cmd.Start(); err != nil {
    ///         return nil, err
    ///     }
    ///     if err := cmd.Wait(); err != nil {
    ///         return nil, err
    ///     }
    ///     return io.ReadAll(out)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package run
    ///
    /// import (
    ///     "io"
    ///     "os/exec"
    /// )
    ///
    /// func output(name string) ([]byte, error) {
    ///     cmd := exec.Command(name)
    ///     out, err := cmd.StdoutPipe()
    ///     if err != nil {
    ///         return nil, err
    ///     }
    ///     if err := cmd.Start(); err != nil {
    ///         return nil, err
    ///     }
    ///     b, err := io.ReadAll(out)
    ///     if err != nil {
    ///         cmd.Wait()
    ///         return nil, err
    ///     }
    ///     return b, cmd.Wait()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files, nor in `func main` of package main
    ///   (the process's children are reaped when it exits).
    /// - Only commands and pipes held in local variables are followed; a
    ///   command received as a parameter stays its caller's to wait for.
    /// - "Read after Wait" is reported only when every read of the pipe
    ///   comes after the `Wait` on all paths.
    /// - `exec.Command` without a context is left to
    ///   context-not-propagated.
    /// - A preview rule (select it with `--select RS011`): it had only four
    ///   findings on the real trees reviewed, one of them a helper process
    ///   started on purpose to outlive the function (a logging binary).
    pub struct ExecPipeNotConsumed {
        name: "exec-pipe-not-consumed",
        code: "RS011",
        domain: Resource,
        category: Correctness,
        status: Preview,
        in_tests: false,
        requires: &[ParamHandoffs::ID],
    }
}

impl ExecPipeNotConsumed {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            let found = match exec_method(cx, call) {
                Some("Start") => check_start(cx, call),
                Some("StdoutPipe" | "StderrPipe") => check_pipe(cx, call),
                _ => None,
            };
            if let Some(d) = found {
                cx.report(d);
            }
        }
    }
}

/// The name of the `*exec.Cmd` method `call` calls.
fn exec_method<'a>(cx: &Context<'a>, call: NodeId) -> Option<&'a str> {
    match cx.model().callee(cx.file(), call) {
        Callee::Method { recv, .. } if recv.is("os/exec", "Cmd") => {
            let Node::CallExpr { fun, .. } = *cx.node(call) else {
                return None;
            };
            selector(cx, unparen(cx, fun)).map(|(_, n)| n)
        }
        _ => None,
    }
}

/// The local variable holding the command a method is called on (not a
/// parameter: a command given to the function stays its caller's).
fn command_of(cx: &Context<'_>, call: NodeId, func: NodeId) -> Option<BindingId> {
    let Node::CallExpr { fun, .. } = *cx.node(call) else {
        return None;
    };
    let (x, _) = selector(cx, unparen(cx, fun))?;
    let b = binding_of(cx, unparen(cx, x))?;
    (is_local_of(cx, b, func) && cx.model().binding(b).kind == BindingKind::Var).then_some(b)
}

/// `cmd.Start()` with a path to a return on which the command is neither
/// waited for nor handed off.
fn check_start(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let func = cx.enclosing_func(call)?;
    if outlives_process(cx, func) {
        return None;
    }
    let cmd = command_of(cx, call, func)?;
    let cfg = cx.cfg(func)?;
    let (creation, error) = match call_results(cx, call) {
        Some((stmt, &[err])) => (stmt, binding_of(cx, err)),
        _ => (anchor(cx, func, cfg, call)?, None),
    };
    let ob = Obligation {
        func,
        creation,
        binding: cmd,
        error,
        nil_exempt: false,
    };
    let classify = |cx: &Context<'_>, ident: NodeId| classify_command(cx, func, ident);
    let exit = find_leak(cx, &ob, &classify)?;
    let name = cx.model().binding(cmd).name.clone();
    let help = match exit {
        LeakExit::LoopBack(_) | LeakExit::Overwritten(_) => {
            format!("call {name}.Wait() before starting another command")
        }
        _ => format!(
            "call {name}.Wait() on every path after a successful Start, also when giving up early (after killing the process)"
        ),
    };
    Some(
        cx.diagnostic(
            call,
            format!(
                "the process started by {} is not waited for on every path",
                call_name(cx, call)
            ),
        )
        .with_help(help)
        .with_related(exit.span(cx), exit.label(&format!("waiting for {name}"))),
    )
}

/// What a use of the command variable does to the started process.
fn classify_command(cx: &Context<'_>, func: NodeId, ident: NodeId) -> UseRole {
    if closure_between(cx, ident, func).is_some() {
        return UseRole::Escape;
    }
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => {
            let called = matches!(place_of(cx, sel_expr), Place::Called { .. });
            match selector(cx, sel_expr).map(|(_, s)| s) {
                Some("Wait") if called => UseRole::Release,
                Some("Process") => process_use(cx, sel_expr),
                _ => UseRole::Other,
            }
        }
        Place::Argument { call, index } => passed_role_in_rule(cx, call, index),
        Place::AssignedTo { .. } => UseRole::Reassign,
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// What a use of `cmd.Process` does: its `Wait` and `Release` end the
/// process's life here, `Kill` and `Signal` do not; handing it off ends the
/// check.
fn process_use(cx: &Context<'_>, process: NodeId) -> UseRole {
    match place_of(cx, process) {
        Place::Selected { sel_expr } => {
            let called = matches!(place_of(cx, sel_expr), Place::Called { .. });
            match selector(cx, sel_expr).map(|(_, s)| s) {
                Some("Wait" | "Release") if called => UseRole::Release,
                _ => UseRole::Other,
            }
        }
        Place::Read => UseRole::Other,
        _ => UseRole::Escape,
    }
}

/// A pipe from `StdoutPipe`/`StderrPipe`: never read, read only after
/// `Wait`, or with the command run by `Run`/`Output`/`CombinedOutput`.
fn check_pipe(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let func = cx.enclosing_func(call)?;
    let cmd = command_of(cx, call, func)?;
    let (_, lhs) = call_results(cx, call)?;
    let pipe_expr = *lhs.first()?;
    // A discarded pipe (`_, err := cmd.StdoutPipe()`) is read by no one.
    let pipe = match binding_of(cx, pipe_expr) {
        Some(p) if is_local_of(cx, p, func) => Some(p),
        Some(_) => return None,
        None => None,
    };
    let cfg = cx.cfg(func)?;
    let which = call_name(cx, call);
    let pipe_name = cx.text(pipe_expr);
    // How the pipe is used: read here, or by a goroutine or literal.
    let mut reads = Vec::new();
    let mut concurrent = false;
    for u in pipe.map(|p| cx.model().uses(p)).unwrap_or(&[]) {
        if u.file != cx.file() {
            return None;
        }
        let in_go = cx
            .ancestors(u.ident)
            .take_while(|&a| a != func)
            .any(|a| matches!(cx.node(a), Node::GoStmt { .. }));
        if in_go || closure_between(cx, u.ident, func).is_some() {
            concurrent = true;
            continue;
        }
        let closing = matches!(place_of(cx, u.ident), Place::Selected { sel_expr }
            if selector(cx, sel_expr).map(|(_, s)| s) == Some("Close"));
        if closing || matches!(place_of(cx, u.ident), Place::Read) {
            continue;
        }
        reads.push(anchor(cx, func, cfg, u.ident)?);
    }
    // How the command is run.
    let mut waits = Vec::new();
    for u in cx.model().uses(cmd) {
        if u.file != cx.file() {
            return None;
        }
        if let Place::Selected { sel_expr } = place_of(cx, u.ident) {
            let Place::Called { call: run } = place_of(cx, sel_expr) else {
                continue;
            };
            match selector(cx, sel_expr).map(|(_, s)| s) {
                Some(m @ ("Run" | "Output" | "CombinedOutput")) if reads.is_empty() => {
                    let message = if concurrent {
                        format!("{m} closes the pipe from {which} when the command exits, maybe before its reader is done")
                    } else {
                        format!("{m} waits for the command while its pipe from {which} is read by no one")
                    };
                    return Some(
                        cx.diagnostic(run, message)
                            .with_help(format!(
                                "use Start, read {pipe_name} to the end, then Wait (or drop the pipe and use Output)"
                            ))
                            .with_related(cx.span(call), "the pipe is made here"),
                    );
                }
                Some("Wait") => waits.push(anchor(cx, func, cfg, run)?),
                _ => {}
            }
        } else if closure_between(cx, u.ident, func).is_none()
            && !matches!(place_of(cx, u.ident), Place::Read)
        {
            // The command is handed off: whoever gets it may read.
            return None;
        }
    }
    if concurrent {
        return None;
    }
    if reads.is_empty() {
        if waits.is_empty() {
            return None;
        }
        return Some(
            cx.diagnostic(call, format!("the pipe from {which} is never read"))
                .with_help(format!(
                    "read {pipe_name} to the end before Wait, or set the command's output to io.Discard or a buffer instead"
                ))
                .with_related(cx.span(waits[0]), "Wait blocks here once the child fills the pipe"),
        );
    }
    let late = waits
        .iter()
        .find(|&&w| reads.iter().all(|&r| r != w && cfg.dominates(w, r)))?;
    Some(
        cx.diagnostic(
            call,
            format!("the pipe from {which} is read only after Wait, which closes it"),
        )
        .with_help(format!("read {pipe_name} to the end before calling Wait"))
        .with_related(cx.span(*late), "Wait is called here"),
    )
}
