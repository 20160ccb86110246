//! What a function does with the channels and WaitGroups it is given, as
//! a small fact other packages of the module read when they call it.
//!
//! The model explores one package at a time, so a call into another
//! package of the module is unknown code: its arguments escape and every
//! finding resting on them is silenced. A [`Summaries`] fact lists, for
//! the exported functions and methods of a package that take a channel or
//! a WaitGroup, the operations each call performs on its parameters, in
//! order (`<-ch` once, `close(ch)`, `for range ch`, `defer wg.Done()`), and
//! which parameters it keeps (stores or hands to code the model does not
//! follow). A caller's lowering turns a call with a summary into a call of
//! a small synthetic body performing those operations at the call site
//! ([`synthetic_body`]), so that the rest of the model (entering, `go`,
//! `defer`, witnesses) treats it like any call of the package.
//!
//! Summaries are conservative: a parameter gets operations only when the
//! lowered body performs exactly that one operation on it on every path
//! to every exit, outside any loop (a `range` must run to the channel's
//! close: no exit from its body), and the function does nothing else the
//! model follows (no other channel, lock, goroutine or call into code that
//! does). Any other use of the parameter, or any doubt, is "keeps it":
//! the argument escapes as before. So a summary never makes the model see
//! an operation the callee's code may skip.

use std::collections::{BTreeMap, VecDeque};

use goguard_semantic::model::{receiver_type_name, BindingId, Callee};
use goguard_syntax::{Node, NodeId};

use crate::ir::{
    self, Body, Call, Deferred, Expr, FuncId, Op, Pc, Place, RangeKind, SyncOp, Target, Var,
};
use crate::Pkg;

/// The summaries of a package's functions, by receiver type name (empty
/// for functions) and name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summaries {
    funcs: BTreeMap<(Box<str>, Box<str>), FuncSummary>,
}

impl Summaries {
    /// The summary of function `name` (`recv` empty) or of method `name`
    /// of type `recv`.
    pub fn get(&self, recv: &str, name: &str) -> Option<&FuncSummary> {
        self.funcs.get(&(Box::from(recv), Box::from(name)))
    }

    pub fn len(&self) -> usize {
        self.funcs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }
}

/// What a call of one function does with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncSummary {
    /// Parameters, the receiver first for a method.
    pub arity: u32,
    /// Parameters the function keeps: the argument escapes.
    pub keeps: Vec<u32>,
    /// The operations a call performs on its parameters, in order.
    pub steps: Vec<SummaryStep>,
    /// How many results it returns.
    pub results: u32,
    /// Where it is declared: file name and line (`util.go:14`).
    pub declared: std::sync::Arc<str>,
}

/// One operation of a summary on a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryStep {
    pub param: u32,
    pub action: Action,
}

/// An operation a summarised function performs on a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send,
    Recv,
    Close,
    /// `for range ch` until the channel is closed.
    Range,
    WgDone,
    WgWait,
}

/// Where other packages' summaries come from: by import path.
pub trait SummaryLookup {
    fn summaries(&self, import_path: &str) -> Option<&Summaries>;
}

/// No other package's summaries (a package checked on its own).
pub struct NoSummaries;

impl SummaryLookup for NoSummaries {
    fn summaries(&self, _: &str) -> Option<&Summaries> {
        None
    }
}

/// The summaries of the exported functions and methods of a package that
/// take a channel or a WaitGroup.
pub(crate) fn summarize(pkg: &Pkg<'_>) -> Summaries {
    let model = pkg.model;
    let mut out = Summaries::default();
    // A name declared twice (files for different platforms): which one a
    // caller runs is not known, so neither is summarised.
    let mut seen: std::collections::BTreeSet<(&str, &str)> = Default::default();
    let mut twice: Vec<(&str, &str)> = Vec::new();
    for (fi, file) in model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        for (id, node) in ast.nodes() {
            let Node::FuncDecl {
                recv,
                name,
                ty,
                body: Some(_),
                ..
            } = *node
            else {
                continue;
            };
            let fname = ast.text(name, file.source);
            if !fname.starts_with(char::is_uppercase) {
                continue;
            }
            let Node::FuncType {
                params, results, ..
            } = *ast.node(ty)
            else {
                continue;
            };
            // Cheap test first: only signatures naming a channel or a
            // WaitGroup are worth lowering.
            let sig = ast.text(params, file.source);
            if !sig.contains("chan") && !sig.contains("WaitGroup") {
                continue;
            }
            let recv_name = match recv {
                Some(r) => match receiver_type_name(ast, file.source, r) {
                    Some(n) => n,
                    None => continue,
                },
                None => "",
            };
            if !seen.insert((recv_name, fname)) {
                twice.push((recv_name, fname));
                continue;
            }
            let n_results = results.map_or(0, |r| count_fields(ast, r));
            let func = FuncId::new(fi, id);
            let (line, _) = file.parsed.lines().line_col(ast.pos(id));
            let file_name = file
                .path
                .file_name()
                .map_or_else(|| file.path.to_string_lossy(), |n| n.to_string_lossy());
            let declared = format!("{file_name}:{line}");
            if let Some(s) = summarize_func(pkg, func, n_results, declared) {
                out.funcs
                    .insert((Box::from(recv_name), Box::from(fname)), s);
            }
        }
    }
    for (recv, name) in twice {
        out.funcs.remove(&(Box::from(recv), Box::from(name)));
    }
    out
}

/// The number of values a field list declares (`a, b int` is two).
fn count_fields(ast: &goguard_syntax::Ast, list: NodeId) -> u32 {
    let Node::FieldList { list, .. } = *ast.node(list) else {
        return 0;
    };
    ast.list(list)
        .iter()
        .map(|&f| match *ast.node(f) {
            Node::Field { names, .. } => (ast.list(names).len() as u32).max(1),
            _ => 1,
        })
        .sum()
}

/// How one op uses a parameter the summary can describe.
struct Use {
    param: BindingId,
    action: Action,
    deferred: bool,
}

/// The op as an operation on a parameter: `ch <- v`, `<-ch`, `close(ch)`,
/// `for range ch`, `wg.Done()`, `wg.Wait()`, and the deferred close and
/// Done.
fn param_use(op: &Op, params: &[BindingId]) -> Option<Use> {
    let param = |e: &Expr| match e {
        Expr::Var(Var::Binding(b)) if params.contains(b) => Some(*b),
        _ => None,
    };
    let (e, action, deferred) = match op {
        Op::Send { ch, .. } => (ch, Action::Send, false),
        Op::Recv { ch, .. } => (ch, Action::Recv, false),
        Op::Close { ch, .. } => (ch, Action::Close, false),
        Op::Range {
            x,
            kind: RangeKind::Chan,
            ..
        } => (x, Action::Range, false),
        Op::Sync {
            op: SyncOp::WgDone,
            target,
            ..
        } => (target, Action::WgDone, false),
        Op::Sync {
            op: SyncOp::WgWait,
            target,
            ..
        } => (target, Action::WgWait, false),
        Op::Defer {
            action: Deferred::Close { ch, .. },
            ..
        } => (ch, Action::Close, true),
        Op::Defer {
            action:
                Deferred::Sync {
                    op: SyncOp::WgDone,
                    target,
                    ..
                },
            ..
        } => (target, Action::WgDone, true),
        _ => return None,
    };
    Some(Use {
        param: param(e)?,
        action,
        deferred,
    })
}

/// True when the op does something the model follows beyond plain
/// computation: an operation on a channel or sync object, a goroutine, or
/// a call of code that may do one (a function value, a package function
/// that is itself concurrent). Methods of values the model cannot resolve
/// are unknown code to a caller in another package too: what they are
/// given is checked like any use of a parameter.
fn is_loud(pkg: &Pkg<'_>, op: &Op) -> bool {
    let call_is_loud = |c: &Call| match &c.target {
        Target::Static(f) => pkg.concurrent(*f),
        Target::Dynamic | Target::Method(_) | Target::Iface(_) => false,
        Target::Value(_) => true,
    };
    match op {
        Op::Call { call, .. } => {
            (ir::op_is_concurrent(op) && !matches!(call.target, Target::Method(_)))
                || call_is_loud(call)
        }
        Op::Defer {
            action: Deferred::Call(c) | Deferred::Recover(c),
            ..
        } => call_is_loud(c),
        _ => ir::op_is_concurrent(op),
    }
}

/// True when the op reads or writes variable `b` other than as the
/// channel or WaitGroup of its own operation.
fn mentions(op: &Op, b: BindingId, own: bool) -> bool {
    let v = Var::Binding(b);
    let mut found = false;
    let mut skip_own = own;
    let mut check = |e: &Expr| match e {
        Expr::Var(x) if *x == v => {
            // The first occurrence of an op's own operand is visited first
            // (the channel of a send, receive, close or range; the target
            // of a sync op or deferred one).
            if skip_own {
                skip_own = false;
            } else {
                found = true;
            }
        }
        Expr::Closure { captures, .. } if captures.contains(&b) => found = true,
        _ => {}
    };
    ir::visit_exprs(op, &mut check);
    let writes = |p: &Place| matches!(p, Place::Var(x) | Place::Decl(x) if *x == v);
    found
        || match op {
            Op::Set { place, .. } => writes(place),
            Op::Recv { dst, ok, .. } => writes(dst) || writes(ok),
            Op::Range { dst, .. } => writes(dst),
            Op::Call { call, .. } => call.results.iter().any(writes),
            Op::Select { cases, .. } => cases.iter().any(|c| match &c.kind {
                ir::CaseKind::Recv { dst, ok, .. } => writes(dst) || writes(ok),
                ir::CaseKind::Send { .. } => false,
            }),
            _ => false,
        }
}

/// Ops reachable from `from` without passing through `avoid`.
fn reach(ops: &[Op], from: Pc, avoid: Option<Pc>) -> Vec<bool> {
    let mut seen = vec![false; ops.len()];
    let mut stack = vec![from];
    while let Some(pc) = stack.pop() {
        if Some(pc) == avoid || seen.get(pc as usize).is_none_or(|&s| s) {
            continue;
        }
        seen[pc as usize] = true;
        stack.extend(ir::successors(&ops[pc as usize]));
    }
    seen
}

/// Ops from which `target` is reachable (itself included).
fn reaching(ops: &[Op], target: Pc) -> Vec<bool> {
    let mut preds: Vec<Vec<Pc>> = vec![Vec::new(); ops.len()];
    for (pc, op) in ops.iter().enumerate() {
        for s in ir::successors(op) {
            if let Some(p) = preds.get_mut(s as usize) {
                p.push(pc as Pc);
            }
        }
    }
    let mut seen = vec![false; ops.len()];
    let mut stack = vec![target];
    while let Some(pc) = stack.pop() {
        if seen.get(pc as usize).is_none_or(|&s| s) {
            continue;
        }
        seen[pc as usize] = true;
        stack.extend(preds[pc as usize].iter().copied());
    }
    seen
}

/// Shortest distance of each op from the entry.
fn distances(ops: &[Op], entry: Pc) -> Vec<u32> {
    let mut dist = vec![u32::MAX; ops.len()];
    let mut queue = VecDeque::new();
    if (entry as usize) < ops.len() {
        dist[entry as usize] = 0;
        queue.push_back(entry);
    }
    while let Some(pc) = queue.pop_front() {
        let d = dist[pc as usize];
        for s in ir::successors(&ops[pc as usize]) {
            if dist.get(s as usize) == Some(&u32::MAX) {
                dist[s as usize] = d + 1;
                queue.push_back(s);
            }
        }
    }
    dist
}

/// The summary of one function, when it has one.
fn summarize_func(
    pkg: &Pkg<'_>,
    func: FuncId,
    results: u32,
    declared: String,
) -> Option<FuncSummary> {
    let body = pkg.body(func);
    if body.unsupported {
        return None;
    }
    let params: Vec<BindingId> = body.params.iter().flatten().copied().collect();
    let ops = &body.ops;
    // Each op that uses a parameter, and nothing else loud.
    let mut uses: Vec<(Pc, Use)> = Vec::new();
    for (pc, op) in ops.iter().enumerate() {
        match param_use(op, &params) {
            Some(u) => uses.push((pc as Pc, u)),
            None if is_loud(pkg, op) => return None,
            None => {}
        }
    }
    let dist = distances(ops, body.entry);
    let from_entry_avoiding = |pc: Pc| reach(ops, body.entry, Some(pc));
    let mut keeps = Vec::new();
    let mut now: Vec<(u32, SummaryStep)> = Vec::new();
    let mut deferred: Vec<(u32, SummaryStep)> = Vec::new();
    for (i, param) in body.params.iter().enumerate() {
        let Some(b) = *param else { continue };
        let mine: Vec<&(Pc, Use)> = uses.iter().filter(|(_, u)| u.param == b).collect();
        let elsewhere = ops
            .iter()
            .enumerate()
            .any(|(pc, op)| mentions(op, b, mine.iter().any(|(p, _)| *p as usize == pc)));
        if elsewhere || mine.len() > 1 {
            keeps.push(i as u32);
            continue;
        }
        let Some(&&(pc, ref u)) = mine.first() else {
            continue;
        };
        if dist.get(pc as usize).is_none_or(|&d| d == u32::MAX) {
            keeps.push(i as u32);
            continue;
        }
        // On every path to every exit: whatever runs before it can only go
        // on to it (no exit, and no loop that may never reach it).
        let before = from_entry_avoiding(pc);
        let leads_to = reaching(ops, pc);
        let skippable = (0..ops.len()).any(|j| before[j] && !leads_to[j]);
        let op = &ops[pc as usize];
        let once = match op {
            // Runs to the close: every path of its body comes back to it,
            // and it is in no outer loop.
            Op::Range { body: b, done, .. } => {
                let inner = reach(ops, *b, Some(pc));
                let leaves = (0..ops.len()).any(|j| inner[j] && !leads_to[j]);
                !leaves && !reach(ops, *done, None)[pc as usize]
            }
            // Not in a loop.
            _ => !ir::successors(op)
                .into_iter()
                .any(|s| reach(ops, s, None)[pc as usize]),
        };
        if skippable || !once {
            keeps.push(i as u32);
            continue;
        }
        let step = SummaryStep {
            param: i as u32,
            action: u.action,
        };
        if u.deferred {
            deferred.push((dist[pc as usize], step));
        } else {
            now.push((dist[pc as usize], step));
        }
    }
    if now.is_empty() && deferred.is_empty() {
        return None;
    }
    now.sort_by_key(|(d, _)| *d);
    // Deferred calls run last, the last registered first.
    deferred.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    Some(FuncSummary {
        arity: body.params.len() as u32,
        keeps,
        steps: now.into_iter().chain(deferred).map(|(_, s)| s).collect(),
        results,
        declared: declared.into(),
    })
}

/// The function a call of another package's function runs when that
/// package's facts summarise it: a synthetic body at the call site,
/// registered with the package's bodies. `n_args` counts the call's
/// arguments with the receiver.
pub(crate) fn summarised_call(
    pkg: &Pkg<'_>,
    file: goguard_semantic::model::FileIdx,
    callee: &Callee,
    call: NodeId,
    n_args: usize,
) -> Option<FuncId> {
    let (path, recv, name) = match callee {
        Callee::Func(f) => (&f.pkg, "", &f.name),
        Callee::Method { recv, name } => (&recv.pkg, &*recv.name, name),
        _ => return None,
    };
    let summary = pkg.imports.summaries(path)?.get(recv, name)?;
    // One argument per parameter, the receiver first: anything else (a
    // method expression `T.M(x)`, variadic extras) is left unknown.
    if n_args != summary.arity as usize {
        return None;
    }
    // The CallExpr is no function of the package: its id names the
    // synthetic body.
    let func = FuncId::new(file, call);
    pkg.insert_body(func, synthetic_body(summary, func, call));
    pkg.summarised_calls
        .borrow_mut()
        .push((crate::ir::Loc::new(file, call), summary.declared.clone()));
    Some(func)
}

/// The parameter variables of a synthetic body: ids no binding of the
/// package has (they only ever live in the synthetic frame).
fn synthetic_param(i: u32) -> BindingId {
    BindingId(u32::MAX - i)
}

/// True for the parameter of a synthetic body (no binding of the model).
pub(crate) fn is_synthetic_param(b: BindingId) -> bool {
    b.0 > u32::MAX - (1 << 16)
}

/// A body performing a summary's operations, standing for a call at `at`
/// of another package's function: its ops all carry the call's position.
pub(crate) fn synthetic_body(summary: &FuncSummary, func: FuncId, at: NodeId) -> Body {
    let var = |i: u32| Expr::Var(Var::Binding(synthetic_param(i)));
    let mut ops: Vec<Op> = Vec::new();
    for &k in &summary.keeps {
        let next = ops.len() as Pc + 1;
        ops.push(Op::Escape {
            value: var(k),
            next,
        });
    }
    for step in &summary.steps {
        let pc = ops.len() as Pc;
        let ch = var(step.param);
        match step.action {
            Action::Send => ops.push(Op::Send {
                ch,
                value: Expr::Unknown,
                at,
                next: pc + 1,
            }),
            Action::Recv => ops.push(Op::Recv {
                ch,
                dst: Place::Discard,
                ok: Place::Discard,
                at,
                next: pc + 1,
            }),
            Action::Close => ops.push(Op::Close {
                ch,
                at,
                next: pc + 1,
            }),
            Action::WgDone | Action::WgWait => ops.push(Op::Sync {
                op: if step.action == Action::WgDone {
                    SyncOp::WgDone
                } else {
                    SyncOp::WgWait
                },
                target: ch,
                arg: Expr::Unknown,
                at,
                next: pc + 1,
            }),
            Action::Range => {
                ops.push(Op::Range {
                    x: ch,
                    kind: RangeKind::Chan,
                    dst: Place::Discard,
                    body: pc + 1,
                    done: pc + 2,
                    at,
                    loop_id: step.param,
                });
                ops.push(Op::Goto(pc));
            }
        }
    }
    ops.push(Op::Return {
        values: vec![Expr::Unknown; summary.results as usize],
        at,
    });
    let mut b = Body {
        func,
        entry: 0,
        params: (0..summary.arity)
            .map(|i| Some(synthetic_param(i)))
            .collect(),
        named_results: Vec::new(),
        captures: Vec::new().into(),
        body_block: at,
        unsupported: false,
        concurrent: true,
        creates: false,
        live: Vec::new(),
        loop_heads: Vec::new(),
        ops,
    };
    b.loop_heads = ir::loop_heads(&b.ops);
    b.live = ir::liveness(&b.ops);
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use goguard_semantic::model::{FileInput, PackageModel, Universe};

    fn summaries_of(src: &str) -> Summaries {
        let parsed = goguard_syntax::parse_file(src);
        let path = std::path::PathBuf::from("util.go");
        let inputs = [FileInput {
            path: &path,
            source: src,
            parsed: &parsed,
            go_version: goguard_semantic::load::version::NEWEST_KNOWN,
            is_test: false,
        }];
        let universe = Universe::with_stdlib();
        let model = PackageModel::build("example.com/util", &inputs, &universe);
        summarize(&Pkg::with_imports(&model, &NoSummaries))
    }

    fn step(param: u32, action: Action) -> SummaryStep {
        SummaryStep { param, action }
    }

    #[test]
    fn operations_on_every_path_in_order_deferred_last() {
        let s = summaries_of(
            "package util

import (
	\"fmt\"
	\"sync\"
)

func Work(wg *sync.WaitGroup, in <-chan int, out chan<- int) (int, error) {
	defer wg.Done()
	v := <-in
	if v > 0 {
		fmt.Println(v)
	}
	out <- v
	return v, nil
}

type S struct{ name string }

func (s *S) Drain(ch chan int) {
	for range ch {
		fmt.Println(s.name)
	}
}
",
        );
        let work = s.get("", "Work").expect("Work");
        assert_eq!(work.arity, 3);
        assert_eq!(work.results, 2);
        assert!(work.keeps.is_empty());
        assert_eq!(
            work.steps,
            [
                step(1, Action::Recv),
                step(2, Action::Send),
                step(0, Action::WgDone)
            ]
        );
        assert_eq!(&*work.declared, "util.go:8");
        let drain = s.get("S", "Drain").expect("S.Drain");
        // The receiver only gives fmt.Println a field, which it does not keep.
        assert!(drain.keeps.is_empty());
        assert_eq!(drain.steps, [step(1, Action::Range)]);
    }

    #[test]
    fn operations_some_path_may_skip_are_not_summarised() {
        let s = summaries_of(
            "package util

import \"errors\"

var kept []chan int

func Checked(ch chan int) error {
	if ch == nil {
		return errors.New(\"nil\")
	}
	<-ch
	return nil
}

func Panics(ch chan int, n int) {
	if n < 0 {
		panic(\"negative\")
	}
	ch <- n
}

func Twice(ch chan int) {
	ch <- 1
	ch <- 2
}

func Looping(ch chan int, n int) {
	for i := 0; i < n; i++ {
		close(ch)
	}
}

func Leaves(ch chan int) {
	for v := range ch {
		if v == 0 {
			return
		}
	}
}

func Stores(ch chan int, done chan struct{}) {
	kept = append(kept, ch)
	close(done)
}

func Spawns(ch chan int) {
	go func() { ch <- 1 }()
}

func Selects(ch chan int, quit chan struct{}) {
	select {
	case ch <- 1:
	case <-quit:
	}
}

func unexported(ch chan int) {
	<-ch
}

func Declared(ch chan int) {
	<-ch
}

func Declared(ch chan int) {
	close(ch)
}
",
        );
        for name in [
            "Declared",
            "Checked",
            "Panics",
            "Twice",
            "Looping",
            "Leaves",
            "Spawns",
            "Selects",
            "unexported",
        ] {
            assert_eq!(s.get("", name), None, "{name}");
        }
        let stores = s.get("", "Stores").expect("Stores");
        assert_eq!(stores.keeps, [0]);
        assert_eq!(stores.steps, [step(1, Action::Close)]);
    }

    #[test]
    fn a_synthetic_body_performs_the_steps_then_returns() {
        let summary = FuncSummary {
            arity: 2,
            keeps: vec![0],
            steps: vec![step(1, Action::Range)],
            results: 1,
            declared: "util.go:3".into(),
        };
        let at = goguard_syntax::parse_file("package util\n").root();
        let b = synthetic_body(&summary, FuncId::new(0, at), at);
        assert!(matches!(b.ops[0], Op::Escape { .. }));
        assert!(matches!(
            b.ops[1],
            Op::Range {
                body: 2,
                done: 3,
                ..
            }
        ));
        assert_eq!(b.ops[2], Op::Goto(1));
        assert!(matches!(&b.ops[3], Op::Return { values, .. } if values.len() == 1));
        assert_eq!(b.loop_heads, [1]);
        assert!(b.params.iter().flatten().all(|&p| is_synthetic_param(p)));
    }
}
