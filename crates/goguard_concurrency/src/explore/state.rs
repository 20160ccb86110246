//! The explorer's state: processes (goroutines) with their call frames,
//! variable cells, and a heap of channels, structs and sync objects.
//!
//! States are compared by hash after [`State::canonicalize`] has dropped
//! what no process can reach and renumbered cells and heap objects in the
//! order a fixed walk meets them, so two interleavings that allocate in a
//! different order still meet in the same state.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use goguard_semantic::model::BindingId;

use crate::ir::{ConstId, FuncId, Loc, Pc, SyncOp, Var};

pub(crate) type CellId = u32;
pub(crate) type HeapId = u32;
pub(crate) type ProcId = u8;

/// A value the model follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Value {
    /// Anything the model does not follow.
    Unknown,
    Nil,
    Bool(bool),
    Int(i64),
    /// A named constant the model knows by name only: equal to itself, and
    /// taken to differ from every other named constant.
    Named(ConstId),
    Func(FuncId),
    Ref(HeapId),
    /// Not nil, nothing more known (an error made by errors.New).
    NonNil,
    /// The `ok` of a receive from a channel the model does not follow:
    /// whether it is closed depends on code it cannot see, so a branch on
    /// it is a guess.
    EnvOk,
}

/// A heap object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Obj {
    Chan(Chan),
    Struct(StructObj),
    Mutex(MutexObj),
    Wg(WgObj),
    Once {
        done: bool,
    },
    Cond(CondObj),
    /// A context: its Done channel (Nil: never done; Unknown: done when
    /// something outside the model decides), and the followed context it
    /// was derived from (Nil for none): cancelling that one closes this
    /// one's Done channel too.
    Ctx {
        done: Value,
        parent: Value,
    },
    /// The cancel function of a context.
    Cancel {
        ctx: Value,
    },
    Closure {
        func: FuncId,
        env: Vec<(BindingId, CellId)>,
    },
    Bound {
        func: FuncId,
        recv: Value,
    },
    /// The backing array of a slice the model made: its elements. `append`
    /// makes a new one; `s[i] = v` stores into it, seen by every slice
    /// sharing it.
    List {
        elems: Vec<Value>,
        escaped: bool,
    },
    /// A map the model made: its entries in the order they were added (a
    /// `range` visits them in that order, one of the orders Go may take).
    Map {
        entries: Vec<(Value, Value)>,
        escaped: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Chan {
    pub cap: u8,
    pub buf: Vec<Value>,
    pub closed: bool,
    /// Code the model does not see may use it: every operation on it can
    /// complete.
    pub escaped: bool,
    /// Escaped only because the model lost track of where it was stored
    /// (a map with keys it cannot compare, a long slice), not by being
    /// handed to code it does not see: what the code that later reads it
    /// does, and when, is a guess.
    pub lost: bool,
    /// The `make` call.
    pub alloc: Loc,
    /// The capacity stands for a larger constant (`make(chan T, 10)`): the
    /// buffer is full only by the model's small count.
    pub approx_cap: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct StructObj {
    /// Assigned fields, by name.
    pub fields: Vec<(crate::ir::FieldId, Value)>,
    /// Fields whose zero value is a sync object, made on first use.
    pub sync_fields: Arc<[(crate::ir::FieldId, crate::ir::SyncKind)]>,
    /// Its type, when the package declares it.
    pub ty: Option<Arc<str>>,
    pub escaped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct MutexObj {
    pub writer: Option<ProcId>,
    pub readers: u8,
    /// The processes holding a read lock, as a bit set (who holds it, for
    /// the lock-wait graph of findings; `readers` counts the locks).
    pub reader_set: u32,
    pub escaped: bool,
    pub alloc: Option<Loc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct WgObj {
    pub count: i32,
    pub escaped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CondObj {
    pub locker: Value,
    /// Processes waiting in `Wait`, as a bit set.
    pub waiting: u32,
    pub escaped: bool,
}

/// A call registered by `defer`, with its arguments evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum DeferVal {
    Call {
        callee: Callee,
        args: Vec<Value>,
        at: Loc,
        recovers: bool,
    },
    Close {
        ch: Value,
        at: Loc,
    },
    Sync {
        op: SyncOp,
        target: Value,
        at: Loc,
    },
}

/// A call's target once evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Callee {
    /// A body to run (with the closure environment, for a literal).
    Body {
        func: FuncId,
        env: Vec<(BindingId, CellId)>,
    },
    /// The cancel function of a context.
    Cancel(Value),
    /// Code the model cannot see.
    Opaque,
}

/// How a frame is being left.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Unwind {
    pub values: Vec<Value>,
    pub mode: UnwindMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum UnwindMode {
    Return,
    Panic,
    Goexit,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Frame {
    pub func: FuncId,
    pub pc: Pc,
    pub env: Vec<(Var, CellId)>,
    pub defers: Vec<DeferVal>,
    /// Iteration counts of the counted loops running in this frame.
    pub loops: Vec<(u32, u8)>,
    pub unwind: Option<Unwind>,
    /// Set while a deferred call runs in the frame above: that frame's
    /// return goes back to unwinding this one.
    pub in_defer: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Status {
    /// Running: at a loud op (or paused in a long local run).
    Run,
    /// Waiting in `cond.Wait` for a signal.
    CondWaiting,
    /// Signalled in `cond.Wait`, taking the lock again.
    CondWoken,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Proc {
    pub frames: Vec<Frame>,
    pub status: Status,
    /// The `go` statement that started it (None for the explored function).
    pub spawn: Option<Loc>,
    /// A WaitGroup to count done when it ends (`wg.Go`, errgroup).
    pub group: Value,
    /// Its local run stopped because it was long: it can go on.
    pub paused: bool,
    /// Started but not run yet (only while a transition is computed).
    pub fresh: bool,
}

/// A whole configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    pub procs: Vec<Proc>,
    pub cells: Vec<Value>,
    pub heap: Vec<Obj>,
    /// Values chosen for symbols (loop bounds), sorted by id.
    pub syms: Vec<(u32, u8)>,
    /// Values chosen for stable predicates, sorted by id.
    pub preds: Vec<(u32, bool)>,
    /// The program died here (unrecovered panic, os.Exit, t.Fatal...).
    pub crashed: bool,
    /// The model went past one of its bounds here: what follows is unknown.
    pub truncated: bool,
    /// Some loop count on the way here was guessed (a counter test decided
    /// either way, a loop over an unknown collection): what the model finds
    /// here may come from counts that really agree, so it is not reported.
    pub guessed: bool,
    /// What happened on the way to this state since the last explored
    /// state (for witnesses; not part of the state's identity).
    pub trail: Vec<crate::explore::exec::Event>,
    /// Variables of functions enclosing the explored one (it is a function
    /// literal): stored values escape to code the model does not run.
    pub outer: std::sync::Arc<[goguard_semantic::model::BindingId]>,
}

impl Hash for State {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.procs.hash(h);
        self.cells.hash(h);
        self.heap.hash(h);
        self.syms.hash(h);
        self.preds.hash(h);
        self.crashed.hash(h);
        self.truncated.hash(h);
        self.guessed.hash(h);
    }
}

impl State {
    pub(crate) fn fingerprint(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        self.hash(&mut h);
        h.finish()
    }

    pub(crate) fn new_cell(&mut self, v: Value) -> CellId {
        self.cells.push(v);
        (self.cells.len() - 1) as CellId
    }

    pub(crate) fn alloc(&mut self, o: Obj) -> Value {
        self.heap.push(o);
        Value::Ref((self.heap.len() - 1) as HeapId)
    }

    pub(crate) fn obj(&self, v: &Value) -> Option<&Obj> {
        match v {
            Value::Ref(r) => self.heap.get(*r as usize),
            _ => None,
        }
    }

    pub(crate) fn obj_mut(&mut self, v: &Value) -> Option<&mut Obj> {
        match v {
            Value::Ref(r) => self.heap.get_mut(*r as usize),
            _ => None,
        }
    }

    /// The Done channels a cancel of `ctx` closes: its own and those of
    /// every context derived from it, however deep.
    pub(crate) fn cancelled_with(&self, ctx: &Value) -> Vec<Value> {
        let mut ctxs = vec![ctx.clone()];
        loop {
            let before = ctxs.len();
            for (i, o) in self.heap.iter().enumerate() {
                let me = Value::Ref(i as HeapId);
                if matches!(o, Obj::Ctx { parent, .. } if ctxs.contains(parent))
                    && !ctxs.contains(&me)
                {
                    ctxs.push(me);
                }
            }
            if ctxs.len() == before {
                break;
            }
        }
        ctxs.iter()
            .filter_map(|c| match self.obj(c) {
                Some(Obj::Ctx { done, .. }) => Some(done.clone()),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn sym(&self, s: u32) -> Option<u8> {
        self.syms
            .binary_search_by_key(&s, |&(id, _)| id)
            .ok()
            .map(|i| self.syms[i].1)
    }

    pub(crate) fn set_sym(&mut self, s: u32, v: u8) {
        match self.syms.binary_search_by_key(&s, |&(id, _)| id) {
            Ok(i) => self.syms[i].1 = v,
            Err(i) => self.syms.insert(i, (s, v)),
        }
    }

    pub(crate) fn pred(&self, p: u32) -> Option<bool> {
        self.preds
            .binary_search_by_key(&p, |&(id, _)| id)
            .ok()
            .map(|i| self.preds[i].1)
    }

    pub(crate) fn set_pred(&mut self, p: u32, v: bool) {
        match self.preds.binary_search_by_key(&p, |&(id, _)| id) {
            Ok(i) => self.preds[i].1 = v,
            Err(i) => self.preds.insert(i, (p, v)),
        }
    }

    /// Marks a value, and everything reachable from it, as reachable by
    /// code the model does not see.
    pub(crate) fn escape(&mut self, v: &Value) {
        self.escape_as(v, false);
    }

    /// Marks a value as escaped because the model lost track of where it
    /// was stored (see [`Chan::lost`]).
    pub(crate) fn escape_lost(&mut self, v: &Value) {
        self.escape_as(v, true);
    }

    fn escape_as(&mut self, v: &Value, lost: bool) {
        let mut stack = vec![v.clone()];
        let mut steps = 0;
        while let Some(v) = stack.pop() {
            steps += 1;
            if steps > 10_000 {
                break;
            }
            let Value::Ref(r) = v else {
                continue;
            };
            let Some(o) = self.heap.get_mut(r as usize) else {
                continue;
            };
            match o {
                Obj::Chan(c) => {
                    if c.escaped {
                        // Handed to unseen code after being lost.
                        c.lost &= lost;
                        continue;
                    }
                    c.escaped = true;
                    c.lost = lost;
                    // Buffered values may be received by anyone.
                    stack.extend(c.buf.iter().cloned());
                }
                Obj::Struct(s) => {
                    if s.escaped {
                        continue;
                    }
                    s.escaped = true;
                    // Code the model does not see may change the fields:
                    // what was known of plain values no longer holds.
                    for (_, v) in &mut s.fields {
                        if matches!(
                            v,
                            Value::Bool(_) | Value::Int(_) | Value::Nil | Value::NonNil
                        ) {
                            *v = Value::Unknown;
                        }
                    }
                    stack.extend(s.fields.iter().map(|(_, v)| v.clone()));
                }
                Obj::Mutex(m) => m.escaped = true,
                Obj::Wg(w) => w.escaped = true,
                Obj::Cond(c) => {
                    if c.escaped {
                        continue;
                    }
                    c.escaped = true;
                    stack.push(c.locker.clone());
                }
                Obj::Once { .. } => {}
                // Code given a context can wait on it, not cancel it.
                Obj::Ctx { .. } => {}
                // Code given a cancel function can cancel: the context's
                // Done channel may be closed there.
                // Contexts derived from it are cancelled with it.
                Obj::Cancel { ctx } => {
                    let ctx = ctx.clone();
                    stack.extend(self.cancelled_with(&ctx));
                }
                Obj::Closure { env, .. } => {
                    let cells: Vec<CellId> = env.iter().map(|&(_, c)| c).collect();
                    for c in cells {
                        if let Some(v) = self.cells.get(c as usize) {
                            stack.push(v.clone());
                        }
                    }
                }
                Obj::Bound { recv, .. } => stack.push(recv.clone()),
                // Code given a slice can read its elements and store others.
                Obj::List { elems, escaped } => {
                    if *escaped {
                        continue;
                    }
                    *escaped = true;
                    stack.extend(elems.iter().cloned());
                }
                Obj::Map { entries, escaped } => {
                    if *escaped {
                        continue;
                    }
                    *escaped = true;
                    for (k, v) in entries.iter() {
                        stack.push(k.clone());
                        stack.push(v.clone());
                    }
                }
            }
        }
    }

    /// Drops cells and objects no process reaches and renumbers the rest in
    /// the order of a fixed walk (processes, frames, variables in order).
    pub(crate) fn canonicalize(&mut self) {
        let mut cell_map: Vec<Option<CellId>> = vec![None; self.cells.len()];
        let mut heap_map: Vec<Option<HeapId>> = vec![None; self.heap.len()];
        let mut cell_order: Vec<CellId> = Vec::new();
        let mut heap_order: Vec<HeapId> = Vec::new();
        // Work list of values and cells to visit, in order.
        enum Item {
            Cell(CellId),
            Val(Value),
        }
        let mut queue: std::collections::VecDeque<Item> = std::collections::VecDeque::new();
        for p in &mut self.procs {
            for f in &mut p.frames {
                f.env.sort_unstable_by_key(|&(v, _)| v);
            }
        }
        for p in &self.procs {
            queue.push_back(Item::Val(p.group.clone()));
            for f in &p.frames {
                for &(_, c) in &f.env {
                    queue.push_back(Item::Cell(c));
                }
                for d in &f.defers {
                    match d {
                        DeferVal::Call { callee, args, .. } => {
                            match callee {
                                Callee::Body { env, .. } => {
                                    for &(_, c) in env {
                                        queue.push_back(Item::Cell(c));
                                    }
                                }
                                Callee::Cancel(v) => queue.push_back(Item::Val(v.clone())),
                                Callee::Opaque => {}
                            }
                            for a in args {
                                queue.push_back(Item::Val(a.clone()));
                            }
                        }
                        DeferVal::Close { ch, .. } => queue.push_back(Item::Val(ch.clone())),
                        DeferVal::Sync { target, .. } => queue.push_back(Item::Val(target.clone())),
                    }
                }
                if let Some(u) = &f.unwind {
                    for v in &u.values {
                        queue.push_back(Item::Val(v.clone()));
                    }
                }
            }
        }
        let mut guard = 0usize;
        while let Some(item) = queue.pop_front() {
            guard += 1;
            if guard > 1_000_000 {
                break;
            }
            match item {
                Item::Cell(c) => {
                    let Some(slot) = cell_map.get_mut(c as usize) else {
                        continue;
                    };
                    if slot.is_some() {
                        continue;
                    }
                    *slot = Some(cell_order.len() as CellId);
                    cell_order.push(c);
                    queue.push_back(Item::Val(self.cells[c as usize].clone()));
                }
                Item::Val(Value::Ref(r)) => {
                    let Some(slot) = heap_map.get_mut(r as usize) else {
                        continue;
                    };
                    if slot.is_some() {
                        continue;
                    }
                    *slot = Some(heap_order.len() as HeapId);
                    heap_order.push(r);
                    match &self.heap[r as usize] {
                        Obj::Chan(c) => {
                            for v in &c.buf {
                                queue.push_back(Item::Val(v.clone()));
                            }
                        }
                        Obj::Struct(s) => {
                            for (_, v) in &s.fields {
                                queue.push_back(Item::Val(v.clone()));
                            }
                        }
                        Obj::Cond(c) => queue.push_back(Item::Val(c.locker.clone())),
                        Obj::Ctx { done, parent } => {
                            queue.push_back(Item::Val(done.clone()));
                            queue.push_back(Item::Val(parent.clone()));
                        }
                        Obj::Cancel { ctx } => queue.push_back(Item::Val(ctx.clone())),
                        Obj::Closure { env, .. } => {
                            for &(_, c) in env {
                                queue.push_back(Item::Cell(c));
                            }
                        }
                        Obj::Bound { recv, .. } => queue.push_back(Item::Val(recv.clone())),
                        Obj::List { elems, .. } => {
                            for v in elems {
                                queue.push_back(Item::Val(v.clone()));
                            }
                        }
                        Obj::Map { entries, .. } => {
                            for (k, v) in entries {
                                queue.push_back(Item::Val(k.clone()));
                                queue.push_back(Item::Val(v.clone()));
                            }
                        }
                        Obj::Mutex(_) | Obj::Wg(_) | Obj::Once { .. } => {}
                    }
                }
                Item::Val(_) => {}
            }
        }
        let map_val = |v: &mut Value, heap_map: &[Option<HeapId>]| {
            if let Value::Ref(r) = v {
                match heap_map.get(*r as usize).copied().flatten() {
                    Some(n) => *r = n,
                    None => *v = Value::Unknown,
                }
            }
        };
        let map_cell = |c: &mut CellId, cell_map: &[Option<CellId>]| {
            if let Some(n) = cell_map.get(*c as usize).copied().flatten() {
                *c = n;
            }
        };
        let mut cells: Vec<Value> = cell_order
            .iter()
            .map(|&c| self.cells[c as usize].clone())
            .collect();
        for v in &mut cells {
            map_val(v, &heap_map);
        }
        let mut heap: Vec<Obj> = heap_order
            .iter()
            .map(|&r| self.heap[r as usize].clone())
            .collect();
        for o in &mut heap {
            match o {
                Obj::Chan(c) => c.buf.iter_mut().for_each(|v| map_val(v, &heap_map)),
                Obj::Struct(s) => {
                    s.fields.iter_mut().for_each(|(_, v)| map_val(v, &heap_map));
                    s.fields.sort_by_key(|a| a.0);
                }
                Obj::Cond(c) => map_val(&mut c.locker, &heap_map),
                Obj::Ctx { done, parent } => {
                    map_val(done, &heap_map);
                    map_val(parent, &heap_map);
                }
                Obj::Cancel { ctx } => map_val(ctx, &heap_map),
                Obj::Closure { env, .. } => {
                    env.iter_mut().for_each(|(_, c)| map_cell(c, &cell_map))
                }
                Obj::Bound { recv, .. } => map_val(recv, &heap_map),
                Obj::List { elems, .. } => elems.iter_mut().for_each(|v| map_val(v, &heap_map)),
                Obj::Map { entries, .. } => entries.iter_mut().for_each(|(k, v)| {
                    map_val(k, &heap_map);
                    map_val(v, &heap_map);
                }),
                Obj::Mutex(_) | Obj::Wg(_) | Obj::Once { .. } => {}
            }
        }
        for p in &mut self.procs {
            map_val(&mut p.group, &heap_map);
            for f in &mut p.frames {
                f.env.iter_mut().for_each(|(_, c)| map_cell(c, &cell_map));
                for d in &mut f.defers {
                    match d {
                        DeferVal::Call { callee, args, .. } => {
                            match callee {
                                Callee::Body { env, .. } => {
                                    env.iter_mut().for_each(|(_, c)| map_cell(c, &cell_map))
                                }
                                Callee::Cancel(v) => map_val(v, &heap_map),
                                Callee::Opaque => {}
                            }
                            args.iter_mut().for_each(|v| map_val(v, &heap_map));
                        }
                        DeferVal::Close { ch, .. } => map_val(ch, &heap_map),
                        DeferVal::Sync { target, .. } => map_val(target, &heap_map),
                    }
                }
                if let Some(u) = &mut f.unwind {
                    u.values.iter_mut().for_each(|v| map_val(v, &heap_map));
                }
            }
        }
        self.cells = cells;
        self.heap = heap;
    }
}
