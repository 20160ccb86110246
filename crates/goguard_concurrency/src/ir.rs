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
    Var(Var),
    /// `x.f` (through pointers).
    Field(Box<Expr>, Arc<str>),
    /// `make(chan T, cap)` at `at`.
    MakeChan { cap: Cap, at: NodeId },
    /// A struct value: `T{f: v}`, `&T{...}`, `new(T)` or `var x T`. Fields
    /// not listed hold their zero value: a fresh lock, WaitGroup, Once or
    /// Cond for the sync fields in `sync_fields`, unknown for the others.
    Struct {
        fields: Vec<(Arc<str>, Expr)>,
        sync_fields: Vec<(Arc<str>, SyncKind)>,
        at: NodeId,
    },
    /// The zero value of a sync type (`var wg sync.WaitGroup`).
    NewSync(SyncKind, NodeId),
    /// `sync.NewCond(l)`.
    NewCond(Box<Expr>, NodeId),
    /// A function literal: it captures the listed variables of the frame
    /// evaluating it.
    Closure { func: FuncId, captures: Arc<[BindingId]> },
    /// A package function (or method expression) used as a value.
    Func(FuncId),
    /// `x.M` used as a value: method `func` bound to receiver `x`.
    Bound(Box<Expr>, FuncId),
    /// `context.Background()`, `context.TODO()`: a context never done.
    Background,
    /// `ctx.Done()`.
    CtxDone(Box<Expr>),
    /// `context.WithCancel(parent)`: a context whose Done channel is closed
    /// by its cancel function (or by the parent, when the parent can be
    /// done: then the model does not follow it).
    NewCancelCtx { parent: Box<Expr>, at: NodeId },
    /// The cancel function of a context made by `NewCancelCtx`.
    CancelOf(Box<Expr>),
}

/// A channel's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cap {
    Const(u8),
    Sym(SymId),
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
    Field(Expr, Arc<str>),
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
    Value { expr: Expr, pred: Option<PredId> },
    /// `x == nil`, likewise.
    IsNil { expr: Expr, pred: Option<PredId> },
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
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
    Send {
        ch: Expr,
        value: Expr,
    },
    Recv {
        ch: Expr,
        dst: Place,
        ok: Place,
    },
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
    Close { ch: Expr, at: NodeId },
    Sync { op: SyncOp, target: Expr, at: NodeId },
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
    /// The body does something the model cares about (channel or sync
    /// operations, goroutines, calls to such functions of the package);
    /// other bodies are not worth inlining.
    pub relevant: bool,
}
