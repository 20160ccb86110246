//! The lowered form of a function body: a graph of operations over abstract
//! values, holding only what matters to goroutines and their communication.
//!
//! A body is a vector of [`Op`]s addressed by [`Pc`]; each op names its
//! successors. Expressions ([`Expr`]) are side-effect free except for
//! allocation (`make(chan T, n)`, composite literals); calls, receives and
//! everything else with an effect were split into ops by the lowering, in Go's
//! evaluation order. Values the model does not follow (numbers, strings,
//! results of unknown calls) are [`Expr::Unknown`].

use std::sync::Arc;

use goguard_semantic::model::{BindingId, FileIdx};
use goguard_syntax::NodeId;

/// A function body of the package: a FuncDecl or a FuncLit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId {
    pub file: u32,
    pub node: NodeId,
}

impl FuncId {
    pub fn new(file: FileIdx, node: NodeId) -> FuncId {
        FuncId {
            file: file as u32,
            node,
        }
    }

    pub fn file(self) -> FileIdx {
        self.file as FileIdx
    }
}

/// A place in the package's source: a node of one of its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: u32,
    pub node: NodeId,
}

impl Loc {
    pub fn new(file: FileIdx, node: NodeId) -> Loc {
        Loc {
            file: file as u32,
            node,
        }
    }

    pub fn file(self) -> FileIdx {
        self.file as FileIdx
    }
}

/// Index of an op in [`Body::ops`].
pub type Pc = u32;

/// A variable of a frame: a declared name, or a temporary of the lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Var {
    Binding(BindingId),
    Temp(u32),
}

/// A loop bound or channel capacity the model treats as a small unknown
/// number, the same wherever the same expression is written (`len(items)`
/// in `make(chan T, len(items))` and `for range items`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymId(pub u32);

/// A field name, interned for the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u32);

/// A named constant whose value the model does not compute (declared in
/// another package, or not a small integer), interned for the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstId(pub u32);

/// A condition whose value stays the same for the whole run (its variables
/// are never assigned after their declaration): every test of it agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PredId(pub u32);

/// A value expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// Anything the model does not follow.
    Unknown,
    Nil,
    Bool(bool),
    Int(i64),
    /// The current value of a small unknown number.
    Sym(SymId),
    /// A named constant the model knows by name only.
    Named(ConstId),
    Var(Var),
    /// `x.f` (through pointers).
    Field(Box<Expr>, FieldId),
    /// `make(chan T, cap)` at `at`.
    MakeChan {
        cap: Cap,
        at: NodeId,
    },
    /// A struct value: `T{f: v}`, `&T{...}`, `new(T)` or `var x T`. Fields
    /// not listed hold their zero value: a fresh lock, WaitGroup, Once or
    /// Cond for the sync fields in `sync_fields`, unknown for the others.
    Struct {
        fields: Vec<(FieldId, Expr)>,
        sync_fields: Arc<[(FieldId, SyncKind)]>,
        /// Zero values of the other fields the model follows (booleans,
        /// integers, nil channels and pointers).
        zeros: Arc<[(FieldId, Expr)]>,
        /// Its type when the package declares it: the methods an interface
        /// call on the value runs.
        ty: Option<Arc<str>>,
        at: NodeId,
    },
    /// The zero value of a sync type (`var wg sync.WaitGroup`).
    NewSync(SyncKind, NodeId),
    /// `sync.NewCond(l)`.
    NewCond(Box<Expr>, NodeId),
    /// A function literal: it captures the listed variables of the frame
    /// evaluating it.
    Closure {
        func: FuncId,
        captures: Arc<[BindingId]>,
    },
    /// A package function (or method expression) used as a value.
    Func(FuncId),
    /// `x.M` used as a value: method `func` bound to receiver `x`.
    Bound(Box<Expr>, FuncId),
    /// `context.Background()`, `context.TODO()`: a context never done.
    Background,
    /// `ctx.Done()`.
    CtxDone(Box<Expr>),
    /// `!x` of a boolean the model follows.
    Not(Box<Expr>),
    /// A value known not to be nil (`errors.New(...)`): only its
    /// nil-ness is followed.
    NonNil,
    /// `x + n` of a small integer the model follows (`s.n++`).
    Add(Box<Expr>, i64),
    /// `recover()`: nil unless the function calling it was deferred by a
    /// frame that is panicking (which it then stops).
    Recover,
    /// `context.WithCancel(parent)`: a context whose Done channel is closed
    /// by its cancel function (or by the parent, when the parent can be
    /// done: then the model does not follow it).
    NewCancelCtx {
        parent: Box<Expr>,
        at: NodeId,
    },
    /// The cancel function of a context made by `NewCancelCtx`.
    CancelOf(Box<Expr>),
    /// `c.L`: the locker of a `sync.Cond`.
    CondLocker(Box<Expr>),
    /// A comparison or boolean operator used as a value (`return x != nil`):
    /// the boolean when the model can decide the condition, else unknown.
    Test(Box<Cond>),
    /// A slice the model made with these elements (`[]T{a, b}`): its
    /// length and its elements are followed (a nil slice is `Nil`, of
    /// length 0).
    Items(Vec<Expr>),
    /// `make([]T, n)`: a slice of `n` zero values (`zero` is evaluated
    /// once per element, so each struct element is its own), followed like
    /// `Items` when `n` is a small integer the model follows, else unknown.
    Filled {
        len: Box<Expr>,
        zero: Box<Expr>,
    },
    /// `len(x)` of a slice: its length when the model follows it (nil,
    /// made here, appended to), else the symbol the same expression stands
    /// for in loop bounds and counts, if any.
    Len(Box<Expr>, Option<SymId>),
    /// `append(x, a, b)`: `x` with these more elements.
    Append(Box<Expr>, Vec<Expr>),
    /// A map the model made with these entries (`map[K]V{k: v}`,
    /// `make(map[K]V)`): its keys and values are followed.
    MapItems(Vec<(Expr, Expr)>),
    /// `x[i]` of a slice (or `m[k]` of a map): the element when the model follows the slice and
    /// the index; otherwise unknown, and the slice's elements escape (they
    /// are read where the model cannot tell which).
    Index(Box<Expr>, Box<Expr>),
    /// The `ok` of `v, ok := m[k]`: whether the map the model follows has
    /// the key; a guess when the map is one it made but can no longer tell
    /// (a key it does not know, code it does not see); unknown otherwise.
    HasKey(Box<Expr>, Box<Expr>),
    /// The element of slice `x` that the current iteration of range loop
    /// `loop_id` visits (the value variable of `for _, v := range x`).
    RangeElem(Box<Expr>, u32),
    /// A value stored in a field that no code of the package reads: what
    /// it refers to is kept (it escapes with the struct), a plain value
    /// (boolean, integer, nil-ness) is unknown.
    Unread(Box<Expr>),
}

/// A channel's capacity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cap {
    Const(u8),
    Sym(SymId),
    /// A constant larger than the model follows (`make(chan T, 10)`): the
    /// symbol of that constant, so that loops of as many iterations agree.
    LargeConst(SymId),
    /// A value computed when the channel is made (`make(chan T, q.size)`):
    /// its value when the model follows it, else the symbol if any.
    Value(Box<Expr>, Option<SymId>),
    /// Too large or not known: the channel is not followed.
    Unknown,
}

/// The sync types with a zero value that works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncKind {
    Mutex,
    RwMutex,
    WaitGroup,
    Once,
    /// `errgroup.Group`: a WaitGroup counting the functions given to Go.
    ErrGroup,
}

/// Where an assignment stores.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    Var(Var),
    /// Declares the variable (a new one each time it runs: Go 1.22 loop
    /// variables and the closures capturing them behave), then assigns.
    Decl(Var),
    Field(Expr, FieldId),
    /// `x[i] = v` of a slice (or `m[k] = v` of a map): the element when the model follows the slice
    /// and the index; otherwise the value and the slice's elements escape.
    Index(Box<Expr>, Box<Expr>),
    /// Discarded (`_`).
    Discard,
    /// Somewhere the model does not follow (a global, a map, a slice): the
    /// value escapes.
    Escape,
}

/// A condition of a branch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cond {
    Const(bool),
    /// Either way.
    Nondet,
    Pred(PredId),
    /// A boolean value: exact when the model follows it (`ok` of a
    /// receive), else the predicate when the expression is stable, else
    /// either way.
    Value {
        expr: Expr,
        pred: Option<PredId>,
    },
    /// `x == nil`, likewise.
    IsNil {
        expr: Expr,
        pred: Option<PredId>,
    },
    /// A comparison of two integers (`s.n > 0`): exact when both are
    /// followed, else like `Value` with no value.
    Cmp {
        op: CmpOp,
        a: Expr,
        b: Expr,
        pred: Option<PredId>,
    },
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

/// An integer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a call calls.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A function or method of the package with a body.
    Static(FuncId),
    /// A function value: a closure, a bound method or a function.
    Value(Expr),
    /// A method the lowering could not resolve (`g.Go(f)` on a value of
    /// an unknown type): the receiver is the first argument; when its value
    /// is a sync object the model knows, the method is that object's
    /// operation, else the call is dynamic.
    Method(Arc<str>),
    /// A method called through an interface: the receiver is the first
    /// argument; when its value is a struct of a type the package declares,
    /// that type's method runs, else the call is dynamic.
    Iface(Arc<str>),
    /// Something the model cannot see: its arguments escape.
    Dynamic,
}

/// A call: what it calls, the receiver, the arguments (receiver first for
/// methods), where its results go.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Call {
    pub target: Target,
    pub args: Vec<Expr>,
    /// Where the results are stored, in order (fewer than the results: the
    /// rest are dropped).
    pub results: Vec<Place>,
    /// The CallExpr.
    pub at: NodeId,
}

/// An operation of a library type the model knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncOp {
    Lock,
    Unlock,
    RLock,
    RUnlock,
    /// `TryLock`, `TryRLock`: never blocks; the model assumes it fails
    /// unless the lock is free.
    TryLock,
    WgAdd,
    WgDone,
    WgWait,
    CondWait,
    CondSignal,
    CondBroadcast,
    /// `cancel()` of a context made here: closes its Done channel.
    Cancel,
}

/// What ends a path abnormally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitKind {
    /// `panic(...)`: recovered by a deferred `recover()`, or the end of
    /// the program.
    Panic,
    /// os.Exit, log.Fatal, t.Fatal...: the end of the program (or test).
    NoReturn,
    /// `runtime.Goexit()`: the goroutine ends, running its defers.
    Goexit,
}

/// One case of a select.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelectCase {
    pub kind: CaseKind,
    /// The case's communication statement.
    pub at: NodeId,
    /// The first op of the case body.
    pub body: Pc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CaseKind {
    Send { ch: Expr, value: Expr },
    Recv { ch: Expr, dst: Place, ok: Place },
}

/// What a range statement ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeKind {
    /// A channel: each iteration receives, the loop ends when it is closed.
    Chan,
    /// A collection or number of `sym` elements.
    Counted(SymId),
    /// Anything else: any number of iterations (a channel if the value
    /// turns out to be one).
    Other,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Op {
    Goto(Pc),
    Branch {
        cond: Cond,
        then: Pc,
        els: Pc,
        /// Deciding the condition either way is a guess the model should not
        /// build a finding on: it tests a counter (a variable incremented or
        /// decremented somewhere), so it guesses how many times a loop runs;
        /// or it leaves a loop on a test of data the model does not follow
        /// (anything but an error compared with nil: an error compared with
        /// a sentinel such as `io.EOF` too), so it guesses the protocol.
        counting: bool,
        /// Values whose fields (or methods) the condition reads: when one
        /// is a struct the model follows, the condition tests its state
        /// beyond what the model follows, and deciding it either way is a
        /// guess too.
        reads: Vec<Expr>,
    },
    /// Any of the targets (switch cases the model cannot tell apart).
    Choose(Vec<Pc>),
    /// Assigns. `shared` when another goroutine may read the place (a
    /// captured variable or a field).
    Set {
        place: Place,
        value: Expr,
        shared: bool,
        next: Pc,
    },
    Call {
        call: Call,
        next: Pc,
    },
    Go {
        call: Call,
        next: Pc,
    },
    Defer {
        action: Deferred,
        next: Pc,
    },
    Send {
        ch: Expr,
        value: Expr,
        at: NodeId,
        next: Pc,
    },
    Recv {
        ch: Expr,
        dst: Place,
        ok: Place,
        at: NodeId,
        next: Pc,
    },
    Select {
        cases: Vec<SelectCase>,
        default: Option<Pc>,
        at: NodeId,
    },
    /// The header of a range loop: take the next element (into `dst`) and
    /// run `body`, or leave to `done`.
    Range {
        x: Expr,
        kind: RangeKind,
        dst: Place,
        body: Pc,
        done: Pc,
        at: NodeId,
        loop_id: u32,
    },
    /// Starts a loop that runs `sym` times (a fresh count).
    LoopEnter {
        loop_id: u32,
        next: Pc,
    },
    /// The test of such a loop: one more iteration or leave.
    LoopTest {
        loop_id: u32,
        sym: SymId,
        /// The bound's value when the model follows it (a small integer):
        /// then the loop runs exactly that many times.
        bound: Expr,
        body: Pc,
        done: Pc,
    },
    Close {
        ch: Expr,
        at: NodeId,
        next: Pc,
    },
    Sync {
        op: SyncOp,
        target: Expr,
        /// The amount of `wg.Add(n)`.
        arg: Expr,
        at: NodeId,
        next: Pc,
    },
    /// `once.Do(f)`: runs `f` the first time only.
    OnceDo {
        once: Expr,
        f: Expr,
        at: NodeId,
        next: Pc,
    },
    /// `wg.Go(f)`, `g.Go(f)`: counts one more and starts `f` in a goroutine
    /// that counts itself done when it ends.
    GroupGo {
        group: Expr,
        f: Expr,
        at: NodeId,
        next: Pc,
    },
    /// The value flows where the model cannot follow (stored in a map,
    /// given to an unknown function...): other code may use it.
    Escape {
        value: Expr,
        next: Pc,
    },
    Return {
        values: Vec<Expr>,
        at: NodeId,
    },
    Exit {
        kind: ExitKind,
        at: NodeId,
    },
    /// `select {}`: blocks forever.
    Forever {
        at: NodeId,
    },
}

/// A call registered by `defer`: its target and its arguments, evaluated
/// when the defer statement runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Deferred {
    Call(Call),
    Close {
        ch: Expr,
        at: NodeId,
    },
    Sync {
        op: SyncOp,
        target: Expr,
        at: NodeId,
    },
    /// `defer func() { ... recover() ... }()` and friends: a deferred call
    /// that may stop a panic.
    Recover(Call),
}

/// A lowered function body.
#[derive(Debug, Clone)]
pub struct Body {
    pub func: FuncId,
    pub ops: Vec<Op>,
    pub entry: Pc,
    /// Parameters in order (the receiver first for a method); None for
    /// unnamed or blank ones.
    pub params: Vec<Option<BindingId>>,
    /// Named results, in order (empty for unnamed results).
    pub named_results: Vec<BindingId>,
    /// Free variables of a function literal (captured from outside).
    pub captures: Arc<[BindingId]>,
    /// Where the body ends by falling off: the closing brace position's node
    /// is the body block.
    pub body_block: NodeId,
    /// Something in the body the lowering does not handle (goto): the body
    /// is not modelled and calls to it are unknown.
    pub unsupported: bool,
    /// The body itself operates on channels, sync objects or contexts, or
    /// starts goroutines (see [`op_is_concurrent`]).
    pub concurrent: bool,
    /// The body makes something the model follows (a channel, a sync
    /// object, a cancellable context) or starts a goroutine.
    pub creates: bool,
    /// The variables live before each op (read on some path before being
    /// written), sorted: the explorer forgets the others, so states that
    /// differ only in dead variables are one.
    pub live: Vec<Vec<Var>>,
    /// Ops a later op jumps back to (loop heads), sorted.
    pub loop_heads: Vec<Pc>,
}

/// The targets of backward jumps: loop heads.
pub fn loop_heads(ops: &[Op]) -> Vec<Pc> {
    let mut out: Vec<Pc> = ops
        .iter()
        .enumerate()
        .flat_map(|(i, op)| successors(op).into_iter().filter(move |&t| t as usize <= i))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// True for an op that touches what the model follows: channels, sync
/// objects, contexts, goroutines.
pub fn op_is_concurrent(op: &Op) -> bool {
    let mut found = false;
    match op {
        Op::Send { .. }
        | Op::Recv { .. }
        | Op::Select { .. }
        | Op::Close { .. }
        | Op::Sync { .. }
        | Op::OnceDo { .. }
        | Op::GroupGo { .. }
        | Op::Go { .. }
        | Op::Forever { .. } => return true,
        Op::Range { kind, .. } => return !matches!(kind, RangeKind::Counted(_)),
        Op::Defer {
            action: Deferred::Close { .. } | Deferred::Sync { .. },
            ..
        } => return true,
        Op::Call { call, .. } if matches!(call.target, Target::Method(_)) => return true,
        _ => {}
    }
    visit_exprs(op, &mut |e| {
        found |= matches!(
            e,
            Expr::MakeChan { .. }
                | Expr::NewSync(..)
                | Expr::NewCond(..)
                | Expr::NewCancelCtx { .. }
                | Expr::CtxDone(_)
                | Expr::Background
        ) || matches!(e, Expr::Struct { sync_fields, .. } if !sync_fields.is_empty());
    });
    found
}

/// True for an op that makes something the model follows or starts a
/// goroutine: what a goroutine must do to matter when it is given nothing
/// the model follows.
pub fn op_creates(op: &Op) -> bool {
    if matches!(op, Op::Go { .. } | Op::GroupGo { .. }) {
        return true;
    }
    let mut found = false;
    visit_exprs(op, &mut |e| {
        found |= matches!(
            e,
            Expr::MakeChan { .. }
                | Expr::NewSync(..)
                | Expr::NewCond(..)
                | Expr::NewCancelCtx { .. }
        ) || matches!(e, Expr::Struct { sync_fields, .. } if !sync_fields.is_empty());
    });
    found
}

/// Calls `f` on every expression of an op, sub-expressions included.
pub fn visit_exprs(op: &Op, f: &mut dyn FnMut(&Expr)) {
    fn expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
        f(e);
        match e {
            Expr::Field(x, _)
            | Expr::NewCond(x, _)
            | Expr::Bound(x, _)
            | Expr::CtxDone(x)
            | Expr::Not(x)
            | Expr::Add(x, _)
            | Expr::CancelOf(x)
            | Expr::CondLocker(x)
            | Expr::Len(x, _)
            | Expr::RangeElem(x, _)
            | Expr::Unread(x) => expr(x, f),
            Expr::Append(x, vs) => {
                expr(x, f);
                vs.iter().for_each(|v| expr(v, f));
            }
            Expr::Items(vs) => vs.iter().for_each(|v| expr(v, f)),
            Expr::MapItems(kvs) => kvs.iter().for_each(|(k, v)| {
                expr(k, f);
                expr(v, f);
            }),
            Expr::Index(x, i) | Expr::HasKey(x, i) => {
                expr(x, f);
                expr(i, f);
            }
            Expr::Filled { len, zero } => {
                expr(len, f);
                expr(zero, f);
            }
            Expr::NewCancelCtx { parent, .. } => expr(parent, f),
            Expr::Struct { fields, .. } => fields.iter().for_each(|(_, v)| expr(v, f)),
            Expr::MakeChan {
                cap: Cap::Value(e, _),
                ..
            } => expr(e, f),
            Expr::Test(c) => cond(c, f),
            _ => {}
        }
    }
    fn place(p: &Place, f: &mut dyn FnMut(&Expr)) {
        match p {
            Place::Field(x, _) => expr(x, f),
            Place::Index(x, i) => {
                expr(x, f);
                expr(i, f);
            }
            _ => {}
        }
    }
    fn cond(c: &Cond, f: &mut dyn FnMut(&Expr)) {
        match c {
            Cond::Value { expr: e, .. } | Cond::IsNil { expr: e, .. } => expr(e, f),
            Cond::Cmp { a, b, .. } => {
                expr(a, f);
                expr(b, f);
            }
            Cond::Not(x) => cond(x, f),
            Cond::And(a, b) | Cond::Or(a, b) => {
                cond(a, f);
                cond(b, f);
            }
            _ => {}
        }
    }
    fn call(c: &Call, f: &mut dyn FnMut(&Expr)) {
        if let Target::Value(e) = &c.target {
            expr(e, f);
        }
        c.args.iter().for_each(|a| expr(a, f));
        c.results.iter().for_each(|p| place(p, f));
    }
    match op {
        Op::Branch { cond: c, reads, .. } => {
            cond(c, f);
            reads.iter().for_each(|r| expr(r, f));
        }
        Op::Set {
            place: p, value, ..
        } => {
            place(p, f);
            expr(value, f);
        }
        Op::Call { call: c, .. } | Op::Go { call: c, .. } => call(c, f),
        Op::Defer { action, .. } => match action {
            Deferred::Call(c) | Deferred::Recover(c) => call(c, f),
            Deferred::Close { ch, .. } => expr(ch, f),
            Deferred::Sync { target, .. } => expr(target, f),
        },
        Op::Send { ch, value, .. } => {
            expr(ch, f);
            expr(value, f);
        }
        Op::Recv { ch, dst, ok, .. } => {
            expr(ch, f);
            place(dst, f);
            place(ok, f);
        }
        Op::Select { cases, .. } => {
            for c in cases {
                match &c.kind {
                    CaseKind::Send { ch, value } => {
                        expr(ch, f);
                        expr(value, f);
                    }
                    CaseKind::Recv { ch, dst, ok } => {
                        expr(ch, f);
                        place(dst, f);
                        place(ok, f);
                    }
                }
            }
        }
        Op::Range { x, dst, .. } => {
            expr(x, f);
            place(dst, f);
        }
        Op::LoopTest { bound, .. } => expr(bound, f),
        Op::Close { ch, .. } => expr(ch, f),
        Op::Sync { target, arg, .. } => {
            expr(target, f);
            expr(arg, f);
        }
        Op::OnceDo { once, f: g, .. } => {
            expr(once, f);
            expr(g, f);
        }
        Op::GroupGo { group, f: g, .. } => {
            expr(group, f);
            expr(g, f);
        }
        Op::Escape { value, .. } => expr(value, f),
        Op::Return { values, .. } => values.iter().for_each(|v| expr(v, f)),
        _ => {}
    }
}

/// The successors of an op.
pub fn successors(op: &Op) -> Vec<Pc> {
    match op {
        Op::Goto(t) => vec![*t],
        Op::Branch { then, els, .. } => vec![*then, *els],
        Op::Choose(ts) => ts.clone(),
        Op::Select { cases, default, .. } => cases
            .iter()
            .map(|c| c.body)
            .chain(default.iter().copied())
            .collect(),
        Op::Range { body, done, .. } | Op::LoopTest { body, done, .. } => vec![*body, *done],
        Op::Set { next, .. }
        | Op::Call { next, .. }
        | Op::Go { next, .. }
        | Op::Defer { next, .. }
        | Op::Send { next, .. }
        | Op::Recv { next, .. }
        | Op::LoopEnter { next, .. }
        | Op::Close { next, .. }
        | Op::Sync { next, .. }
        | Op::OnceDo { next, .. }
        | Op::GroupGo { next, .. }
        | Op::Escape { next, .. } => vec![*next],
        Op::Return { .. } | Op::Exit { .. } | Op::Forever { .. } => Vec::new(),
    }
}

/// Variables an op writes whole (a declaration or plain assignment).
fn defs(op: &Op) -> Vec<Var> {
    let mut out = Vec::new();
    let mut place = |p: &Place| {
        if let Place::Var(v) | Place::Decl(v) = p {
            out.push(*v);
        }
    };
    match op {
        Op::Set { place: p, .. } => place(p),
        Op::Recv { dst, ok, .. } => {
            place(dst);
            place(ok);
        }
        // Results are written after the call returns: not before it.
        _ => {}
    }
    out
}

/// Variables an op reads (closures read the variables they capture).
fn uses(op: &Op) -> Vec<Var> {
    let mut out = Vec::new();
    visit_exprs(op, &mut |e| match e {
        Expr::Var(v) => out.push(*v),
        Expr::Closure { captures, .. } => out.extend(captures.iter().map(|&b| Var::Binding(b))),
        _ => {}
    });
    // A select case's and a range's destinations are written when the case
    // is taken: their variables stay live through the op.
    match op {
        Op::Select { cases, .. } => {
            for c in cases {
                if let CaseKind::Recv { dst, ok, .. } = &c.kind {
                    for p in [dst, ok] {
                        if let Place::Var(v) | Place::Decl(v) = p {
                            out.push(*v);
                        }
                    }
                }
            }
        }
        Op::Range {
            dst: Place::Var(v) | Place::Decl(v),
            ..
        } => out.push(*v),
        Op::Call { call, .. } => {
            for p in &call.results {
                if let Place::Var(v) = p {
                    out.push(*v);
                }
            }
        }
        _ => {}
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The variables live before each op: backward dataflow to a fixpoint.
pub fn liveness(ops: &[Op]) -> Vec<Vec<Var>> {
    let n = ops.len();
    let uses: Vec<Vec<Var>> = ops.iter().map(uses).collect();
    let defs: Vec<Vec<Var>> = ops.iter().map(defs).collect();
    let succs: Vec<Vec<Pc>> = ops.iter().map(successors).collect();
    let mut live: Vec<Vec<Var>> = vec![Vec::new(); n];
    let mut changed = true;
    let mut rounds = 0;
    while changed && rounds < 1000 {
        changed = false;
        rounds += 1;
        for i in (0..n).rev() {
            let mut out: Vec<Var> = Vec::new();
            for &s in &succs[i] {
                if let Some(l) = live.get(s as usize) {
                    out.extend(l.iter().copied());
                }
            }
            out.retain(|v| !defs[i].contains(v));
            out.extend(uses[i].iter().copied());
            out.sort_unstable();
            out.dedup();
            if out != live[i] {
                live[i] = out;
                changed = true;
            }
        }
    }
    live
}
