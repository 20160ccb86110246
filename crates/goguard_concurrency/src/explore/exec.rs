//! Running processes: quiet steps (control flow, local variables, calls,
//! operations on values the model does not follow) are chained without
//! interleaving; loud steps (operations on channels and sync objects the
//! model follows, stores another goroutine may read) are the transitions
//! between explored states.
//!
//! Chaining a process's quiet steps is the partial-order reduction: a quiet
//! step touches nothing another process can observe, so running it at once
//! loses no behaviour.

use std::rc::Rc;

use crate::ir::{
    Body, CaseKind, Deferred, ExitKind, Expr, FuncId, Loc, Op, RangeKind, Target, Var,
};
use crate::lower::api::{dynamic_method, MethodApi};
use crate::Pkg;

use super::eval::{At, Need, SYM_VALUES};
use super::state::{
    Callee, DeferVal, Frame, Obj, Proc, ProcId, State, Status, Unwind, UnwindMode, Value,
};

/// Goroutines beyond which a state is not followed.
pub(crate) const MAX_PROCS: usize = 6;
/// Goroutines started by one `go` statement beyond which a state is not
/// followed.
const MAX_PER_SITE: usize = 3;
/// Call frames of one goroutine beyond which calls are not entered.
pub(crate) const MAX_FRAMES: usize = 8;
/// Quiet steps of one local run before the process is paused.
const MAX_LOCAL_STEPS: usize = 400;
/// WaitGroup counts beyond which the WaitGroup is not followed.
const MAX_WG: i32 = 16;

/// Something worth telling in a witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EventKind {
    /// A goroutine was started (at the `go` statement's call).
    Spawn(ProcId),
    /// A select case was taken (at the case's communication).
    Case,
    /// The select's default case was taken (at the select).
    Default,
    /// The goroutine returned (at the return statement or the body).
    End,
    Sent,
    Received,
    Closed,
    Locked,
    Unlocked,
    WgAdd,
    WgDone,
    Waited,
    Signalled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Event {
    pub proc: ProcId,
    pub kind: EventKind,
    pub at: Loc,
    /// The followed channel it is about (its `make`), if any.
    pub chan: Option<Loc>,
}

/// A misuse that panics at run time, found on some path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Misuse {
    SendOnClosed { at: Loc, alloc: Loc },
    CloseOfClosed { at: Loc, alloc: Loc },
    CloseOfNil { at: Loc },
    NegativeWaitGroup { at: Loc },
    UnlockOfUnlocked { at: Loc },
}

/// One successor of a state.
pub(crate) struct Move {
    pub state: State,
    /// The processes that took a loud step (bit set).
    pub movers: u32,
    pub events: Vec<Event>,
    pub misuse: Option<Misuse>,
}

/// What a process's next step is.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Op(Rc<Body>, crate::ir::Pc),
    /// The frame is unwinding: run this deferred call next.
    Defer(DeferVal),
    /// The top frame has run its defers: it is left next.
    Unwind,
    /// The goroutine ends; its group must count it done.
    GroupDone,
    Done,
}

/// A fork a local run went through (the state it forked to), and the forks
/// before it on the same path.
struct PathFork {
    fingerprint: u64,
    before: Option<Rc<PathFork>>,
}

impl PathFork {
    /// True when the path went through a fork to this state.
    fn went_through(path: &Option<Rc<PathFork>>, fingerprint: u64) -> bool {
        let mut at = path.as_deref();
        while let Some(f) = at {
            if f.fingerprint == fingerprint {
                return true;
            }
            at = f.before.as_deref();
        }
        false
    }
}

/// The outcome of one quiet step.
enum Local {
    Continue,
    Fork(Vec<State>),
    /// The next step is loud (or the process ended, or the state is final).
    Stop,
}

pub(crate) struct Machine<'p> {
    pub pkg: &'p Pkg<'p>,
    /// Quiet steps run so far (the search's work budget counts them).
    pub work: std::cell::Cell<u64>,
    /// The work after which every local run stops (the model is given up).
    pub max_work: u64,
    /// Quiet steps per function, when profiling (GOGUARD_MODEL_PROFILE).
    pub profile: Option<std::cell::RefCell<rustc_hash::FxHashMap<FuncId, u64>>>,
    /// The explored function.
    pub root: FuncId,
    /// The explored function is `main` of a `main` package: its return
    /// ends the program.
    pub root_is_main: bool,
    /// When explaining (`goguard debug concurrency`): why each blocked
    /// operation was not reported, and why the search gave up.
    pub notes: Option<std::cell::RefCell<Vec<Note>>>,
}

/// Why something was not reported: at an operation, or about the whole
/// model (None).
pub(crate) type Note = (Option<Loc>, String);

impl Machine<'_> {
    /// Records a note for the explanation, once.
    pub(crate) fn note(&self, at: Option<Loc>, why: impl FnOnce() -> String) {
        if let Some(notes) = &self.notes {
            let why = why();
            let mut n = notes.borrow_mut();
            if !n.iter().any(|(a, w)| *a == at && *w == why) {
                n.push((at, why));
            }
        }
    }
}

fn at_of(file: u32, node: goguard_syntax::NodeId) -> Loc {
    Loc { file, node }
}

impl Machine<'_> {
    pub(crate) fn step_of(&self, s: &State, p: ProcId) -> Step {
        let proc = &s.procs[p as usize];
        if proc.status == Status::Done {
            return Step::Done;
        }
        let Some(f) = proc.frames.last() else {
            return if matches!(proc.group, Value::Ref(_)) {
                Step::GroupDone
            } else {
                Step::Done
            };
        };
        if f.unwind.is_some() {
            return match f.defers.last() {
                Some(d) => Step::Defer(d.clone()),
                None => Step::Unwind,
            };
        }
        Step::Op(self.pkg.body(f.func), f.pc)
    }

    fn at(&self, s: &State, p: ProcId) -> At {
        let file = s.procs[p as usize].frames.last().map_or(0, |f| f.func.file);
        At { proc: p, file }
    }

    fn set_pc(&self, s: &mut State, p: ProcId, pc: crate::ir::Pc) {
        if let Some(f) = s.procs[p as usize].frames.last_mut() {
            f.pc = pc;
        }
    }

    /// Runs process `p` through quiet steps until each of its paths reaches
    /// a loud step, ends, or forks too often; then does the same for any
    /// goroutine started on the way. Returns the resulting states.
    pub(crate) fn settle(&self, s: State, p: ProcId) -> Vec<State> {
        let mut out = Vec::new();
        // Each path carries the forks it went through, to tell a loop that
        // comes back to a state it was in from two paths that join.
        let mut work: Vec<(State, Option<Rc<PathFork>>)> = vec![(s, None)];
        let mut seen = rustc_hash::FxHashSet::default();
        let mut steps = 0usize;
        // A loop that can go round forever without a loud step.
        let mut spin: Option<State> = None;
        while let Some((mut s, path)) = work.pop() {
            loop {
                steps += 1;
                self.work.set(self.work.get() + 1);
                if steps > MAX_LOCAL_STEPS || self.work.get() > self.max_work {
                    // Too long a local run to follow: what comes next is
                    // unknown.
                    s.truncated = true;
                    out.push(s);
                    break;
                }
                match self.quiet_step(&mut s, p) {
                    Local::Continue => {}
                    Local::Stop => {
                        out.push(s);
                        break;
                    }
                    Local::Fork(states) => {
                        for mut st in states {
                            self.forget_dead(&mut st);
                            // Renumbered so that paths that join (after a
                            // branch on a value the model does not follow)
                            // meet at the next fork as one state instead of
                            // doubling at every branch, and so that a loop
                            // coming back is seen although its garbage
                            // differs each round.
                            st.canonicalize();
                            let fp = st.fingerprint();
                            if seen.insert(fp) {
                                let here = Rc::new(PathFork {
                                    fingerprint: fp,
                                    before: path.clone(),
                                });
                                work.push((st, Some(here)));
                            } else if self.loops_back(&st, p) {
                                // A local loop came back to where it was: the
                                // process can go round forever. Keep it as
                                // paused: always able to move on.
                                st.procs[p as usize].paused = true;
                                out.push(st);
                            } else if spin.is_none() && PathFork::went_through(&path, fp) {
                                // The same, seen inside the loop's body. Going
                                // round does nothing another goroutine can
                                // see, so it matters only when no path leaves
                                // the loop (below). (A state another path
                                // reached is explored there.)
                                st.procs[p as usize].paused = true;
                                spin = Some(st);
                            }
                        }
                        break;
                    }
                }
            }
        }
        // A process that can only go round (waiting for a flag another
        // goroutine sets, say) is still running, not gone.
        if out.is_empty() {
            out.extend(spin);
        }
        // Goroutines started on the way run to their first loud step too.
        let mut settled = Vec::new();
        let mut ends = rustc_hash::FxHashSet::default();
        for s in out {
            for mut st in self.settle_fresh(s) {
                // Paths that end in the same state are one successor.
                self.forget_dead(&mut st);
                st.canonicalize();
                if ends.insert(st.fingerprint()) {
                    settled.push(st);
                }
            }
        }
        settled
    }

    /// True when the process's next op is a loop head it has run before:
    /// the repeated state comes from going round a loop, not from two
    /// branches joining.
    fn loops_back(&self, s: &State, p: ProcId) -> bool {
        let Some(f) = s.procs[p as usize].frames.last() else {
            return false;
        };
        self.pkg
            .body(f.func)
            .loop_heads
            .binary_search(&f.pc)
            .is_ok()
    }

    /// Settles every goroutine started but not run yet.
    fn settle_fresh(&self, s: State) -> Vec<State> {
        let fresh = s.procs.iter().position(|pr| pr.fresh);
        match fresh {
            None => vec![s],
            Some(q) => {
                let mut s = s;
                s.procs[q].fresh = false;
                let mut out = Vec::new();
                for st in self.settle(s, q as ProcId) {
                    out.extend(self.settle_fresh(st));
                }
                out
            }
        }
    }

    /// The states a needed choice of a symbol or predicate leads to.
    pub(crate) fn choices(&self, s: &State, need: Need) -> Vec<State> {
        match self.fork_need(s, need) {
            Local::Fork(states) => states,
            _ => Vec::new(),
        }
    }

    /// Forks a state on a needed choice.
    fn fork_need(&self, s: &State, need: Need) -> Local {
        match need {
            Need::Sym(id) => {
                // A small constant is itself; a count no other place shares
                // is one (any other value would only be a guess about how
                // it relates to other counts); a shared count is one or two,
                // the same everywhere it is used.
                let fixed = self
                    .pkg
                    .interner
                    .fixed(id)
                    .or_else(|| self.pkg.interner.is_lone(id).then_some(1));
                if let Some(v) = fixed {
                    let mut st = s.clone();
                    st.set_sym(id, v);
                    return Local::Fork(vec![st]);
                }
                Local::Fork(
                    SYM_VALUES
                        .iter()
                        .map(|&v| {
                            let mut st = s.clone();
                            st.set_sym(id, v);
                            st
                        })
                        .collect(),
                )
            }
            Need::Pred(id) => Local::Fork(
                [true, false]
                    .iter()
                    .map(|&v| {
                        let mut st = s.clone();
                        st.set_pred(id, v);
                        st
                    })
                    .collect(),
            ),
            Need::Either | Need::Guess | Need::Bound => {
                let mut st = s.clone();
                st.truncated = true;
                Local::Fork(vec![st])
            }
        }
    }

    fn quiet_step(&self, s: &mut State, p: ProcId) -> Local {
        if s.crashed || s.truncated {
            return Local::Stop;
        }
        match self.step_of(s, p) {
            Step::Done | Step::GroupDone => Local::Stop,
            Step::Unwind => self.unwind(s, p),
            Step::Defer(d) => self.quiet_defer(s, p, d),
            Step::Op(body, pc) => {
                if let Some(prof) = &self.profile {
                    *prof.borrow_mut().entry(body.func).or_insert(0) += 1;
                }
                let Some(op) = body.ops.get(pc as usize) else {
                    s.truncated = true;
                    return Local::Stop;
                };
                match self.quiet_op(s, p, &body, op) {
                    Ok(l) => l,
                    Err(need) => self.fork_need(s, need),
                }
            }
        }
    }

    /// A deferred call about to run: quiet unless it touches a followed
    /// object.
    fn quiet_defer(&self, s: &mut State, p: ProcId, d: DeferVal) -> Local {
        let loud = match &d {
            DeferVal::Close { ch, .. } => self.follows_chan(s, ch) || *ch == Value::Nil,
            DeferVal::Sync { target, .. } => self.follows_sync(s, target),
            DeferVal::Call {
                callee: Callee::Cancel(ctx),
                ..
            } => self.cancel_chan(s, ctx).is_some(),
            _ => false,
        };
        if loud {
            return Local::Stop;
        }
        let f = s.procs[p as usize]
            .frames
            .last_mut()
            .expect("unwinding frame");
        f.defers.pop();
        match d {
            DeferVal::Call {
                callee: Callee::Body { func, env },
                args,
                recovers,
                ..
            } => {
                // An entered deferred function stops the panic with its
                // recover(); one the model does not enter is assumed to.
                match self.push_frame(s, p, func, env, args) {
                    Ok(true) => {}
                    Ok(false) => {
                        let f = s.procs[p as usize].frames.last_mut().expect("frame");
                        if let (true, Some(u)) = (recovers, &mut f.unwind) {
                            if u.mode == UnwindMode::Panic {
                                u.mode = UnwindMode::Return;
                            }
                        }
                    }
                    Err(need) => return self.fork_need(s, need),
                }
            }
            DeferVal::Call { args, .. } => {
                for a in &args {
                    s.escape(a);
                }
            }
            _ => {}
        }
        Local::Continue
    }

    /// True for a channel the model follows: made here, not escaped.
    pub(crate) fn follows_chan(&self, s: &State, v: &Value) -> bool {
        matches!(s.obj(v), Some(Obj::Chan(c)) if !c.escaped)
    }

    fn follows_sync(&self, s: &State, v: &Value) -> bool {
        match s.obj(v) {
            Some(Obj::Mutex(m)) => !m.escaped,
            Some(Obj::Wg(w)) => !w.escaped,
            Some(Obj::Cond(c)) => !c.escaped,
            _ => false,
        }
    }

    /// The followed Done channel a cancel function closes.
    fn cancel_chan(&self, s: &State, ctx: &Value) -> Option<Value> {
        match s.obj(ctx) {
            Some(Obj::Ctx { done, .. }) if self.follows_chan(s, done) => Some(done.clone()),
            _ => None,
        }
    }

    /// The evaluated target of a call.
    pub(crate) fn callee(
        &self,
        s: &mut State,
        at: At,
        target: &Target,
        args: &mut Vec<Value>,
    ) -> Result<Callee, Need> {
        Ok(match target {
            Target::Static(f) => Callee::Body {
                func: *f,
                env: Vec::new(),
            },
            Target::Value(e) => {
                let v = s.eval(at, e)?;
                self.callee_of_value(s, &v, args)
            }
            Target::Iface(name) => match args.first().map(|r| s.obj(r)) {
                Some(Some(Obj::Struct(o))) if !o.escaped => match &o.ty {
                    Some(ty) => match self.pkg.index.method(ty, name) {
                        Some(func) => Callee::Body {
                            func,
                            env: Vec::new(),
                        },
                        None => Callee::Opaque,
                    },
                    None => Callee::Opaque,
                },
                _ => Callee::Opaque,
            },
            Target::Method(_) | Target::Dynamic => Callee::Opaque,
        })
    }

    pub(crate) fn callee_of_value(&self, s: &State, v: &Value, args: &mut Vec<Value>) -> Callee {
        match (v, s.obj(v)) {
            (Value::Func(f), _) => Callee::Body {
                func: *f,
                env: Vec::new(),
            },
            (_, Some(Obj::Closure { func, env })) => Callee::Body {
                func: *func,
                env: env.clone(),
            },
            (_, Some(Obj::Bound { func, recv })) => {
                args.insert(0, recv.clone());
                Callee::Body {
                    func: *func,
                    env: Vec::new(),
                }
            }
            (_, Some(Obj::Cancel { ctx })) => Callee::Cancel(ctx.clone()),
            _ => Callee::Opaque,
        }
    }

    /// Enters a body: Ok(true) when a frame was pushed, Ok(false) when the
    /// call is not entered (too deep, recursive, not modelled, or doing
    /// nothing the model cares about).
    pub(crate) fn push_frame(
        &self,
        s: &mut State,
        p: ProcId,
        func: FuncId,
        env: Vec<(goguard_semantic::model::BindingId, u32)>,
        args: Vec<Value>,
    ) -> Result<bool, Need> {
        self.enter(s, p, func, env, args, false)
    }

    /// [`Machine::push_frame`]; `spawned` for a goroutine's first frame,
    /// which is entered whatever it is given.
    pub(crate) fn enter(
        &self,
        s: &mut State,
        p: ProcId,
        func: FuncId,
        env: Vec<(goguard_semantic::model::BindingId, u32)>,
        args: Vec<Value>,
        spawned: bool,
    ) -> Result<bool, Need> {
        let proc = &s.procs[p as usize];
        let recursive = proc.frames.iter().any(|f| f.func == func);
        let body = self.pkg.body(func);
        if recursive || proc.frames.len() >= MAX_FRAMES || body.unsupported {
            for a in &args {
                s.escape(a);
            }
            // Captured variables are reachable from the call too.
            for (_, c) in &env {
                let v = s.cells[*c as usize].clone();
                s.escape(&v);
            }
            return Ok(false);
        }
        if !spawned && !self.pkg.allocates(func) && !self.any_followed(s, &args, &env) {
            return Ok(false);
        }
        let mut frame_env: Vec<(Var, u32)> =
            env.into_iter().map(|(b, c)| (Var::Binding(b), c)).collect();
        let mut args = args.into_iter();
        for param in &body.params {
            let v = args.next().unwrap_or(Value::Unknown);
            if let Some(b) = param {
                let c = s.new_cell(v);
                frame_env.push((Var::Binding(*b), c));
            }
        }
        // Variadic extras end up in a slice the model does not follow.
        for rest in args {
            s.escape(&rest);
        }
        s.procs[p as usize].frames.push(Frame {
            func,
            pc: body.entry,
            env: frame_env,
            defers: Vec::new(),
            loops: Vec::new(),
            unwind: None,
            in_defer: false,
        });
        Ok(true)
    }

    /// Starts a goroutine running `callee`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn spawn(
        &self,
        s: &mut State,
        callee: Callee,
        args: Vec<Value>,
        at: Loc,
        group: Value,
        parent: ProcId,
    ) -> Result<(), Need> {
        let Callee::Body { func, env } = callee else {
            for a in &args {
                s.escape(a);
            }
            s.escape(&group);
            return Ok(());
        };
        // Two goroutines from one `go` statement show what a loop of them
        // does; a third is past the model's bound.
        let same_site = s.procs.iter().filter(|pr| pr.spawn == Some(at)).count();
        if s.procs.len() >= MAX_PROCS || same_site >= MAX_PER_SITE {
            return Err(Need::Bound);
        }
        s.procs.push(Proc {
            frames: Vec::new(),
            status: Status::Run,
            spawn: Some(at),
            group: group.clone(),
            paused: false,
            fresh: true,
        });
        let q = (s.procs.len() - 1) as ProcId;
        let body = self.pkg.body(func);
        if body.unsupported || (!self.pkg.creates(func) && !self.any_followed(s, &args, &env)) {
            // A goroutine the model cannot run (or that does nothing it
            // follows): it ends at once, counting itself done.
            for a in &args {
                s.escape(a);
            }
            for (_, c) in &env {
                let v = s.cells[*c as usize].clone();
                s.escape(&v);
            }
            let proc = &mut s.procs[q as usize];
            proc.fresh = false;
            if !matches!(group, Value::Ref(_)) {
                proc.status = Status::Done;
            }
            s.trail.push(Event {
                proc: parent,
                kind: EventKind::Spawn(q),
                at,
                chan: None,
            });
            return Ok(());
        }
        self.enter(s, q, func, env, args, true)?;
        s.trail.push(Event {
            proc: parent,
            kind: EventKind::Spawn(q),
            at,
            chan: None,
        });
        Ok(())
    }

    /// Executes a quiet op, or stops at a loud one.
    fn quiet_op(&self, s: &mut State, p: ProcId, body: &Rc<Body>, op: &Op) -> Result<Local, Need> {
        let at = self.at(s, p);
        let file = at.file;
        match op {
            Op::Goto(t) => self.set_pc(s, p, *t),
            Op::Branch {
                cond,
                then,
                els,
                counting,
                reads,
            } => match s.cond(at, cond, &|p| {
                self.pkg.interner.pred_owner(crate::ir::PredId(p)) == Some(self.root.node)
            }) {
                Ok(b) => self.set_pc(s, p, if b { *then } else { *els }),
                Err(need @ (Need::Either | Need::Guess)) => {
                    let mut a = s.clone();
                    self.set_pc(&mut a, p, *then);
                    let mut b = s.clone();
                    self.set_pc(&mut b, p, *els);
                    if *counting || need == Need::Guess || self.reads_followed(s, at, reads) {
                        a.guessed = true;
                        b.guessed = true;
                    }
                    return Ok(Local::Fork(vec![a, b]));
                }
                Err(n) => return Err(n),
            },
            Op::Choose(ts) => {
                let states = ts
                    .iter()
                    .map(|&t| {
                        let mut st = s.clone();
                        self.set_pc(&mut st, p, t);
                        st
                    })
                    .collect();
                return Ok(Local::Fork(states));
            }
            Op::Set {
                place,
                value,
                shared,
                next,
            } => {
                let v = s.eval(at, value)?;
                if *shared && self.live_others(s, p) && self.store_is_seen(s, at, place, &v)? {
                    return Ok(Local::Stop);
                }
                s.assign(at, place, v)?;
                self.set_pc(s, p, *next);
            }
            Op::Call { call, next } => {
                if self.call_is_loud(s, at, &call.target, &call.args)? {
                    return Ok(Local::Stop);
                }
                let mut args = Vec::with_capacity(call.args.len());
                for a in &call.args {
                    args.push(s.eval(at, a)?);
                }
                let callee = self.callee(s, at, &call.target, &mut args)?;
                match callee {
                    Callee::Body { func, env } => {
                        if !self.push_frame(s, p, func, env, args)? {
                            for r in &call.results {
                                s.assign(at, r, Value::Unknown)?;
                            }
                            self.set_pc(s, p, *next);
                        }
                    }
                    Callee::Cancel(_) => self.set_pc(s, p, *next),
                    Callee::Opaque => {
                        for a in &args {
                            s.escape(a);
                        }
                        for r in &call.results {
                            s.assign(at, r, Value::Unknown)?;
                        }
                        self.set_pc(s, p, *next);
                    }
                }
            }
            Op::Go { call, next } => {
                // `go cancel()` of a context the model follows: the cancel
                // runs as a step of its own (see `loud.rs`).
                if matches!(call.target, Target::Value(_))
                    && self.call_is_loud(s, at, &call.target, &call.args)?
                {
                    return Ok(Local::Stop);
                }
                let mut args = Vec::with_capacity(call.args.len());
                for a in &call.args {
                    args.push(s.eval(at, a)?);
                }
                let callee = self.callee(s, at, &call.target, &mut args)?;
                self.spawn(s, callee, args, at_of(file, call.at), Value::Unknown, p)?;
                self.set_pc(s, p, *next);
            }
            Op::Defer { action, next } => {
                let d = self.defer_val(s, at, action)?;
                if let Some(f) = s.procs[p as usize].frames.last_mut() {
                    f.defers.push(d);
                }
                self.set_pc(s, p, *next);
            }
            Op::Send {
                ch, value, next, ..
            } => {
                let c = s.eval(at, ch)?;
                if self.follows_chan(s, &c) || c == Value::Nil {
                    return Ok(Local::Stop);
                }
                let v = s.eval(at, value)?;
                s.escape(&v);
                self.set_pc(s, p, *next);
            }
            Op::Recv {
                ch, dst, ok, next, ..
            } => {
                let c = s.eval(at, ch)?;
                if self.follows_chan(s, &c) || c == Value::Nil {
                    return Ok(Local::Stop);
                }
                s.assign(at, dst, Value::Unknown)?;
                s.assign(at, ok, Value::EnvOk)?;
                self.set_pc(s, p, *next);
            }
            Op::Select {
                cases,
                default,
                at: sel,
            } => {
                let mut env_cases = Vec::new();
                for (i, c) in cases.iter().enumerate() {
                    let ch = match &c.kind {
                        CaseKind::Send { ch, .. } | CaseKind::Recv { ch, .. } => ch,
                    };
                    let v = s.eval(at, ch)?;
                    if self.follows_chan(s, &v) {
                        return Ok(Local::Stop);
                    }
                    if v != Value::Nil {
                        env_cases.push(i);
                    }
                }
                if env_cases.is_empty() && default.is_none() {
                    // Only nil channels: blocks forever.
                    return Ok(Local::Stop);
                }
                let mut states = Vec::new();
                for i in env_cases {
                    let mut st = s.clone();
                    let c = &cases[i];
                    match &c.kind {
                        CaseKind::Send { value, .. } => {
                            let v = st.eval(at, value)?;
                            st.escape(&v);
                        }
                        CaseKind::Recv { dst, ok, .. } => {
                            st.assign(at, dst, Value::Unknown)?;
                            st.assign(at, ok, Value::EnvOk)?;
                        }
                    }
                    self.set_pc(&mut st, p, c.body);
                    st.trail.push(Event {
                        proc: p,
                        kind: EventKind::Case,
                        at: at_of(file, c.at),
                        chan: None,
                    });
                    states.push(st);
                }
                if let Some(d) = default {
                    let mut st = s.clone();
                    self.set_pc(&mut st, p, *d);
                    st.trail.push(Event {
                        proc: p,
                        kind: EventKind::Default,
                        at: at_of(file, *sel),
                        chan: None,
                    });
                    states.push(st);
                }
                return Ok(Local::Fork(states));
            }
            Op::Range {
                x,
                kind,
                dst,
                body: b,
                done,
                loop_id,
                ..
            } => match kind {
                RangeKind::Counted(sym) => {
                    // A slice whose length the model follows runs exactly
                    // that many times, like the tests of its length.
                    let xv = s.eval(at, x)?;
                    let list = s.list_len(&xv);
                    let n = match (&xv, list) {
                        (Value::Nil, _) => 0,
                        (_, Some(n)) => n,
                        _ => s.sym(sym.0).ok_or(Need::Sym(sym.0))?,
                    };
                    let f = s.procs[p as usize].frames.last_mut().expect("frame");
                    let count = loop_count(f, *loop_id);
                    if count < n {
                        set_loop_count(f, *loop_id, count + 1);
                        // The index of a slice the model follows, so that
                        // `s[i]` in the body is the element visited.
                        let key = match (s.obj(&xv), list) {
                            (Some(Obj::Map { entries, .. }), Some(_)) => entries
                                .get(usize::from(count))
                                .map_or(Value::Unknown, |(k, _)| k.clone()),
                            (_, Some(_)) => Value::Int(i64::from(count)),
                            _ => Value::Unknown,
                        };
                        s.assign(at, dst, key)?;
                        self.set_pc(s, p, *b);
                    } else {
                        self.set_pc(s, p, *done);
                    }
                }
                RangeKind::Chan | RangeKind::Other => {
                    let c = s.eval(at, x)?;
                    if self.follows_chan(s, &c) || (c == Value::Nil && *kind == RangeKind::Chan) {
                        return Ok(Local::Stop);
                    }
                    let mut a = s.clone();
                    a.assign(at, dst, Value::Unknown)?;
                    self.set_pc(&mut a, p, *b);
                    let mut d = s.clone();
                    self.set_pc(&mut d, p, *done);
                    // How many values arrive is anybody's guess.
                    a.guessed = true;
                    d.guessed = true;
                    return Ok(Local::Fork(vec![a, d]));
                }
            },
            Op::LoopEnter { loop_id, next } => {
                let f = s.procs[p as usize].frames.last_mut().expect("frame");
                set_loop_count(f, *loop_id, 0);
                self.set_pc(s, p, *next);
            }
            Op::LoopTest {
                loop_id,
                sym,
                bound,
                body: b,
                done,
            } => {
                let n = match s.eval(at, bound)? {
                    Value::Int(v) if (0..=4).contains(&v) => v as u8,
                    _ => s.sym(sym.0).ok_or(Need::Sym(sym.0))?,
                };
                let f = s.procs[p as usize].frames.last_mut().expect("frame");
                let count = loop_count(f, *loop_id);
                if count < n {
                    set_loop_count(f, *loop_id, count + 1);
                    self.set_pc(s, p, *b);
                } else {
                    self.set_pc(s, p, *done);
                }
            }
            Op::Close { ch, next, .. } => {
                let c = s.eval(at, ch)?;
                if self.follows_chan(s, &c) || c == Value::Nil {
                    return Ok(Local::Stop);
                }
                self.set_pc(s, p, *next);
            }
            Op::Sync {
                target, next, op, ..
            } => {
                let t = s.eval(at, target)?;
                if self.follows_sync(s, &t) {
                    return Ok(Local::Stop);
                }
                let _ = op;
                self.set_pc(s, p, *next);
            }
            Op::OnceDo { once, f, next, .. } => {
                let o = s.eval(at, once)?;
                if matches!(s.obj(&o), Some(Obj::Once { .. })) {
                    return Ok(Local::Stop);
                }
                // An unknown Once: run f as a plain call (returning to this
                // op moves on to `next`).
                let fv = s.eval(at, f)?;
                let mut args = Vec::new();
                let callee = self.callee_of_value(s, &fv, &mut args);
                let entered = match callee {
                    Callee::Body { func, env } => self.push_frame(s, p, func, env, args)?,
                    _ => false,
                };
                if !entered {
                    self.set_pc(s, p, *next);
                }
            }
            Op::GroupGo {
                group,
                f,
                next,
                at: node,
            } => {
                let g = s.eval(at, group)?;
                if self.follows_sync(s, &g) {
                    return Ok(Local::Stop);
                }
                let fv = s.eval(at, f)?;
                let mut args = Vec::new();
                let callee = self.callee_of_value(s, &fv, &mut args);
                self.spawn(s, callee, args, at_of(file, *node), Value::Unknown, p)?;
                self.set_pc(s, p, *next);
            }
            Op::Escape { value, next } => {
                let v = s.eval(at, value)?;
                s.escape(&v);
                self.set_pc(s, p, *next);
            }
            Op::Return { values, at: node } => {
                let mut vals = Vec::with_capacity(values.len());
                for v in values {
                    vals.push(s.eval(at, v)?);
                }
                let bottom = s.procs[p as usize].frames.len() == 1;
                if bottom && p == 0 {
                    // What the explored function returns is its caller's.
                    for v in &vals {
                        s.escape(v);
                    }
                }
                if bottom {
                    s.trail.push(Event {
                        proc: p,
                        kind: EventKind::End,
                        at: at_of(file, *node),
                        chan: None,
                    });
                }
                let f = s.procs[p as usize].frames.last_mut().expect("frame");
                f.unwind = Some(Unwind {
                    values: vals,
                    mode: UnwindMode::Return,
                });
                return Ok(self.unwind(s, p));
            }
            Op::Exit { kind, at: exit_at } => match kind {
                ExitKind::NoReturn => {
                    s.crashed = true;
                    return Ok(Local::Stop);
                }
                ExitKind::Panic => {
                    let recovers = s.procs[p as usize].frames.iter().any(|f| {
                        f.defers
                            .iter()
                            .any(|d| matches!(d, DeferVal::Call { recovers: true, .. }))
                    });
                    if !recovers {
                        s.crashed = true;
                        return Ok(Local::Stop);
                    }
                    let f = s.procs[p as usize].frames.last_mut().expect("frame");
                    f.unwind = Some(Unwind {
                        values: Vec::new(),
                        mode: UnwindMode::Panic,
                    });
                    return Ok(self.unwind(s, p));
                }
                ExitKind::Goexit => {
                    // The whole goroutine ends here (`t.Fatal` in a helper
                    // too), after the defers of every frame.
                    s.trail.push(Event {
                        proc: p,
                        kind: EventKind::End,
                        at: at_of(file, *exit_at),
                        chan: None,
                    });
                    let f = s.procs[p as usize].frames.last_mut().expect("frame");
                    f.unwind = Some(Unwind {
                        values: Vec::new(),
                        mode: UnwindMode::Goexit,
                    });
                    return Ok(self.unwind(s, p));
                }
            },
            Op::Forever { .. } => return Ok(Local::Stop),
        }
        let _ = body;
        Ok(Local::Continue)
    }

    /// Continues leaving the top frame: its defers (one at a time, through
    /// `step_of`), then the frame itself.
    fn unwind(&self, s: &mut State, p: ProcId) -> Local {
        let proc = &mut s.procs[p as usize];
        let Some(f) = proc.frames.last() else {
            return Local::Stop;
        };
        if !f.defers.is_empty() {
            return Local::Continue;
        }
        let f = proc.frames.pop().expect("frame");
        let u = f.unwind.expect("unwinding");
        let Some(caller) = proc.frames.last_mut() else {
            // The goroutine's last frame.
            match u.mode {
                UnwindMode::Panic => {
                    s.crashed = true;
                    return Local::Stop;
                }
                UnwindMode::Return | UnwindMode::Goexit => {
                    if p == 0 && self.root_is_main {
                        s.crashed = true;
                        return Local::Stop;
                    }
                    if !matches!(proc.group, Value::Ref(_)) {
                        proc.status = Status::Done;
                    }
                    return Local::Stop;
                }
            }
        };
        match u.mode {
            UnwindMode::Return => {
                if caller.unwind.is_some() {
                    // A deferred call returned: go on unwinding the caller.
                    return self.unwind(s, p);
                }
                // Results go where the caller's call op says.
                let body = self.pkg.body(caller.func);
                let pc = caller.pc;
                let at = self.at(s, p);
                match body.ops.get(pc as usize) {
                    Some(Op::Call { call, next }) => {
                        for (place, v) in call.results.iter().zip(u.values) {
                            if s.assign(at, place, v).is_err() {
                                s.truncated = true;
                                return Local::Stop;
                            }
                        }
                        self.set_pc(s, p, *next);
                    }
                    Some(Op::OnceDo { next, .. }) => self.set_pc(s, p, *next),
                    _ => {}
                }
                Local::Continue
            }
            UnwindMode::Panic | UnwindMode::Goexit => {
                let caller = s.procs[p as usize].frames.last_mut().expect("caller");
                if caller.unwind.is_none() {
                    caller.unwind = Some(Unwind {
                        values: Vec::new(),
                        mode: u.mode,
                    });
                } else if let Some(cu) = &mut caller.unwind {
                    cu.mode = u.mode;
                }
                self.unwind(s, p)
            }
        }
    }

    /// True when storing `v` into `place` can change what another goroutine
    /// sees: a field of a followed struct, or a captured variable, whose
    /// value changes to or from one the model follows.
    fn store_is_seen(
        &self,
        s: &mut State,
        at: At,
        place: &crate::ir::Place,
        v: &Value,
    ) -> Result<bool, Need> {
        use crate::ir::Place;
        let old = match place {
            Place::Field(x, f) => {
                let xv = s.eval(at, x)?;
                match s.obj(&xv) {
                    Some(Obj::Struct(st)) if !st.escaped => st
                        .fields
                        .iter()
                        .find(|(n, _)| n == f)
                        .map_or(Value::Unknown, |(_, v)| v.clone()),
                    // Stored into something not followed: an escape, quiet.
                    _ => return Ok(false),
                }
            }
            Place::Var(var) => s.read_var(at, *var),
            Place::Index(x, i) => {
                let xv = s.eval(at, x)?;
                let iv = s.eval(at, i)?;
                match s.obj(&xv) {
                    Some(Obj::List { elems, escaped }) if !escaped => match iv {
                        Value::Int(k) => usize::try_from(k)
                            .ok()
                            .and_then(|k| elems.get(k))
                            .cloned()
                            .unwrap_or(Value::Unknown),
                        // Which element changes is not known: every one
                        // escapes, and the others may see that.
                        _ => return Ok(true),
                    },
                    Some(Obj::Map { entries, escaped }) if !escaped => entries
                        .iter()
                        .find(|(k, _)| *k == iv)
                        .map_or(Value::Unknown, |(_, v)| v.clone()),
                    _ => return Ok(false),
                }
            }
            _ => return Ok(false),
        };
        Ok(!(old == Value::Unknown && *v == Value::Unknown))
    }

    /// True when some argument or captured variable holds a value the model
    /// follows (a call given one must be entered to see what it does).
    fn any_followed(
        &self,
        s: &State,
        args: &[Value],
        env: &[(goguard_semantic::model::BindingId, u32)],
    ) -> bool {
        args.iter().any(|v| self.followed(s, v, 0))
            || env.iter().any(|&(_, c)| {
                s.cells
                    .get(c as usize)
                    .is_some_and(|v| self.followed(s, v, 0))
            })
    }

    /// True for a value that holds something the model follows: a channel
    /// or sync object made here, or a struct, closure, bound method or
    /// context holding one.
    fn followed(&self, s: &State, v: &Value, depth: u32) -> bool {
        if depth > 3 {
            return true;
        }
        let deep = |v: &Value| self.followed(s, v, depth + 1);
        match s.obj(v) {
            Some(Obj::Chan(c)) => !c.escaped,
            Some(Obj::Mutex(m)) => !m.escaped,
            Some(Obj::Wg(w)) => !w.escaped,
            Some(Obj::Cond(c)) => !c.escaped,
            Some(Obj::Once { .. }) => true,
            // A struct with sync fields, followed values or nil channels
            // and pointers (set later, or blocking when used).
            Some(Obj::Struct(st)) => {
                !st.escaped
                    && (!st.sync_fields.is_empty()
                        || st.fields.iter().any(|(_, f)| *f == Value::Nil || deep(f)))
            }
            Some(Obj::Closure { env, .. }) => env
                .iter()
                .any(|&(_, c)| s.cells.get(c as usize).is_some_and(deep)),
            Some(Obj::Bound { recv, .. }) => deep(recv),
            Some(Obj::Ctx { done, .. }) => deep(done),
            Some(Obj::Cancel { ctx }) => deep(ctx),
            Some(Obj::List { elems, escaped }) => !escaped && elems.iter().any(deep),
            Some(Obj::Map { entries, escaped }) => {
                !escaped && entries.iter().any(|(k, v)| deep(k) || deep(v))
            }
            None => false,
        }
    }

    /// Forgets variables no op can read any more (dead at their frame's
    /// pc, or every variable of a frame being left), and variables holding
    /// a value the model does not follow (a variable it has no cell for
    /// reads as unknown), so that states that differ only in them are one.
    /// Variables captured by closures are kept: an assignment must reach
    /// the cell the closure shares.
    pub(crate) fn forget_dead(&self, s: &mut State) {
        let cells = &s.cells;
        for p in &mut s.procs {
            for f in &mut p.frames {
                if f.unwind.is_some() {
                    f.env.clear();
                    continue;
                }
                let body = self.pkg.body(f.func);
                let Some(live) = body.live.get(f.pc as usize) else {
                    continue;
                };
                f.env.retain(|&(v, c)| {
                    let captured = matches!(v, Var::Binding(b) if self.pkg.is_captured(b));
                    captured
                        || (live.binary_search(&v).is_ok()
                            && cells.get(c as usize) != Some(&Value::Unknown))
                });
            }
        }
    }

    /// True when one of the values a condition reads the state of is a
    /// struct the model follows.
    fn reads_followed(&self, s: &State, at: At, reads: &[Expr]) -> bool {
        reads.iter().any(|e| {
            let mut st = s.clone();
            let v = st.eval(at, e).unwrap_or(Value::Unknown);
            matches!(st.obj(&v), Some(Obj::Struct(o)) if !o.escaped)
        })
    }

    /// True when another goroutine is still running.
    fn live_others(&self, s: &State, p: ProcId) -> bool {
        s.procs
            .iter()
            .enumerate()
            .any(|(i, q)| i != p as usize && q.status != Status::Done)
    }

    /// A call whose target is a followed sync object's method or a cancel
    /// function closing a followed channel.
    fn call_is_loud(
        &self,
        s: &mut State,
        at: At,
        target: &Target,
        args: &[Expr],
    ) -> Result<bool, Need> {
        match target {
            Target::Method(name) => {
                let Some(recv) = args.first() else {
                    return Ok(false);
                };
                let r = s.eval(at, recv)?;
                Ok(self.sync_method(s, &r, name).is_some())
            }
            Target::Value(e) => {
                let v = s.eval(at, e)?;
                Ok(match s.obj(&v) {
                    Some(Obj::Cancel { ctx }) => {
                        let ctx = ctx.clone();
                        self.cancel_chan(s, &ctx).is_some()
                    }
                    _ => false,
                })
            }
            _ => Ok(false),
        }
    }

    /// The operation `name` means on a followed sync object.
    pub(crate) fn sync_method(&self, s: &State, recv: &Value, name: &str) -> Option<MethodApi> {
        let kind = match s.obj(recv)? {
            Obj::Mutex(m) if !m.escaped => crate::ir::SyncKind::RwMutex,
            Obj::Wg(w) if !w.escaped => crate::ir::SyncKind::ErrGroup,
            _ => return None,
        };
        dynamic_method(kind, name).or_else(|| match kind {
            crate::ir::SyncKind::ErrGroup => dynamic_method(crate::ir::SyncKind::WaitGroup, name),
            _ => None,
        })
    }

    fn defer_val(&self, s: &mut State, at: At, d: &Deferred) -> Result<DeferVal, Need> {
        Ok(match d {
            Deferred::Close { ch, at: node } => DeferVal::Close {
                ch: s.eval(at, ch)?,
                at: at_of(at.file, *node),
            },
            Deferred::Sync {
                op,
                target,
                at: node,
            } => DeferVal::Sync {
                op: *op,
                target: s.eval(at, target)?,
                at: at_of(at.file, *node),
            },
            Deferred::Call(c) | Deferred::Recover(c) => {
                let mut args = Vec::with_capacity(c.args.len());
                for a in &c.args {
                    args.push(s.eval(at, a)?);
                }
                if let Target::Method(name) = &c.target {
                    // `defer g.Wait()`, `defer mu.Unlock()` on an object the
                    // lowering could not type.
                    if let Some(recv) = args.first().cloned() {
                        if let Some(MethodApi::Sync(op)) = self.sync_method(s, &recv, name) {
                            return Ok(DeferVal::Sync {
                                op,
                                target: recv,
                                at: at_of(at.file, c.at),
                            });
                        }
                    }
                }
                let callee = self.callee(s, at, &c.target, &mut args)?;
                if let Callee::Opaque = callee {
                    for a in &args {
                        s.escape(a);
                    }
                }
                DeferVal::Call {
                    callee,
                    args,
                    at: at_of(at.file, c.at),
                    recovers: matches!(d, Deferred::Recover(_)),
                }
            }
        })
    }
}

pub(crate) fn loop_count(f: &Frame, id: u32) -> u8 {
    f.loops
        .iter()
        .find(|(l, _)| *l == id)
        .map_or(0, |&(_, c)| c)
}

pub(crate) fn set_loop_count(f: &mut Frame, id: u32, n: u8) {
    match f.loops.iter_mut().find(|(l, _)| *l == id) {
        Some(slot) => slot.1 = n,
        None => f.loops.push((id, n)),
    }
}

pub(crate) const fn max_wg() -> i32 {
    MAX_WG
}
