//! The one walk of a package's function bodies that the lock analyses
//! share: each body's `Lock`/`RLock` and `Unlock`/`RUnlock` calls, its calls
//! of package functions and the variables it assigns. Lock summaries and
//! the lock-order graph are both derived from it, so each body is walked
//! and each of its calls resolved once per package.

use std::sync::Arc;

use goguard_semantic::model::{Callee, FileIdx, PackageModel};
use goguard_semantic::types::Type;
use goguard_syntax::{Child, Node, NodeId, NodeKind, Tok};

use crate::engine::PackageScope;

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
    /// A call of a function or method of the package.
    Call { callee: FuncKey, method: bool },
}

/// A call of a body, with `recv` the expression it selects from (`x` in
/// `x.Lock()`, `x.m()`), when the call selects.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub call: NodeId,
    pub kind: OpKind,
    pub recv: Option<NodeId>,
    /// The call's arguments, `&` removed.
    pub args: Vec<NodeId>,
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
}

/// Every function body of the package with a body, declarations then
/// literals of each file, in file order.
pub(crate) fn package_bodies(pkg: &PackageScope<'_>) -> Vec<Body> {
    let model = pkg.model;
    let mut out = Vec::new();
    for (fi, file) in model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        let facts = &pkg.files[fi];
        for kind in [NodeKind::FuncDecl, NodeKind::FuncLit] {
            for &func in facts.nodes_of_kind(kind) {
                let body = match *ast.node(func) {
                    Node::FuncDecl { body: Some(b), .. } | Node::FuncLit { body: b, .. } => b,
                    _ => continue,
                };
                out.push(walk(model, fi, func, body));
            }
        }
    }
    out
}

fn walk(model: &PackageModel<'_>, fi: FileIdx, func: NodeId, body: NodeId) -> Body {
    let file = &model.files()[fi];
    let ast = file.parsed.ast();
    let mut out = Body {
        file: fi,
        func,
        ops: Vec::new(),
        assigned: Vec::new(),
        defines: Vec::new(),
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
            Node::IfStmt { init, cond, .. } if is_flag(ast, cond) => {
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
                if tok == Tok::Define && lhs.len() == rhs.len() {
                    out.defines
                        .extend(lhs.iter().copied().zip(rhs.iter().copied()));
                }
            }
            Node::ValueSpec { names, values, .. } => {
                let (names, values) = (ast.list(names), ast.list(values));
                if names.len() == values.len() {
                    out.defines
                        .extend(names.iter().copied().zip(values.iter().copied()));
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
                        },
                        recv: Some(operand),
                        args: Vec::new(),
                    });
                }
                let kind = if let Some(read) = lock_kind(&callee) {
                    Some(OpKind::Lock { read })
                } else if is_unlock(&callee) {
                    Some(OpKind::Unlock)
                } else {
                    key_of(model, &callee).map(|k| OpKind::Call {
                        callee: k,
                        method: matches!(callee, Callee::Method { .. }),
                    })
                };
                if let Some(kind) = kind {
                    let recv = match *ast.node(ast.unparen(fun)) {
                        Node::SelectorExpr { x, .. } => Some(x),
                        _ => None,
                    };
                    let args = ast
                        .list(args)
                        .iter()
                        .map(|&a| {
                            let a = ast.unparen(a);
                            match *ast.node(a) {
                                Node::UnaryExpr {
                                    op: Tok::And, x, ..
                                } => x,
                                _ => a,
                            }
                        })
                        .collect();
                    out.ops.push(Op {
                        call: id,
                        kind,
                        recv,
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
