//! RS012 bufio-writer-not-flushed.

use std::collections::HashSet;

use goguard_diagnostics::Diagnostic;
use goguard_semantic::model::Callee;
use goguard_syntax::{Node, NodeId, NodeKind};

use crate::analyses::expr::{closure_between, place_of, selector, Place};
use crate::analyses::flow::{anchor, leak_path, reports_failure, LeakExit, Search};
use crate::analyses::handoff::{passed_role_in_rule, ParamHandoffs};
use crate::analyses::release::{binding_of, call_results, is_local_of, UseRole};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Finds a `bufio.Writer` (from `bufio.NewWriter` or `NewWriterSize`)
    /// that is written to and then reaches a successful return without a
    /// `Flush` on some path.
    ///
    /// A write is a method call on the writer (`WriteString`, `Write`...)
    /// or passing it to a standard-library function (`fmt.Fprintf(w, ...)`,
    /// `io.Copy(w, r)`). Returns that report a failure (`return err` inside
    /// `if err != nil`, `return fmt.Errorf(...)`) need no flush: the output
    /// is incomplete anyway. A flush deferred before the write covers it. Handing the writer off
    /// (returning it, storing it, passing it to a function outside the
    /// standard library, using it in a function literal) ends the check.
    ///
    /// ## Why is this bad?
    /// A `bufio.Writer` keeps up to its buffer size (4096 bytes by default)
    /// in memory and writes it to the underlying writer only when the buffer
    /// fills or `Flush` is called. Without the final `Flush` the tail of the
    /// output is silently lost: a file ends mid-line, a response body is cut
    /// short, and nothing reports an error.
    ///
    /// ## Example
    /// ```go
    /// package report
    ///
    /// import (
    ///     "bufio"
    ///     "fmt"
    ///     "io"
    /// )
    ///
    /// func write(out io.Writer, rows []string) error {
    ///     w := bufio.NewWriter(out)
    ///     for _, r := range rows {
    ///         if _, err := fmt.Fprintln(w, r); err != nil {
    ///             return err
    ///         }
    ///     }
    ///     return nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package report
    ///
    /// import (
    ///     "bufio"
    ///     "fmt"
    ///     "io"
    /// )
    ///
    /// func write(out io.Writer, rows []string) error {
    ///     w := bufio.NewWriter(out)
    ///     for _, r := range rows {
    ///         if _, err := fmt.Fprintln(w, r); err != nil {
    ///             return err
    ///         }
    ///     }
    ///     return w.Flush()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// - Not run in `_test.go` files and test helpers, where an early
    ///   return usually abandons the output on purpose.
    /// - Only writers held in a local variable are followed.
    /// - A return counts as reporting a failure when its error is made on
    ///   the spot (`fmt.Errorf`, `errors.New`, a function named for errors)
    ///   or was just found non-nil by an enclosing `if`; other returns
    ///   count as successful ones.
    /// - Writes through a value made from the writer (`json.NewEncoder(w)`)
    ///   count as a write where that value is made.
    pub struct BufioWriterNotFlushed {
        name: "bufio-writer-not-flushed",
        code: "RS012",
        domain: Resource,
        category: Correctness,
        status: Stable,
        in_tests: false,
        requires: &[ParamHandoffs::ID],
    }
}

impl BufioWriterNotFlushed {
    fn run(&self, cx: &mut Context<'_>) {
        for &call in cx.nodes_of_kind(NodeKind::CallExpr) {
            if let Some(d) = check_call(cx, call) {
                cx.report(d);
            }
        }
    }
}

/// Methods of `bufio.Writer` that do not write.
const NOT_WRITING: &[&str] = &["Available", "AvailableBuffer", "Buffered", "Size", "Reset"];

/// What a use of the writer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriterUse {
    Write,
    /// Flushed, handed off or replaced: the check ends.
    End,
    Neutral,
}

fn classify(cx: &Context<'_>, func: NodeId, ident: NodeId) -> WriterUse {
    if closure_between(cx, ident, func).is_some() {
        return WriterUse::End;
    }
    match place_of(cx, ident) {
        Place::Selected { sel_expr } => {
            let name = selector(cx, sel_expr).map(|(_, s)| s).unwrap_or("");
            let called = matches!(place_of(cx, sel_expr), Place::Called { .. });
            match (name, called) {
                ("Flush", true) => WriterUse::End,
                (_, false) => WriterUse::End,
                (n, true) if NOT_WRITING.contains(&n) => WriterUse::Neutral,
                _ => WriterUse::Write,
            }
        }
        Place::Argument { call, index } => match passed_role_in_rule(cx, call, index) {
            UseRole::Other => WriterUse::Write,
            _ => WriterUse::End,
        },
        Place::Read => WriterUse::Neutral,
        _ => WriterUse::End,
    }
}

fn check_call(cx: &Context<'_>, call: NodeId) -> Option<Diagnostic> {
    let made = match cx.model().callee(cx.file(), call) {
        Callee::Func(n) if n.is("bufio", "NewWriter") || n.is("bufio", "NewWriterSize") => n,
        _ => return None,
    };
    let func = cx.enclosing_func(call)?;
    let (_, &[lhs]) = call_results(cx, call)? else {
        return None;
    };
    let binding = binding_of(cx, lhs)?;
    if !is_local_of(cx, binding, func) {
        return None;
    }
    let cfg = cx.cfg(func)?;
    let mut writes = Vec::new();
    let mut ends = HashSet::new();
    for u in cx.model().uses(binding) {
        if u.file != cx.file() {
            return None;
        }
        let at = anchor(cx, func, cfg, u.ident)?;
        match classify(cx, func, u.ident) {
            WriterUse::Write => writes.push(at),
            WriterUse::End => {
                ends.insert(at);
            }
            WriterUse::Neutral => {}
        }
    }
    let failure_exit =
        |e: LeakExit| matches!(e, LeakExit::Return(r) if reports_failure(cx, func, r));
    let stop = |n: NodeId| ends.contains(&n);
    let search = Search {
        ignore_exit: &failure_exit,
        ..Search::stopping_at(&stop)
    };
    // A flush deferred (or a literal installed) before the write covers it.
    let deferred: Vec<NodeId> = ends
        .iter()
        .copied()
        .filter(|&e| matches!(cx.node(e), Node::DeferStmt { .. }))
        .collect();
    for w in writes {
        // A write that is also a flush or hand-off ends its own path.
        if ends.contains(&w) || deferred.iter().any(|&d| cfg.dominates(d, w)) {
            continue;
        }
        let Some(exit) = leak_path(cx, func, cfg, w, &search) else {
            continue;
        };
        let name = cx.text(lhs);
        return Some(
            cx.diagnostic(
                call,
                format!(
                    "the writer from bufio.{} is written to but not flushed on every path",
                    made.name
                ),
            )
            .with_help(format!(
                "call {name}.Flush() (and check its error) before returning, or the buffered tail of the output is lost"
            ))
            .with_related(cx.span(w), "written here")
            .with_related(exit.span(cx), exit.label(&format!("flushing {name}"))),
        );
    }
    None
}
