//! Evaluating expressions, conditions and places in a frame of a state.
//!
//! Evaluation may allocate (channels, structs, sync objects) and may need a
//! value not chosen yet (a loop bound, a stable predicate): it then says so
//! ([`Need`]) and the caller forks the state on each choice and retries.

use crate::ir::{Cap, CmpOp, Cond, Expr, Loc, Place, SyncKind, Var};

use super::state::{Chan, CondObj, MutexObj, Obj, ProcId, State, StructObj, Value, WgObj};

/// The values a symbol (a loop bound, a capacity) may take.
pub(crate) const SYM_VALUES: [u8; 2] = [1, 2];

/// Integers beyond this are not followed.
const MAX_INT: i64 = 64;

/// Heap objects beyond which a state is not followed further.
pub(crate) const MAX_HEAP: usize = 96;

/// A choice the evaluation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Sym(u32),
    Pred(u32),
    /// Either way: the caller forks on both outcomes of the condition.
    Either,
    /// Either way, but the answer depends on code the model cannot see:
    /// the forks are guesses.
    Guess,
    /// A bound of the model was passed.
    Bound,
}

/// Where an expression is evaluated.
#[derive(Clone, Copy)]
pub(crate) struct At {
    pub proc: ProcId,
    pub file: u32,
}

impl State {
    fn frame_cell(&self, at: At, v: Var) -> Option<u32> {
        let f = self.procs[at.proc as usize].frames.last()?;
        f.env.iter().find(|(x, _)| *x == v).map(|&(_, c)| c)
    }

    pub(crate) fn read_var(&self, at: At, v: Var) -> Value {
        match self.frame_cell(at, v) {
            Some(c) => self.cells[c as usize].clone(),
            None => Value::Unknown,
        }
    }

    /// The element a read of the slice or map `xv` found, or, when the
    /// model cannot tell which element it is, Unknown: any of its elements
    /// may then be used from here on, so they escape.
    fn element_or_escape(&mut self, elem: Option<Value>, xv: &Value) -> Value {
        match elem {
            Some(v) => v,
            None => {
                self.escape(xv);
                Value::Unknown
            }
        }
    }

    pub(crate) fn eval(&mut self, at: At, e: &Expr) -> Result<Value, Need> {
        Ok(match e {
            Expr::Unknown => Value::Unknown,
            Expr::Nil => Value::Nil,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Named(c) => Value::Named(*c),
            Expr::Sym(s) => match self.sym(s.0) {
                Some(v) => Value::Int(i64::from(v)),
                None => return Err(Need::Sym(s.0)),
            },
            Expr::Var(v) => self.read_var(at, *v),
            Expr::Field(x, f) => {
                let xv = self.eval(at, x)?;
                self.field(&xv, f)?
            }
            Expr::MakeChan { cap, at: node } => {
                let from_sym = |st: &State, s: &crate::ir::SymId| st.sym(s.0).ok_or(Need::Sym(s.0));
                let approx_cap = matches!(cap, Cap::LargeConst(_));
                let cap = match cap {
                    Cap::Const(c) => *c,
                    Cap::Sym(s) | Cap::LargeConst(s) => from_sym(self, s)?,
                    Cap::Value(e, sym) => match (self.eval(at, e)?, sym) {
                        (Value::Int(v), _) if (0..=4).contains(&v) => v as u8,
                        (Value::Int(_), _) => return Ok(Value::Unknown),
                        (_, Some(s)) => from_sym(self, s)?,
                        (_, None) => return Ok(Value::Unknown),
                    },
                    Cap::Unknown => return Ok(Value::Unknown),
                };
                self.check_heap()?;
                self.alloc(Obj::Chan(Chan {
                    cap,
                    buf: Vec::new(),
                    closed: false,
                    escaped: false,
                    lost: false,
                    alloc: Loc {
                        file: at.file,
                        node: *node,
                    },
                    approx_cap,
                }))
            }
            Expr::Struct {
                fields,
                sync_fields,
                zeros,
                ty,
                ..
            } => {
                let mut vals = Vec::with_capacity(fields.len() + zeros.len());
                for (name, fe) in fields {
                    vals.push((*name, self.eval(at, fe)?));
                }
                for (name, z) in zeros.iter() {
                    if !vals.iter().any(|(n, _)| n == name) {
                        vals.push((*name, self.eval(at, z)?));
                    }
                }
                self.check_heap()?;
                self.alloc(Obj::Struct(StructObj {
                    fields: vals,
                    sync_fields: sync_fields.clone(),
                    ty: ty.clone(),
                    escaped: false,
                }))
            }
            Expr::NewSync(kind, node) => {
                self.check_heap()?;
                self.new_sync(
                    *kind,
                    Some(Loc {
                        file: at.file,
                        node: *node,
                    }),
                )
            }
            Expr::NewCond(l, _) => {
                let locker = self.eval(at, l)?;
                self.check_heap()?;
                self.alloc(Obj::Cond(CondObj {
                    locker,
                    waiting: 0,
                    escaped: false,
                }))
            }
            Expr::Closure { func, captures } => {
                let mut env = Vec::with_capacity(captures.len());
                for &b in captures.iter() {
                    let c = match self.frame_cell(at, Var::Binding(b)) {
                        Some(c) => c,
                        None => {
                            // Not declared in this frame (a variable of an
                            // enclosing function the model did not run):
                            // unknown, but shared from now on.
                            let c = self.new_cell(Value::Unknown);
                            if let Some(f) = self.procs[at.proc as usize].frames.last_mut() {
                                f.env.push((Var::Binding(b), c));
                            }
                            c
                        }
                    };
                    env.push((b, c));
                }
                self.check_heap()?;
                self.alloc(Obj::Closure { func: *func, env })
            }
            Expr::Func(f) => Value::Func(*f),
            Expr::Bound(x, f) => {
                let recv = self.eval(at, x)?;
                self.check_heap()?;
                self.alloc(Obj::Bound { func: *f, recv })
            }
            Expr::Background => {
                self.check_heap()?;
                self.alloc(Obj::Ctx {
                    done: Value::Nil,
                    parent: Value::Nil,
                })
            }
            Expr::CtxDone(x) => {
                let c = self.eval(at, x)?;
                match self.obj(&c) {
                    Some(Obj::Ctx { done, .. }) => done.clone(),
                    _ => Value::Unknown,
                }
            }
            Expr::NewCancelCtx { parent, at: node } => {
                let p = self.eval(at, parent)?;
                // A context whose parent is never done, or is cancelled only
                // by code the model follows (a Done channel it made, not
                // escaped), gets a Done channel of its own; cancelling the
                // parent closes it too. Any other parent may be done at any
                // time: the Done channel is unknown.
                let (followed, parent, closed) = match self.obj(&p) {
                    Some(Obj::Ctx {
                        done: Value::Nil, ..
                    }) => (true, Value::Nil, false),
                    Some(Obj::Ctx { done, .. }) => match self.obj(done) {
                        Some(Obj::Chan(c)) if !c.escaped => (true, p.clone(), c.closed),
                        _ => (false, Value::Nil, false),
                    },
                    _ => (false, Value::Nil, false),
                };
                self.check_heap()?;
                let done = if followed {
                    self.alloc(Obj::Chan(Chan {
                        cap: 0,
                        buf: Vec::new(),
                        closed,
                        escaped: false,
                        lost: false,
                        alloc: Loc {
                            file: at.file,
                            node: *node,
                        },
                        approx_cap: false,
                    }))
                } else {
                    Value::Unknown
                };
                self.alloc(Obj::Ctx { done, parent })
            }
            Expr::NonNil => Value::NonNil,
            Expr::Unread(x) => match self.eval(at, x)? {
                Value::Ref(r) => Value::Ref(r),
                _ => Value::Unknown,
            },
            Expr::Items(es) => {
                let mut elems = Vec::with_capacity(es.len());
                for e in es {
                    elems.push(self.eval(at, e)?);
                }
                self.list(elems)?
            }
            Expr::Filled { len, zero } => match self.eval(at, len)? {
                Value::Int(n) if (0..=i64::from(MAX_ITEMS)).contains(&n) => {
                    let mut elems = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        elems.push(self.eval(at, zero)?);
                    }
                    self.list(elems)?
                }
                _ => Value::Unknown,
            },
            Expr::Len(x, sym) => {
                let xv = self.eval(at, x)?;
                match (&xv, self.list_len(&xv), sym) {
                    (Value::Nil, _, _) => Value::Int(0),
                    (_, Some(n), _) => Value::Int(i64::from(n)),
                    (_, None, Some(s)) => match self.sym(s.0) {
                        Some(v) => Value::Int(i64::from(v)),
                        None => return Err(Need::Sym(s.0)),
                    },
                    (_, None, None) => Value::Unknown,
                }
            }
            Expr::Append(x, es) => {
                let base = self.eval(at, x)?;
                let mut added = Vec::with_capacity(es.len());
                for e in es {
                    added.push(self.eval(at, e)?);
                }
                let old = match (&base, self.obj(&base)) {
                    // `append(s)` of a nil slice is still nil.
                    (Value::Nil, _) if added.is_empty() => return Ok(Value::Nil),
                    (Value::Nil, _) => Some(Vec::new()),
                    (
                        _,
                        Some(Obj::List {
                            elems,
                            escaped: false,
                        }),
                    ) => Some(elems.clone()),
                    _ => None,
                };
                match old {
                    Some(mut elems) => {
                        elems.extend(added);
                        self.list(elems)?
                    }
                    // Appended to a slice the model does not follow: the
                    // values are kept where it cannot see them.
                    None => {
                        self.escape(&base);
                        for v in &added {
                            self.escape(v);
                        }
                        Value::Unknown
                    }
                }
            }
            Expr::MapItems(kvs) => {
                let mut entries: Vec<(Value, Value)> = Vec::with_capacity(kvs.len());
                for (k, v) in kvs {
                    let k = self.eval(at, k)?;
                    let v = self.eval(at, v)?;
                    entries.push((k, v));
                }
                self.map(entries)?
            }
            Expr::Index(x, i) => {
                let xv = self.eval(at, x)?;
                let iv = self.eval(at, i)?;
                let elem = match (self.obj(&xv), &iv) {
                    (Some(Obj::List { elems, .. }), Value::Int(k)) => {
                        usize::try_from(*k).ok().and_then(|k| elems.get(k)).cloned()
                    }
                    // A key not in the map gives the zero value, which the
                    // model does not know.
                    (Some(Obj::Map { entries, .. }), k) if known_key(k) => Some(
                        entries
                            .iter()
                            .find(|(ek, _)| ek == k)
                            .map_or(Value::Unknown, |(_, v)| v.clone()),
                    ),
                    _ => None,
                };
                self.element_or_escape(elem, &xv)
            }
            Expr::HasKey(x, k) => {
                let xv = self.eval(at, x)?;
                let kv = self.eval(at, k)?;
                match self.obj(&xv) {
                    Some(Obj::Map {
                        entries,
                        escaped: false,
                    }) if known_key(&kv) => Value::Bool(entries.iter().any(|(ek, _)| *ek == kv)),
                    // Which keys it holds depends on what the model does
                    // not follow: a branch on it is a guess.
                    Some(Obj::Map { .. }) => Value::EnvOk,
                    _ => Value::Unknown,
                }
            }
            Expr::RangeElem(x, loop_id) => {
                let xv = self.eval(at, x)?;
                let frame = self.procs[at.proc as usize].frames.last();
                let count = frame.map_or(0, |f| super::exec::loop_count(f, *loop_id));
                let elem = match self.obj(&xv) {
                    Some(Obj::List { elems, .. }) if count > 0 => {
                        elems.get(usize::from(count) - 1).cloned()
                    }
                    Some(Obj::Map { entries, .. }) if count > 0 => {
                        entries.get(usize::from(count) - 1).map(|(_, v)| v.clone())
                    }
                    _ => None,
                };
                self.element_or_escape(elem, &xv)
            }
            Expr::Test(c) => match self.cond(at, c, &|_| false) {
                Ok(b) => Value::Bool(b),
                Err(Need::Sym(s)) => return Err(Need::Sym(s)),
                Err(_) => Value::Unknown,
            },
            Expr::CondLocker(c) => {
                let cv = self.eval(at, c)?;
                match self.obj(&cv) {
                    Some(Obj::Cond(o)) => o.locker.clone(),
                    _ => Value::Unknown,
                }
            }
            Expr::Recover => {
                let frames = &mut self.procs[at.proc as usize].frames;
                let n = frames.len();
                match frames
                    .get_mut(n.wrapping_sub(2))
                    .and_then(|f| f.unwind.as_mut())
                {
                    Some(u) if u.mode == super::state::UnwindMode::Panic => {
                        u.mode = super::state::UnwindMode::Return;
                        Value::NonNil
                    }
                    _ => Value::Nil,
                }
            }
            Expr::Add(x, n) => match self.eval(at, x)? {
                Value::Int(v) if (v + n).abs() <= MAX_INT => Value::Int(v + n),
                _ => Value::Unknown,
            },
            Expr::Not(x) => match self.eval(at, x)? {
                Value::Bool(b) => Value::Bool(!b),
                Value::EnvOk => Value::EnvOk,
                _ => Value::Unknown,
            },
            Expr::CancelOf(x) => {
                let ctx = self.eval(at, x)?;
                self.check_heap()?;
                self.alloc(Obj::Cancel { ctx })
            }
        })
    }

    /// A slice of these elements, followed while it stays short (longer
    /// ones would only multiply the states): past that, unknown, and the
    /// elements escape.
    fn list(&mut self, elems: Vec<Value>) -> Result<Value, Need> {
        if elems.len() > usize::from(MAX_ITEMS) {
            for v in &elems {
                self.escape_lost(v);
            }
            return Ok(Value::Unknown);
        }
        self.check_heap()?;
        Ok(self.alloc(Obj::List {
            elems,
            escaped: false,
        }))
    }

    /// A map of these entries, followed while it stays small, like a slice.
    fn map(&mut self, entries: Vec<(Value, Value)>) -> Result<Value, Need> {
        if entries.len() > usize::from(MAX_ITEMS) || !entries.iter().all(|(k, _)| known_key(k)) {
            for (k, v) in &entries {
                self.escape_lost(k);
                self.escape_lost(v);
            }
            return Ok(Value::Unknown);
        }
        self.check_heap()?;
        Ok(self.alloc(Obj::Map {
            entries,
            escaped: false,
        }))
    }

    /// `m[k] = v` into a map the model follows: Some(escaped) when stored,
    /// None when the model cannot tell where (a key it does not know, a map
    /// grown past what it follows).
    fn store_entry(&mut self, m: &Value, k: &Value, v: &Value) -> Option<bool> {
        if !known_key(k) {
            return None;
        }
        let Some(Obj::Map { entries, escaped }) = self.obj_mut(m) else {
            return None;
        };
        if let Some(slot) = entries.iter_mut().find(|(ek, _)| ek == k) {
            slot.1 = v.clone();
            return Some(*escaped);
        }
        if entries.len() >= usize::from(MAX_ITEMS) {
            return None;
        }
        entries.push((k.clone(), v.clone()));
        Some(*escaped)
    }

    /// The length of a slice (or map) the model follows.
    pub(crate) fn list_len(&self, v: &Value) -> Option<u8> {
        match self.obj(v) {
            Some(Obj::List { elems, .. }) => u8::try_from(elems.len()).ok(),
            // Code the model does not see may add or delete entries.
            Some(Obj::Map { entries, escaped }) if !escaped => u8::try_from(entries.len()).ok(),
            _ => None,
        }
    }

    fn check_heap(&self) -> Result<(), Need> {
        if self.heap.len() >= MAX_HEAP {
            Err(Need::Bound)
        } else {
            Ok(())
        }
    }

    pub(crate) fn new_sync(&mut self, kind: SyncKind, at: Option<Loc>) -> Value {
        match kind {
            SyncKind::Mutex | SyncKind::RwMutex => self.alloc(Obj::Mutex(MutexObj {
                alloc: at,
                ..MutexObj::default()
            })),
            SyncKind::WaitGroup | SyncKind::ErrGroup => self.alloc(Obj::Wg(WgObj::default())),
            SyncKind::Once => self.alloc(Obj::Once { done: false }),
        }
    }

    /// `x.f`: the field's value, making a sync field's zero value on first
    /// use.
    fn field(&mut self, x: &Value, f: &crate::ir::FieldId) -> Result<Value, Need> {
        let Some(Obj::Struct(s)) = self.obj(x) else {
            return Ok(Value::Unknown);
        };
        if let Some((_, v)) = s.fields.iter().find(|(n, _)| n == f) {
            return Ok(v.clone());
        }
        let kind = s.sync_fields.iter().find(|(n, _)| n == f).map(|&(_, k)| k);
        let escaped = s.escaped;
        let Some(kind) = kind else {
            return Ok(Value::Unknown);
        };
        self.check_heap()?;
        let v = self.new_sync(kind, None);
        if escaped {
            self.escape(&v);
        }
        if let Some(Obj::Struct(s)) = self.obj_mut(x) {
            s.fields.push((*f, v.clone()));
        }
        Ok(v)
    }

    /// Stores a value into a place of the frame.
    pub(crate) fn assign(&mut self, at: At, place: &Place, v: Value) -> Result<(), Need> {
        match place {
            Place::Discard => {}
            Place::Escape => self.escape(&v),
            Place::Var(var) => {
                if let Var::Binding(b) = var {
                    if self.outer.contains(b) {
                        self.escape(&v);
                    }
                }
                match self.frame_cell(at, *var) {
                    Some(c) => self.cells[c as usize] = v,
                    None => self.declare(at, *var, v),
                }
            }
            Place::Decl(var) => self.declare(at, *var, v),
            Place::Index(x, i) => {
                let xv = self.eval(at, x)?;
                let iv = self.eval(at, i)?;
                let slot = match (self.obj_mut(&xv), &iv) {
                    (Some(Obj::List { elems, escaped }), Value::Int(k)) => {
                        let escaped = *escaped;
                        match usize::try_from(*k).ok().and_then(|k| elems.get_mut(k)) {
                            Some(slot) => {
                                *slot = v.clone();
                                Some(escaped)
                            }
                            None => None,
                        }
                    }
                    _ => None,
                };
                let slot = match slot {
                    Some(e) => Some(e),
                    None => self.store_entry(&xv, &iv, &v),
                };
                match slot {
                    Some(false) => {}
                    Some(true) => self.escape_lost(&v),
                    // Stored where the model cannot tell: the value and
                    // every element may be read by anyone.
                    None => {
                        self.escape_lost(&xv);
                        self.escape_lost(&iv);
                        self.escape_lost(&v);
                    }
                }
            }
            Place::Field(x, f) => {
                let xv = self.eval(at, x)?;
                match self.obj_mut(&xv) {
                    Some(Obj::Struct(s)) => {
                        let escaped = s.escaped;
                        match s.fields.iter_mut().find(|(n, _)| n == f) {
                            Some(slot) => slot.1 = v.clone(),
                            None => s.fields.push((*f, v.clone())),
                        }
                        if escaped {
                            self.escape(&v);
                        }
                    }
                    // `c.L = &s.mu`: the locker a Cond made as a struct's
                    // zero field waits with; anything but a mutex the model
                    // follows leaves the Cond unfollowed.
                    // (`L` is the only field another package can set.)
                    Some(Obj::Cond(c)) => {
                        let escaped = c.escaped;
                        c.locker = v.clone();
                        if escaped {
                            self.escape(&v);
                        } else if !matches!(self.obj(&v), Some(Obj::Mutex(_))) {
                            self.escape(&xv);
                        }
                    }
                    // Stored into something the model does not follow.
                    _ => self.escape(&v),
                }
            }
        }
        Ok(())
    }

    /// A new variable in the frame (shadowing any older one of the name).
    pub(crate) fn declare(&mut self, at: At, var: Var, v: Value) {
        let c = self.new_cell(v);
        if let Some(f) = self.procs[at.proc as usize].frames.last_mut() {
            match f.env.iter_mut().find(|(x, _)| *x == var) {
                Some(slot) => slot.1 = c,
                None => f.env.push((var, c)),
            }
        }
    }

    /// The value of a condition, or what must be chosen first.
    /// `valid` says whether a predicate has one value in this run (its
    /// variables belong to the explored function); others are either way.
    pub(crate) fn cond(
        &mut self,
        at: At,
        c: &Cond,
        valid: &dyn Fn(u32) -> bool,
    ) -> Result<bool, Need> {
        let pred = |s: &State, p: u32| {
            if valid(p) {
                s.pred(p).ok_or(Need::Pred(p))
            } else {
                Err(Need::Either)
            }
        };
        match c {
            Cond::Const(b) => Ok(*b),
            Cond::Nondet => Err(Need::Either),
            Cond::Pred(p) => pred(self, p.0),
            Cond::Value { expr, pred: p } => match self.eval(at, expr)? {
                Value::Bool(b) => Ok(b),
                Value::EnvOk => Err(Need::Guess),
                _ => match p {
                    Some(p) => pred(self, p.0),
                    None => Err(Need::Either),
                },
            },
            Cond::IsNil { expr, pred: p } => match self.eval(at, expr)? {
                Value::Nil => Ok(true),
                // A slice literal or an append of values is never nil.
                Value::Ref(_) | Value::Func(_) | Value::NonNil => Ok(false),
                _ => match p {
                    Some(p) => pred(self, p.0),
                    None => Err(Need::Either),
                },
            },
            Cond::Cmp { op, a, b, pred: p } => match (self.eval(at, a)?, self.eval(at, b)?) {
                (Value::Int(x), Value::Int(y)) => Ok(match op {
                    CmpOp::Eq => x == y,
                    CmpOp::Ne => x != y,
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                    CmpOp::Gt => x > y,
                    CmpOp::Ge => x >= y,
                }),
                // Constants of an enumeration have distinct values; two
                // names for one value (`Default = Foo`) are taken to differ.
                (Value::Named(x), Value::Named(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                    Ok((x == y) == (*op == CmpOp::Eq))
                }
                _ => match p {
                    Some(p) => pred(self, p.0),
                    None => Err(Need::Either),
                },
            },
            Cond::Not(x) => Ok(!self.cond(at, x, valid)?),
            Cond::And(a, b) => {
                if !self.cond(at, a, valid)? {
                    return Ok(false);
                }
                self.cond(at, b, valid)
            }
            Cond::Or(a, b) => {
                if self.cond(at, a, valid)? {
                    return Ok(true);
                }
                self.cond(at, b, valid)
            }
        }
    }
}

/// A map key the model can compare: a small value or an object's identity.
fn known_key(k: &Value) -> bool {
    matches!(
        k,
        Value::Int(_) | Value::Bool(_) | Value::Nil | Value::Ref(_) | Value::Func(_)
    )
}

/// The longest slice whose length the model follows.
const MAX_ITEMS: u8 = 4;
