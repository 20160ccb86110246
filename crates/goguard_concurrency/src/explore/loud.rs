//! Loud steps: operations on channels and sync objects the model follows.
//! [`Machine::moves`] lists every transition of a state (a loud step of one
//! process, or a rendezvous of two on an unbuffered channel) and which
//! processes sit at a loud step none of the transitions takes: blocked.

use crate::ir::{CaseKind, Loc, Op, Place, RangeKind, SyncOp};
use crate::lower::api::MethodApi;

use super::eval::{At, Need};
use super::exec::{max_wg, Event, EventKind, Machine, Misuse, Move, Step};
use super::state::{Callee, DeferVal, Obj, ProcId, State, Status, Value};

/// How a process goes on after its loud step.
#[derive(Clone, Copy)]
enum Cont {
    Pc(crate::ir::Pc),
    PopDefer,
}

/// A receive a process offers: on which channel, and what taking it does.
struct RecvOffer {
    chan: Value,
    dst: Place,
    ok: Place,
    cont: Cont,
    at: Loc,
    /// The select case taken, for the witness.
    case: bool,
}

/// Where the moves of one state are collected.
struct Moves<'m> {
    out: Vec<Move>,
    m: &'m Machine<'m>,
}

impl Moves<'_> {
    /// Adds the successors of `s` where processes `ps` took loud steps:
    /// each runs on to its next loud step.
    fn push(&mut self, mut s: State, ps: &[ProcId], events: Vec<Event>, misuse: Option<Misuse>) {
        let movers = ps.iter().fold(0u32, |m, &p| m | 1 << p);
        s.trail = events;
        if s.crashed || s.truncated || misuse.is_some() {
            let events = std::mem::take(&mut s.trail);
            self.out.push(Move {
                state: s,
                movers,
                events,
                misuse,
            });
            return;
        }
        let mut states = vec![s];
        for &p in ps {
            let mut next = Vec::new();
            for st in states {
                next.extend(self.m.settle(st, p));
            }
            states = next;
        }
        for mut st in states {
            let events = std::mem::take(&mut st.trail);
            self.out.push(Move {
                state: st,
                movers,
                events,
                misuse: None,
            });
        }
    }
}

impl Machine<'_> {
    fn loc(&self, s: &State, p: ProcId, node: goguard_syntax::NodeId) -> Loc {
        let file = s.procs[p as usize].frames.last().map_or(0, |f| f.func.file);
        Loc { file, node }
    }

    fn at_p(&self, s: &State, p: ProcId) -> At {
        let file = s.procs[p as usize].frames.last().map_or(0, |f| f.func.file);
        At { proc: p, file }
    }

    fn cont(&self, s: &mut State, p: ProcId, c: Cont) {
        let Some(f) = s.procs[p as usize].frames.last_mut() else {
            return;
        };
        match c {
            Cont::Pc(pc) => f.pc = pc,
            Cont::PopDefer => {
                f.defers.pop();
            }
        }
    }

    /// The receives process `q` offers at its current step (a receive, a
    /// range over a channel, or the receive cases of a select).
    fn recv_offers(&self, s: &mut State, q: ProcId) -> Vec<RecvOffer> {
        if s.procs[q as usize].status != Status::Run || s.procs[q as usize].paused {
            return Vec::new();
        }
        let Step::Op(body, pc) = self.step_of(s, q) else {
            return Vec::new();
        };
        let at = self.at_p(s, q);
        let mut out = Vec::new();
        match body.ops.get(pc as usize) {
            Some(Op::Recv {
                ch,
                dst,
                ok,
                next,
                at: node,
            }) => {
                if let Ok(c) = s.eval(at, ch) {
                    out.push(RecvOffer {
                        chan: c,
                        dst: dst.clone(),
                        ok: ok.clone(),
                        cont: Cont::Pc(*next),
                        at: self.loc(s, q, *node),
                        case: false,
                    });
                }
            }
            Some(Op::Range {
                x,
                kind: RangeKind::Chan | RangeKind::Other,
                dst,
                body: b,
                at: node,
                ..
            }) => {
                if let Ok(c) = s.eval(at, x) {
                    out.push(RecvOffer {
                        chan: c,
                        dst: dst.clone(),
                        ok: Place::Discard,
                        cont: Cont::Pc(*b),
                        at: self.loc(s, q, *node),
                        case: false,
                    });
                }
            }
            Some(Op::Select { cases, .. }) => {
                for c in cases {
                    if let CaseKind::Recv { ch, dst, ok } = &c.kind {
                        if let Ok(v) = s.eval(at, ch) {
                            out.push(RecvOffer {
                                chan: v,
                                dst: dst.clone(),
                                ok: ok.clone(),
                                cont: Cont::Pc(c.body),
                                at: self.loc(s, q, c.at),
                                case: true,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// Every transition of `s`, and the processes blocked in it (bit set).
    pub(crate) fn moves(&self, s: &State) -> (Vec<Move>, u32) {
        let mut moves = Moves {
            out: Vec::new(),
            m: self,
        };
        if s.crashed || s.truncated {
            return (Vec::new(), 0);
        }
        let mut at_loud = 0u32;
        for p in 0..s.procs.len() as ProcId {
            let proc = &s.procs[p as usize];
            if proc.status == Status::Done {
                continue;
            }
            at_loud |= 1 << p;
            if proc.paused {
                let mut st = s.clone();
                st.procs[p as usize].paused = false;
                moves.push(st, &[p], Vec::new(), None);
                continue;
            }
            match self.moves_of(s, p, &mut moves) {
                Ok(()) => {}
                // A loud step needing a value not chosen yet: one move per
                // choice, after which the step is taken from the new state.
                Err(need @ (Need::Sym(_) | Need::Pred(_))) => {
                    for st in self.choices(s, need) {
                        moves.out.push(Move {
                            state: st,
                            movers: 1 << p,
                            events: Vec::new(),
                            misuse: None,
                        });
                    }
                }
                Err(Need::Bound | Need::Either | Need::Guess) => {
                    let mut st = s.clone();
                    st.truncated = true;
                    moves.push(st, &[p], Vec::new(), None);
                }
            }
        }
        let moved = moves.out.iter().fold(0u32, |m, mv| m | mv.movers);
        (moves.out, at_loud & !moved)
    }

    fn moves_of(&self, s0: &State, p: ProcId, mv: &mut Moves<'_>) -> Result<(), Need> {
        let mut s = s0.clone();
        let at = self.at_p(&s, p);
        let status = s.procs[p as usize].status;
        match self.step_of(&s, p) {
            // Quiet steps: never the next step of a settled process.
            Step::Done | Step::Unwind => Ok(()),
            Step::GroupDone => {
                let g = s.procs[p as usize].group.clone();
                let misuse = self.wg_add(&mut s, &g, -1, None);
                s.procs[p as usize].status = Status::Done;
                mv.push(s, &[p], Vec::new(), misuse);
                Ok(())
            }
            Step::Defer(d) => {
                match d {
                    DeferVal::Close { ch, at: loc } => {
                        self.close(&mut s, p, &ch, loc, Cont::PopDefer, mv);
                    }
                    DeferVal::Sync {
                        op,
                        target,
                        at: loc,
                    } => {
                        self.sync(
                            &mut s,
                            p,
                            op,
                            &target,
                            Value::Int(1),
                            loc,
                            Cont::PopDefer,
                            status,
                            mv,
                        )?;
                    }
                    DeferVal::Call {
                        callee: Callee::Cancel(ctx),
                        at: loc,
                        ..
                    } => {
                        self.cancel(&mut s, p, &ctx, loc, Cont::PopDefer, mv);
                    }
                    _ => {}
                }
                Ok(())
            }
            Step::Op(body, pc) => {
                let Some(op) = body.ops.get(pc as usize) else {
                    return Ok(());
                };
                match op {
                    Op::Send {
                        ch,
                        value,
                        next,
                        at: node,
                    } => {
                        let c = s.eval(at, ch)?;
                        let v = s.eval(at, value)?;
                        let loc = self.loc(&s, p, *node);
                        self.send(&mut s, p, &c, v, Cont::Pc(*next), loc, false, mv);
                    }
                    Op::Recv {
                        ch,
                        dst,
                        ok,
                        next,
                        at: node,
                    } => {
                        let c = s.eval(at, ch)?;
                        let loc = self.loc(&s, p, *node);
                        self.recv_alone(
                            &mut s,
                            p,
                            &c,
                            dst,
                            ok,
                            Cont::Pc(*next),
                            None,
                            loc,
                            false,
                            mv,
                        )?;
                    }
                    Op::Range {
                        x,
                        dst,
                        body: b,
                        done,
                        at: node,
                        ..
                    } => {
                        let c = s.eval(at, x)?;
                        let loc = self.loc(&s, p, *node);
                        self.recv_alone(
                            &mut s,
                            p,
                            &c,
                            dst,
                            &Place::Discard,
                            Cont::Pc(*b),
                            Some(Cont::Pc(*done)),
                            loc,
                            false,
                            mv,
                        )?;
                    }
                    Op::Select {
                        cases,
                        default,
                        at: sel,
                    } => {
                        // A case ready whatever the timing (buffered
                        // data or room, a closed channel) rules `default`
                        // out. A partner waiting for a rendezvous does
                        // not: the model runs each process's quiet steps
                        // at once, so a partner shown waiting may in truth
                        // still be on its way when the select polls.
                        let mut ready = false;
                        for c in cases {
                            let loc = self.loc(&s, p, c.at);
                            let before = mv.out.len();
                            match &c.kind {
                                CaseKind::Send { ch, value } => {
                                    let chv = s.eval(at, ch)?;
                                    let v = s.eval(at, value)?;
                                    let mut st = s.clone();
                                    self.send(&mut st, p, &chv, v, Cont::Pc(c.body), loc, true, mv);
                                    let buffered = matches!(s.obj(&chv),
                                        Some(Obj::Chan(ch)) if ch.cap > 0 || ch.closed);
                                    if self.follows_chan(&s, &chv)
                                        && buffered
                                        && mv.out.len() > before
                                    {
                                        ready = true;
                                    }
                                }
                                CaseKind::Recv { ch, dst, ok } => {
                                    let chv = s.eval(at, ch)?;
                                    let mut st = s.clone();
                                    self.recv_alone(
                                        &mut st,
                                        p,
                                        &chv,
                                        dst,
                                        ok,
                                        Cont::Pc(c.body),
                                        None,
                                        loc,
                                        true,
                                        mv,
                                    )?;
                                    if self.follows_chan(&s, &chv) && mv.out.len() > before {
                                        ready = true;
                                    }
                                }
                            }
                        }
                        if let (Some(d), false) = (default, ready) {
                            let mut st = s.clone();
                            self.cont(&mut st, p, Cont::Pc(*d));
                            let ev = vec![Event {
                                proc: p,
                                kind: EventKind::Default,
                                at: self.loc(&s, p, *sel),
                                chan: None,
                            }];
                            mv.push(st, &[p], ev, None);
                        }
                    }
                    Op::Close { ch, next, at: node } => {
                        let c = s.eval(at, ch)?;
                        let loc = self.loc(&s, p, *node);
                        self.close(&mut s, p, &c, loc, Cont::Pc(*next), mv);
                    }
                    Op::Sync {
                        op,
                        target,
                        arg,
                        next,
                        at: node,
                    } => {
                        let t = s.eval(at, target)?;
                        let a = s.eval(at, arg)?;
                        let loc = self.loc(&s, p, *node);
                        self.sync(&mut s, p, *op, &t, a, loc, Cont::Pc(*next), status, mv)?;
                    }
                    Op::Call { call, next } => {
                        let loc = self.loc(&s, p, call.at);
                        match &call.target {
                            crate::ir::Target::Method(name) => {
                                let recv = match call.args.first() {
                                    Some(r) => s.eval(at, r)?,
                                    None => Value::Unknown,
                                };
                                match self.sync_method(&s, &recv, name) {
                                    Some(MethodApi::Sync(op)) => {
                                        let a = match call.args.get(1) {
                                            Some(e) => s.eval(at, e)?,
                                            None => Value::Int(1),
                                        };
                                        self.sync(
                                            &mut s,
                                            p,
                                            op,
                                            &recv,
                                            a,
                                            loc,
                                            Cont::Pc(*next),
                                            status,
                                            mv,
                                        )?;
                                    }
                                    Some(MethodApi::GroupGo) => {
                                        let f = match call.args.get(1) {
                                            Some(e) => s.eval(at, e)?,
                                            None => Value::Unknown,
                                        };
                                        self.group_go(
                                            &mut s,
                                            p,
                                            &recv,
                                            &f,
                                            loc,
                                            Cont::Pc(*next),
                                            mv,
                                        )?;
                                    }
                                    _ => {}
                                }
                            }
                            crate::ir::Target::Value(e) => {
                                let v = s.eval(at, e)?;
                                if let Some(Obj::Cancel { ctx }) = s.obj(&v) {
                                    let ctx = ctx.clone();
                                    self.cancel(&mut s, p, &ctx, loc, Cont::Pc(*next), mv);
                                }
                            }
                            _ => {}
                        }
                    }
                    // `go cancel()`: the goroutine does nothing but cancel,
                    // so it runs at once, as one of its schedules. Every
                    // state explored is then one where it is done, whose
                    // successors are all explored: a goroutine found
                    // blocked forever is, though the schedules where the
                    // cancel comes later are not seen.
                    Op::Go { call, next } => {
                        if let crate::ir::Target::Value(e) = &call.target {
                            let v = s.eval(at, e)?;
                            if let Some(Obj::Cancel { ctx }) = s.obj(&v) {
                                let ctx = ctx.clone();
                                let loc = self.loc(&s, p, call.at);
                                self.cancel(&mut s, p, &ctx, loc, Cont::Pc(*next), mv);
                            }
                        }
                    }
                    Op::OnceDo { once, f, next, .. } => {
                        let o = s.eval(at, once)?;
                        let done = matches!(s.obj(&o), Some(Obj::Once { done: true }));
                        if done {
                            self.cont(&mut s, p, Cont::Pc(*next));
                            mv.push(s, &[p], Vec::new(), None);
                        } else {
                            if let Some(Obj::Once { done }) = s.obj_mut(&o) {
                                *done = true;
                            }
                            let fv = s.eval(at, f)?;
                            let mut args = Vec::new();
                            let callee = self.callee_of_value(&s, &fv, &mut args);
                            let entered = match callee {
                                Callee::Body { func, env } => {
                                    self.push_frame(&mut s, p, func, env, args)?
                                }
                                _ => false,
                            };
                            if !entered {
                                self.cont(&mut s, p, Cont::Pc(*next));
                            }
                            mv.push(s, &[p], Vec::new(), None);
                        }
                    }
                    Op::GroupGo {
                        group,
                        f,
                        next,
                        at: node,
                    } => {
                        let g = s.eval(at, group)?;
                        let fv = s.eval(at, f)?;
                        let loc = self.loc(&s, p, *node);
                        self.group_go(&mut s, p, &g, &fv, loc, Cont::Pc(*next), mv)?;
                    }
                    Op::Set {
                        place, value, next, ..
                    } => {
                        let v = s.eval(at, value)?;
                        s.assign(at, place, v)?;
                        self.cont(&mut s, p, Cont::Pc(*next));
                        mv.push(s, &[p], Vec::new(), None);
                    }
                    // select {}, nil channels: nothing.
                    _ => {}
                }
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn send(
        &self,
        s: &mut State,
        p: ProcId,
        c: &Value,
        v: Value,
        cont: Cont,
        loc: Loc,
        case: bool,
        mv: &mut Moves<'_>,
    ) {
        let chan = followed_chan(s, c);
        let ev = |kind| Event {
            proc: p,
            kind,
            at: loc,
            chan,
        };
        let sent_kind = if case {
            EventKind::Case
        } else {
            EventKind::Sent
        };
        match s.obj(c).cloned() {
            Some(Obj::Chan(ch)) if !ch.escaped => {
                if ch.closed {
                    let mut st = s.clone();
                    st.crashed = true;
                    mv.push(
                        st,
                        &[p],
                        vec![ev(sent_kind)],
                        Some(Misuse::SendOnClosed {
                            at: loc,
                            alloc: ch.alloc,
                        }),
                    );
                    return;
                }
                if ch.cap > 0 {
                    if (ch.buf.len() as u8) < ch.cap {
                        let mut st = s.clone();
                        if let Some(Obj::Chan(chm)) = st.obj_mut(c) {
                            chm.buf.push(v);
                        }
                        self.cont(&mut st, p, cont);
                        mv.push(st, &[p], vec![ev(sent_kind)], None);
                    }
                    return;
                }
                // Unbuffered: a rendezvous with each receiver waiting on it.
                for q in 0..s.procs.len() as ProcId {
                    if q == p {
                        continue;
                    }
                    let offers = self.recv_offers(s, q);
                    for o in offers {
                        if &o.chan != c {
                            continue;
                        }
                        let mut st = s.clone();
                        self.cont(&mut st, p, cont);
                        let aq = self.at_p(&st, q);
                        if st.assign(aq, &o.dst, v.clone()).is_err()
                            || st.assign(aq, &o.ok, Value::Bool(true)).is_err()
                        {
                            st.truncated = true;
                        }
                        self.cont(&mut st, q, o.cont);
                        let events = vec![
                            ev(sent_kind),
                            Event {
                                proc: q,
                                kind: if o.case {
                                    EventKind::Case
                                } else {
                                    EventKind::Received
                                },
                                at: o.at,
                                chan,
                            },
                        ];
                        mv.push(st, &[p, q], events, None);
                    }
                }
            }
            // Nil: never.
            _ if *c == Value::Nil => {}
            // Not followed: some receiver outside the model may take it.
            _ => {
                let mut st = s.clone();
                st.escape(&v);
                self.cont(&mut st, p, cont);
                let events = if case {
                    vec![ev(EventKind::Case)]
                } else {
                    Vec::new()
                };
                mv.push(st, &[p], events, None);
            }
        }
    }

    /// A receive that completes without a waiting sender: from the buffer,
    /// from a closed channel, or from a channel the model does not follow.
    /// `done` is where a range goes when the channel is closed.
    #[allow(clippy::too_many_arguments)]
    fn recv_alone(
        &self,
        s: &mut State,
        p: ProcId,
        c: &Value,
        dst: &Place,
        ok: &Place,
        cont: Cont,
        done: Option<Cont>,
        loc: Loc,
        case: bool,
        mv: &mut Moves<'_>,
    ) -> Result<(), Need> {
        let at = self.at_p(s, p);
        let chan = followed_chan(s, c);
        let ev = |kind| Event {
            proc: p,
            kind,
            at: loc,
            chan,
        };
        let kind = if case {
            EventKind::Case
        } else {
            EventKind::Received
        };
        match s.obj(c).cloned() {
            Some(Obj::Chan(ch)) if !ch.escaped => {
                if !ch.buf.is_empty() {
                    let mut st = s.clone();
                    let v = match st.obj_mut(c) {
                        Some(Obj::Chan(chm)) => chm.buf.remove(0),
                        _ => Value::Unknown,
                    };
                    st.assign(at, dst, v)?;
                    st.assign(at, ok, Value::Bool(true))?;
                    self.cont(&mut st, p, cont);
                    mv.push(st, &[p], vec![ev(kind)], None);
                } else if ch.closed {
                    let mut st = s.clone();
                    match done {
                        Some(d) => self.cont(&mut st, p, d),
                        None => {
                            st.assign(at, dst, Value::Unknown)?;
                            st.assign(at, ok, Value::Bool(false))?;
                            self.cont(&mut st, p, cont);
                        }
                    }
                    mv.push(st, &[p], vec![ev(kind)], None);
                }
            }
            _ if *c == Value::Nil => {}
            _ => {
                // Not followed: anything may arrive, or a range may end.
                // On a channel made here that the model lost track of
                // (stored in a map it cannot follow), whether and when the
                // code reading it there sends or closes is a guess.
                let made_here = matches!(s.obj(c), Some(Obj::Chan(ch)) if ch.lost);
                let mut st = s.clone();
                st.guessed |= made_here;
                st.assign(at, dst, Value::Unknown)?;
                st.assign(at, ok, Value::EnvOk)?;
                self.cont(&mut st, p, cont);
                let events = if case {
                    vec![ev(EventKind::Case)]
                } else {
                    Vec::new()
                };
                mv.push(st, &[p], events, None);
                if let Some(d) = done {
                    let mut st = s.clone();
                    st.guessed |= made_here;
                    self.cont(&mut st, p, d);
                    mv.push(st, &[p], Vec::new(), None);
                }
            }
        }
        Ok(())
    }

    fn close(&self, s: &mut State, p: ProcId, c: &Value, loc: Loc, cont: Cont, mv: &mut Moves<'_>) {
        let chan = followed_chan(s, c);
        let ev = vec![Event {
            proc: p,
            kind: EventKind::Closed,
            at: loc,
            chan,
        }];
        match s.obj(c).cloned() {
            Some(Obj::Chan(ch)) if !ch.escaped => {
                let mut st = s.clone();
                if ch.closed {
                    st.crashed = true;
                    mv.push(
                        st,
                        &[p],
                        ev,
                        Some(Misuse::CloseOfClosed {
                            at: loc,
                            alloc: ch.alloc,
                        }),
                    );
                    return;
                }
                if let Some(Obj::Chan(chm)) = st.obj_mut(c) {
                    chm.closed = true;
                }
                self.cont(&mut st, p, cont);
                mv.push(st, &[p], ev, None);
            }
            _ if *c == Value::Nil => {
                let mut st = s.clone();
                st.crashed = true;
                mv.push(st, &[p], ev, Some(Misuse::CloseOfNil { at: loc }));
            }
            _ => {
                let mut st = s.clone();
                self.cont(&mut st, p, cont);
                mv.push(st, &[p], Vec::new(), None);
            }
        }
    }

    /// A cancel function: closes its context's Done channel once, and those
    /// of the contexts derived from it.
    fn cancel(
        &self,
        s: &mut State,
        p: ProcId,
        ctx: &Value,
        loc: Loc,
        cont: Cont,
        mv: &mut Moves<'_>,
    ) {
        let mut st = s.clone();
        for done in st.cancelled_with(ctx) {
            if let Some(Obj::Chan(ch)) = st.obj_mut(&done) {
                ch.closed = true;
            }
        }
        self.cont(&mut st, p, cont);
        let ev = vec![Event {
            proc: p,
            kind: EventKind::Closed,
            at: loc,
            chan: None,
        }];
        mv.push(st, &[p], ev, None);
    }

    /// Adds `n` to a followed WaitGroup; a misuse when it goes negative.
    fn wg_add(&self, s: &mut State, g: &Value, n: i64, at: Option<Loc>) -> Option<Misuse> {
        let Some(Obj::Wg(w)) = s.obj_mut(g) else {
            return None;
        };
        if w.escaped {
            return None;
        }
        w.count += n as i32;
        if w.count > max_wg() {
            w.escaped = true;
            return None;
        }
        if w.count < 0 {
            s.crashed = true;
            return at.map(|at| Misuse::NegativeWaitGroup { at });
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn group_go(
        &self,
        s: &mut State,
        p: ProcId,
        g: &Value,
        f: &Value,
        loc: Loc,
        cont: Cont,
        mv: &mut Moves<'_>,
    ) -> Result<(), Need> {
        let mut st = s.clone();
        self.wg_add(&mut st, g, 1, None);
        let mut args = Vec::new();
        let callee = self.callee_of_value(&st, f, &mut args);
        self.spawn(&mut st, callee, args, loc, g.clone(), p)?;
        let mut events = std::mem::take(&mut st.trail);
        events.push(Event {
            proc: p,
            kind: EventKind::WgAdd,
            at: loc,
            chan: None,
        });
        self.cont(&mut st, p, cont);
        mv.push(st, &[p], events, None);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn sync(
        &self,
        s: &mut State,
        p: ProcId,
        op: SyncOp,
        t: &Value,
        arg: Value,
        loc: Loc,
        cont: Cont,
        status: Status,
        mv: &mut Moves<'_>,
    ) -> Result<(), Need> {
        let ev = |kind| {
            vec![Event {
                proc: p,
                kind,
                at: loc,
                chan: None,
            }]
        };
        let obj = s.obj(t).cloned();
        match (op, obj) {
            (SyncOp::Lock, Some(Obj::Mutex(m))) if !m.escaped => {
                if m.writer.is_none() && m.readers == 0 {
                    let mut st = s.clone();
                    if let Some(Obj::Mutex(mm)) = st.obj_mut(t) {
                        mm.writer = Some(p);
                    }
                    self.cont(&mut st, p, cont);
                    mv.push(st, &[p], ev(EventKind::Locked), None);
                }
            }
            (SyncOp::RLock, Some(Obj::Mutex(m))) if !m.escaped => {
                // A writer at its `Lock` queues ahead of new readers only
                // once readers hold the mutex; while it is free the writer
                // may not have called `Lock` yet, and a reader may come
                // first (between an `Unlock` and the next `Lock`).
                let queued = m.readers > 0 && self.writer_waiting(s, p, t);
                if m.writer.is_none() && !queued {
                    let mut st = s.clone();
                    if let Some(Obj::Mutex(mm)) = st.obj_mut(t) {
                        mm.readers = mm.readers.saturating_add(1);
                        mm.reader_set |= 1 << p;
                    }
                    self.cont(&mut st, p, cont);
                    mv.push(st, &[p], ev(EventKind::Locked), None);
                }
            }
            (SyncOp::TryLock, Some(Obj::Mutex(m))) if !m.escaped => {
                let mut st = s.clone();
                if m.writer.is_none() && m.readers == 0 {
                    if let Some(Obj::Mutex(mm)) = st.obj_mut(t) {
                        mm.writer = Some(p);
                    }
                }
                self.cont(&mut st, p, cont);
                mv.push(st, &[p], Vec::new(), None);
            }
            (SyncOp::Unlock | SyncOp::RUnlock, Some(Obj::Mutex(m))) if !m.escaped => {
                let mut st = s.clone();
                let misuse = match (op, m.writer, m.readers) {
                    (SyncOp::Unlock, Some(_), _) => {
                        if let Some(Obj::Mutex(mm)) = st.obj_mut(t) {
                            mm.writer = None;
                        }
                        None
                    }
                    (SyncOp::RUnlock, _, r) if r > 0 => {
                        if let Some(Obj::Mutex(mm)) = st.obj_mut(t) {
                            mm.readers -= 1;
                            // Another goroutine may release a read lock;
                            // the set is exact again once none is held.
                            mm.reader_set &= !(1 << p);
                            if mm.readers == 0 {
                                mm.reader_set = 0;
                            }
                        }
                        None
                    }
                    _ => {
                        st.crashed = true;
                        Some(Misuse::UnlockOfUnlocked { at: loc })
                    }
                };
                self.cont(&mut st, p, cont);
                mv.push(st, &[p], ev(EventKind::Unlocked), misuse);
            }
            (SyncOp::WgAdd | SyncOp::WgDone, Some(Obj::Wg(w))) if !w.escaped => {
                let mut st = s.clone();
                let n = match (op, arg) {
                    (SyncOp::WgDone, _) => -1,
                    (_, Value::Int(n)) => n,
                    _ => {
                        st.escape(t);
                        0
                    }
                };
                let misuse = self.wg_add(&mut st, t, n, Some(loc));
                self.cont(&mut st, p, cont);
                let kind = if op == SyncOp::WgDone {
                    EventKind::WgDone
                } else {
                    EventKind::WgAdd
                };
                mv.push(st, &[p], ev(kind), misuse);
            }
            (SyncOp::WgWait, Some(Obj::Wg(w))) if !w.escaped => {
                if w.count == 0 {
                    let mut st = s.clone();
                    self.cont(&mut st, p, cont);
                    mv.push(st, &[p], ev(EventKind::Waited), None);
                }
            }
            // A Cond with no locker yet (a struct's zero field) is not
            // followed.
            (SyncOp::CondWait, Some(Obj::Cond(c))) if !c.escaped && c.locker != Value::Nil => {
                match status {
                    Status::Run => {
                        let mut st = s.clone();
                        let locker = c.locker.clone();
                        if let Some(Obj::Mutex(mm)) = st.obj_mut(&locker) {
                            mm.writer = None;
                        }
                        if let Some(Obj::Cond(cm)) = st.obj_mut(t) {
                            cm.waiting |= 1 << p;
                        }
                        st.procs[p as usize].status = Status::CondWaiting;
                        mv.push(st, &[p], ev(EventKind::Waited), None);
                    }
                    // The condition the wait loop tests is data the model does
                    // not follow: another goroutine may change it and signal in
                    // code the model cannot see. Waking is always possible, as
                    // a guess. A package that never names Signal or Broadcast
                    // cannot wake a Cond it keeps.
                    Status::CondWaiting if self.pkg.names_cond_wakeup() => {
                        let mut st = s.clone();
                        st.procs[p as usize].status = Status::CondWoken;
                        if let Some(Obj::Cond(cm)) = st.obj_mut(t) {
                            cm.waiting &= !(1 << p);
                        }
                        st.guessed = true;
                        mv.push(st, &[p], Vec::new(), None);
                    }
                    Status::CondWoken => {
                        let free = match st_mutex(s, &c.locker) {
                            Some((w, r, esc)) => esc || (w.is_none() && r == 0),
                            None => true,
                        };
                        if free {
                            let mut st = s.clone();
                            if let Some(Obj::Mutex(mm)) = st.obj_mut(&c.locker) {
                                if !mm.escaped {
                                    mm.writer = Some(p);
                                }
                            }
                            st.procs[p as usize].status = Status::Run;
                            self.cont(&mut st, p, cont);
                            mv.push(st, &[p], ev(EventKind::Locked), None);
                        }
                    }
                    // Waits for a Signal or Broadcast the model would see.
                    Status::CondWaiting | Status::Done => {}
                }
            }
            (SyncOp::CondSignal | SyncOp::CondBroadcast, Some(Obj::Cond(c))) if !c.escaped => {
                let waiting: Vec<ProcId> =
                    (0..32u8).filter(|&q| c.waiting & (1 << q) != 0).collect();
                if waiting.is_empty() {
                    let mut st = s.clone();
                    self.cont(&mut st, p, cont);
                    mv.push(st, &[p], ev(EventKind::Signalled), None);
                } else if op == SyncOp::CondBroadcast {
                    let mut st = s.clone();
                    for &q in &waiting {
                        st.procs[q as usize].status = Status::CondWoken;
                    }
                    if let Some(Obj::Cond(cm)) = st.obj_mut(t) {
                        cm.waiting = 0;
                    }
                    self.cont(&mut st, p, cont);
                    mv.push(st, &[p], ev(EventKind::Signalled), None);
                } else {
                    for &q in &waiting {
                        let mut st = s.clone();
                        st.procs[q as usize].status = Status::CondWoken;
                        if let Some(Obj::Cond(cm)) = st.obj_mut(t) {
                            cm.waiting &= !(1 << q);
                        }
                        self.cont(&mut st, p, cont);
                        mv.push(st, &[p], ev(EventKind::Signalled), None);
                    }
                }
            }
            // Not followed: goes through.
            _ => {
                let mut st = s.clone();
                if st.procs[p as usize].status != Status::Done {
                    st.procs[p as usize].status = Status::Run;
                }
                self.cont(&mut st, p, cont);
                mv.push(st, &[p], Vec::new(), None);
            }
        }
        Ok(())
    }

    /// True when another process waits to Lock the RWMutex `t` (new
    /// readers then wait behind it).
    fn writer_waiting(&self, s: &State, p: ProcId, t: &Value) -> bool {
        (0..s.procs.len() as ProcId).any(|q| {
            if q == p || s.procs[q as usize].status != Status::Run {
                return false;
            }
            let Step::Op(body, pc) = self.step_of(s, q) else {
                return false;
            };
            let Some(Op::Sync {
                op: SyncOp::Lock,
                target,
                ..
            }) = body.ops.get(pc as usize)
            else {
                return false;
            };
            let mut st = s.clone();
            st.eval(self.at_p(s, q), target).ok().as_ref() == Some(t)
        })
    }
}

fn st_mutex(s: &State, v: &Value) -> Option<(Option<ProcId>, u8, bool)> {
    match s.obj(v) {
        Some(Obj::Mutex(m)) => Some((m.writer, m.readers, m.escaped)),
        _ => None,
    }
}

/// The allocation site of the channel `c` when the model follows it (made
/// where it sees, not escaped), for the events that name it.
fn followed_chan(s: &State, c: &Value) -> Option<Loc> {
    match s.obj(c) {
        Some(Obj::Chan(ch)) if !ch.escaped => Some(ch.alloc),
        _ => None,
    }
}
