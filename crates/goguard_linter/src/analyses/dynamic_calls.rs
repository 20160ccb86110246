//! Which bodies of the package a call may run when the call does not name
//! a declared function of the package: a method of an interface of the
//! package (its one implementation in the package), a function value (a
//! field, a parameter, a local, a method value) or a literal called at
//! once.
//!
//! A function value is followed through every value the package gives
//! it: every assignment of the field (`s.cb = s.handle`, `T{cb: f}`), of
//! an element of a map or slice field (`s.cmds[k] = f`, the literal given
//! to the field; `make` gives none),
//! every argument given to the parameter by the package's calls of its
//! function, the one definition of a local. A value given to the field of
//! some value `x` (`x.f = v`, directly or through a parameter of a setter
//! called on `x`) and called through that field of some value (`y.f()`)
//! is bound to it: a method value of `x` runs on `y`, and a literal that
//! captured the variable holding `x` sees `y` in it. When any of them is not a
//! function of the package (a value from another package, a call's
//! result, a local given several values), the call is not followed at
//! all: the lock analyses would otherwise mistake one of its values for
//! the only one.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use goguard_semantic::model::{
    BindingId, BindingKind, Callee, FileIdx, Member, MethodDecl, PackageModel,
};
use goguard_semantic::types::NamedRef;
use goguard_syntax::{Node, NodeId};

use super::lock_bodies::{Body, OpKind};
use super::lock_facts::FuncKey;

/// How many values deep a function value is followed (a parameter given a
/// field given a literal is three).
const MAX_VALUE_DEPTH: u32 = 6;

/// How many values one call's resolution may visit (a parameter passed on
/// by many calls fans out); past it the call is not followed.
const MAX_VALUES_VISITED: usize = 256;

/// A field of a named type of the package: the type and the field.
type FieldKey = (Arc<str>, Arc<str>);

/// A call of a declared function: the calling body, the receiver
/// expression and the arguments.
type CallArgs = (usize, Option<NodeId>, Vec<NodeId>);

/// How a value of a field is bound to the value whose field it is (see the
/// module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Bound {
    /// Not bound.
    No,
    /// A method value of that value: it is the method's receiver.
    Receiver,
    /// A literal that captured that value in the variable declared at this
    /// identifier (of the literal's file).
    Captured(NodeId),
}

/// What one call's resolution found: the bodies, each with how it is
/// bound to the value whose field the call selects; and how many more
/// values it may visit.
struct Found {
    budget: usize,
    bodies: Vec<(usize, Bound)>,
}

/// The package's bodies, indexed for resolving calls to them.
pub(crate) struct DynamicCalls<'m, 'a> {
    model: &'m PackageModel<'a>,
    bodies: &'m [Body],
    /// Declared functions and methods: their body.
    decls: BTreeMap<FuncKey, usize>,
    /// Function literals, by file and node: their body.
    lits: HashMap<(FileIdx, NodeId), usize>,
    /// Methods each receiver type of the package declares.
    methods: HashMap<Arc<str>, HashSet<Arc<str>>>,
    /// Values given to each field of the package's types: the body that
    /// gives it, the value, and the expression whose field it is.
    field_values: HashMap<FieldKey, Vec<(usize, NodeId, Option<NodeId>)>>,
    /// The package's calls of each declared function (interface methods
    /// resolved): the calling body, the receiver expression and the call's
    /// arguments.
    call_args: HashMap<FuncKey, Vec<CallArgs>>,
    /// Locals declared with a value: the declaring identifier, the body
    /// that declares it and the value.
    defines: HashMap<(FileIdx, NodeId), (usize, NodeId)>,
    /// Locals given a value again after their declaration.
    reassigned: HashSet<BindingId>,
    /// Parameters of declared functions: the declaring identifier, the
    /// function and the position.
    params: HashMap<(FileIdx, NodeId), (FuncKey, usize)>,
    /// Receivers of declared methods: the declaring identifier and the
    /// method.
    receivers: HashMap<(FileIdx, NodeId), FuncKey>,
    /// The one implementing type of the package of each interface asked
    /// about (None: none, several, or methods not all known).
    implementers: RefCell<HashMap<Arc<str>, Option<Arc<str>>>>,
}

impl<'m, 'a> DynamicCalls<'m, 'a> {
    pub(crate) fn new(model: &'m PackageModel<'a>, bodies: &'m [Body]) -> Self {
        let mut out = DynamicCalls {
            model,
            bodies,
            decls: BTreeMap::new(),
            lits: HashMap::new(),
            methods: HashMap::new(),
            field_values: HashMap::new(),
            call_args: HashMap::new(),
            defines: HashMap::new(),
            reassigned: HashSet::new(),
            params: HashMap::new(),
            receivers: HashMap::new(),
            implementers: RefCell::new(HashMap::new()),
        };
        for (i, b) in bodies.iter().enumerate() {
            let file = &model.files()[b.file];
            let ast = file.parsed.ast();
            match *ast.node(b.func) {
                Node::FuncLit { .. } => {
                    out.lits.insert((b.file, b.func), i);
                }
                Node::FuncDecl { ty, recv, .. } => {
                    let Some(key) = b.decl_key(model) else {
                        continue;
                    };
                    let recv_names = recv.map(|r| match *ast.node(r) {
                        Node::FieldList { list, .. } => ast.list(list).to_vec(),
                        _ => Vec::new(),
                    });
                    for f in recv_names.unwrap_or_default() {
                        if let Node::Field { names, .. } = *ast.node(f) {
                            for &name in ast.list(names) {
                                out.receivers.insert((b.file, name), key.clone());
                            }
                        }
                    }
                    if let Some(t) = &key.0 {
                        out.methods
                            .entry(t.clone())
                            .or_default()
                            .insert(key.1.clone());
                    }
                    if let Node::FuncType { params, .. } = *ast.node(ty) {
                        if let Node::FieldList { list, .. } = *ast.node(params) {
                            let names = ast.list(list).iter().flat_map(|&f| match *ast.node(f) {
                                Node::Field { names, .. } => ast.list(names).to_vec(),
                                _ => Vec::new(),
                            });
                            for (pos, name) in names.enumerate() {
                                out.params.insert((b.file, name), (key.clone(), pos));
                            }
                        }
                    }
                    out.decls.insert(key, i);
                }
                _ => {}
            }
            for st in &b.field_stores {
                out.field_values
                    .entry((st.ty.clone(), st.field.clone()))
                    .or_default()
                    .push((i, st.value, st.owner));
            }
            for &(name, value) in &b.defines {
                out.defines.insert((b.file, name), (i, value));
            }
        }
        for b in bodies {
            for &n in &b.assigned {
                let Some(id) = model.resolve(b.file, n) else {
                    continue;
                };
                if model.binding(id).decl != Some((b.file, n)) {
                    out.reassigned.insert(id);
                }
            }
        }
        for (i, b) in bodies.iter().enumerate() {
            for op in &b.ops {
                if let OpKind::Call { callee, .. } = &op.kind {
                    let key = out.resolve_key(callee).unwrap_or_else(|| callee.clone());
                    out.call_args
                        .entry(key)
                        .or_default()
                        .push((i, op.recv, op.args.clone()));
                }
            }
        }
        out
    }

    /// The body a call of the package function or method `key` runs: its
    /// declaration, or for a method of an interface of the package, the
    /// method of the one type of the package that implements it.
    pub(crate) fn body_of(&self, key: &FuncKey) -> Option<usize> {
        if let Some(&i) = self.decls.get(key) {
            return Some(i);
        }
        self.resolve_key(key)
            .and_then(|k| self.decls.get(&k).copied())
    }

    /// The bodies a call that names no package function may run (see the
    /// module documentation); empty when not known.
    pub(crate) fn targets(&self, body: usize, call: NodeId) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .bound_targets(body, call)
            .into_iter()
            .map(|(i, _, _)| i)
            .collect();
        out.dedup();
        out
    }

    /// The bodies a call that names no package function may run, as
    /// [`Self::targets`], each with the value it is bound to when known
    /// (and how): a method value stored in a field of its own receiver
    /// (`s.onStop = s.stop`, `s.cmds["stop"] = s.stop`), called through
    /// that field of some value (`x.onStop()`, `x.cmds[k]()`), runs on that
    /// value (`x`); a literal that captured the variable holding the value
    /// whose field it is given (`s.onStop = func() { s.mu.Lock() }`) sees
    /// `x` in that variable.
    pub(crate) fn bound_targets(
        &self,
        body: usize,
        call: NodeId,
    ) -> Vec<(usize, Option<NodeId>, Bound)> {
        let fi = self.bodies[body].file;
        let ast = self.model.files()[fi].parsed.ast();
        let Node::CallExpr { fun, .. } = *ast.node(call) else {
            return Vec::new();
        };
        let mut found = Found {
            budget: MAX_VALUES_VISITED,
            bodies: Vec::new(),
        };
        if !self.values(body, fun, 0, None, &mut found) {
            return Vec::new();
        }
        // The value whose field is called: `x` of `x.f()` or `x.f[k]()`.
        let field = match *ast.node(ast.unparen(fun)) {
            Node::IndexExpr { x, .. } => ast.unparen(x),
            _ => ast.unparen(fun),
        };
        let owner = match *ast.node(field) {
            Node::SelectorExpr { x, .. } => Some(x),
            _ => None,
        };
        let mut out: Vec<(usize, Option<NodeId>, Bound)> = found
            .bodies
            .into_iter()
            .map(|(i, bound)| match owner {
                Some(o) if bound != Bound::No => (i, Some(o), bound),
                _ => (i, None, Bound::No),
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The value a local variable `ident` (of file `fi`) is declared with,
    /// when it is given no other: its file and node.
    pub(crate) fn local_value(&self, fi: FileIdx, ident: NodeId) -> Option<(FileIdx, NodeId)> {
        let id = self.model.resolve(fi, ident)?;
        let b = self.model.binding(id);
        if b.kind != BindingKind::Var || b.scope.is_none() || self.reassigned.contains(&id) {
            return None;
        }
        let &(db, v) = self.defines.get(&b.decl?)?;
        Some((self.bodies[db].file, v))
    }

    /// The interface method `key` resolved to its one implementation in
    /// the package, when `key` is a method of an interface of the package.
    pub(crate) fn resolve_key(&self, key: &FuncKey) -> Option<FuncKey> {
        let iface = key.0.as_ref()?;
        let t = self.implementer(iface)?;
        Some((Some(t), key.1.clone()))
    }

    /// The one type of the package that implements interface `iface`:
    /// among the types whose methods the package declares (a type that
    /// has them only by embedding does not count), the one declaring
    /// every method of the interface, embedded ones included, by name and
    /// signature. None when none or several do, or when the interface
    /// embeds one of another package.
    fn implementer(&self, iface: &Arc<str>) -> Option<Arc<str>> {
        if let Some(known) = self.implementers.borrow().get(iface) {
            return known.clone();
        }
        let mut wanted = Vec::new();
        let found = if self.interface_methods(iface, 0, &mut wanted) && !wanted.is_empty() {
            let own = self.model.import_path();
            let mut types: Vec<&Arc<str>> = self
                .methods
                .iter()
                .filter(|(t, m)| {
                    *t != iface
                        && wanted.iter().all(|w| m.contains(&w.name))
                        && self
                            .model
                            .type_decl(&NamedRef::new(own, t))
                            .is_some_and(|d| {
                                wanted.iter().all(|w| {
                                    d.methods
                                        .iter()
                                        .any(|dm| dm.name == w.name && dm.sig == w.sig)
                                })
                            })
                })
                .map(|(t, _)| t)
                .collect();
            types.sort_unstable();
            match types.as_slice() {
                [t] => Some((*t).clone()),
                _ => None,
            }
        } else {
            None
        };
        self.implementers
            .borrow_mut()
            .insert(iface.clone(), found.clone());
        found
    }

    /// Adds the methods of interface `name` of the package to `out`; false
    /// when it is not an interface of the package or embeds one of
    /// another package.
    fn interface_methods(&self, name: &str, depth: u32, out: &mut Vec<MethodDecl>) -> bool {
        if depth > 4 {
            return false;
        }
        let Some(decl) = self.model.summary().type_decl(name) else {
            return false;
        };
        if !decl.is_interface() {
            return false;
        }
        out.extend(decl.methods.iter().cloned());
        decl.embeds.iter().all(|e| match e.named_ref() {
            Some(n) if &*n.pkg == self.model.import_path() => {
                self.interface_methods(&n.name, depth + 1, out)
            }
            _ => false,
        })
    }

    /// Adds to `found` the bodies the function value `e` (in `body`) may
    /// be; false when one of its values is not known. `bind` is the
    /// expression (in `body`) whose field is given `e`, when the call
    /// selects that field directly: a method value of it is bound to the
    /// call's value.
    fn values(
        &self,
        body: usize,
        e: NodeId,
        depth: u32,
        bind: Option<NodeId>,
        found: &mut Found,
    ) -> bool {
        if depth > MAX_VALUE_DEPTH || found.budget == 0 {
            return false;
        }
        found.budget -= 1;
        let model = self.model;
        let fi = self.bodies[body].file;
        let file = &model.files()[fi];
        let ast = file.parsed.ast();
        let e = ast.unparen(e);
        match *ast.node(e) {
            Node::FuncLit { .. } => match self.lits.get(&(fi, e)) {
                Some(&i) => {
                    let bound = bind
                        .and_then(|o| self.captured_by(fi, e, o))
                        .map_or(Bound::No, Bound::Captured);
                    found.bodies.push((i, bound));
                    true
                }
                None => false,
            },
            Node::Ident { .. } => {
                let Some(id) = model.resolve(fi, e) else {
                    return false;
                };
                let b = model.binding(id);
                match b.kind {
                    BindingKind::Builtin => &*b.name == "nil",
                    BindingKind::Func if b.scope.is_none() => {
                        self.push_decl(&(None, b.name.clone()), Bound::No, found)
                    }
                    // The local's value, in the same function or one
                    // around it: the same file, so the binding holds.
                    BindingKind::Var if b.scope.is_some() && !self.reassigned.contains(&id) => {
                        match b.decl.and_then(|d| self.defines.get(&d)) {
                            Some(&(db, value)) => self.values(db, value, depth + 1, bind, found),
                            None => false,
                        }
                    }
                    BindingKind::Param if !self.reassigned.contains(&id) => {
                        let Some((key, pos)) = b.decl.and_then(|d| self.params.get(&d)) else {
                            return false;
                        };
                        let Some(calls) = self.call_args.get(key) else {
                            return false;
                        };
                        // A setter's receiver (or parameter) whose field is
                        // given the value is, at each call, what the call
                        // gives it.
                        let bound_to = bind.and_then(|o| self.param_or_receiver(fi, o, key));
                        calls.iter().all(|(cb, recv, args)| match args.get(*pos) {
                            Some(&a) => {
                                let bind = match bound_to {
                                    Some(None) => *recv,
                                    Some(Some(j)) => args.get(j).copied(),
                                    None => None,
                                };
                                self.values(*cb, a, depth + 1, bind, found)
                            }
                            None => false,
                        })
                    }
                    _ => false,
                }
            }
            // An element of a map or slice field: every element the package
            // stores in it, in a literal given to the field or by index.
            Node::IndexExpr { x, .. } => {
                let Some(key) = self.field_key(fi, x) else {
                    return false;
                };
                let element = (key.0.clone(), Arc::<str>::from(format!("{}[]", key.1)));
                let whole = self.field_values.get(&key).into_iter().flatten();
                let stored = self.field_values.get(&element).into_iter().flatten();
                let bind = |owner: Option<NodeId>| owner.filter(|_| depth == 0);
                whole
                    .copied()
                    .all(|(vb, v, o)| self.elements(vb, v, depth, bind(o), found))
                    && stored
                        .copied()
                        .all(|(vb, v, o)| self.values(vb, v, depth + 1, bind(o), found))
            }
            Node::SelectorExpr { x, sel } => {
                // `T.m` names a method with its receiver as first parameter:
                // its arguments would not line up with the call's.
                if let Node::Ident { .. } = *ast.node(ast.unparen(x)) {
                    if model
                        .resolve(fi, ast.unparen(x))
                        .is_some_and(|id| model.binding(id).kind == BindingKind::TypeName)
                    {
                        return false;
                    }
                }
                let name = ast.text(sel, file.source);
                let recv_ty = model.type_of(fi, x);
                match model.lookup_member(&recv_ty, name) {
                    Some(Member::Method { recv, .. }) if &*recv.pkg == model.import_path() => {
                        // A method value of the value whose field it is
                        // given.
                        let bound = bind.is_some_and(|o| {
                            let (o, x) = (ast.unparen(o), ast.unparen(x));
                            matches!(*ast.node(o), Node::Ident { .. })
                                && model.resolve(fi, o).is_some()
                                && model.resolve(fi, o) == model.resolve(fi, x)
                        });
                        let bound = if bound { Bound::Receiver } else { Bound::No };
                        self.push_decl(&(Some(recv.name.clone()), Arc::from(name)), bound, found)
                    }
                    Some(Member::Field { .. }) => {
                        let Some(key) = self.field_key(fi, e) else {
                            return false;
                        };
                        match self.field_values.get(&key) {
                            Some(values) => values.iter().all(|&(vb, v, o)| {
                                let bind = o.filter(|_| depth == 0);
                                self.values(vb, v, depth + 1, bind, found)
                            }),
                            None => false,
                        }
                    }
                    _ => false,
                }
            }
            Node::CallExpr { args, .. } => {
                let args = ast.list(args);
                match model.callee(fi, e) {
                    Callee::Conversion(_) if args.len() == 1 => {
                        self.values(body, args[0], depth + 1, None, found)
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The field `T.f` that `x` (of file `fi`) selects, for a named type
    /// `T` of the package.
    fn field_key(&self, fi: FileIdx, x: NodeId) -> Option<FieldKey> {
        let model = self.model;
        let file = &model.files()[fi];
        let ast = file.parsed.ast();
        let Node::SelectorExpr { x: owner, sel } = *ast.node(ast.unparen(x)) else {
            return None;
        };
        let name = ast.text(sel, file.source);
        let recv_ty = model.type_of(fi, owner);
        if !matches!(
            model.lookup_member(&recv_ty, name),
            Some(Member::Field { .. })
        ) {
            return None;
        }
        let t = recv_ty
            .named_ref()
            .filter(|n| &*n.pkg == model.import_path())?;
        Some((t.name.clone(), Arc::from(name)))
    }

    /// Adds to `out` the bodies the elements of the map or slice value `e`
    /// (in `body`, given to a field) may be: the values of a literal; none
    /// for `make(...)` or `nil`. False for any other value.
    fn elements(
        &self,
        body: usize,
        e: NodeId,
        depth: u32,
        bind: Option<NodeId>,
        found: &mut Found,
    ) -> bool {
        let fi = self.bodies[body].file;
        let ast = self.model.files()[fi].parsed.ast();
        let e = ast.unparen(e);
        match *ast.node(e) {
            Node::CompositeLit { elts, .. } => ast.list(elts).iter().all(|&el| {
                let v = match *ast.node(el) {
                    Node::KeyValueExpr { value, .. } => value,
                    _ => el,
                };
                self.values(body, v, depth + 1, bind, found)
            }),
            Node::CallExpr { .. } => {
                matches!(self.model.callee(fi, e), Callee::Builtin(ref b) if &**b == "make")
            }
            Node::Ident { .. } => self.model.resolve(fi, e).is_some_and(|id| {
                let b = self.model.binding(id);
                b.kind == BindingKind::Builtin && &*b.name == "nil"
            }),
            _ => false,
        }
    }

    /// Where `o` (an identifier of file `fi`) is a parameter or the
    /// receiver of the declared function `key`: Some(Some(position)) for a
    /// parameter, Some(None) for the receiver.
    fn param_or_receiver(&self, fi: FileIdx, o: NodeId, key: &FuncKey) -> Option<Option<usize>> {
        let ast = self.model.files()[fi].parsed.ast();
        let o = ast.unparen(o);
        if !matches!(ast.node(o), Node::Ident { .. }) {
            return None;
        }
        let id = self.model.resolve(fi, o)?;
        if self.reassigned.contains(&id) {
            return None;
        }
        let decl = self.model.binding(id).decl?;
        if self.receivers.get(&decl) == Some(key) {
            return Some(None);
        }
        match self.params.get(&decl) {
            Some((k, pos)) if k == key => Some(Some(*pos)),
            _ => None,
        }
    }

    /// The declaring identifier of the variable `o` (an identifier of file
    /// `fi`) when the literal `lit` captures it: a local variable, parameter
    /// or receiver declared outside the literal and given no other value.
    fn captured_by(&self, fi: FileIdx, lit: NodeId, o: NodeId) -> Option<NodeId> {
        let ast = self.model.files()[fi].parsed.ast();
        let o = ast.unparen(o);
        if !matches!(ast.node(o), Node::Ident { .. }) {
            return None;
        }
        let id = self.model.resolve(fi, o)?;
        let b = self.model.binding(id);
        let local = matches!(
            b.kind,
            BindingKind::Var | BindingKind::Param | BindingKind::Receiver
        ) && b.scope.is_some();
        if !local || self.reassigned.contains(&id) {
            return None;
        }
        let (df, decl) = b.decl?;
        let inside = ast.pos(lit) <= ast.pos(decl) && ast.pos(decl) < ast.end(lit);
        (df == fi && !inside).then_some(decl)
    }

    /// True when the local variable `id` is given a value again after its
    /// declaration somewhere in the package.
    pub(crate) fn reassigned(&self, id: BindingId) -> bool {
        self.reassigned.contains(&id)
    }

    fn push_decl(&self, key: &FuncKey, bound: Bound, found: &mut Found) -> bool {
        match self.body_of(key) {
            Some(i) => {
                found.bodies.push((i, bound));
                true
            }
            None => false,
        }
    }
}
