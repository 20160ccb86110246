//! Which functions and methods of a package never return: their body cannot
//! reach a normal exit and has at least one panic or no-return call on the
//! way (a body that only loops forever is not counted). Calls are resolved
//! syntactically: `pkg.F` through the file's imports, `x.M` through the
//! declared type of a parameter, the receiver or a receiver field, and the
//! package's own functions and methods through a bounded fixpoint.

use goguard_syntax::{Node, NodeId};
use rustc_hash::{FxHashMap, FxHashSet};

use super::typeexpr::Src;
use super::{FileInput, Inner, Universe};
use crate::cfg::{self, Cfg, Exit};
use crate::model::Callee;
use crate::types::{NamedRef, Type};

/// Names that may end a function; a body calling none of them (nor a
/// package function already known to end) is not analysed.
const ENDING_NAMES: &[&str] = &[
    "panic",
    "Exit",
    "Exitf",
    "Fatal",
    "Fatalf",
    "Fatalln",
    "FatalDepth",
    "FailNow",
    "Skip",
    "Skipf",
    "SkipNow",
    "Goexit",
    "Panic",
    "Panicf",
    "Panicln",
];

/// One function declaration with a body.
struct Candidate<'s> {
    file: usize,
    body: NodeId,
    name: &'s str,
    /// Parameter and receiver names with their declared types.
    vars: FxHashMap<&'s str, Type>,
}

/// Fills `inner.never_returns` and `inner.never_returns_methods`.
pub(super) fn compute<'s>(
    import_path: &str,
    files: &'s [FileInput<'s>],
    imports: &[FxHashMap<&'s str, &'s str>],
    known: &Universe,
    inner: &mut Inner,
    param_types: &dyn Fn(usize, NodeId) -> Type,
) {
    let mut cands = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let src = Src {
            ast: f.parsed.ast(),
            text: f.source,
        };
        let Node::File { decls, .. } = *src.ast.node(f.parsed.root()) else {
            continue;
        };
        for &d in src.ast.list(decls) {
            let Node::FuncDecl {
                recv,
                name,
                ty,
                body: Some(body),
                ..
            } = *src.ast.node(d)
            else {
                continue;
            };
            let mut vars = FxHashMap::default();
            let mut recv_base = None;
            let add = |list: NodeId, vars: &mut FxHashMap<&'s str, Type>| -> Option<Type> {
                let Node::FieldList { list, .. } = *src.ast.node(list) else {
                    return None;
                };
                let mut last = None;
                for &field in src.ast.list(list) {
                    if let Node::Field {
                        names, ty: Some(t), ..
                    } = *src.ast.node(field)
                    {
                        let ty = param_types(fi, t);
                        for &n in src.ast.list(names) {
                            vars.insert(src.name(n), ty.clone());
                        }
                        last = Some(ty);
                    }
                }
                last
            };
            if let Some(r) = recv {
                if let Some(Type::Named(n)) = add(r, &mut vars).map(|t| t.deref().clone()) {
                    recv_base = Some(n.name);
                }
                if recv_base.is_none() {
                    continue;
                }
            }
            if let Node::FuncType { params, .. } = *src.ast.node(ty) {
                add(params, &mut vars);
            }
            cands.push((
                Candidate {
                    file: fi,
                    body,
                    name: src.name(name),
                    vars,
                },
                recv_base,
            ));
        }
    }
    let cands: Vec<(Candidate<'s>, Option<std::sync::Arc<str>>)> = cands;
    let mut funcs: FxHashSet<std::sync::Arc<str>> = FxHashSet::default();
    let mut methods: FxHashSet<(std::sync::Arc<str>, std::sync::Arc<str>)> = FxHashSet::default();
    for round in 0..4 {
        let mut changed = false;
        for (c, recv) in &cands {
            let key_m = recv
                .as_ref()
                .map(|r| (r.clone(), std::sync::Arc::from(c.name)));
            let done = match &key_m {
                Some(k) => methods.contains(k),
                None => funcs.contains(c.name),
            };
            if done {
                continue;
            }
            let f = &files[c.file];
            let src = Src {
                ast: f.parsed.ast(),
                text: f.source,
            };
            let resolve = |call: NodeId| {
                ends(
                    import_path,
                    src,
                    call,
                    &imports[c.file],
                    known,
                    inner,
                    &c.vars,
                    &funcs,
                    &methods,
                )
            };
            // Library facts do not change between rounds: after the first,
            // only a call to a newly ending function of the package can help.
            let local = |n: &str| funcs.contains(n) || methods.iter().any(|(_, m)| &**m == n);
            if round > 0 && !calls_named(src, c.body, &local) {
                continue;
            }
            if round == 0 && !mentions_ending(src, c.body, &resolve) {
                continue;
            }
            let g = Cfg::build(src.ast, src.text, c.body, &resolve);
            let exits = g.exits();
            let ending = !exits.is_empty()
                && exits
                    .iter()
                    .all(|e| matches!(e, Exit::Panic(_) | Exit::NoReturn(_)));
            if ending {
                changed = true;
                match key_m {
                    Some(k) => {
                        methods.insert(k);
                    }
                    None => {
                        funcs.insert(c.name.into());
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    inner.never_returns = funcs;
    inner.never_returns_methods = methods;
}

/// True when the body calls panic, a known ending name, or a function or
/// method `ends` already knows to end: the cheap test before a CFG is built.
fn mentions_ending(src: Src<'_>, body: NodeId, ends: &dyn Fn(NodeId) -> bool) -> bool {
    src.ast.walk(body).take(200_000).any(|n| {
        let Node::CallExpr { fun, .. } = *src.ast.node(n) else {
            return false;
        };
        let name = match *src.ast.node(fun) {
            Node::Ident { .. } => src.name(fun),
            Node::SelectorExpr { sel, .. } => src.name(sel),
            _ => return false,
        };
        ENDING_NAMES.contains(&name) || ends(n)
    })
}

/// True when the body calls a function or method named so that `named` holds.
fn calls_named(src: Src<'_>, body: NodeId, named: &dyn Fn(&str) -> bool) -> bool {
    src.ast.walk(body).take(200_000).any(|n| {
        let Node::CallExpr { fun, .. } = *src.ast.node(n) else {
            return false;
        };
        match *src.ast.node(fun) {
            Node::Ident { .. } => named(src.name(fun)),
            Node::SelectorExpr { sel, .. } => named(src.name(sel)),
            _ => false,
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn ends(
    import_path: &str,
    src: Src<'_>,
    call: NodeId,
    imports: &FxHashMap<&str, &str>,
    known: &Universe,
    inner: &Inner,
    vars: &FxHashMap<&str, Type>,
    funcs: &FxHashSet<std::sync::Arc<str>>,
    methods: &FxHashSet<(std::sync::Arc<str>, std::sync::Arc<str>)>,
) -> bool {
    let ast = src.ast;
    let Node::CallExpr { fun, .. } = *ast.node(call) else {
        return false;
    };
    match *ast.node(fun) {
        Node::Ident { .. } => {
            let n = src.name(fun);
            !vars.contains_key(n) && funcs.contains(n)
        }
        Node::SelectorExpr { x, sel } => {
            let m = src.name(sel);
            let recv_type = match *ast.node(x) {
                Node::Ident { .. } => {
                    let xn = src.name(x);
                    if let Some(t) = vars.get(xn) {
                        t.deref().clone()
                    } else if let Some(&path) = imports.get(xn) {
                        let callee = Callee::Func(NamedRef::new(path, m));
                        return cfg::never_returns(&callee)
                            || known.package(path).is_some_and(|p| p.func_never_returns(m));
                    } else {
                        return false;
                    }
                }
                // recv.field.M(): the field's declared type.
                Node::SelectorExpr { x: x2, sel: f } => {
                    let Node::Ident { .. } = *ast.node(x2) else {
                        return false;
                    };
                    let Some(Type::Named(base)) = vars.get(src.name(x2)).map(|t| t.deref()) else {
                        return false;
                    };
                    let Some(decl) = inner.types.get(&*base.name) else {
                        return false;
                    };
                    let fname = src.name(f);
                    match decl.fields.iter().find(|fd| &*fd.name == fname) {
                        Some(fd) => fd.ty.deref().clone(),
                        None => return false,
                    }
                }
                _ => return false,
            };
            let Type::Named(n) = recv_type else {
                return false;
            };
            if &*n.pkg == import_path {
                return methods.contains(&(n.name.clone(), m.into()));
            }
            let callee = Callee::Method {
                recv: n.clone(),
                name: m.into(),
            };
            cfg::never_returns(&callee)
                || known
                    .package(&n.pkg)
                    .is_some_and(|p| p.method_never_returns(&n.name, m))
        }
        _ => false,
    }
}
