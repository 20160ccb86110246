//! The search: breadth-first over the states of one function's model,
//! within a budget of states; then, on the graph it built, which processes
//! can still move from each state. A process at a loud step that no path
//! from the state ever moves is blocked forever there; the breadth-first
//! parents give the shortest witness.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::facts::{
    ChanInfo, Finding, FindingKind, LockWait, ModelStats, Other, Step as WStep, StepKind,
};
use crate::ir::{CaseKind, FuncId, Loc, Op, RangeKind, SyncOp};

use super::eval::At;
use super::exec::{Event, EventKind, Machine, Misuse, Step};
use super::state::{Frame, Obj, Proc, ProcId, State, Status, Value};

/// Bounds of one exploration.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Distinct states before the search gives up.
    pub max_states: usize,
    /// Quiet steps (over all local runs) before the search gives up.
    pub max_work: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_states: 100,
            max_work: 500,
        }
    }
}

struct Node {
    parent: Option<u32>,
    events: Vec<Event>,
}

/// A process blocked in a state, as found when the state was expanded.
struct Candidate {
    state: u32,
    proc: ProcId,
    kind: FindingKind,
    at: Loc,
    spawn: Option<Loc>,
    chan: Option<ChanInfo>,
    others: Vec<Other>,
    alone: bool,
    lock_waits: Vec<LockWait>,
}

/// Explores the model of `root`; returns what it found and what it cost.
pub(crate) fn explore(
    machine: &Machine<'_>,
    root: FuncId,
    budget: Budget,
) -> (Vec<Finding>, ModelStats) {
    let mut start = State {
        outer: machine.pkg.body(root).captures.clone(),
        ..State::default()
    };
    start.procs.push(Proc {
        frames: vec![Frame {
            func: root,
            pc: machine.pkg.body(root).entry,
            env: Vec::new(),
            defers: Vec::new(),
            loops: Vec::new(),
            unwind: None,
            in_defer: false,
        }],
        status: Status::Run,
        spawn: None,
        group: Value::Unknown,
        paused: false,
        fresh: false,
    });
    let mut nodes: Vec<Node> = Vec::new();
    let mut seen: FxHashMap<u64, u32> = FxHashMap::default();
    let mut queue: VecDeque<(u32, State)> = VecDeque::new();
    let mut edges: Vec<(u32, u32, u32)> = Vec::new();
    let mut unexpanded: Vec<u32> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut misuses: Vec<(u32, Vec<Event>, Misuse)> = Vec::new();
    let mut gave_up = false;

    for mut s in machine.settle(start, 0) {
        let events = std::mem::take(&mut s.trail);
        machine.forget_dead(&mut s);
        s.canonicalize();
        let h = s.fingerprint();
        if seen.contains_key(&h) {
            continue;
        }
        let id = nodes.len() as u32;
        seen.insert(h, id);
        nodes.push(Node {
            parent: None,
            events,
        });
        queue.push_back((id, s));
    }

    while let Some((id, s)) = queue.pop_front() {
        if s.crashed || s.truncated {
            unexpanded.push(id);
            continue;
        }
        if nodes.len() >= budget.max_states || machine.work.get() > machine.max_work {
            if !gave_up {
                machine.note(None, || {
                    format!(
                        "gave up: {} states (budget {}), {} quiet steps (budget {})",
                        nodes.len(),
                        budget.max_states,
                        machine.work.get(),
                        machine.max_work
                    )
                });
            }
            gave_up = true;
            unexpanded.push(id);
            continue;
        }
        let (moves, blocked) = machine.moves(&s);
        if std::env::var_os("GOGUARD_MODEL_TRACE").is_some() {
            let procs: Vec<String> = s
                .procs
                .iter()
                .map(|p| {
                    let op = p.frames.last().map(|f| {
                        let b = machine.pkg.body(f.func);
                        let file = &machine.pkg.model.files()[f.func.file()];
                        let (line, _) = file
                            .parsed
                            .lines()
                            .line_col(file.parsed.ast().pos(f.func.node));
                        format!(
                            "{}:{line} {:?}",
                            file.path.display(),
                            b.ops.get(f.pc as usize)
                        )
                    });
                    format!(
                        "{:?}@{:?} {}",
                        p.status,
                        p.frames.iter().map(|f| f.pc).collect::<Vec<_>>(),
                        op.unwrap_or_default()
                    )
                })
                .collect();
            eprintln!(
                "state {id}: {} moves, blocked {blocked:b}, cells {} heap {} procs {procs:?} syms {:?} preds {:?}",
                moves.len(),
                s.cells.len(),
                s.heap.len(),
                s.syms,
                s.preds
            );
        }
        for p in 0..s.procs.len() as ProcId {
            if blocked & (1 << p) == 0 {
                continue;
            }
            // `main` waiting forever is how a program serves forever.
            let main_waits = p == 0 && machine.root_is_main;
            let silenced = if s.guessed {
                Some("a guess on the way (a loop count, a test of data the model does not follow, a Cond woken by code it may not see)")
            } else if main_waits {
                Some("main of a main package waits forever by design")
            } else if counts_approximate(machine, &s) {
                Some("two large constants stand in for each other")
            } else {
                None
            };
            match silenced {
                Some(why) => machine.note(blocked_op(machine, &s, p).map(|b| b.1), || {
                    format!("blocked here, not reported: {why}")
                }),
                None => {
                    if let Some(c) = candidate(machine, &s, id, p) {
                        candidates.push(c);
                    }
                }
            }
        }
        for mv in moves {
            if std::env::var_os("GOGUARD_MODEL_TRACE_MOVES").is_some() {
                let st = &mv.state;
                eprintln!(
                    "  move {:b}: crashed {} truncated {} procs {:?} syms {:?} preds {:?}",
                    mv.movers,
                    st.crashed,
                    st.truncated,
                    st.procs
                        .iter()
                        .map(|p| (
                            p.status,
                            p.frames
                                .iter()
                                .map(|f| (f.pc, f.env.len()))
                                .collect::<Vec<_>>()
                        ))
                        .collect::<Vec<_>>(),
                    st.syms,
                    st.preds
                );
            }
            let mut succ = mv.state;
            machine.forget_dead(&mut succ);
            succ.canonicalize();
            let h = succ.fingerprint();
            let target = match seen.get(&h) {
                Some(&t) => t,
                None => {
                    let t = nodes.len() as u32;
                    seen.insert(h, t);
                    if std::env::var_os("GOGUARD_MODEL_TRACE").is_some() {
                        eprintln!(
                            "  node {t} from {id}: events {:?}",
                            mv.events
                                .iter()
                                .map(|e| (e.proc, e.kind))
                                .collect::<Vec<_>>()
                        );
                    }
                    nodes.push(Node {
                        parent: Some(id),
                        events: mv.events.clone(),
                    });
                    let wg_guess = matches!(mv.misuse, Some(Misuse::NegativeWaitGroup { .. }))
                        && lone_count_chosen(machine, &s);
                    if let (Some(m), false) = (
                        mv.misuse,
                        s.guessed || wg_guess || counts_approximate(machine, &s),
                    ) {
                        misuses.push((t, Vec::new(), m));
                    }
                    queue.push_back((t, succ));
                    t
                }
            };
            edges.push((id, target, mv.movers));
        }
    }

    // Which processes can still move from each state: those that move on
    // one of its edges, or from a state it leads to. A state not expanded
    // (crashed, truncated, over budget) is unknown: anything may move.
    let n = nodes.len();
    let mut can_move = vec![0u32; n];
    for &u in &unexpanded {
        can_move[u as usize] = u32::MAX;
    }
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(u, v, m) in &edges {
        can_move[u as usize] |= m;
        preds[v as usize].push(u);
    }
    let mut work: Vec<u32> = (0..n as u32).collect();
    let mut in_work = vec![true; n];
    while let Some(v) = work.pop() {
        in_work[v as usize] = false;
        let mv = can_move[v as usize];
        for &u in &preds[v as usize] {
            let before = can_move[u as usize];
            let after = before | mv;
            if after != before {
                can_move[u as usize] = after;
                if !in_work[u as usize] {
                    in_work[u as usize] = true;
                    work.push(u);
                }
            }
        }
    }

    let mut findings = Vec::new();
    let mut reported: Vec<(Option<Loc>, Loc, FindingKind)> = Vec::new();
    for c in candidates {
        if can_move[c.state as usize] & (1 << c.proc) != 0 {
            machine.note(Some(c.at), || {
                if unexpanded.is_empty() {
                    "blocked here, not reported: another path moves it on (a partner, or an escaped value anyone may use)".to_string()
                } else {
                    "blocked here, not reported: another path moves it on, or a state not explored (budget, a local run too long, a crash) may".to_string()
                }
            });
            continue;
        }
        let key = (c.spawn, c.at, c.kind);
        if reported.contains(&key) {
            continue;
        }
        reported.push(key);
        findings.push(Finding {
            kind: c.kind,
            at: c.at,
            root,
            proc: c.proc,
            spawn: c.spawn,
            chan: c.chan,
            witness: witness(&nodes, c.state),
            others: c.others,
            alone: c.alone,
            lock_waits: c.lock_waits,
        });
    }
    for (state, _, m) in misuses {
        let (kind, at, chan) = match m {
            Misuse::SendOnClosed { at, alloc } => (
                FindingKind::SendOnClosed,
                at,
                Some(ChanInfo { alloc, cap: 0 }),
            ),
            Misuse::CloseOfClosed { at, alloc } => (
                FindingKind::CloseOfClosed,
                at,
                Some(ChanInfo { alloc, cap: 0 }),
            ),
            Misuse::CloseOfNil { at } => (FindingKind::CloseOfNil, at, None),
            Misuse::NegativeWaitGroup { at } => (FindingKind::NegativeWaitGroup, at, None),
            Misuse::UnlockOfUnlocked { at } => (FindingKind::UnlockOfUnlocked, at, None),
        };
        let key = (None, at, kind);
        if reported.contains(&key) {
            continue;
        }
        reported.push(key);
        let w = witness(&nodes, state);
        let proc = w.last().map_or(0, |s| s.proc);
        findings.push(Finding {
            kind,
            at,
            root,
            proc,
            spawn: None,
            chan,
            witness: w,
            others: Vec::new(),
            alone: false,
            lock_waits: Vec::new(),
        });
    }
    // Local runs cut short by the work budget leave states never expanded
    // too: the model was given up even when no state was left to pop.
    if !gave_up && machine.work.get() > machine.max_work {
        machine.note(None, || {
            format!(
                "gave up: {} quiet steps (budget {}) in local runs",
                machine.work.get(),
                machine.max_work
            )
        });
        gave_up = true;
    }
    (findings, ModelStats { states: n, gave_up })
}

/// The events from the first state to `state`.
fn witness(nodes: &[Node], state: u32) -> Vec<WStep> {
    let mut chain = Vec::new();
    let mut at = Some(state);
    let mut guard = 0;
    while let Some(i) = at {
        guard += 1;
        if guard > nodes.len() + 1 {
            break;
        }
        chain.push(i);
        at = nodes[i as usize].parent;
    }
    chain.reverse();
    let mut out = Vec::new();
    for i in chain {
        for e in &nodes[i as usize].events {
            out.push(WStep {
                proc: e.proc,
                kind: step_kind(e.kind),
                at: e.at,
                chan: e.chan,
            });
        }
    }
    out
}

fn step_kind(k: EventKind) -> StepKind {
    match k {
        EventKind::Spawn(q) => StepKind::Started(q),
        EventKind::Case => StepKind::Case,
        EventKind::Default => StepKind::Default,
        EventKind::End => StepKind::Returned,
        EventKind::Sent => StepKind::Sent,
        EventKind::Received => StepKind::Received,
        EventKind::Closed => StepKind::Closed,
        EventKind::Locked => StepKind::Locked,
        EventKind::Unlocked => StepKind::Unlocked,
        EventKind::WgAdd => StepKind::Added,
        EventKind::WgDone => StepKind::Done,
        EventKind::Waited => StepKind::Waited,
        EventKind::Signalled => StepKind::Signalled,
    }
}

/// What process `p`, blocked in `s`, waits on.
/// True when two counts on the way to this state stand for different
/// constants larger than the model follows (`wg.Add(30)` and three loops of
/// 10): their small values need not relate as the constants do.
fn counts_approximate(m: &Machine<'_>, s: &State) -> bool {
    let interner = &m.pkg.interner;
    s.syms
        .iter()
        .filter(|&&(id, _)| interner.is_large_const(id))
        .nth(1)
        .is_some()
}

/// True when a count on the way to this state is one no other place
/// shares (a loop over a slice built elsewhere) and another count was
/// chosen too: the lone one runs once in the model, which says nothing of
/// how it relates to the other (`wg.Add(1)` in `for range 2`, the
/// goroutines in a loop over a slice appended there).
fn lone_count_chosen(m: &Machine<'_>, s: &State) -> bool {
    let interner = &m.pkg.interner;
    s.syms.len() > 1
        && s.syms
            .iter()
            .any(|&(id, _)| interner.fixed(id).is_none() && interner.is_lone(id))
}

/// True when process `p` is blocked sending on a buffered channel whose
/// capacity stands for a larger constant: the buffer is full only by the
/// model's small count (`make(chan T, 10)` and three sends).
fn full_by_approximate_cap(m: &Machine<'_>, s: &State, p: ProcId) -> bool {
    let Some(frame) = s.procs[p as usize].frames.last() else {
        return false;
    };
    let at = At {
        proc: p,
        file: frame.func.file,
    };
    let mut st = s.clone();
    let sends: Vec<crate::ir::Expr> = match m.step_of(s, p) {
        Step::Op(body, pc) => match body.ops.get(pc as usize) {
            Some(Op::Send { ch, .. }) => vec![ch.clone()],
            Some(Op::Select { cases, .. }) => cases
                .iter()
                .filter_map(|c| match &c.kind {
                    CaseKind::Send { ch, .. } => Some(ch.clone()),
                    CaseKind::Recv { .. } => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    sends.iter().any(|ch| {
        st.eval(at, ch)
            .ok()
            .is_some_and(|v| matches!(st.obj(&v), Some(Obj::Chan(c)) if c.approx_cap && c.cap > 0))
    })
}

fn candidate(m: &Machine<'_>, s: &State, id: u32, p: ProcId) -> Option<Candidate> {
    let (kind, at, chan) = blocked_op(m, s, p)?;
    if full_by_approximate_cap(m, s, p) {
        m.note(Some(at), || {
            "blocked here, not reported: the buffer is full only by the small count standing for a larger capacity".to_string()
        });
        return None;
    }
    if kind == FindingKind::BlockedWait && lone_count_chosen(m, s) {
        m.note(Some(at), || {
            "blocked here, not reported: a WaitGroup count compared with a loop over a collection of unknown length".to_string()
        });
        return None;
    }
    let others = (0..s.procs.len() as ProcId)
        .filter(|&q| q != p)
        .map(|q| Other {
            proc: q,
            spawn: s.procs[q as usize].spawn,
            blocked_at: if s.procs[q as usize].status == Status::Done {
                None
            } else {
                blocked_op(m, s, q).map(|(_, at, _)| at)
            },
        })
        .collect();
    let lock_waits = (0..s.procs.len() as ProcId)
        .filter_map(|q| lock_wait(m, s, q))
        .collect();
    Some(Candidate {
        state: id,
        proc: p,
        kind,
        at,
        spawn: s.procs[p as usize].spawn,
        chan,
        others,
        alone: s.procs.len() == 1,
        lock_waits,
    })
}

/// What process `q` waits for when it is blocked taking a followed mutex.
fn lock_wait(m: &Machine<'_>, s: &State, q: ProcId) -> Option<LockWait> {
    let proc = &s.procs[q as usize];
    if proc.status == Status::Done {
        return None;
    }
    let file = proc.frames.last()?.func.file;
    let at = At { proc: q, file };
    let mut st = s.clone();
    let (write, target, node) = match m.step_of(s, q) {
        Step::Op(body, pc) => match body.ops.get(pc as usize)? {
            Op::Sync {
                op: op @ (SyncOp::Lock | SyncOp::RLock),
                target,
                at: node,
                ..
            } => (
                *op == SyncOp::Lock,
                st.eval(at, target).ok()?,
                Loc { file, node: *node },
            ),
            Op::Sync {
                op: SyncOp::CondWait,
                target,
                at: node,
                ..
            } if proc.status == Status::CondWoken => {
                match st.eval(at, target).ok().and_then(|v| st.obj(&v).cloned()) {
                    Some(Obj::Cond(c)) => (true, c.locker.clone(), Loc { file, node: *node }),
                    _ => return None,
                }
            }
            _ => return None,
        },
        Step::Defer(super::state::DeferVal::Sync {
            op: op @ (SyncOp::Lock | SyncOp::RLock),
            target,
            at: l,
        }) => (op == SyncOp::Lock, target, l),
        _ => return None,
    };
    let Value::Ref(mutex) = target else {
        return None;
    };
    match st.obj(&target) {
        Some(Obj::Mutex(mx)) if !mx.escaped => {
            let (holders, read_held) = match mx.writer {
                Some(w) => (1u32 << w, false),
                None => (mx.reader_set, true),
            };
            Some(LockWait {
                proc: q,
                at: node,
                write,
                holders,
                read_held,
                mutex,
            })
        }
        _ => None,
    }
}

fn chan_info(s: &State, v: &Value) -> Option<ChanInfo> {
    match s.obj(v) {
        Some(Obj::Chan(c)) if !c.escaped => Some(ChanInfo {
            alloc: c.alloc,
            cap: c.cap,
        }),
        _ => None,
    }
}

fn blocked_op(
    m: &Machine<'_>,
    s: &State,
    p: ProcId,
) -> Option<(FindingKind, Loc, Option<ChanInfo>)> {
    let proc = &s.procs[p as usize];
    let file = proc.frames.last()?.func.file;
    let at = At { proc: p, file };
    let loc = |node| Loc { file, node };
    let mut st = s.clone();
    match m.step_of(s, p) {
        Step::Op(body, pc) => match body.ops.get(pc as usize)? {
            Op::Send { ch, at: node, .. } => {
                let c = st.eval(at, ch).ok()?;
                if c == Value::Nil {
                    return Some((FindingKind::BlockedNil, loc(*node), None));
                }
                Some((FindingKind::BlockedSend, loc(*node), chan_info(&st, &c)))
            }
            Op::Recv { ch, at: node, .. } => {
                let c = st.eval(at, ch).ok()?;
                if c == Value::Nil {
                    return Some((FindingKind::BlockedNil, loc(*node), None));
                }
                Some((FindingKind::BlockedRecv, loc(*node), chan_info(&st, &c)))
            }
            Op::Range {
                x, at: node, kind, ..
            } => {
                let c = st.eval(at, x).ok()?;
                if c == Value::Nil && *kind == RangeKind::Chan {
                    return Some((FindingKind::BlockedNil, loc(*node), None));
                }
                Some((FindingKind::BlockedRange, loc(*node), chan_info(&st, &c)))
            }
            Op::Select {
                cases, at: node, ..
            } => {
                let mut first_send = None;
                let mut first_recv = None;
                for c in cases {
                    let (ch, is_send) = match &c.kind {
                        CaseKind::Send { ch, .. } => (ch, true),
                        CaseKind::Recv { ch, .. } => (ch, false),
                    };
                    let v = st.eval(at, ch).ok()?;
                    if let Some(info) = chan_info(&st, &v) {
                        if is_send {
                            first_send.get_or_insert(info);
                        } else {
                            first_recv.get_or_insert(info);
                        }
                    }
                }
                // A select of one case is that one operation: it blocks
                // at the case.
                let node = match cases.as_slice() {
                    [only] => &only.at,
                    _ => node,
                };
                match (first_recv, first_send) {
                    (Some(r), _) => Some((FindingKind::BlockedRecv, loc(*node), Some(r))),
                    (None, Some(sd)) => Some((FindingKind::BlockedSend, loc(*node), Some(sd))),
                    (None, None) => Some((FindingKind::BlockedNil, loc(*node), None)),
                }
            }
            Op::Forever { at: node } => Some((FindingKind::BlockedForever, loc(*node), None)),
            Op::Sync { op, at: node, .. } => {
                let kind = match (op, proc.status) {
                    (SyncOp::Lock | SyncOp::RLock, _) => FindingKind::BlockedLock,
                    (SyncOp::WgWait, _) => FindingKind::BlockedWait,
                    (SyncOp::CondWait, Status::CondWaiting) => FindingKind::BlockedCond,
                    (SyncOp::CondWait, _) => FindingKind::BlockedLock,
                    _ => return None,
                };
                Some((kind, loc(*node), None))
            }
            Op::Call { call, .. } => match &call.target {
                crate::ir::Target::Method(name) if &**name == "Wait" => {
                    Some((FindingKind::BlockedWait, loc(call.at), None))
                }
                crate::ir::Target::Method(name) if name.contains("Lock") => {
                    Some((FindingKind::BlockedLock, loc(call.at), None))
                }
                _ => None,
            },
            _ => None,
        },
        Step::Defer(super::state::DeferVal::Sync { op, at: l, .. }) => match op {
            SyncOp::Lock | SyncOp::RLock => Some((FindingKind::BlockedLock, l, None)),
            SyncOp::WgWait => Some((FindingKind::BlockedWait, l, None)),
            _ => None,
        },
        _ => None,
    }
}
