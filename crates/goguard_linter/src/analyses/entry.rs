//! Where a program's main goroutine runs: `func main` of a `main` package
//! and the functions only it calls (of that package, or exported by another
//! package of the module that only `main` calls). Blocking forever there is
//! how a server says "serve until killed", not a leak.

use goguard_syntax::{Node, NodeId};

use crate::engine::main_callers::CrossPackageUse;
use crate::engine::Context;

/// How many calling functions deep `only_main_calls` looks.
const MAX_CALLER_DEPTH: usize = 4;

/// True when `node` runs on the goroutine of `func main` of a `main`
/// package, or of a function only `main` calls (directly or through other
/// such functions, in its package or from another one): its innermost
/// function is such a declaration, not a literal started as a goroutine.
pub(crate) fn on_main_goroutine(cx: &Context<'_>, node: NodeId) -> bool {
    match cx.enclosing_func(node).map(|f| (f, cx.node(f))) {
        Some((f, Node::FuncDecl { recv: None, .. })) => {
            only_main_calls(cx, cx.file(), f, &mut Vec::new())
        }
        _ => false,
    }
}

/// True when the package function declared by `decl` (in `file`) is `main`,
/// or is used only as the callee of calls made on the goroutine of `main` or
/// of another function only `main` calls, and is used at least once.
fn only_main_calls(cx: &Context<'_>, file: usize, decl: NodeId, seen: &mut Vec<NodeId>) -> bool {
    let model = cx.model();
    let f = &model.files()[file];
    let ast = f.parsed.ast();
    let Node::FuncDecl {
        recv: None, name, ..
    } = *ast.node(decl)
    else {
        return false;
    };
    let fname = ast.text(name, f.source);
    let main_pkg = matches!(*ast.node(f.parsed.root()), Node::File { name: p, .. } if ast.text(p, f.source) == "main");
    if fname == "main" && main_pkg {
        return true;
    }
    if seen.len() >= MAX_CALLER_DEPTH || seen.contains(&decl) {
        return false;
    }
    // Calls from other packages of the module: all made by `func main`.
    let callers = cx.imported().callers();
    let cross = if main_pkg {
        CrossPackageUse::None
    } else {
        callers.use_of(model.import_path(), fname)
    };
    if cross == CrossPackageUse::Elsewhere {
        return false;
    }
    let Some(b) = model.resolve(file, name) else {
        return false;
    };
    let uses = model.uses(b);
    if uses.is_empty() {
        return cross == CrossPackageUse::OnlyMain;
    }
    seen.push(decl);
    let ok = uses.iter().all(|u| {
        let uf = &model.files()[u.file];
        let uast = uf.parsed.ast();
        let parents = uast.parent_map(uf.parsed.root());
        let parent = |n: NodeId| parents.get(n.index()).copied().flatten();
        // A direct call `serve(...)`, not `go serve()` nor a function value.
        let Some(call) = parent(u.ident) else {
            return false;
        };
        let direct = matches!(*uast.node(call), Node::CallExpr { fun, .. } if fun == u.ident)
            && parent(call).is_none_or(|p| !matches!(uast.node(p), Node::GoStmt { .. }));
        if !direct {
            return false;
        }
        // The innermost function around the call must be a declaration.
        let caller = std::iter::successors(parent(call), |&p| parent(p))
            .find(|&p| matches!(uast.node(p), Node::FuncDecl { .. } | Node::FuncLit { .. }));
        match caller {
            Some(c) if matches!(uast.node(c), Node::FuncDecl { .. }) => {
                only_main_calls(cx, u.file, c, seen)
            }
            _ => false,
        }
    });
    seen.pop();
    ok
}
