//! Expressions, assignments, calls, `go`, `defer` and conditions.

use std::sync::Arc;

use goguard_semantic::model::{BindingId, BindingKind, Callee, FieldDecl, Member};
use goguard_semantic::types::{ChanDir, Type};
use goguard_syntax::{Node, NodeId, Tok};

use super::api::{self, AtomicOp, FuncApi, MethodApi};
use super::keys::Keys;
use super::{Lower, PENDING};
use crate::ir::{
    Call, Cap, CaseKind, CmpOp, Cond, Deferred, ExitKind, Expr, FieldId, FuncId, Op, Place,
    RangeKind, SymId, SyncKind, Target, Var,
};

/// How deep the lowering follows embedded structs to find a promoted
/// field or method (as the semantic model does).
const MAX_EMBED_DEPTH: usize = 8;
/// How deep struct values held in fields get zeros of their own.
const MAX_NESTED_ZEROS: u32 = 3;

/// Channel capacities above this are not followed (the model would need a
/// state per buffered element).
const MAX_CAP: i64 = 4;

/// How deep expressions are followed.
const MAX_EXPR_DEPTH: u32 = 64;

/// What a call expression does, once its callee is known.
enum Shape {
    /// A value computed without running anything (make, new, conversions,
    /// context.Background(), ctx.Done(), sync.NewCond).
    Value(Expr),
    /// An op to emit with its results (calls of functions, known library
    /// operations).
    Op(Op),
    /// Ends the path.
    Exit(ExitKind),
    /// A call with several results the lowering assigns itself.
    Results(Vec<Expr>),
}

impl<'a> Lower<'a> {
    pub(super) fn keys(&self) -> Keys<'_> {
        Keys {
            pkg: self.pkg,
            file: self.file,
        }
    }

    fn type_of(&self, e: NodeId) -> Type {
        self.pkg.model.type_of(self.file, e)
    }

    /// The value of an expression; calls and receives inside it become ops.
    pub(super) fn expr(&mut self, e: NodeId) -> Expr {
        self.expr_depth(e, 0)
    }

    fn expr_depth(&mut self, e: NodeId, depth: u32) -> Expr {
        if depth > MAX_EXPR_DEPTH {
            return Expr::Unknown;
        }
        let d = depth + 1;
        match *self.ast.node(e) {
            Node::ParenExpr { x, .. } | Node::StarExpr { x, .. } => self.expr_depth(x, d),
            Node::Ident { .. } => self.ident(e),
            Node::BasicLit { kind: Tok::Int, .. } => {
                self.text(e).parse().map_or(Expr::Unknown, Expr::Int)
            }
            Node::BasicLit { .. } => Expr::Unknown,
            Node::UnaryExpr { op, x, .. } => match op {
                Tok::And => self.expr_depth(x, d),
                Tok::Not => match self.expr_depth(x, d) {
                    Expr::Unknown => Expr::Unknown,
                    Expr::Bool(b) => Expr::Bool(!b),
                    v => Expr::Not(Box::new(v)),
                },
                Tok::Arrow => {
                    let ch = self.expr_depth(x, d);
                    let t = self.temp();
                    self.emit(Op::Recv {
                        ch,
                        dst: Place::Decl(t),
                        ok: Place::Discard,
                        at: e,
                        next: PENDING,
                    });
                    Expr::Var(t)
                }
                _ => {
                    self.expr_depth(x, d);
                    Expr::Unknown
                }
            },
            Node::BinaryExpr {
                op:
                    Tok::Eql
                    | Tok::Neq
                    | Tok::Lss
                    | Tok::Leq
                    | Tok::Gtr
                    | Tok::Geq
                    | Tok::Land
                    | Tok::Lor,
                ..
            } => match self.cond_depth(e, d) {
                Cond::Const(b) => Expr::Bool(b),
                Cond::Nondet => Expr::Unknown,
                c => Expr::Test(Box::new(c)),
            },
            Node::BinaryExpr { x, y, .. } => {
                self.expr_depth(x, d);
                self.expr_depth(y, d);
                Expr::Unknown
            }
            Node::SelectorExpr { x, sel } => self.selector(e, x, sel, d),
            Node::CallExpr { .. } => self.call_value(e),
            Node::FuncLit { .. } => self.closure(e),
            Node::CompositeLit { .. } => self.composite(e, d),
            Node::TypeAssertExpr { x, .. } => self.expr_depth(x, d),
            Node::IndexExpr { x, index, .. } => {
                let xv = self.expr_depth(x, d);
                let iv = self.expr_depth(index, d);
                if self.is_slice(x) || self.is_map(x) {
                    return Expr::Index(Box::new(xv), Box::new(iv));
                }
                Expr::Unknown
            }
            Node::IndexListExpr { x, .. } => {
                self.expr_depth(x, d);
                Expr::Unknown
            }
            Node::SliceExpr {
                x, low, high, max, ..
            } => {
                let xv = self.expr_depth(x, d);
                for part in [low, high, max].into_iter().flatten() {
                    self.expr_depth(part, d);
                }
                // A part of a slice the model follows is not followed: its
                // elements may be used from there.
                if self.is_slice(x) {
                    self.escape(xv);
                }
                Expr::Unknown
            }
            Node::KeyValueExpr { value, .. } => self.expr_depth(value, d),
            _ => Expr::Unknown,
        }
    }

    fn ident(&mut self, e: NodeId) -> Expr {
        let model = self.pkg.model;
        let Some(b) = model.resolve(self.file, e) else {
            return Expr::Unknown;
        };
        let binding = model.binding(b);
        match &binding.kind {
            BindingKind::Var | BindingKind::Param | BindingKind::Result | BindingKind::Receiver => {
                if binding.scope.is_some() {
                    Expr::Var(Var::Binding(b))
                } else {
                    Expr::Unknown
                }
            }
            BindingKind::Builtin => match &*binding.name {
                "nil" => Expr::Nil,
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                _ => Expr::Unknown,
            },
            BindingKind::Func => self
                .pkg
                .index
                .func(&binding.name)
                .map_or(Expr::Unknown, Expr::Func),
            // A constant the model cannot compute is known by its name, so
            // that `mode == modeA` is decided when `mode` was set from one.
            BindingKind::Const => self.keys().const_value(b).map_or_else(
                || {
                    let path = self.pkg.model.import_path();
                    Expr::Named(self.pkg.interner.named_const(path, &binding.name))
                },
                Expr::Int,
            ),
            _ => Expr::Unknown,
        }
    }

    fn selector(&mut self, e: NodeId, x: NodeId, sel: NodeId, d: u32) -> Expr {
        let model = self.pkg.model;
        if let Some(b) = model.resolve(self.file, x) {
            if let BindingKind::Import { path } = &model.binding(b).kind {
                // A constant of another package: known by its name.
                let name = self.text(sel);
                let is_const = model
                    .universe()
                    .package(path)
                    .is_some_and(|p| p.const_type(name).is_some());
                return if is_const {
                    Expr::Named(self.pkg.interner.named_const(path, name))
                } else {
                    Expr::Unknown
                };
            }
        }
        let name = self.text(sel);
        let xt = self.type_of(x);
        if let Some(Member::Method { recv, .. }) = model.lookup_member(&xt, name) {
            let callee = Callee::Method {
                recv,
                name: name.into(),
            };
            let xv = self.expr_depth(x, d);
            let xv = self.through_embedded(xv, &xt, name);
            return match self.pkg.index.target(model, &callee) {
                Some(f) => Expr::Bound(Box::new(xv), f),
                None => {
                    self.escape(xv);
                    Expr::Unknown
                }
            };
        }
        let _ = e;
        let xv = self.expr_depth(x, d);
        if name == "L" && is_sync_cond(&xt) {
            return Expr::CondLocker(Box::new(xv));
        }
        let xv = self.through_embedded(xv, &xt, name);
        Expr::Field(Box::new(xv), self.pkg.interner.field(name))
    }

    /// `x` extended by the embedded fields Go goes through to reach member
    /// `name` of a value of type `xt` (`s.stopper` on a struct embedding
    /// `*Raft` reads `s.Raft.stopper`), so that a promoted field or method
    /// receiver is the value the model stored.
    pub(super) fn through_embedded(&self, x: Expr, xt: &Type, name: &str) -> Expr {
        let mut x = x;
        for f in self.embedded_path(xt, name) {
            x = Expr::Field(Box::new(x), self.pkg.interner.field(&f));
        }
        x
    }

    /// The embedded fields (outermost first) through which member `name` of
    /// a value of type `xt` is promoted; empty when it is declared on the
    /// type itself, ambiguous or not found. The search is breadth-first,
    /// as Go's selector rule: the shallowest depth wins.
    fn embedded_path(&self, xt: &Type, name: &str) -> Vec<Arc<str>> {
        let model = self.pkg.model;
        let Some(n) = xt.deref().named_ref() else {
            return Vec::new();
        };
        let mut level: Vec<(goguard_semantic::types::NamedRef, Vec<Arc<str>>)> =
            vec![(n.clone(), Vec::new())];
        let mut seen: Vec<goguard_semantic::types::NamedRef> = Vec::new();
        for _ in 0..MAX_EMBED_DEPTH {
            let mut found: Vec<Vec<Arc<str>>> = Vec::new();
            let mut next = Vec::new();
            for (n, path) in level {
                if seen.contains(&n) {
                    continue;
                }
                seen.push(n.clone());
                let Some(decl) = model.type_decl(&n) else {
                    continue;
                };
                if decl.is_interface() {
                    continue;
                }
                let has = decl.methods.iter().any(|m| &*m.name == name)
                    || decl.fields.iter().any(|f| &*f.name == name);
                if has {
                    found.push(path.clone());
                }
                for f in decl.fields.iter().filter(|f| f.embedded) {
                    if let Some(e) = f.ty.deref().named_ref() {
                        let mut p = path.clone();
                        p.push(f.name.clone());
                        next.push((e.clone(), p));
                    }
                }
            }
            match found.len() {
                0 => {}
                1 => return found.pop().unwrap_or_default(),
                _ => return Vec::new(),
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        Vec::new()
    }

    /// A function literal as a value.
    fn closure(&mut self, lit: NodeId) -> Expr {
        let func = FuncId::new(self.file, lit);
        Expr::Closure {
            func,
            captures: self.pkg.captures(func),
        }
    }

    fn composite(&mut self, e: NodeId, d: u32) -> Expr {
        let Node::CompositeLit { elts, .. } = *self.ast.node(e) else {
            return Expr::Unknown;
        };
        let t = self.type_of(e);
        let elts = self.list(elts);
        if let Some(k) = api::sync_kind(&t) {
            // `sync.WaitGroup{}`, `&sync.Mutex{}`.
            return Expr::NewSync(k, e);
        }
        let decl = t
            .named_ref()
            .and_then(|n| self.pkg.model.type_decl(n))
            .cloned();
        let is_struct = matches!(self.pkg.model.underlying(&t), Type::Struct) || decl.is_some();
        if !is_struct
            || decl
                .as_ref()
                .is_some_and(|d| d.fields.is_empty() && !elts.is_empty())
        {
            // A slice literal: its length and elements are followed
            // (`len(s) == 0`, `for _, ch := range []chan T{a, b}`).
            let keyed = elts
                .iter()
                .any(|&el| matches!(self.ast.node(el), Node::KeyValueExpr { .. }));
            let vs: Vec<Expr> = elts.iter().map(|&el| self.expr_depth(el, d)).collect();
            if matches!(self.pkg.model.underlying(&t), Type::Slice(_)) && !keyed {
                return Expr::Items(vs);
            }
            // A map literal: its keys and values are followed.
            if matches!(self.pkg.model.underlying(&t), Type::Map(..)) {
                let keys: Vec<Expr> = elts
                    .iter()
                    .map(|&el| match *self.ast.node(el) {
                        Node::KeyValueExpr { key, .. } => self.expr_depth(key, d),
                        _ => Expr::Unknown,
                    })
                    .collect();
                return Expr::MapItems(keys.into_iter().zip(vs).collect());
            }
            // Maps, arrays, keyed slices: the elements are stored where the
            // model does not follow them.
            for v in vs {
                self.escape(v);
            }
            return Expr::Unknown;
        }
        let mut fields = Vec::new();
        for (i, &el) in elts.iter().enumerate() {
            match *self.ast.node(el) {
                Node::KeyValueExpr { key, value, .. } => {
                    let v = self.expr_depth(value, d);
                    if matches!(self.ast.node(key), Node::Ident { .. }) {
                        fields.push((self.pkg.interner.field(self.text(key)), v));
                    } else {
                        self.escape(v);
                    }
                }
                _ => {
                    let v = self.expr_depth(el, d);
                    match decl.as_ref().and_then(|dcl| dcl.fields.get(i)) {
                        Some(f) => fields.push((self.pkg.interner.field(&f.name), v)),
                        None => self.escape(v),
                    }
                }
            }
        }
        let fields = fields
            .into_iter()
            .map(|(f, v)| match self.pkg.field_is_read(f) {
                true => (f, v),
                false => (f, unread(v)),
            })
            .collect();
        Expr::Struct {
            fields,
            sync_fields: self.sync_fields(&t),
            zeros: self.zero_fields(&t, e),
            ty: self.own_type_name(&t),
            at: e,
        }
    }

    /// The zero values of a struct type's plain fields the model follows:
    /// booleans, integers, nil channels, pointers, functions, interfaces
    /// and slices, and conditions (`sync.Cond`, whose `L` is set later) made
    /// with the struct at `at`.
    fn zero_fields(&self, t: &Type, at: NodeId) -> Arc<[(FieldId, Expr)]> {
        let Some(decl) = t.named_ref().and_then(|n| self.pkg.model.type_decl(n)) else {
            return Vec::new().into();
        };
        self.zeros_of(t, &decl.fields, at, 0)
    }

    /// The zeros of `fields` (of a struct of type `owner`), as
    /// [`Self::zero_fields`]; a field of an unnamed struct type
    /// (`mu struct{ sync.Mutex; closing bool }`) is a struct of its own
    /// with its sync objects and zeros, so that `s.mu.Lock()` and
    /// `s.mu.closing` are followed as they are on a named type.
    /// A field holding a struct of a type the package declares (by value,
    /// embedded or not: `RowChannel` in `outbox`) is a struct of its own too,
    /// down to [`MAX_NESTED_ZEROS`], when it holds something followed.
    fn zeros_of(
        &self,
        owner: &Type,
        fields: &[FieldDecl],
        at: NodeId,
        depth: u32,
    ) -> Arc<[(FieldId, Expr)]> {
        fields
            .iter()
            .filter(|f| api::sync_kind(&f.ty).is_none())
            .filter_map(|f| {
                if let Some(z) = self.struct_value_zero(&f.ty, at, depth) {
                    return Some((self.pkg.interner.field(&f.name), z));
                }
                if f.embedded {
                    return None;
                }
                if f.ty.is_named("sync", "Cond") {
                    let z = Expr::NewCond(Box::new(Expr::Nil), at);
                    return Some((self.pkg.interner.field(&f.name), z));
                }
                let z = match self.pkg.model.underlying(&f.ty) {
                    Type::Basic(n) if &*n == "bool" => Expr::Bool(false),
                    Type::Basic(n) if n.starts_with("int") || n.starts_with("uint") => Expr::Int(0),
                    // A nil slice: its length (0) is followed.
                    Type::Chan(..)
                    | Type::Pointer(_)
                    | Type::Func(_)
                    | Type::Interface
                    | Type::Slice(_) => Expr::Nil,
                    // Nested unnamed structs are one level deep: owner is named.
                    Type::Struct if f.ty == Type::Struct => {
                        let inner = self.pkg.model.unnamed_struct_fields(owner, &f.name)?;
                        Expr::Struct {
                            fields: Vec::new(),
                            sync_fields: self.syncs_of(&inner),
                            zeros: self.zeros_of(&Type::Unknown, &inner, at, depth + 1),
                            ty: None,
                            at,
                        }
                    }
                    _ => return None,
                };
                let id = self.pkg.interner.field(&f.name);
                // A nil zero stays: it says the struct is to be filled in
                // (a call given it is entered).
                let plain = matches!(z, Expr::Bool(_) | Expr::Int(_));
                if plain && !self.pkg.field_is_read(id) {
                    return Some((id, Expr::Unknown));
                }
                Some((id, z))
            })
            .collect::<Vec<_>>()
            .into()
    }

    /// The zero of a field of struct type `t` declared in the package and
    /// held by value, when it holds a sync object or a plain value followed.
    fn struct_value_zero(&self, t: &Type, at: NodeId, depth: u32) -> Option<Expr> {
        if depth >= MAX_NESTED_ZEROS || !matches!(t, Type::Named(_)) {
            return None;
        }
        let ty = self.own_type_name(t)?;
        let decl = t.named_ref().and_then(|n| self.pkg.model.type_decl(n))?;
        if !matches!(decl.underlying, Type::Struct) {
            return None;
        }
        let sync_fields = self.syncs_of(&decl.fields);
        let zeros = self.zeros_of(t, &decl.fields, at, depth + 1);
        if sync_fields.is_empty() && zeros.iter().all(|(_, z)| *z == Expr::Unknown) {
            return None;
        }
        Some(Expr::Struct {
            fields: Vec::new(),
            sync_fields,
            zeros,
            ty: Some(ty),
            at,
        })
    }

    /// The fields of a struct type whose zero value is a sync object.
    fn sync_fields(&self, t: &Type) -> Arc<[(FieldId, SyncKind)]> {
        let Some(decl) = t.named_ref().and_then(|n| self.pkg.model.type_decl(n)) else {
            return Vec::new().into();
        };
        self.syncs_of(&decl.fields)
    }

    fn syncs_of(&self, fields: &[FieldDecl]) -> Arc<[(FieldId, SyncKind)]> {
        fields
            .iter()
            .filter_map(|f| api::sync_kind(&f.ty).map(|k| (self.pkg.interner.field(&f.name), k)))
            .collect::<Vec<_>>()
            .into()
    }

    /// The zero value of a variable's type.
    pub(super) fn zero_value_of_binding(&self, b: BindingId) -> Expr {
        let t = self.pkg.model.binding(b).ty.clone();
        self.zero_value(&t, self.func.node)
    }

    /// The name of `t` (or of the type `t` points to) when the package
    /// declares it at package level.
    fn own_type_name(&self, t: &Type) -> Option<Arc<str>> {
        let n = match t {
            Type::Pointer(inner) => inner.named_ref()?,
            _ => t.named_ref()?,
        };
        (*n.pkg == *self.pkg.model.import_path() && self.pkg.model.type_decl(n).is_some())
            .then(|| n.name.clone())
    }

    /// True when `t` is an interface type.
    fn is_interface(&self, t: &Type) -> bool {
        matches!(self.pkg.model.underlying(t), Type::Interface)
    }

    fn zero_value(&self, t: &Type, at: NodeId) -> Expr {
        if let Some(k) = api::sync_kind(t) {
            return Expr::NewSync(k, at);
        }
        if t.is_named("", "error") {
            return Expr::Nil;
        }
        match self.pkg.model.underlying(t) {
            // A nil slice: its length (0) and what is appended are followed.
            Type::Chan(..)
            | Type::Interface
            | Type::Pointer(_)
            | Type::Func(_)
            | Type::Slice(_) => Expr::Nil,
            Type::Basic(n) if &*n == "bool" => Expr::Bool(false),
            Type::Struct => Expr::Struct {
                fields: Vec::new(),
                sync_fields: self.sync_fields(t),
                zeros: self.zero_fields(t, at),
                ty: self.own_type_name(t),
                at,
            },
            _ => Expr::Unknown,
        }
    }

    /// Lets a value escape (an op, unless it is surely not followed).
    fn escape(&mut self, v: Expr) {
        if !matches!(
            v,
            Expr::Unknown | Expr::Nil | Expr::Bool(_) | Expr::Int(_) | Expr::Named(_)
        ) {
            self.emit(Op::Escape {
                value: v,
                next: PENDING,
            });
        }
    }

    /// True when the function lowered is a test, benchmark or fuzz target
    /// (`func TestX(t *testing.T)`), not a closure or helper inside one.
    fn in_test_function(&self) -> bool {
        let Node::FuncDecl {
            recv: None, name, ..
        } = *self.ast.node(self.func.node)
        else {
            return false;
        };
        let name = self.text(name);
        ["Test", "Benchmark", "Fuzz"]
            .iter()
            .any(|p| name.starts_with(p))
    }

    /// `t.Context()` in the test function: a context cancelled when that
    /// function returns (a deferred cancel), so never done while it runs,
    /// and done for the goroutines it leaves behind.
    fn test_context(&mut self, call: NodeId) -> Shape {
        let t = self.temp();
        self.emit(Op::Set {
            place: Place::Decl(t),
            value: Expr::NewCancelCtx {
                parent: Box::new(Expr::Background),
                at: call,
            },
            shared: false,
            next: PENDING,
        });
        self.emit(Op::Defer {
            action: Deferred::Call(Call {
                target: Target::Value(Expr::CancelOf(Box::new(Expr::Var(t)))),
                args: Vec::new(),
                results: Vec::new(),
                at: call,
            }),
            next: PENDING,
        });
        Shape::Value(Expr::Var(t))
    }

    /// True when the expression is a slice (not an array, map or string):
    /// the values the model follows in it.
    pub(super) fn is_slice(&self, e: NodeId) -> bool {
        matches!(self.pkg.model.underlying(&self.type_of(e)), Type::Slice(_))
    }

    /// The zero value of the elements of the slice `e` makes.
    fn element_zero(&self, e: NodeId) -> Expr {
        match self.pkg.model.underlying(&self.type_of(e)) {
            Type::Slice(elem) => self.zero_value(&elem, e),
            _ => Expr::Unknown,
        }
    }

    /// True when the expression is a map.
    pub(super) fn is_map(&self, e: NodeId) -> bool {
        matches!(self.pkg.model.underlying(&self.type_of(e)), Type::Map(..))
    }

    /// The value of a call used as an expression.
    fn call_value(&mut self, call: NodeId) -> Expr {
        match self.shape(call, 1) {
            Shape::Value(v) => v,
            Shape::Results(mut vs) => {
                if vs.is_empty() {
                    Expr::Unknown
                } else {
                    vs.swap_remove(0)
                }
            }
            Shape::Op(op) => {
                let t = self.temp();
                let op = with_results(op, vec![Place::Decl(t)]);
                self.emit(op);
                Expr::Var(t)
            }
            Shape::Exit(kind) => {
                self.emit(Op::Exit { kind, at: call });
                Expr::Unknown
            }
        }
    }

    /// A call whose results go to `places` (none for a statement).
    pub(super) fn call(&mut self, call: NodeId, places: Vec<Place>) {
        let n = places.len().max(1);
        match self.shape(call, n) {
            Shape::Value(v) => {
                if let Some(p) = places.into_iter().next() {
                    self.set(p, v);
                }
            }
            Shape::Results(vs) => {
                for (p, v) in places.into_iter().zip(vs) {
                    self.set(p, v);
                }
            }
            Shape::Op(op) => {
                self.emit(with_results(op, places));
            }
            Shape::Exit(kind) => {
                self.emit(Op::Exit { kind, at: call });
            }
        }
    }

    /// Stores a value into a place.
    fn set(&mut self, place: Place, value: Expr) {
        let shared = match &place {
            Place::Field(..) => true,
            Place::Var(Var::Binding(b)) => self.pkg.is_captured(*b),
            _ => false,
        };
        if place == Place::Discard {
            return;
        }
        if place == Place::Escape {
            self.escape(value);
            return;
        }
        if matches!(
            value,
            Expr::Unknown | Expr::Bool(_) | Expr::Int(_) | Expr::Named(_)
        ) && self.boring(&place)
        {
            return;
        }
        let value = match &place {
            Place::Field(_, f) if !self.pkg.field_is_read(*f) => unread(value),
            _ => value,
        };
        self.emit(Op::Set {
            place,
            value,
            shared,
            next: PENDING,
        });
    }

    /// A variable that can only hold values the model does not follow
    /// (numbers, strings, errors): assigning unknown values to it is not
    /// worth an op.
    fn boring(&self, place: &Place) -> bool {
        let (Place::Var(Var::Binding(b)) | Place::Decl(Var::Binding(b))) = place else {
            return matches!(place, Place::Var(Var::Temp(_)) | Place::Decl(Var::Temp(_)));
        };
        match &self.pkg.model.binding(*b).ty {
            // Booleans too, unless they carry whether a channel is closed
            // (`stopped = !ok`): following every flag would multiply states
            // for little.
            Type::Basic(n) if &**n == "bool" => !self.pkg.interner.tracked_bool(self.pkg, *b),
            Type::Basic(_) => true,
            // Errors are followed: whether a call of the package returned nil
            // decides which of its caller's paths are taken.
            Type::Named(_) => false,
            Type::Slice(_) | Type::Map(..) | Type::Array(_) => true,
            _ => false,
        }
    }

    /// The arguments' values, in order (calls inside them become ops).
    fn args(&mut self, args: &[NodeId]) -> Vec<Expr> {
        args.iter().map(|&a| self.expr(a)).collect()
    }

    /// What a call does.
    fn shape(&mut self, call: NodeId, want: usize) -> Shape {
        let Node::CallExpr { fun, args, .. } = *self.ast.node(call) else {
            return Shape::Value(Expr::Unknown);
        };
        let model = self.pkg.model;
        let args = self.list(args);
        let callee = model.callee(self.file, call);
        let fun = self.unparen(fun);
        match &callee {
            Callee::Builtin(name) => return self.builtin(call, name, args),
            Callee::Conversion(_) => {
                let v = args.first().map_or(Expr::Unknown, |&a| self.expr(a));
                return Shape::Value(v);
            }
            _ => {}
        }
        if model.never_returns(&callee) {
            self.args(args);
            // t.Fatal and t.Skip end the test's goroutine (runtime.Goexit),
            // not the program: the goroutines it started go on.
            if api::ends_test_goroutine(&callee) {
                return Shape::Exit(ExitKind::Goexit);
            }
            return Shape::Exit(ExitKind::NoReturn);
        }
        if api::test_context(&callee) && self.in_test_function() {
            return self.test_context(call);
        }
        if let Some(f) = api::func(&callee) {
            return self.func_api(call, f, args, want);
        }
        // Methods: the receiver expression and what the method is.
        if let Node::SelectorExpr { x, sel } = *self.ast.node(fun) {
            let is_import = model
                .resolve(self.file, x)
                .is_some_and(|b| matches!(model.binding(b).kind, BindingKind::Import { .. }));
            if !is_import {
                let name = self.text(sel);
                let xt = self.type_of(x);
                if let Some(m) = api::method_call(&callee, &xt, name) {
                    return self.method_api(call, m, &callee, x, &xt, args);
                }
                if matches!(model.lookup_member(&xt, name), Some(Member::Field { .. })) {
                    // A function held in a field (`s.cancel()`, a callback):
                    // the value stored there runs.
                    let v = self.expr(fun);
                    let all = self.args(args);
                    return Shape::Op(call_op(Target::Value(v), all, call));
                }
                let recv = self.expr(x);
                let recv = self.through_embedded(recv, &xt, name);
                let mut all = vec![recv];
                all.extend(self.args(args));
                if let Some(f) = self.pkg.index.target(model, &callee) {
                    return Shape::Op(call_op(Target::Static(f), all, call));
                }
                let target = match &callee {
                    // A method called through an interface: the value's
                    // own type decides at run time.
                    Callee::Method { .. } if self.is_interface(&xt) => Target::Iface(name.into()),
                    // Methods of other packages.
                    Callee::Method { .. } => Target::Dynamic,
                    _ => Target::Method(name.into()),
                };
                return Shape::Op(self.dynamic_call(target, all, call, &callee));
            }
        }
        match &callee {
            Callee::Lit(lit) => {
                let v = self.closure(*lit);
                let all = self.args(args);
                Shape::Op(call_op(Target::Value(v), all, call))
            }
            Callee::Value(b) => {
                let all = self.args(args);
                Shape::Op(call_op(
                    Target::Value(Expr::Var(Var::Binding(*b))),
                    all,
                    call,
                ))
            }
            _ => {
                let all = self.args(args);
                if let Some(f) = self.pkg.index.target(model, &callee) {
                    return Shape::Op(call_op(Target::Static(f), all, call));
                }
                if matches!(callee, Callee::Unknown)
                    && !matches!(self.ast.node(fun), Node::Ident { .. })
                {
                    // A call of a function value held in a field or element.
                    let v = self.expr(fun);
                    return Shape::Op(call_op(Target::Value(v), all, call));
                }
                Shape::Op(self.dynamic_call(Target::Dynamic, all, call, &callee))
            }
        }
    }

    /// A call the model cannot see into: arguments escape unless the
    /// callee is known not to keep them.
    fn dynamic_call(
        &mut self,
        target: Target,
        args: Vec<Expr>,
        call: NodeId,
        callee: &Callee,
    ) -> Op {
        // A function of another package of the module whose facts say what
        // it does with its arguments.
        if matches!(target, Target::Dynamic) {
            let summarised =
                crate::summary::summarised_call(self.pkg, self.file, callee, call, args.len());
            if let Some(f) = summarised {
                return call_op(Target::Static(f), args, call);
            }
        }
        if matches!(target, Target::Dynamic) && !api::retains_arguments(callee) {
            return call_op(Target::Dynamic, Vec::new(), call);
        }
        call_op(target, args, call)
    }

    fn builtin(&mut self, call: NodeId, name: &str, args: &[NodeId]) -> Shape {
        match name {
            "close" => {
                let ch = args.first().map_or(Expr::Unknown, |&a| self.expr(a));
                Shape::Op(Op::Close {
                    ch,
                    at: call,
                    next: PENDING,
                })
            }
            "panic" => {
                self.args(args);
                Shape::Exit(ExitKind::Panic)
            }
            "make" => Shape::Value(self.make(call, args)),
            // The elements of the source end in a slice the model does not
            // follow.
            // The entry is gone, which the model does not follow: what the
            // map holds may be used by anyone.
            "delete" | "clear" => {
                for v in self.args(args) {
                    self.escape(v);
                }
                Shape::Value(Expr::Unknown)
            }
            "copy" => {
                for v in self.args(args) {
                    self.escape(v);
                }
                Shape::Value(Expr::Unknown)
            }
            "new" => {
                let t = args
                    .first()
                    .and_then(|&a| self.pkg.model.type_expr(self.file, a))
                    .unwrap_or_default();
                Shape::Value(self.zero_value(&t, call))
            }
            "recover" => {
                self.args(args);
                Shape::Value(Expr::Recover)
            }
            // `len(s)` of a slice: followed when the model knows the slice.
            "len"
                if args.len() == 1
                    && matches!(
                        self.pkg.model.underlying(&self.type_of(args[0])),
                        Type::Slice(_) | Type::Map(..)
                    ) =>
            {
                let x = self.expr(args[0]);
                Shape::Value(Expr::Len(Box::new(x), None))
            }
            "append" => {
                let spread = matches!(*self.ast.node(call), Node::CallExpr { ellipsis, .. } if ellipsis != goguard_syntax::NO_POS);
                let mut vs = self.args(args).into_iter();
                let base = vs.next().unwrap_or(Expr::Unknown);
                let added: Vec<Expr> = vs.collect();
                // The slice appended to, with the values listed.
                if !spread && base != Expr::Unknown {
                    return Shape::Value(Expr::Append(Box::new(base), added));
                }
                // `append(s, t...)`, or to a slice not followed: the
                // elements of both end where the model does not follow.
                self.escape(base);
                for v in added {
                    self.escape(v);
                }
                Shape::Value(Expr::Unknown)
            }
            _ => {
                self.args(args);
                Shape::Value(Expr::Unknown)
            }
        }
    }

    fn make(&mut self, call: NodeId, args: &[NodeId]) -> Expr {
        let Some(&ty) = args.first() else {
            return Expr::Unknown;
        };
        let is_chan = matches!(
            self.pkg
                .model
                .type_expr(self.file, ty)
                .map(|t| self.pkg.model.underlying(&t)),
            Some(Type::Chan(..))
        ) || matches!(self.ast.node(ty), Node::ChanType { .. });
        let sizes: Vec<Expr> = args[1..].iter().map(|&a| self.expr(a)).collect();
        if !is_chan {
            // `make([]T, 0, n)`: an empty slice, appended to later.
            if matches!(sizes.first(), Some(Expr::Int(0))) && self.is_slice(call) {
                return Expr::Items(Vec::new());
            }
            // `make([]T, n)`: n zero values, stored into by index later.
            if let (Some(len), true) = (sizes.first(), self.is_slice(call)) {
                if !matches!(len, Expr::Unknown) {
                    return Expr::Filled {
                        len: Box::new(len.clone()),
                        zero: Box::new(self.element_zero(call)),
                    };
                }
            }
            if self.is_map(call) {
                return Expr::MapItems(Vec::new());
            }
            return Expr::Unknown;
        }
        let cap = match args.get(1) {
            None => Cap::Const(0),
            Some(&n) => self.capacity(n),
        };
        Expr::MakeChan { cap, at: call }
    }

    /// A count (`wg.Add(n)`): a constant larger than the model's loop
    /// bounds stands for the symbol of that constant, so that `wg.Add(10)`
    /// and `for i := 0; i < 10; i++` agree.
    fn count(&mut self, n: NodeId) -> Expr {
        match self.expr(n) {
            Expr::Int(v) if v > 4 => Expr::Sym(self.pkg.interner.sym(v.to_string())),
            // `wg.Add(len(items))` agrees with `for range items`.
            Expr::Unknown | Expr::Named(_) => {
                match self.keys().key(n).filter(|_| self.is_size(n)) {
                    Some(k) => Expr::Sym(self.pkg.interner.sym(k)),
                    None => Expr::Unknown,
                }
            }
            // The same, unless the model knows the slice's length.
            Expr::Len(x, None) => {
                let sym = self.keys().key(n).map(|k| self.pkg.interner.sym(k));
                Expr::Len(x, sym)
            }
            e => e,
        }
    }

    /// A plain size: `n`, `s.n`, `len(items)`, `cap(items)`.
    fn is_size(&self, n: NodeId) -> bool {
        match *self.ast.node(self.unparen(n)) {
            Node::Ident { .. } | Node::SelectorExpr { .. } => true,
            Node::CallExpr { .. } => {
                let c = self.pkg.model.callee(self.file, self.unparen(n));
                c.is_builtin("len") || c.is_builtin("cap")
            }
            _ => false,
        }
    }

    fn capacity(&mut self, n: NodeId) -> Cap {
        let n = self.unparen(n);
        let literal = match *self.ast.node(n) {
            Node::BasicLit { kind: Tok::Int, .. } => self.text(n).parse::<i64>().ok(),
            Node::Ident { .. } => self
                .pkg
                .model
                .resolve(self.file, n)
                .filter(|&b| self.pkg.model.binding(b).kind == BindingKind::Const)
                .and_then(|b| self.keys().const_value(b)),
            _ => None,
        };
        if let Some(v) = literal {
            return if (0..=MAX_CAP).contains(&v) {
                Cap::Const(v as u8)
            } else {
                // Agrees with loops of as many iterations.
                Cap::LargeConst(self.pkg.interner.sym(v.to_string()))
            };
        }
        // Only a plain size (`n`, `s.n`, `len(items)`) can be a loop bound
        // too; anything computed is too large or unknown.
        let simple = self.is_size(n);
        let sym = self
            .keys()
            .key(n)
            .filter(|_| simple)
            .map(|k| self.pkg.interner.sym(k));
        match self.expr(n) {
            Expr::Unknown | Expr::Named(_) => sym.map_or(Cap::Unknown, Cap::Sym),
            e => Cap::Value(Box::new(e), sym),
        }
    }

    fn func_api(&mut self, call: NodeId, f: FuncApi, args: &[NodeId], want: usize) -> Shape {
        match f {
            FuncApi::Background => {
                self.args(args);
                Shape::Value(Expr::Background)
            }
            FuncApi::WithCancel => {
                let parent = args.first().map_or(Expr::Unknown, |&a| self.expr(a));
                let t = self.temp();
                self.emit(Op::Set {
                    place: Place::Decl(t),
                    value: Expr::NewCancelCtx {
                        parent: Box::new(parent),
                        at: call,
                    },
                    shared: false,
                    next: PENDING,
                });
                Shape::Results(vec![Expr::Var(t), Expr::CancelOf(Box::new(Expr::Var(t)))])
            }
            FuncApi::WithTimeout => {
                self.args(args);
                Shape::Results(vec![Expr::Unknown; want.max(2)])
            }
            FuncApi::WithValue => {
                let vs = self.args(args);
                let mut vs = vs.into_iter();
                let parent = vs.next().unwrap_or(Expr::Unknown);
                for v in vs {
                    self.escape(v);
                }
                Shape::Value(parent)
            }
            FuncApi::NewCond => {
                let l = args.first().map_or(Expr::Unknown, |&a| self.expr(a));
                Shape::Value(Expr::NewCond(Box::new(l), call))
            }
            FuncApi::ErrgroupWithContext => {
                self.args(args);
                Shape::Results(vec![Expr::NewSync(SyncKind::ErrGroup, call), Expr::Unknown])
            }
            FuncApi::AfterFunc => {
                let vs = self.args(args);
                let f = vs.get(1).cloned().unwrap_or(Expr::Unknown);
                self.emit(Op::Go {
                    call: call_op_call(Target::Value(f), Vec::new(), call),
                    next: PENDING,
                });
                Shape::Value(Expr::Unknown)
            }
            FuncApi::Goexit => Shape::Exit(ExitKind::Goexit),
            FuncApi::Atomic(op) => self.atomic(op, args),
            FuncApi::NewError => {
                self.args(args);
                Shape::Value(Expr::NonNil)
            }
            FuncApi::Notify => {
                let vs = self.args(args);
                for v in vs {
                    self.escape(v);
                }
                Shape::Value(Expr::Unknown)
            }
            FuncApi::ReadsUntilDone => {
                // `r.Read(buf)` through the interface, then again any
                // number of times: how many reads it takes is a guess.
                let vs = self.args(args);
                let reader = vs.first().cloned().unwrap_or(Expr::Unknown);
                for v in vs.into_iter().skip(1) {
                    self.escape(v);
                }
                let read = self.emit(call_op(
                    Target::Iface("Read".into()),
                    vec![reader, Expr::Unknown],
                    call,
                ));
                let again = self.emit(Op::Branch {
                    cond: Cond::Nondet,
                    then: read,
                    els: PENDING,
                    counting: true,
                    reads: Vec::new(),
                });
                self.open.push(super::Slot {
                    pc: again,
                    index: 1,
                });
                Shape::Results(vec![Expr::Unknown; want.max(1)])
            }
        }
    }

    /// A method of a library type the model knows.
    fn method_api(
        &mut self,
        call: NodeId,
        m: MethodApi,
        callee: &Callee,
        x: NodeId,
        xt: &Type,
        args: &[NodeId],
    ) -> Shape {
        // An embedded sync field named after its type: `s.Lock()` locks s.Mutex.
        let recv = self.expr(x);
        let target = match callee.recv() {
            Some(r) if xt.named_ref() != Some(r) && !xt.is_unknown() && &*r.pkg == "sync" => {
                let iface = matches!(&*r.name, "Locker");
                if iface {
                    recv
                } else {
                    Expr::Field(Box::new(recv), self.pkg.interner.field(&r.name))
                }
            }
            _ => recv,
        };
        match m {
            MethodApi::Sync(op) => {
                let arg = match args.first() {
                    Some(&a) => self.count(a),
                    None => Expr::Unknown,
                };
                Shape::Op(Op::Sync {
                    op,
                    target,
                    arg,
                    at: call,
                    next: PENDING,
                })
            }
            MethodApi::OnceDo => {
                let f = args.first().map_or(Expr::Unknown, |&a| self.expr(a));
                Shape::Op(Op::OnceDo {
                    once: target,
                    f,
                    at: call,
                    next: PENDING,
                })
            }
            MethodApi::GroupGo => {
                let f = args.first().map_or(Expr::Unknown, |&a| self.expr(a));
                Shape::Op(Op::GroupGo {
                    group: target,
                    f,
                    at: call,
                    next: PENDING,
                })
            }
            MethodApi::CtxDone => Shape::Value(Expr::CtxDone(Box::new(target))),
        }
    }

    /// An expression statement.
    pub(super) fn expr_stmt(&mut self, x: NodeId) {
        let x = self.unparen(x);
        match *self.ast.node(x) {
            Node::CallExpr { .. } => self.call(x, Vec::new()),
            _ => {
                self.expr(x);
            }
        }
    }

    /// The place an assignment's left side names.
    pub(super) fn place(&mut self, lhs: NodeId, define: bool) -> Place {
        let lhs = self.unparen(lhs);
        let model = self.pkg.model;
        match *self.ast.node(lhs) {
            Node::Ident { .. } => {
                if self.text(lhs) == "_" {
                    return Place::Discard;
                }
                let Some(b) = model.resolve(self.file, lhs) else {
                    return Place::Discard;
                };
                let binding = model.binding(b);
                if binding.scope.is_none() {
                    return Place::Escape;
                }
                let declares = define
                    && binding
                        .decl
                        .is_some_and(|(f, n)| f == self.file && n == lhs);
                if declares {
                    Place::Decl(Var::Binding(b))
                } else {
                    Place::Var(Var::Binding(b))
                }
            }
            Node::SelectorExpr { x, sel } => {
                let is_import = model
                    .resolve(self.file, x)
                    .is_some_and(|b| matches!(model.binding(b).kind, BindingKind::Import { .. }));
                if is_import {
                    return Place::Escape;
                }
                let xv = self.expr(x);
                let name = self.text(sel);
                let xv = self.through_embedded(xv, &self.type_of(x), name);
                Place::Field(xv, self.pkg.interner.field(name))
            }
            Node::IndexExpr { x, index, .. } => {
                let xv = self.expr(x);
                let iv = self.expr(index);
                // A map keeps its key too (`stops[ch] = struct{}{}`): code
                // ranging over the map later reaches it.
                if self.is_slice(x) || self.is_map(x) {
                    return Place::Index(Box::new(xv), Box::new(iv));
                }
                self.escape(iv);
                Place::Escape
            }
            Node::StarExpr { x, .. } => {
                self.expr(x);
                Place::Escape
            }
            _ => Place::Escape,
        }
    }

    pub(super) fn assign(
        &mut self,
        _s: NodeId,
        lhs: goguard_syntax::List,
        tok: Tok,
        rhs: goguard_syntax::List,
    ) {
        let lhs = self.list(lhs);
        let rhs = self.list(rhs);
        let define = tok == Tok::Define;
        if !matches!(tok, Tok::Define | Tok::Assign) {
            // `x += n`: a new value for a followed integer, unknown otherwise.
            let by = match (tok, rhs) {
                (Tok::AddAssign | Tok::SubAssign, &[r]) => match self.expr(r) {
                    Expr::Int(n) => Some(if tok == Tok::AddAssign { n } else { -n }),
                    _ => None,
                },
                _ => {
                    for &e in rhs {
                        self.expr(e);
                    }
                    None
                }
            };
            if let Some(&l) = lhs.first() {
                self.increment(l, by);
            }
            return;
        }
        if lhs.len() == rhs.len() {
            let values: Vec<Expr> = rhs.iter().map(|&r| self.expr(r)).collect();
            for (&l, v) in lhs.iter().zip(values) {
                let p = self.place(l, define);
                self.set(p, v);
            }
            return;
        }
        let Some(&r) = rhs.first() else {
            return;
        };
        let r = self.unparen(r);
        match *self.ast.node(r) {
            Node::UnaryExpr {
                op: Tok::Arrow, x, ..
            } => {
                let ch = self.expr(x);
                let dst = self.place(lhs[0], define);
                let ok = lhs
                    .get(1)
                    .map_or(Place::Discard, |&o| self.place(o, define));
                self.emit(Op::Recv {
                    ch,
                    dst,
                    ok,
                    at: r,
                    next: PENDING,
                });
            }
            Node::CallExpr { .. } => {
                let places: Vec<Place> = lhs.iter().map(|&l| self.place(l, define)).collect();
                self.call(r, places);
            }
            // `v, ok := m[k]`: the value when the model follows the map.
            Node::IndexExpr { x, index, .. } if self.is_map(x) => {
                let m = self.expr(x);
                let k = self.expr(index);
                let v = Expr::Index(Box::new(m.clone()), Box::new(k.clone()));
                let p = self.place(lhs[0], define);
                self.set(p, v);
                if let Some(&o) = lhs.get(1) {
                    let p = self.place(o, define);
                    self.set(p, Expr::HasKey(Box::new(m), Box::new(k)));
                }
            }
            Node::TypeAssertExpr { x, .. } => {
                let v = self.expr(x);
                let p = self.place(lhs[0], define);
                self.set(p, v);
                if let Some(&o) = lhs.get(1) {
                    let p = self.place(o, define);
                    self.set(p, Expr::Unknown);
                }
            }
            _ => {
                self.expr(r);
                for &l in lhs {
                    let p = self.place(l, define);
                    self.set(p, Expr::Unknown);
                }
            }
        }
    }

    /// A `var` declaration inside a function.
    pub(super) fn decl(&mut self, decl: NodeId) {
        let Node::GenDecl {
            tok: Tok::Var,
            specs,
            ..
        } = *self.ast.node(decl)
        else {
            return;
        };
        for &spec in self.list(specs) {
            let Node::ValueSpec { names, values, .. } = *self.ast.node(spec) else {
                continue;
            };
            let names = self.list(names);
            let values = self.list(values);
            if values.is_empty() {
                for &n in names {
                    if let Some(b) = self.pkg.model.resolve(self.file, n) {
                        let t = self.pkg.model.binding(b).ty.clone();
                        let zero = self.zero_value(&t, spec);
                        self.set(Place::Decl(Var::Binding(b)), zero);
                    }
                }
            } else if values.len() == names.len() {
                let vs: Vec<Expr> = values.iter().map(|&v| self.expr(v)).collect();
                for (&n, v) in names.iter().zip(vs) {
                    let p = self.place(n, true);
                    self.set(p, v);
                }
            } else if let Some(&v) = values.first() {
                let v = self.unparen(v);
                let places: Vec<Place> = names.iter().map(|&n| self.place(n, true)).collect();
                match *self.ast.node(v) {
                    Node::CallExpr { .. } => self.call(v, places),
                    Node::UnaryExpr {
                        op: Tok::Arrow, x, ..
                    } => {
                        let ch = self.expr(x);
                        let mut places = places.into_iter();
                        let dst = places.next().unwrap_or(Place::Discard);
                        let ok = places.next().unwrap_or(Place::Discard);
                        self.emit(Op::Recv {
                            ch,
                            dst,
                            ok,
                            at: v,
                            next: PENDING,
                        });
                    }
                    _ => {
                        self.expr(v);
                    }
                }
            }
        }
    }

    /// `go f(x)`: the callee and arguments are evaluated here.
    pub(super) fn go_stmt(&mut self, _s: NodeId, call: NodeId) {
        let call = self.unparen(call);
        match self.shape(call, 0) {
            Shape::Op(Op::Call { call: c, .. }) => {
                self.emit(Op::Go {
                    call: c,
                    next: PENDING,
                });
            }
            // `go close(ch)`, `go wg.Wait()`: an operation run by a new
            // goroutine; modelled as a goroutine running it.
            Shape::Op(op) => {
                let _ = op;
                self.emit(Op::Go {
                    call: call_op_call(Target::Dynamic, Vec::new(), call),
                    next: PENDING,
                });
            }
            _ => {}
        }
    }

    /// `defer f(x)`: the arguments are evaluated here, the call runs when
    /// the function returns.
    pub(super) fn defer_stmt(&mut self, _s: NodeId, call: NodeId) {
        let call = self.unparen(call);
        let action = match self.shape(call, 0) {
            Shape::Op(Op::Close { ch, at, .. }) => Deferred::Close { ch, at },
            Shape::Op(Op::Sync { op, target, at, .. }) => Deferred::Sync { op, target, at },
            Shape::Op(Op::Call { call: c, .. }) => {
                if self.recovers(&c) {
                    Deferred::Recover(c)
                } else {
                    Deferred::Call(c)
                }
            }
            Shape::Op(other) => {
                // Other known operations deferred (rare): run them now is
                // wrong, dropping them is silent; keep them as unknown calls.
                let _ = other;
                return;
            }
            _ => return,
        };
        self.emit(Op::Defer {
            action,
            next: PENDING,
        });
    }

    /// A deferred call of a function literal that calls `recover()`.
    fn recovers(&self, c: &Call) -> bool {
        let Target::Value(Expr::Closure { func, .. }) = &c.target else {
            return false;
        };
        let f = &self.pkg.model.files()[func.file()];
        let ast = f.parsed.ast();
        ast.walk(func.node).any(|n| {
            matches!(ast.node(n), Node::CallExpr { .. })
                && self.pkg.model.callee(func.file(), n).is_builtin("recover")
        })
    }

    /// A select case's communication.
    pub(super) fn comm_case(&mut self, comm: NodeId) -> Option<CaseKind> {
        match *self.ast.node(comm) {
            Node::SendStmt { chan, value, .. } => {
                let ch = self.expr(chan);
                let value = self.expr(value);
                Some(CaseKind::Send { ch, value })
            }
            Node::ExprStmt { x } => match *self.ast.node(self.unparen(x)) {
                Node::UnaryExpr {
                    op: Tok::Arrow, x, ..
                } => Some(CaseKind::Recv {
                    ch: self.expr(x),
                    dst: Place::Discard,
                    ok: Place::Discard,
                }),
                _ => None,
            },
            Node::AssignStmt { lhs, tok, rhs, .. } => {
                let rhs = self.list(rhs);
                let &r = rhs.first()?;
                let Node::UnaryExpr {
                    op: Tok::Arrow, x, ..
                } = *self.ast.node(self.unparen(r))
                else {
                    return None;
                };
                let ch = self.expr(x);
                let lhs = self.list(lhs);
                let define = tok == Tok::Define;
                let dst = lhs
                    .first()
                    .map_or(Place::Discard, |&l| self.place(l, define));
                let ok = lhs
                    .get(1)
                    .map_or(Place::Discard, |&l| self.place(l, define));
                Some(CaseKind::Recv { ch, dst, ok })
            }
            _ => None,
        }
    }

    /// `atomic.LoadUint32(&x.f)`, `atomic.StoreInt32(&x.f, v)`, ...: a read
    /// or a write of the variable or field pointed to, as the same code
    /// without atomics (conversions of the pointer, `(*uint32)(&x.f)`, are
    /// looked through). A pointer the model cannot name is a value it does
    /// not follow.
    fn atomic(&mut self, op: AtomicOp, args: &[NodeId]) -> Shape {
        let target = args.first().and_then(|&p| self.pointee(p));
        let Some(target) = target else {
            self.args(args);
            return Shape::Value(Expr::Unknown);
        };
        match op {
            AtomicOp::Load => Shape::Value(self.expr(target)),
            AtomicOp::Store => {
                let v = args.get(1).map_or(Expr::Unknown, |&a| self.expr(a));
                let place = self.place(target, false);
                self.set(place, v);
                Shape::Value(Expr::Unknown)
            }
            AtomicOp::Add => {
                let by = match args.get(1).map(|&a| self.expr(a)) {
                    Some(Expr::Int(n)) => Some(n),
                    _ => None,
                };
                self.increment(target, by);
                Shape::Value(self.expr(target))
            }
            AtomicOp::Change => {
                self.args(&args[1..]);
                let place = self.place(target, false);
                self.set(place, Expr::Unknown);
                Shape::Value(Expr::Unknown)
            }
        }
    }

    /// The variable or field `&x.f` points to, through conversions of the
    /// pointer (`(*uint32)(&x.f)`).
    fn pointee(&self, p: NodeId) -> Option<NodeId> {
        let mut e = self.unparen(p);
        for _ in 0..MAX_EMBED_DEPTH {
            match *self.ast.node(e) {
                Node::CallExpr { args, .. }
                    if matches!(self.pkg.model.callee(self.file, e), Callee::Conversion(_))
                        && self.ast.list(args).len() == 1 =>
                {
                    e = self.unparen(self.ast.list(args)[0]);
                }
                Node::UnaryExpr {
                    op: Tok::And, x, ..
                } => {
                    let x = self.unparen(x);
                    return matches!(
                        self.ast.node(x),
                        Node::SelectorExpr { .. } | Node::Ident { .. }
                    )
                    .then_some(x);
                }
                _ => return None,
            }
        }
        None
    }

    /// True for a comparison of a pseudo-random draw with a constant
    /// (`rand.Intn(2) == 0`, `rand.Float64() < 0.5`) or its negation: it
    /// goes either way in a run, independently of anything else, so the
    /// branch is an exact choice rather than a guess on data the model
    /// does not follow.
    pub(super) fn random_cond(&self, e: NodeId) -> bool {
        let e = self.unparen(e);
        match *self.ast.node(e) {
            Node::UnaryExpr {
                op: Tok::Not, x, ..
            } => self.random_cond(x),
            Node::BinaryExpr {
                x,
                op: Tok::Eql | Tok::Neq | Tok::Lss | Tok::Leq | Tok::Gtr | Tok::Geq,
                y,
                ..
            } => {
                (self.random_draw(x) && self.constant(y))
                    || (self.constant(x) && self.random_draw(y))
            }
            _ => false,
        }
    }

    /// A call drawing a pseudo-random number from constant arguments.
    fn random_draw(&self, e: NodeId) -> bool {
        let e = self.unparen(e);
        let Node::CallExpr { args, .. } = *self.ast.node(e) else {
            return false;
        };
        let args = self.list(args);
        api::draws_random(&self.pkg.model.callee(self.file, e))
            && args.iter().all(|&a| self.constant(a))
    }

    fn constant(&self, e: NodeId) -> bool {
        let e = self.unparen(e);
        match self.ast.node(e) {
            Node::BasicLit { .. } => true,
            Node::Ident { .. } => self
                .pkg
                .model
                .resolve(self.file, e)
                .is_some_and(|b| self.pkg.model.binding(b).kind == BindingKind::Const),
            _ => false,
        }
    }

    /// A condition.
    pub(super) fn cond(&mut self, e: NodeId) -> Cond {
        self.cond_depth(e, 0)
    }

    fn cond_depth(&mut self, e: NodeId, depth: u32) -> Cond {
        if depth > MAX_EXPR_DEPTH {
            return Cond::Nondet;
        }
        let d = depth + 1;
        let e = self.unparen(e);
        match *self.ast.node(e) {
            Node::UnaryExpr {
                op: Tok::Not, x, ..
            } => Cond::Not(Box::new(self.cond_depth(x, d))),
            Node::BinaryExpr {
                x,
                op: Tok::Land,
                y,
                ..
            } => Cond::And(
                Box::new(self.cond_depth(x, d)),
                Box::new(self.cond_depth(y, d)),
            ),
            Node::BinaryExpr {
                x, op: Tok::Lor, y, ..
            } => Cond::Or(
                Box::new(self.cond_depth(x, d)),
                Box::new(self.cond_depth(y, d)),
            ),
            Node::BinaryExpr { x, op, y, .. } if matches!(op, Tok::Eql | Tok::Neq) => {
                let nil_x = self.is_nil(x);
                let nil_y = self.is_nil(y);
                if nil_x || nil_y {
                    let other = if nil_x { y } else { x };
                    let pred = self.keys().pred(e);
                    let expr = self.expr(other);
                    let c = Cond::IsNil { expr, pred };
                    return if op == Tok::Eql {
                        c
                    } else {
                        Cond::Not(Box::new(c))
                    };
                }
                self.plain_cond(e)
            }
            Node::Ident { .. } => {
                if let Expr::Bool(b) = self.ident(e) {
                    return Cond::Const(b);
                }
                let pred = self.keys().pred(e);
                let expr = self.ident(e);
                Cond::Value { expr, pred }
            }
            _ => self.plain_cond(e),
        }
    }

    /// `x++`, `x--`, `x += n`: a field (or a followed variable) gets its
    /// new value when it is a small integer the model follows.
    pub(super) fn increment(&mut self, x: NodeId, by: Option<i64>) {
        let place = self.place(x, false);
        let Some(n) = by else {
            self.set(place, Expr::Unknown);
            return;
        };
        let current = match &place {
            Place::Field(base, f) => Expr::Field(Box::new(base.clone()), *f),
            Place::Var(v) => Expr::Var(*v),
            _ => return,
        };
        self.set(place, Expr::Add(Box::new(current), n));
    }

    /// Any other condition: its effects, then a stable predicate, a value
    /// the model may follow (the result of a call), or either way.
    fn plain_cond(&mut self, e: NodeId) -> Cond {
        if let Node::BinaryExpr { x, op, y, .. } = *self.ast.node(e) {
            let cmp = match op {
                Tok::Eql => Some(CmpOp::Eq),
                Tok::Neq => Some(CmpOp::Ne),
                Tok::Lss => Some(CmpOp::Lt),
                Tok::Leq => Some(CmpOp::Le),
                Tok::Gtr => Some(CmpOp::Gt),
                Tok::Geq => Some(CmpOp::Ge),
                _ => None,
            };
            if let Some(op) = cmp {
                let pred = self.keys().pred(e);
                let a = self.expr(x);
                let b = self.expr(y);
                if a != Expr::Unknown && b != Expr::Unknown {
                    return Cond::Cmp { op, a, b, pred };
                }
                return match pred {
                    Some(p) => Cond::Pred(p),
                    None => Cond::Nondet,
                };
            }
        }
        let pred = self.keys().pred(e);
        let v = self.expr(e);
        match (pred, v) {
            (Some(p), _) => Cond::Pred(p),
            (None, v @ Expr::Var(_)) => Cond::Value {
                expr: v,
                pred: None,
            },
            (None, Expr::Bool(b)) => Cond::Const(b),
            // A field only ever set to `true` or `false`: a flag the model
            // follows (`if !s.closed { s.closed = true; close(s.ch) }`).
            (None, v @ Expr::Field(_, f)) if self.pkg.field_is_flag(f) => Cond::Value {
                expr: v,
                pred: None,
            },
            _ => Cond::Nondet,
        }
    }

    fn is_nil(&self, e: NodeId) -> bool {
        let e = self.unparen(e);
        matches!(self.ast.node(e), Node::Ident { .. })
            && self.text(e) == "nil"
            && self
                .pkg
                .model
                .resolve(self.file, e)
                .is_some_and(|b| self.pkg.model.binding(b).kind == BindingKind::Builtin)
    }

    /// `for i := 0; i < n; i++` with `n` stable and `i` written only by
    /// the post statement: a loop of `n` iterations.
    pub(super) fn counted_for(
        &self,
        init: Option<NodeId>,
        cond: Option<NodeId>,
        post: Option<NodeId>,
        body: NodeId,
    ) -> Option<(SymId, NodeId)> {
        let model = self.pkg.model;
        let Node::AssignStmt {
            lhs,
            tok: Tok::Define,
            rhs,
            ..
        } = *self.ast.node(init?)
        else {
            return None;
        };
        let (&[i], &[zero]) = (self.list(lhs), self.list(rhs)) else {
            return None;
        };
        if self.text(zero) != "0" {
            return None;
        }
        let ib = model.resolve(self.file, i)?;
        let Node::BinaryExpr {
            x, op: Tok::Lss, y, ..
        } = *self.ast.node(self.unparen(cond?))
        else {
            return None;
        };
        if model.resolve(self.file, self.unparen(x)) != Some(ib) {
            return None;
        }
        let Node::IncDecStmt {
            x: px,
            tok: Tok::Inc,
            ..
        } = *self.ast.node(post?)
        else {
            return None;
        };
        if model.resolve(self.file, self.unparen(px)) != Some(ib) {
            return None;
        }
        // `i` written in the body: not a plain count.
        let written = self.ast.walk(body).any(|n| match *self.ast.node(n) {
            Node::AssignStmt { lhs, .. } => self
                .list(lhs)
                .iter()
                .any(|&l| model.resolve(self.file, self.unparen(l)) == Some(ib)),
            Node::IncDecStmt { x, .. } => model.resolve(self.file, self.unparen(x)) == Some(ib),
            _ => false,
        });
        if written {
            return None;
        }
        let key = self.keys().key(y)?;
        Some((self.pkg.interner.sym(key), y))
    }

    /// What a range statement ranges over.
    pub(super) fn range_kind(&self, x: NodeId) -> RangeKind {
        let model = self.pkg.model;
        let t = model.underlying(&self.type_of(x));
        let t = match t {
            Type::Pointer(p) => model.underlying(&p),
            t => t,
        };
        let counted = |this: &Self| {
            let sym = match this.keys().key(x) {
                Some(k) => this.pkg.interner.sym(k),
                None => this.pkg.interner.fresh_sym(),
            };
            RangeKind::Counted(sym)
        };
        match t {
            Type::Chan(dir, _) if dir != ChanDir::Send => RangeKind::Chan,
            Type::Slice(_) | Type::Array(_) | Type::Map(..) => counted(self),
            Type::Basic(ref n) if &**n != "bool" => counted(self),
            _ => RangeKind::Other,
        }
    }

    /// The number of results of a call.
    pub(super) fn result_count(&self, call: NodeId) -> usize {
        match self.type_of(call) {
            Type::Tuple(items) => items.len(),
            _ => 1,
        }
    }
}

fn call_op_call(target: Target, args: Vec<Expr>, at: NodeId) -> Call {
    Call {
        target,
        args,
        results: Vec::new(),
        at,
    }
}

fn call_op(target: Target, args: Vec<Expr>, at: NodeId) -> Op {
    Op::Call {
        call: call_op_call(target, args, at),
        next: PENDING,
    }
}

/// Sets where a call's results go.
fn with_results(op: Op, places: Vec<Place>) -> Op {
    match op {
        Op::Call { mut call, next } => {
            call.results = places;
            Op::Call { call, next }
        }
        Op::Recv {
            ch, at, next, ok, ..
        } => Op::Recv {
            ch,
            dst: places.into_iter().next().unwrap_or(Place::Discard),
            ok,
            at,
            next,
        },
        other => other,
    }
}

/// True for `sync.Cond` and `*sync.Cond`.
fn is_sync_cond(t: &Type) -> bool {
    match t {
        Type::Pointer(inner) => inner.is_named("sync", "Cond"),
        _ => t.is_named("sync", "Cond"),
    }
}

/// What a field no code of the package reads holds: plain values are
/// forgotten, references kept (see `Pkg::field_is_read`).
fn unread(v: Expr) -> Expr {
    match v {
        Expr::Unknown | Expr::Nil | Expr::Bool(_) | Expr::Int(_) | Expr::NonNil => Expr::Unknown,
        v => Expr::Unread(Box::new(v)),
    }
}
