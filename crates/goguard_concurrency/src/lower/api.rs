//! The library calls the model knows, in tables: methods of sync types,
//! context constructors, errgroup, timers that run a function later.
//! Anything else from outside the package is a call the model cannot see.

use goguard_semantic::model::Callee;
use goguard_semantic::types::{NamedRef, Type};

use crate::ir::{SyncKind, SyncOp};

/// The errgroup package (golang.org/x/sync/errgroup).
pub(crate) const ERRGROUP: &str = "golang.org/x/sync/errgroup";

/// What a known method does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodApi {
    Sync(SyncOp),
    OnceDo,
    /// Counts one more and runs the function in a goroutine.
    GroupGo,
    /// `ctx.Done()`.
    CtxDone,
}

/// (package, type, method, meaning).
const METHODS: &[(&str, &str, &str, MethodApi)] = &[
    ("sync", "Mutex", "Lock", MethodApi::Sync(SyncOp::Lock)),
    ("sync", "Mutex", "Unlock", MethodApi::Sync(SyncOp::Unlock)),
    ("sync", "Mutex", "TryLock", MethodApi::Sync(SyncOp::TryLock)),
    ("sync", "RWMutex", "Lock", MethodApi::Sync(SyncOp::Lock)),
    ("sync", "RWMutex", "Unlock", MethodApi::Sync(SyncOp::Unlock)),
    ("sync", "RWMutex", "RLock", MethodApi::Sync(SyncOp::RLock)),
    (
        "sync",
        "RWMutex",
        "RUnlock",
        MethodApi::Sync(SyncOp::RUnlock),
    ),
    (
        "sync",
        "RWMutex",
        "TryLock",
        MethodApi::Sync(SyncOp::TryLock),
    ),
    (
        "sync",
        "RWMutex",
        "TryRLock",
        MethodApi::Sync(SyncOp::TryLock),
    ),
    ("sync", "Locker", "Lock", MethodApi::Sync(SyncOp::Lock)),
    ("sync", "Locker", "Unlock", MethodApi::Sync(SyncOp::Unlock)),
    ("sync", "WaitGroup", "Add", MethodApi::Sync(SyncOp::WgAdd)),
    ("sync", "WaitGroup", "Done", MethodApi::Sync(SyncOp::WgDone)),
    ("sync", "WaitGroup", "Wait", MethodApi::Sync(SyncOp::WgWait)),
    ("sync", "WaitGroup", "Go", MethodApi::GroupGo),
    ("sync", "Cond", "Wait", MethodApi::Sync(SyncOp::CondWait)),
    (
        "sync",
        "Cond",
        "Signal",
        MethodApi::Sync(SyncOp::CondSignal),
    ),
    (
        "sync",
        "Cond",
        "Broadcast",
        MethodApi::Sync(SyncOp::CondBroadcast),
    ),
    ("sync", "Once", "Do", MethodApi::OnceDo),
    ("context", "Context", "Done", MethodApi::CtxDone),
    (ERRGROUP, "Group", "Go", MethodApi::GroupGo),
    (ERRGROUP, "Group", "TryGo", MethodApi::GroupGo),
    (ERRGROUP, "Group", "Wait", MethodApi::Sync(SyncOp::WgWait)),
];

/// The meaning of a method of type `recv` called `name`.
pub(crate) fn method(recv: &NamedRef, name: &str) -> Option<MethodApi> {
    METHODS
        .iter()
        .find(|(p, t, m, _)| recv.is(p, t) && *m == name)
        .map(|&(_, _, _, api)| api)
}

/// The meaning of a method call, by its callee or, when the model could
/// not resolve it (a package the universe does not hold, like errgroup),
/// by the receiver's declared type.
pub(crate) fn method_call(callee: &Callee, recv_type: &Type, name: &str) -> Option<MethodApi> {
    if let Callee::Method { recv, name } = callee {
        return method(recv, name);
    }
    recv_type.named_ref().and_then(|n| method(n, name))
}

/// The method names of a sync object of kind `kind` and what they do, for
/// calls resolved only when the model runs (`g.Go(f)` with `g` from a call
/// whose result type is unknown).
pub(crate) fn dynamic_method(kind: SyncKind, name: &str) -> Option<MethodApi> {
    let ty = match kind {
        SyncKind::Mutex => ("sync", "Mutex"),
        SyncKind::RwMutex => ("sync", "RWMutex"),
        SyncKind::WaitGroup => ("sync", "WaitGroup"),
        SyncKind::Once => ("sync", "Once"),
        SyncKind::ErrGroup => (ERRGROUP, "Group"),
    };
    method(&NamedRef::new(ty.0, ty.1), name)
}

/// A package function the model knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FuncApi {
    /// context.Background, context.TODO, context.WithoutCancel: never done.
    Background,
    /// context.WithCancel: (ctx, cancel).
    WithCancel,
    /// context.WithTimeout and friends: done some time later.
    WithTimeout,
    /// context.WithValue: the parent's cancellation.
    WithValue,
    /// sync.NewCond(l).
    NewCond,
    /// errgroup.WithContext: (group, ctx).
    ErrgroupWithContext,
    /// time.AfterFunc(d, f): f runs later in its own goroutine.
    AfterFunc,
    /// runtime.Goexit.
    Goexit,
    /// signal.Notify(ch, ...): the runtime sends on ch.
    Notify,
    /// errors.New, fmt.Errorf: an error that is not nil.
    NewError,
    /// io.ReadFull(r, buf) and friends: calls `r.Read` until it has what
    /// it wants (once or more), so a reader of the package runs.
    ReadsUntilDone,
}

const FUNCS: &[(&str, &str, FuncApi)] = &[
    ("context", "Background", FuncApi::Background),
    ("context", "TODO", FuncApi::Background),
    ("context", "WithoutCancel", FuncApi::Background),
    ("context", "WithCancel", FuncApi::WithCancel),
    ("context", "WithCancelCause", FuncApi::WithCancel),
    ("context", "WithTimeout", FuncApi::WithTimeout),
    ("context", "WithTimeoutCause", FuncApi::WithTimeout),
    ("context", "WithDeadline", FuncApi::WithTimeout),
    ("context", "WithDeadlineCause", FuncApi::WithTimeout),
    ("context", "WithValue", FuncApi::WithValue),
    ("sync", "NewCond", FuncApi::NewCond),
    (ERRGROUP, "WithContext", FuncApi::ErrgroupWithContext),
    ("time", "AfterFunc", FuncApi::AfterFunc),
    ("runtime", "Goexit", FuncApi::Goexit),
    ("os/signal", "Notify", FuncApi::Notify),
    ("errors", "New", FuncApi::NewError),
    ("fmt", "Errorf", FuncApi::NewError),
    ("io", "ReadFull", FuncApi::ReadsUntilDone),
    ("io", "ReadAtLeast", FuncApi::ReadsUntilDone),
    ("io", "ReadAll", FuncApi::ReadsUntilDone),
];

pub(crate) fn func(callee: &Callee) -> Option<FuncApi> {
    let Callee::Func(n) = callee else {
        return None;
    };
    FUNCS
        .iter()
        .find(|(p, f, _)| n.is(p, f))
        .map(|&(_, _, api)| api)
}

/// The sync kind of a type whose zero value is a usable sync object.
pub(crate) fn sync_kind(t: &Type) -> Option<SyncKind> {
    let Type::Named(n) = t else {
        return None;
    };
    if &*n.pkg == "sync" {
        return match &*n.name {
            "Mutex" => Some(SyncKind::Mutex),
            "RWMutex" => Some(SyncKind::RwMutex),
            "WaitGroup" => Some(SyncKind::WaitGroup),
            "Once" => Some(SyncKind::Once),
            _ => None,
        };
    }
    n.is(ERRGROUP, "Group").then_some(SyncKind::ErrGroup)
}

/// Standard-library packages whose functions never keep or run what they
/// are given (formatting, errors, strings...): passing a channel or a
/// struct to them does not let it escape.
const NON_RETAINING: &[&str] = &[
    "fmt", "errors", "strings", "strconv", "bytes", "math", "log", "sort", "unicode",
];

/// The pseudo-random number packages: a number they draw is independent of
/// everything the model follows, so a test of it really goes either way.
const RANDOM_PACKAGES: &[&str] = &["math/rand", "math/rand/v2"];

/// True for a call that draws a pseudo-random number (`rand.Intn(2)`,
/// `r.Float64()` on a `*rand.Rand`).
pub(crate) fn draws_random(callee: &Callee) -> bool {
    let (pkg, name) = match callee {
        Callee::Func(n) => (&n.pkg, &n.name),
        Callee::Method { recv, name } if &*recv.name == "Rand" => (&recv.pkg, name),
        _ => return false,
    };
    RANDOM_PACKAGES.contains(&&**pkg)
        && (name.starts_with("Int") || name.starts_with("Uint") || name.contains("Float"))
}

/// True for the testing methods that end the calling goroutine with
/// runtime.Goexit (`t.Fatal`, `t.FailNow`, `t.Skip`...).
pub(crate) fn ends_test_goroutine(callee: &Callee) -> bool {
    matches!(callee, Callee::Method { recv, name }
        if &*recv.pkg == "testing"
            && matches!(&**name, "Fatal" | "Fatalf" | "FailNow" | "Skip" | "Skipf" | "SkipNow"))
}

/// True for `t.Context()` of a test, benchmark or fuzz target: cancelled
/// when the test function returns, just before its Cleanup functions run
/// (declared on `testing.common`, which `T`, `B` and `F` embed).
pub(crate) fn test_context(callee: &Callee) -> bool {
    matches!(callee, Callee::Method { recv, name }
        if &*recv.pkg == "testing"
            && matches!(&*recv.name, "T" | "B" | "F" | "TB" | "common")
            && &**name == "Context")
}

pub(crate) fn retains_arguments(callee: &Callee) -> bool {
    match callee {
        Callee::Func(n) => !NON_RETAINING.contains(&&*n.pkg),
        _ => true,
    }
}
