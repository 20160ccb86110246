//! The concurrency model of one Go package: goroutines, channels and sync
//! primitives as small process programs, explored for states where a
//! goroutine blocks forever or a channel is misused, with a witness path
//! for each finding. It knows nothing of rules, settings or diagnostics.
//!
//! - `lower` turns a function body into a [`ir::Body`]: ops over abstract
//!   values (channels by allocation site, struct fields, sync objects,
//!   closures), with loops bounded by shared symbols and conditions that
//!   stay the same shared as predicates.
//! - `explore` runs the model of a function: the function is the first
//!   process, each `go` statement starts another; calls into the package
//!   are entered (a few frames deep); quiet steps are chained, loud steps
//!   (on followed channels and sync objects) interleave; the search is
//!   breadth-first within a state budget.
//! - [`analyze`] picks the functions worth exploring in a package and
//!   returns every [`Finding`] with its witness.
//!
//! What the model does not see (calls into other packages, values stored
//! in maps or globals, channels given to unknown code) "escapes": every
//! operation on it may complete, so nothing is reported about it.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use std::time::Instant;

use goguard_semantic::model::{BindingKind, FileIdx, PackageModel};
use goguard_syntax::{Node, NodeId, NodeKind};
use rustc_hash::FxHashMap;

mod explore;
pub mod facts;
mod index;
pub mod ir;
pub(crate) mod lower;
pub mod summary;

pub use explore::search::Budget;
pub use facts::{ChanInfo, Finding, FindingKind, LockWait, ModelStats, Other, Step, StepKind};
pub use ir::{FuncId, Loc};
pub use summary::{NoSummaries, Summaries, SummaryLookup};

use index::FuncIndex;
use ir::{Body, Expr, Op, Target};
use lower::keys::Interner;

/// The package as the lowering and the explorer see it.
pub(crate) struct Pkg<'a> {
    pub model: &'a PackageModel<'a>,
    pub index: FuncIndex,
    pub interner: Interner,
    parents: Vec<OnceCell<Vec<Option<NodeId>>>>,
    captures: Vec<OnceCell<index::Captures>>,
    bodies: RefCell<FxHashMap<FuncId, Rc<Body>>>,
    traits: RefCell<FxHashMap<(FuncId, Trait), bool>>,
    names_cond_wakeup: OnceCell<bool>,
    /// Field names the package's code reads somewhere (see `field_is_read`).
    read_fields: OnceCell<rustc_hash::FxHashSet<ir::FieldId>>,
    /// Field names only ever given `true` or `false` (see `field_is_flag`).
    flag_fields: OnceCell<rustc_hash::FxHashSet<ir::FieldId>>,
    /// What other packages of the module export about their functions.
    pub imports: &'a dyn SummaryLookup,
    /// Calls lowered through another package's summary, with where the
    /// summarised function is declared.
    pub summarised_calls: RefCell<Vec<(Loc, std::sync::Arc<str>)>>,
}

impl<'a> Pkg<'a> {
    pub(crate) fn with_imports(
        model: &'a PackageModel<'a>,
        imports: &'a dyn SummaryLookup,
    ) -> Pkg<'a> {
        Pkg {
            imports,
            summarised_calls: RefCell::new(Vec::new()),
            model,
            index: FuncIndex::build(model),
            interner: Interner::default(),
            parents: model.files().iter().map(|_| OnceCell::new()).collect(),
            captures: model.files().iter().map(|_| OnceCell::new()).collect(),
            bodies: RefCell::new(FxHashMap::default()),
            traits: RefCell::new(FxHashMap::default()),
            names_cond_wakeup: OnceCell::new(),
            read_fields: OnceCell::new(),
            flag_fields: OnceCell::new(),
        }
    }

    /// True when some code of the package names a `Signal` or `Broadcast`
    /// (a call or a method value, on a Cond or anything else): without
    /// one, a Cond the package made and kept is never woken.
    pub(crate) fn names_cond_wakeup(&self) -> bool {
        *self.names_cond_wakeup.get_or_init(|| {
            self.model.files().iter().any(|f| {
                let ast = f.parsed.ast();
                ast.nodes_of_kind(NodeKind::SelectorExpr).any(|(_, n)| {
                    matches!(*n, Node::SelectorExpr { sel, .. }
                        if matches!(ast.text(sel, f.source), "Signal" | "Broadcast"))
                })
            })
        })
    }

    /// True when some code of the package reads a field of this name: a
    /// selector `x.name` anywhere but as the target of a plain `=`
    /// assignment. A field no code reads holds nothing the model can
    /// branch on, so the plain values stored there are forgotten (states
    /// that differ only in them are one); what it refers to (a channel, a
    /// struct) is kept, since it escapes with the struct.
    pub(crate) fn field_is_read(&self, field: ir::FieldId) -> bool {
        self.read_fields
            .get_or_init(|| {
                let mut read = rustc_hash::FxHashSet::default();
                for f in self.model.files() {
                    let ast = f.parsed.ast();
                    let mut stored = rustc_hash::FxHashSet::default();
                    for (_, n) in ast.nodes_of_kind(NodeKind::AssignStmt) {
                        if let Node::AssignStmt {
                            lhs,
                            tok: goguard_syntax::token::Tok::Assign,
                            ..
                        } = *n
                        {
                            stored.extend(ast.list(lhs).iter().copied());
                        }
                    }
                    for (id, n) in ast.nodes_of_kind(NodeKind::SelectorExpr) {
                        if let Node::SelectorExpr { sel, .. } = *n {
                            if !stored.contains(&id) {
                                read.insert(self.interner.field(ast.text(sel, f.source)));
                            }
                        }
                    }
                }
                read
            })
            .contains(&field)
    }

    /// True for a field name that every store in the package gives the
    /// literal `true` or `false` (`x.closed = true`, `T{closed: false}`),
    /// with at least one such store and no other write (`&x.closed`, a
    /// computed value): a flag saying "already done" (closed, stopped,
    /// quiescing) that decides whether a channel operation runs, followed
    /// as the same idiom on a local variable is.
    pub(crate) fn field_is_flag(&self, field: ir::FieldId) -> bool {
        self.flag_fields
            .get_or_init(|| {
                let mut literal = rustc_hash::FxHashSet::default();
                let mut other = rustc_hash::FxHashSet::default();
                for f in self.model.files() {
                    let ast = f.parsed.ast();
                    let is_bool = |v: NodeId| lower::keys::is_bool_literal(ast, f.source, v);
                    let field_of = |x: NodeId| match *ast.node(x) {
                        Node::SelectorExpr { sel, .. } => {
                            Some(self.interner.field(ast.text(sel, f.source)))
                        }
                        _ => None,
                    };
                    for (_, n) in ast.nodes_of_kind(NodeKind::AssignStmt) {
                        let Node::AssignStmt { lhs, rhs, tok, .. } = *n else {
                            continue;
                        };
                        let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
                        for (i, &l) in lhs.iter().enumerate() {
                            let Some(id) = field_of(l) else { continue };
                            let lit = tok == goguard_syntax::token::Tok::Assign
                                && lhs.len() == rhs.len()
                                && is_bool(rhs[i]);
                            if lit {
                                literal.insert(id);
                            } else {
                                other.insert(id);
                            }
                        }
                    }
                    for (_, n) in ast.nodes_of_kind(NodeKind::KeyValueExpr) {
                        let Node::KeyValueExpr { key, value, .. } = *n else {
                            continue;
                        };
                        if !matches!(ast.node(key), Node::Ident { .. }) {
                            continue;
                        }
                        let id = self.interner.field(ast.text(key, f.source));
                        if is_bool(value) {
                            literal.insert(id);
                        } else {
                            other.insert(id);
                        }
                    }
                    for (_, n) in ast.nodes_of_kind(NodeKind::UnaryExpr) {
                        if let Node::UnaryExpr {
                            op: goguard_syntax::token::Tok::And,
                            x,
                            ..
                        } = *n
                        {
                            other.extend(field_of(x));
                        }
                    }
                    for (_, n) in ast.nodes_of_kind(NodeKind::IncDecStmt) {
                        if let Node::IncDecStmt { x, .. } = *n {
                            other.extend(field_of(x));
                        }
                    }
                }
                literal.retain(|id| !other.contains(id));
                literal
            })
            .contains(&field)
    }

    pub(crate) fn parent(&self, file: FileIdx, node: NodeId) -> Option<NodeId> {
        let f = &self.model.files()[file];
        let parents = self.parents[file].get_or_init(|| f.parsed.ast().parent_map(f.parsed.root()));
        parents.get(node.index()).copied().flatten()
    }

    fn file_captures(&self, file: FileIdx) -> &index::Captures {
        self.captures[file]
            .get_or_init(|| index::Captures::build(self.model, file, &|n| self.parent(file, n)))
    }

    /// The free variables of a function literal.
    pub(crate) fn captures(
        &self,
        lit: FuncId,
    ) -> std::sync::Arc<[goguard_semantic::model::BindingId]> {
        self.file_captures(lit.file()).of(lit.node)
    }

    /// True when a local binding is captured by some function literal:
    /// assignments to it may be seen by another goroutine.
    pub(crate) fn is_captured(&self, b: goguard_semantic::model::BindingId) -> bool {
        if summary::is_synthetic_param(b) {
            return false;
        }
        match self.model.binding(b).decl {
            Some((file, _)) => self.file_captures(file).is_captured(b),
            None => false,
        }
    }

    /// The lowered body of a function, lowered on first request.
    pub(crate) fn body(&self, func: FuncId) -> Rc<Body> {
        if let Some(b) = self.bodies.borrow().get(&func) {
            return b.clone();
        }
        let b = Rc::new(lower::lower(self, func));
        self.bodies.borrow_mut().insert(func, b.clone());
        b
    }

    /// Registers a body made by the lowering (a summarised call of another
    /// package's function).
    pub(crate) fn insert_body(&self, func: FuncId, body: Body) {
        self.bodies.borrow_mut().insert(func, Rc::new(body));
    }

    /// True when the function, or a package function it calls, operates on
    /// channels, sync objects or contexts, or starts goroutines. A goroutine
    /// running such a function is modelled even when given nothing the
    /// model follows.
    pub(crate) fn concurrent(&self, func: FuncId) -> bool {
        self.transitive(func, 0, Trait::Concurrent)
    }

    /// True when the function, or a package function it calls, makes
    /// something the model follows or starts a goroutine.
    pub(crate) fn creates(&self, func: FuncId) -> bool {
        self.transitive(func, 0, Trait::Creates)
    }

    /// True when a call of the function may return a value it made (a
    /// channel, a struct, a sync object, a closure): such calls are entered
    /// even when given nothing the model follows. Other calls matter only
    /// through what they are given.
    pub(crate) fn produces(&self, func: FuncId) -> bool {
        self.transitive(func, 0, Trait::Produces)
    }

    /// True when a call of the function may return a value it made, of any
    /// kind (a struct, a closure): such calls are entered by the explorer,
    /// so that what is later stored into the value stays followed.
    pub(crate) fn allocates(&self, func: FuncId) -> bool {
        self.transitive(func, 0, Trait::Allocates)
    }

    fn transitive(&self, func: FuncId, depth: u32, t: Trait) -> bool {
        if let Some(&r) = self.traits.borrow().get(&(func, t)) {
            return r;
        }
        if depth > 8 {
            return true;
        }
        // Assumed false while computing (recursion).
        self.traits.borrow_mut().insert((func, t), false);
        let body = self.body(func);
        let returns_value = || {
            body.ops.iter().any(|op| {
                matches!(op, Op::Return { values, .. } if values.iter().any(|v| *v != Expr::Unknown))
            })
        };
        let own = match t {
            Trait::Concurrent => body.concurrent,
            Trait::Creates => body.creates,
            Trait::Allocates => {
                returns_value()
                    && body.ops.iter().any(|op| {
                        let mut alloc = false;
                        ir::visit_exprs(op, &mut |e| {
                            alloc |= matches!(
                                e,
                                Expr::MakeChan { .. }
                                    | Expr::Struct { .. }
                                    | Expr::NewSync(..)
                                    | Expr::NewCond(..)
                                    | Expr::NewCancelCtx { .. }
                                    | Expr::Closure { .. }
                            )
                        });
                        alloc
                    })
            }
            Trait::Produces => {
                let returns = body.ops.iter().any(|op| {
                    matches!(op, Op::Return { values, .. } if values.iter().any(|v| *v != Expr::Unknown))
                });
                if !returns {
                    self.traits.borrow_mut().insert((func, t), false);
                    return false;
                }
                // Something followed made here: a channel, a sync object, a
                // cancellable context (a struct holding one is found through
                // its field's expression).
                body.ops.iter().any(|op| {
                    let mut alloc = false;
                    ir::visit_exprs(op, &mut |e| {
                        // Locks alone do not count: a struct guarded by a
                        // mutex is not a reason to follow its every caller.
                        alloc |= matches!(
                            e,
                            Expr::MakeChan { .. }
                                | Expr::NewSync(
                                    ir::SyncKind::WaitGroup | ir::SyncKind::ErrGroup,
                                    _
                                )
                                | Expr::NewCond(..)
                                | Expr::NewCancelCtx { .. }
                        )
                    });
                    alloc
                })
            }
        };
        let r = own
            || body.ops.iter().any(|op| match op {
                Op::Call { call, .. } => match &call.target {
                    Target::Static(f) => self.transitive(*f, depth + 1, t),
                    Target::Value(Expr::Closure { func, .. }) | Target::Value(Expr::Func(func)) => {
                        self.transitive(*func, depth + 1, t)
                    }
                    _ => false,
                },
                _ => false,
            });
        self.traits.borrow_mut().insert((func, t), r);
        r
    }
}

/// A property of a function that depends on the functions it calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Trait {
    Concurrent,
    Creates,
    Produces,
    Allocates,
}

/// The findings of a package and what finding them cost.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Sorted by location, then kind.
    pub findings: Vec<Finding>,
    /// Functions whose model was built (they start goroutines or make
    /// channels).
    pub built: usize,
    /// Of those, the ones explored (the others hold something the model
    /// does not handle, such as goto).
    pub models: usize,
    /// Of those, the ones whose exploration ran out of budget.
    pub gave_up: usize,
    /// States visited, over all models.
    pub states: usize,
    /// Quiet steps run, over all models.
    pub work: u64,
    /// Time spent lowering and exploring, in microseconds.
    pub micros: u64,
    /// Where the package's functions and methods are.
    functions: Option<index::FuncIndex>,
    /// What the package's functions do with the channels and WaitGroups
    /// they are given: the fact other packages of the module read.
    pub summaries: std::sync::Arc<Summaries>,
    /// Calls of other packages' functions lowered through their summaries,
    /// with where each function is declared (`util.go:14`), sorted.
    pub summarised_calls: Vec<(Loc, std::sync::Arc<str>)>,
}

impl Analysis {
    /// Where the function is declared (`util.go:14`) when the call at `at`
    /// runs another package's function through its summary (the
    /// operations at `at` are that function's).
    pub fn summarised_call(&self, at: Loc) -> Option<&str> {
        let i = self
            .summarised_calls
            .binary_search_by_key(&at, |(l, _)| *l)
            .ok()?;
        Some(&self.summarised_calls[i].1)
    }
}

impl Analysis {
    /// The function or method of the package a call runs, when it has a
    /// body.
    pub fn function(
        &self,
        model: &PackageModel<'_>,
        callee: &goguard_semantic::model::Callee,
    ) -> Option<FuncId> {
        self.functions.as_ref()?.target(model, callee)
    }
}

/// Explores the functions of a package that start goroutines or make
/// channels, and collects what their models find.
pub fn analyze(model: &PackageModel<'_>, budget: Budget) -> Analysis {
    analyze_with(model, budget, &NoSummaries)
}

/// [`analyze`], with what other packages of the module export about their
/// functions (their [`Summaries`], by import path): a call of a summarised
/// function performs the operations its summary lists instead of letting
/// its arguments escape. Also computes this package's summaries.
pub fn analyze_with(
    model: &PackageModel<'_>,
    budget: Budget,
    imports: &dyn SummaryLookup,
) -> Analysis {
    run(model, budget, imports, None)
}

/// What the model of each root is and why it reports what it does: the
/// lowered ops (values the model does not follow show as `Unknown`: they
/// escape), the states explored and whether the search gave up (which
/// budget), the findings, and every blocked operation it did not report
/// with the reason (a guess, a partner that may still come, a state not
/// explored). For `goguard debug concurrency`.
pub fn explain(model: &PackageModel<'_>, budget: Budget) -> String {
    let mut out = String::new();
    let a = run(model, budget, &NoSummaries, Some(&mut out));
    out.push_str(&format!(
        "package: {} models, {} given up, {} states, {} findings\n",
        a.models,
        a.gave_up,
        a.states,
        a.findings.len()
    ));
    out
}

fn run(
    model: &PackageModel<'_>,
    budget: Budget,
    imports: &dyn SummaryLookup,
    mut explain: Option<&mut String>,
) -> Analysis {
    let start = Instant::now();
    let pkg = Pkg::with_imports(model, imports);
    let machine_main = |f: FuncId| {
        let file = &model.files()[f.file()];
        let ast = file.parsed.ast();
        match *ast.node(f.node) {
            Node::FuncDecl {
                recv: None, name, ..
            } => ast.text(name, file.source) == "main" && pkg_name(model) == "main",
            _ => false,
        }
    };
    let mut out = Analysis::default();
    let roots = find_roots(&pkg);
    out.built = roots.len();
    for root in roots {
        if pkg.body(root).unsupported {
            continue;
        }
        // Lower the function literals it holds first, so that how many
        // loops share each symbol is known before the search needs it.
        let file = &model.files()[root.file()];
        let ast = file.parsed.ast();
        for n in ast.walk(root.node) {
            if n != root.node && matches!(ast.node(n), Node::FuncLit { .. }) {
                pkg.body(FuncId::new(root.file(), n));
            }
        }
        let machine = explore::exec::Machine {
            pkg: &pkg,
            work: std::cell::Cell::new(0),
            max_work: budget.max_work,
            profile: std::env::var_os("GOGUARD_MODEL_PROFILE")
                .map(|_| RefCell::new(FxHashMap::default())),
            root,
            root_is_main: machine_main(root),
            notes: explain.is_some().then(|| RefCell::new(Vec::new())),
        };
        let t0 = Instant::now();
        let (findings, stats) = explore::search::explore(&machine, root, budget);
        if let Some(text) = explain.as_deref_mut() {
            let notes = machine
                .notes
                .as_ref()
                .map(|n| n.borrow().clone())
                .unwrap_or_default();
            explain_root(
                &pkg,
                root,
                &stats,
                machine.work.get(),
                &findings,
                &notes,
                text,
            );
        }
        if std::env::var_os("GOGUARD_MODEL_ROOTS").is_some() {
            let f = &model.files()[root.file()];
            let (line, _) = f.parsed.lines().line_col(f.parsed.ast().pos(root.node));
            eprintln!(
                "root {}:{line}: {} states{} work {} in {:?}",
                f.path.display(),
                stats.states,
                if stats.gave_up { " (gave up)" } else { "" },
                machine.work.get(),
                t0.elapsed()
            );
            if let Some(prof) = &machine.profile {
                let mut v: Vec<(u64, FuncId)> =
                    prof.borrow().iter().map(|(f, n)| (*n, *f)).collect();
                v.sort_unstable_by(|a, b| b.cmp(a));
                for (n, f) in v.into_iter().take(5) {
                    let file = &model.files()[f.file()];
                    let (line, _) = file.parsed.lines().line_col(file.parsed.ast().pos(f.node));
                    eprintln!("    {n} steps in {}:{line}", file.path.display());
                }
            }
        }
        out.models += 1;
        out.states += stats.states;
        out.work += machine.work.get();
        if stats.gave_up {
            out.gave_up += 1;
        }
        out.findings.extend(findings);
    }
    out.findings
        .sort_by_key(|a| (a.at, a.kind, a.spawn, a.root));
    // The same operation found from several functions: keep the first.
    out.findings
        .dedup_by(|b, a| a.at == b.at && a.kind == b.kind && a.spawn == b.spawn);
    out.summaries = std::sync::Arc::new(summary::summarize(&pkg));
    let mut calls = pkg.summarised_calls.take();
    calls.sort_unstable();
    calls.dedup_by_key(|(l, _)| *l);
    out.summarised_calls = calls;
    out.micros = start.elapsed().as_micros() as u64;
    out.functions = Some(pkg.index);
    out
}

fn pkg_name<'m>(model: &'m PackageModel<'_>) -> &'m str {
    let f = match model.files().first() {
        Some(f) => f,
        None => return "",
    };
    let ast = f.parsed.ast();
    match *ast.node(f.parsed.root()) {
        Node::File { name, .. } => ast.text(name, f.source),
        _ => "",
    }
}

/// The functions whose model is explored: function declarations, and
/// function literals that are neither started nor called in place (a
/// handler, a callback), that start a goroutine, make a channel, or call a
/// package function returning something it made (a channel, a sync object,
/// a struct holding them) in their own body (outside other such literals).
fn find_roots(pkg: &Pkg<'_>) -> Vec<FuncId> {
    let model = pkg.model;
    let mut out = Vec::new();
    let starters = goroutine_starters(model);
    for (fi, file) in model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        // Function literals called in place, deferred or started belong to
        // the function around them.
        let mut inline_lits: Vec<NodeId> = Vec::new();
        for (_, node) in ast.nodes_of_kind(NodeKind::CallExpr) {
            let Node::CallExpr { fun, .. } = *node else {
                continue;
            };
            let mut f = fun;
            for _ in 0..64 {
                match *ast.node(f) {
                    Node::ParenExpr { x, .. } => f = x,
                    _ => break,
                }
            }
            if matches!(ast.node(f), Node::FuncLit { .. }) {
                inline_lits.push(f);
            }
        }
        inline_lits.sort_unstable();
        // The functions whose model holds a node: FuncDecls and the other
        // literals, by span; a node belongs to the innermost one around it.
        let mut funcs: Vec<(u32, u32, NodeId)> = ast
            .nodes()
            .filter(|(id, n)| match n {
                Node::FuncDecl { body: Some(_), .. } => true,
                Node::FuncLit { .. } => inline_lits.binary_search(id).is_err(),
                _ => false,
            })
            .map(|(id, _)| (ast.pos(id), ast.end(id), id))
            .collect();
        funcs.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let owner = |n: NodeId| -> Option<NodeId> {
            let pos = ast.pos(n);
            let i = funcs.partition_point(|&(start, _, _)| start <= pos);
            funcs[..i]
                .iter()
                .rev()
                .find(|&&(start, end, _)| start <= pos && pos < end)
                .map(|&(_, _, id)| id)
        };
        let mut set: Vec<NodeId> = Vec::new();
        for (id, _) in ast.nodes_of_kind(NodeKind::GoStmt) {
            if let Some(o) = owner(id) {
                set.push(o);
            }
        }
        for (id, node) in ast.nodes_of_kind(NodeKind::CallExpr) {
            let Node::CallExpr { fun, args, .. } = *node else {
                continue;
            };
            let is_make =
                matches!(ast.node(fun), Node::Ident { .. }) && ast.text(fun, file.source) == "make";
            let chan_arg = ast
                .list(args)
                .first()
                .is_some_and(|&a| matches!(ast.node(a), Node::ChanType { .. }));
            if is_make && chan_arg {
                if let Some(o) = owner(id) {
                    set.push(o);
                }
                continue;
            }
            // `sync.NewCond(l)`: a condition only other goroutines can
            // signal, made here.
            let new_cond = matches!(*ast.node(fun), Node::SelectorExpr { sel, .. }
                if ast.text(sel, file.source) == "NewCond");
            if new_cond && model.callee(fi, id).is_func("sync", "NewCond") {
                if let Some(o) = owner(id) {
                    set.push(o);
                }
                continue;
            }
            // A method that starts a goroutine or makes a channel, called
            // on a local variable (`rs := &Rows{}; rs.start(ctx)`): the
            // goroutine or channel works on what this function made, which
            // only this function's model follows (from the method's own
            // model the receiver is unknown).
            if let Node::SelectorExpr { x, .. } = *ast.node(fun) {
                let local = model.resolve(fi, x).is_some_and(|b| {
                    let binding = model.binding(b);
                    matches!(binding.kind, BindingKind::Var)
                        && binding.scope.is_some()
                        && binding.decl.is_some_and(|(df, dn)| {
                            df == fi && owner(dn).is_some() && owner(dn) == owner(id)
                        })
                });
                if local {
                    let callee = model.callee(fi, id);
                    if pkg
                        .index
                        .target(model, &callee)
                        .is_some_and(|f| starters.contains(&f))
                    {
                        if let Some(o) = owner(id) {
                            set.push(o);
                        }
                        continue;
                    }
                }
            }
            // A call of a package function that returns something it made
            // (a constructor of a struct holding channels): the caller
            // holds followed values too.
            if pkg.index.may_produce(ast, file.source, fun) {
                let callee = model.callee(fi, id);
                if pkg
                    .index
                    .target(model, &callee)
                    .is_some_and(|f| pkg.produces(f))
                {
                    if let Some(o) = owner(id) {
                        set.push(o);
                    }
                }
            }
        }
        set.sort_unstable();
        set.dedup();
        out.extend(set.into_iter().map(|n| FuncId::new(fi, n)));
    }
    out
}

/// The explanation of one root's model.
fn explain_root(
    pkg: &Pkg<'_>,
    root: FuncId,
    stats: &facts::ModelStats,
    work: u64,
    findings: &[Finding],
    notes: &[(Option<Loc>, String)],
    out: &mut String,
) {
    let model = pkg.model;
    let place = |l: Loc| {
        let f = &model.files()[l.file()];
        let (line, col) = f.parsed.lines().line_col(f.parsed.ast().pos(l.node));
        format!("{}:{line}:{col}", f.path.display())
    };
    out.push_str(&format!(
        "root {}: {} states, {} quiet steps{}\n",
        place(Loc::new(root.file(), root.node)),
        stats.states,
        work,
        if stats.gave_up { ", given up" } else { "" }
    ));
    let file = &model.files()[root.file()];
    let ast = file.parsed.ast();
    for n in ast.walk(root.node) {
        let is_func = n == root.node || matches!(ast.node(n), Node::FuncLit { .. });
        if !is_func {
            continue;
        }
        let f = FuncId::new(root.file(), n);
        let body = pkg.body(f);
        out.push_str(&format!("  ops of {}:\n", place(Loc::new(root.file(), n))));
        for (i, op) in body.ops.iter().enumerate() {
            out.push_str(&format!(
                "    {i:3}: {}\n",
                name_fields(pkg, &format!("{op:?}"))
            ));
        }
    }
    for f in findings {
        out.push_str(&format!("  finding {:?} at {}\n", f.kind, place(f.at)));
    }
    for (at, why) in notes {
        match at {
            Some(l) => out.push_str(&format!("  {}: {why}\n", place(*l))),
            None => out.push_str(&format!("  {why}\n")),
        }
    }
}

/// `FieldId(3)` in debug output, followed by the field's name.
fn name_fields(pkg: &Pkg<'_>, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("FieldId(") {
        let (head, tail) = rest.split_at(i + "FieldId(".len());
        out.push_str(head);
        let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        out.push_str(&digits);
        rest = &tail[digits.len()..];
        if let Some(name) = digits
            .parse()
            .ok()
            .and_then(|d| pkg.interner.field_name(ir::FieldId(d)))
        {
            out.push_str(&format!(" .{name}"));
        }
    }
    out.push_str(rest);
    out
}

/// The function and method declarations of the package whose body holds a
/// `go` statement or makes a channel (`make(chan T, n)`): called on a value
/// the caller made (`rc := &RowChannel{}; rc.init(1)`), they start work on
/// it or give it a channel that only the caller's model follows.
fn goroutine_starters(model: &PackageModel<'_>) -> rustc_hash::FxHashSet<FuncId> {
    let mut out = rustc_hash::FxHashSet::default();
    for (fi, file) in model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        let mut decls: Vec<(u32, u32, NodeId)> = ast
            .nodes_of_kind(NodeKind::FuncDecl)
            .map(|(id, _)| (ast.pos(id), ast.end(id), id))
            .collect();
        decls.sort_unstable();
        let makes_chan = ast.nodes_of_kind(NodeKind::CallExpr).filter_map(|(id, n)| {
            let Node::CallExpr { fun, args, .. } = *n else {
                return None;
            };
            let chan = matches!(ast.node(fun), Node::Ident { .. })
                && ast.text(fun, file.source) == "make"
                && ast
                    .list(args)
                    .first()
                    .is_some_and(|&a| matches!(ast.node(a), Node::ChanType { .. }));
            chan.then_some(id)
        });
        let starts = ast.nodes_of_kind(NodeKind::GoStmt).map(|(id, _)| id);
        for g in starts.chain(makes_chan) {
            let pos = ast.pos(g);
            let i = decls.partition_point(|&(start, _, _)| start <= pos);
            if let Some(&(_, end, id)) = i.checked_sub(1).map(|i| &decls[i]) {
                if pos < end {
                    out.insert(FuncId::new(fi, id));
                }
            }
        }
    }
    out
}
