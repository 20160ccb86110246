//! The one walk of a package's function bodies that the lock analyses
//! share: each body's `Lock`/`RLock` and `Unlock`/`RUnlock` calls, its calls
//! of package functions and the variables it assigns. Lock summaries and
//! the lock-order graph are both derived from it, so each body is walked
//! and each of its calls resolved once per package.

use std::sync::Arc;

use goguard_semantic::model::{Callee, FileIdx, PackageModel};
use goguard_semantic::types::Type;
use goguard_syntax::{Ast, Child, Node, NodeId, NodeKind, Tok};

use crate::engine::PackageScope;

use super::cond_lockers::{
    cond_of_locker, field_locker, locker_mutex, named_type, new_cond_arg, record_cond_field,
    CondFields,
};
use super::lock_facts::{is_flag, is_unlock, key_of, lock_kind, FuncKey};

/// Functions that format their operands with the `fmt` verbs: an operand
/// that implements `error` or `fmt.Stringer` has its `Error` or `String`
/// method called (by package and name).
const FORMATTING_CALLS: &[(&str, &[&str])] = &[
    (
        "fmt",
        &[
            "Print", "Printf", "Println", "Sprint", "Sprintf", "Sprintln", "Fprint", "Fprintf",
            "Fprintln", "Errorf", "Append", "Appendf", "Appendln",
        ],
    ),
    (
        "log",
        &[
            "Print", "Printf", "Println", "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf",
            "Panicln",
        ],
    ),
];

/// The methods of the package a formatting call (see [`FORMATTING_CALLS`])
/// may call on its operands: for each operand that is a pointer to a type
/// of the package, that type's `Error` and `String` (whichever it
/// declares), with the operand.
pub(crate) fn implicit_calls(
    model: &PackageModel<'_>,
    fi: FileIdx,
    callee: &Callee,
    args: &[NodeId],
) -> Vec<(FuncKey, NodeId)> {
    let Callee::Func(f) = callee else {
        return Vec::new();
    };
    let formats = FORMATTING_CALLS
        .iter()
        .any(|(pkg, names)| *pkg == &*f.pkg && names.contains(&&*f.name));
    if !formats {
        return Vec::new();
    }
    let own = model.import_path();
    let mut out = Vec::new();
    for &a in args {
        let Type::Pointer(t) = model.type_of(fi, a) else {
            continue;
        };
        let Type::Named(n) = &*t else {
            continue;
        };
        if &*n.pkg != own {
            continue;
        }
        for m in ["Error", "String"] {
            out.push(((Some(n.name.clone()), Arc::<str>::from(m)), a));
        }
    }
    out
}

/// What a call of a body does with locks.
#[derive(Debug, Clone)]
pub(crate) enum OpKind {
    /// `Lock` (false) or `RLock` (true) of a sync mutex.
    Lock { read: bool },
    /// `Unlock` or `RUnlock` of a sync mutex.
    Unlock,
    /// A call of a function or method of the package; `interface` when the
    /// method is one of an interface type of the package.
    Call {
        callee: FuncKey,
        method: bool,
        interface: bool,
    },
}

/// A call of a body, with `recv` the expression it selects from (`x` in
/// `x.Lock()`, `x.m()`), when the call selects.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub call: NodeId,
    pub kind: OpKind,
    pub recv: Option<NodeId>,
    /// Fields selected after `recv` to reach the mutex (`.mu` when
    /// `s.cond.L.Lock()` locks `s.mu`, see [`super::cond_lockers`]); empty
    /// otherwise.
    pub suffix: String,
    /// The call's arguments, `&` removed.
    pub args: Vec<NodeId>,
}

/// A value given to a field of a named type of the package.
#[derive(Debug)]
pub(crate) struct FieldStore {
    /// The type and the field (`f[]` for an element of `f`).
    pub ty: Arc<str>,
    pub field: Arc<str>,
    pub value: NodeId,
    /// The expression whose field it is (`x` of `x.f = v`); None in a
    /// literal.
    pub owner: Option<NodeId>,
}

/// One function body of the package (a declaration's or a literal's), and
/// what it does outside its literals, `go` and `defer` statements, and
/// outside branches taken on a plain flag (`if lock { mu.Lock() }`:
/// whether the call locks then depends on what the caller passes).
#[derive(Debug)]
pub(crate) struct Body {
    pub file: FileIdx,
    /// The FuncDecl or FuncLit.
    pub func: NodeId,
    pub ops: Vec<Op>,
    /// Identifiers on the left of assignments.
    pub assigned: Vec<NodeId>,
    /// Variables declared with a value (`r := s.replica`, `var mu =
    /// &s.mu`): the declaring identifier and its value.
    pub defines: Vec<(NodeId, NodeId)>,
    /// Calls that name no function of the package: through a function
    /// value (a variable, parameter or field) or of a literal called at
    /// once (see [`super::dynamic_calls`]).
    pub value_calls: Vec<NodeId>,
    /// Values given to fields of the package's named types (`x.f = v`,
    /// `T{f: v}`), and to their elements (`x.f[k] = v`, as the field
    /// `f[]`).
    pub field_stores: Vec<FieldStore>,
}

impl Body {
    /// The key of a declared function's body (`(Some("T"), "m")` for a
    /// method of `T` or `*T`); None for a literal, or a receiver whose type
    /// is not a name.
    pub(crate) fn decl_key(&self, model: &PackageModel<'_>) -> Option<FuncKey> {
        let file = &model.files()[self.file];
        let ast = file.parsed.ast();
        let Node::FuncDecl { recv, name, .. } = *ast.node(self.func) else {
            return None;
        };
        let recv_name = match recv {
            Some(r) => Some(Arc::<str>::from(
                goguard_semantic::model::receiver_type_name(ast, file.source, r)?,
            )),
            None => None,
        };
        Some((recv_name, Arc::<str>::from(ast.text(name, file.source))))
    }
}

/// Every function body of the package with a body, declarations then
/// literals of each file, in file order; and the mutexes behind the
/// package's condition-variable fields.
pub(crate) fn package_bodies(pkg: &PackageScope<'_>) -> (Vec<Body>, CondFields) {
    let model = pkg.model;
    let mut out = Vec::new();
    let mut conds = CondFields::new();
    for (fi, file) in model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        let facts = &pkg.files[fi];
        for kind in [NodeKind::FuncDecl, NodeKind::FuncLit] {
            for &func in facts.nodes_of_kind(kind) {
                let body = match *ast.node(func) {
                    Node::FuncDecl { body: Some(b), .. } | Node::FuncLit { body: b, .. } => b,
                    _ => continue,
                };
                out.push(walk(model, fi, func, body, &mut conds));
            }
        }
    }
    for b in &mut out {
        resolve_cond_lockers(model, b, &conds);
    }
    (out, conds)
}

/// Rewrites the `c.L.Lock()` and `c.L.Unlock()` of a body to the mutex
/// given to `sync.NewCond` when the package says which it is (see
/// [`super::cond_lockers`]).
fn resolve_cond_lockers(model: &PackageModel<'_>, b: &mut Body, conds: &CondFields) {
    let fi = b.file;
    for i in 0..b.ops.len() {
        let op = &b.ops[i];
        if !matches!(op.kind, OpKind::Lock { .. } | OpKind::Unlock) {
            continue;
        }
        let Some(cond) = op.recv.and_then(|x| cond_of_locker(model, fi, x)) else {
            continue;
        };
        let target = field_locker(model, fi, cond, conds)
            .or_else(|| local_locker(model, b, cond).map(|(m, read)| (m, String::new(), read)));
        let Some((recv, suffix, read)) = target else {
            continue;
        };
        let op = &mut b.ops[i];
        op.recv = Some(recv);
        op.suffix = suffix;
        if let OpKind::Lock { read: r } = &mut op.kind {
            *r = read;
        }
    }
}

/// The mutex a local condition variable of the body locks: `c` declared
/// by `c := sync.NewCond(&s.mu)` and given no other value.
fn local_locker(model: &PackageModel<'_>, b: &Body, cond: NodeId) -> Option<(NodeId, bool)> {
    let fi = b.file;
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let binding = model.resolve(fi, ast.unparen(cond))?;
    let (df, decl) = model.binding(binding).decl?;
    if df != fi {
        return None;
    }
    let again = b
        .assigned
        .iter()
        .any(|&n| n != decl && model.resolve(fi, n) == Some(binding));
    if again {
        return None;
    }
    let &(_, value) = b.defines.iter().find(|&&(n, _)| n == decl)?;
    let arg = new_cond_arg(model, fi, value)?;
    Some(locker_mutex(ast, file.source, arg))
}

fn walk(
    model: &PackageModel<'_>,
    fi: FileIdx,
    func: NodeId,
    body: NodeId,
    conds: &mut CondFields,
) -> Body {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let mut out = Body {
        file: fi,
        func,
        ops: Vec::new(),
        assigned: Vec::new(),
        defines: Vec::new(),
        value_calls: Vec::new(),
        field_stores: Vec::new(),
    };
    let mut stack = vec![body];
    let mut buf = Vec::new();
    let mut visited = 0usize;
    while let Some(id) = stack.pop() {
        visited += 1;
        if visited > 1_000_000 {
            break;
        }
        match *ast.node(id) {
            Node::FuncLit { .. } | Node::GoStmt { .. } | Node::DeferStmt { .. } => continue,
            Node::IfStmt { init, cond, .. }
                if is_flag(ast, cond) && !declared_by(ast, file.source, init, cond) =>
            {
                // Only the parts that run whatever the flag says.
                stack.extend(init);
                stack.push(cond);
                continue;
            }
            Node::AssignStmt { lhs, tok, rhs, .. } => {
                for &l in ast.list(lhs) {
                    if matches!(ast.node(l), Node::Ident { .. }) {
                        out.assigned.push(l);
                    }
                }
                let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
                if lhs.len() == rhs.len() {
                    for (&l, &r) in lhs.iter().zip(rhs) {
                        if let Some(arg) = new_cond_arg(model, fi, r) {
                            record_cond_field(model, fi, l, arg, conds);
                        }
                        // `x.f = v`, or `x.f[k] = v` (an element: the field
                        // `f[]`).
                        let (target, element) = match *ast.node(ast.unparen(l)) {
                            Node::IndexExpr { x, .. } => (ast.unparen(x), true),
                            _ => (ast.unparen(l), false),
                        };
                        if let Node::SelectorExpr { x, sel } = *ast.node(target) {
                            if let Some(t) = own_named_type(model, &model.type_of(fi, x)) {
                                let name = ast.text(sel, file.source);
                                let field = match element {
                                    true => Arc::<str>::from(format!("{name}[]")),
                                    false => Arc::<str>::from(name),
                                };
                                out.field_stores.push(FieldStore {
                                    ty: t,
                                    field,
                                    value: r,
                                    owner: Some(x),
                                });
                            }
                        }
                    }
                }
                if tok == Tok::Define && lhs.len() == rhs.len() {
                    out.defines
                        .extend(lhs.iter().copied().zip(rhs.iter().copied()));
                } else if tok == Tok::Define && lhs.len() == 2 && rhs.len() == 1 {
                    // `v, ok := m[k]` gives `v` the element.
                    if let Node::IndexExpr { .. } = ast.node(ast.unparen(rhs[0])) {
                        out.defines.push((lhs[0], rhs[0]));
                    }
                }
            }
            Node::ValueSpec { names, values, .. } => {
                let (names, values) = (ast.list(names), ast.list(values));
                if names.len() == values.len() {
                    out.defines
                        .extend(names.iter().copied().zip(values.iter().copied()));
                }
            }
            Node::CompositeLit { elts, .. } => {
                // A condition variable built in a literal: its mutex is
                // not a field of the value assigned (`&T{c: sync.NewCond(&mu)}`).
                for &e in ast.list(elts) {
                    if let Node::KeyValueExpr { key, value, .. } = *ast.node(e) {
                        let field = Arc::<str>::from(ast.text(key, file.source));
                        if new_cond_arg(model, fi, value).is_some() {
                            if let Some(t) = named_type(&model.type_of(fi, id)) {
                                conds.insert((t, field.clone()), None);
                            }
                        }
                        if let Some(t) = own_named_type(model, &model.type_of(fi, id)) {
                            out.field_stores.push(FieldStore {
                                ty: t,
                                field,
                                value,
                                owner: None,
                            });
                        }
                    }
                }
            }
            Node::CallExpr { fun, args, .. } => {
                let callee = model.callee(fi, id);
                let operands: Vec<NodeId> = ast.list(args).to_vec();
                for (key, operand) in implicit_calls(model, fi, &callee, &operands) {
                    out.ops.push(Op {
                        call: id,
                        kind: OpKind::Call {
                            callee: key,
                            method: true,
                            interface: false,
                        },
                        recv: Some(operand),
                        suffix: String::new(),
                        args: Vec::new(),
                    });
                }
                let kind = if let Some(read) = lock_kind(&callee) {
                    Some(OpKind::Lock { read })
                } else if is_unlock(&callee) {
                    Some(OpKind::Unlock)
                } else if let Some(unlock) = cond_locker_call(model, fi, fun) {
                    Some(if unlock {
                        OpKind::Unlock
                    } else {
                        OpKind::Lock { read: false }
                    })
                } else {
                    key_of(model, &callee).map(|k| OpKind::Call {
                        callee: k,
                        method: matches!(callee, Callee::Method { .. }),
                        interface: matches!(&callee, Callee::Method { recv, .. }
                            if model.type_decl(recv).is_some_and(|d| d.underlying == Type::Interface)),
                    })
                };
                if kind.is_none()
                    && matches!(callee, Callee::Value(_) | Callee::Lit(_) | Callee::Unknown)
                {
                    out.value_calls.push(id);
                }
                if let Some(kind) = kind {
                    let recv = match *ast.node(ast.unparen(fun)) {
                        Node::SelectorExpr { x, .. } => Some(x),
                        _ => None,
                    };
                    let args = ast
                        .list(args)
                        .iter()
                        .map(|&a| unaddressed(ast, a))
                        .collect();
                    out.ops.push(Op {
                        call: id,
                        kind,
                        recv,
                        suffix: String::new(),
                        args,
                    });
                }
            }
            _ => {}
        }
        buf.clear();
        ast.children(id, &mut buf);
        for &(_, c) in buf.iter().rev() {
            if let Child::Node(c) = c {
                stack.push(c);
            }
        }
    }
    out
}

/// True when the flag `cond` (`ok`, `!ok`) is a name the if statement's
/// own `init` declares (`if v, ok := m[k]; ok`): the body's own lookup
/// decides it, not its caller.
fn declared_by(ast: &goguard_syntax::Ast, src: &str, init: Option<NodeId>, cond: NodeId) -> bool {
    let Some(init) = init else {
        return false;
    };
    let Node::AssignStmt {
        lhs,
        tok: Tok::Define,
        ..
    } = *ast.node(init)
    else {
        return false;
    };
    let mut c = ast.unparen(cond);
    if let Node::UnaryExpr {
        op: Tok::Not, x, ..
    } = *ast.node(c)
    {
        c = ast.unparen(x);
    }
    let name = ast.text(c, src);
    ast.list(lhs).iter().any(|&l| ast.text(l, src) == name)
}

/// The name of a named type of the package, or of the type a pointer
/// points to.
fn own_named_type(model: &PackageModel<'_>, t: &Type) -> Option<Arc<str>> {
    match t.deref() {
        Type::Named(n) if &*n.pkg == model.import_path() => Some(n.name.clone()),
        _ => None,
    }
}

/// Some(true) for `c.L.Unlock`, Some(false) for `c.L.Lock`, where `c` is
/// a condition variable.
pub(crate) fn cond_locker_call(model: &PackageModel<'_>, fi: FileIdx, fun: NodeId) -> Option<bool> {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let Node::SelectorExpr { x, sel } = *ast.node(ast.unparen(fun)) else {
        return None;
    };
    let unlock = match ast.text(sel, file.source) {
        "Lock" => false,
        "Unlock" => true,
        _ => return None,
    };
    cond_of_locker(model, fi, x).map(|_| unlock)
}

/// A call's argument without parentheses and `&` (`&s.mu` is `s.mu`).
pub(crate) fn unaddressed(ast: &Ast, a: NodeId) -> NodeId {
    let a = ast.unparen(a);
    match *ast.node(a) {
        Node::UnaryExpr {
            op: Tok::And, x, ..
        } => x,
        _ => a,
    }
}
