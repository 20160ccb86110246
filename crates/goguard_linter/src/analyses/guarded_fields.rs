//! Guarded fields: for each field of a package struct that holds a
//! `sync.Mutex`/`sync.RWMutex`, the mutex that guards it, inferred from
//! where the package's functions access it (most accesses and the writes
//! made holding `x.mu` for a field `x.f`) and from how the struct is
//! declared (a field in the group after `mu sync.Mutex // protects the
//! following`, or documented "guarded by mu"). The accesses that break the
//! inferred discipline are the findings of SY011; the fields and package
//! variables that `sync/atomic` functions are given (`atomic.AddInt64(&s.n,
//! 1)`) and that are also read or written plainly are those of SY009.
//!
//! What does not count as an access: test files; code that builds the value
//! before publishing it (a local made by a composite literal or `new`, and
//! `New*`/`init` functions, before their first `go` statement); functions
//! run by `sync.Once`; methods that run with the receiver's mutex held by
//! their callers (named `...Locked`, documented so, or every call of them
//! in the package made holding it). Fields whose type synchronises itself
//! (channels, `sync` and `sync/atomic` types) are not considered.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use goguard_semantic::model::{BindingKind, Callee, FileIdx};
use goguard_syntax::{Node, NodeId, Tok};

use crate::engine::{Analysis, AnalysisId, Context, Counters, PackageScope};

use super::expr::{normalized_text, outer_paren, place_of, unparen, Place};
use super::held_locks::{held_locks, HeldLocks, LockHelpers};
use super::lock_facts::Site;

/// How many functions must access a field holding its mutex (one write
/// among them) before the mutex is taken to guard it, from accesses alone.
const OBSERVED_MIN: usize = 3;
/// The same when the struct's layout groups the field after the mutex.
const GROUPED_MIN: usize = 2;
/// For unlocked reads (not after an unlock of the same mutex): functions
/// accessing the field holding the mutex, at least, and at least this
/// many times the functions reading it without.
const READ_MIN: usize = 5;
const READ_RATIO: usize = 4;

/// One field of a package struct.
#[derive(Debug, Clone)]
struct FieldInfo {
    name: String,
    decl: Site,
    /// A `sync.Mutex` or `sync.RWMutex` (or a pointer to one).
    mutex: bool,
    /// Embedded, so `x.Lock()` locks it.
    embedded: bool,
    /// Its type synchronises itself: a channel, a sync or sync/atomic type.
    synchronised: bool,
    /// A map or a slice: returning it hands out shared storage.
    container: bool,
    /// The mutex field the declaration says guards it (comment evidence).
    declared: Option<usize>,
    /// The mutex field whose group (no blank line) it follows.
    grouped: Option<usize>,
}

#[derive(Debug, Default)]
struct StructInfo {
    fields: Vec<FieldInfo>,
}

impl StructInfo {
    fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    fn mutexes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.fields.len()).filter(|&i| self.fields[i].mutex)
    }

    /// The text of mutex field `m` reached from `base`.
    fn guard_key(&self, base: &str, m: usize) -> String {
        if self.fields[m].embedded {
            base.to_string()
        } else {
            format!("{base}.{}", self.fields[m].name)
        }
    }
}

/// What is wrong with an access to a guarded field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misuse {
    Write,
    Read,
    /// Read after this `Unlock` of the guard, in the same function.
    ReadAfterUnlock(NodeId),
    /// A map or slice returned while the guard is held: the caller uses it
    /// after the unlock.
    Returned,
}

/// An access to a field without the mutex that guards it.
#[derive(Debug, Clone)]
pub struct Unguarded {
    pub site: Site,
    pub misuse: Misuse,
    /// The field as written (`s.items`).
    pub text: String,
    /// The guard as reached from the same value (`s.mu`).
    pub guard: String,
    /// An access of the field made holding the guard.
    pub guarded_at: Site,
    /// How many functions access the field holding it.
    pub guarded_funcs: usize,
    /// The declaration says so (a comment).
    pub declared: bool,
    /// The field's declaration.
    pub field_decl: Site,
}

/// A plain access to something `sync/atomic` functions are also given.
#[derive(Debug, Clone)]
pub struct MixedAtomic {
    pub site: Site,
    pub text: String,
    pub write: bool,
    /// One of the atomic calls.
    pub atomic: Site,
}

/// The findings of the guarded-field and atomic-access inference.
#[derive(Debug, Default)]
pub struct FieldFindings {
    pub unguarded: Vec<Unguarded>,
    pub mixed: Vec<MixedAtomic>,
}

/// See the module documentation.
pub struct GuardedFields;

impl Analysis for GuardedFields {
    type Output = FieldFindings;
    const ID: AnalysisId = AnalysisId("guarded-fields");

    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> FieldFindings {
        let out = infer(pkg, counters);
        counters.add("unguarded accesses", out.unguarded.len() as u64);
        counters.add("mixed atomic accesses", out.mixed.len() as u64);
        out
    }
}

/// What an access is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccessKind {
    Read,
    /// The field is given a new value.
    Write,
    /// Its map or slice storage is written (`x.m[k] = v`, `delete`, `append`).
    InPlace,
    /// `&x.f` given to a sync/atomic function that changes it.
    Atomic,
    /// `&x.f` given to a sync/atomic `Load` function.
    AtomicLoad,
    /// `&x.f` given elsewhere: could be anything.
    Address,
}

/// One access of a field of a package struct.
#[derive(Debug, Clone)]
struct Access {
    site: Site,
    ty: String,
    field: usize,
    kind: AccessKind,
    base: String,
    /// The outermost function declaration around it.
    top: NodeId,
    /// Mutex fields of the struct held on every path / on some path.
    held: Vec<usize>,
    may_held: Vec<usize>,
    /// An unlock of a mutex field of the same value that reaches it.
    released: Option<(usize, NodeId)>,
    returned: bool,
    exempt: bool,
    /// The method it is in (its declaration's receiver type and name).
    method: Option<(String, String)>,
    /// Made through that method's receiver.
    on_receiver: bool,
    /// After a `WaitGroup.Wait` of the same function: the goroutines it
    /// started and waited for are done.
    joined: bool,
    /// Reached from a local variable of the function (not a parameter).
    local_base: bool,
}

/// A call of a package method on a struct value, and which of its mutex
/// fields the caller holds.
#[derive(Debug, Clone)]
struct MethodCall {
    method: (String, String),
    held: Vec<usize>,
    /// Made while the value is built (see [`made_here`]).
    built: bool,
    /// The method making the call, when it calls through its receiver.
    from_receiver_of: Option<(String, String)>,
}

/// What one function declaration gives.
#[derive(Debug, Default)]
struct FuncResult {
    accesses: Vec<Access>,
    calls: Vec<MethodCall>,
    /// Methods used as values (their callers are not all seen).
    escaped: Vec<(String, String)>,
}

fn infer(pkg: &PackageScope<'_>, counters: &mut Counters) -> FieldFindings {
    let structs = struct_table(pkg);
    if structs.is_empty() {
        return FieldFindings::default();
    }
    let atomic_targets = atomic_globals(pkg);
    let guarded_types = structs.values().any(|s| s.fields.iter().any(|f| f.mutex));
    let atomic_pkg = uses_atomic(pkg);
    if !guarded_types && !atomic_pkg {
        return FieldFindings::default();
    }
    let helpers = lock_helpers(pkg);
    // Function declarations of non-test files, with the mutex fields their
    // receiver holds on entry according to names and documentation.
    let mut funcs: Vec<(FileIdx, NodeId)> = Vec::new();
    for (fi, file) in pkg.model.files().iter().enumerate() {
        if file.is_test {
            continue;
        }
        let ast = file.parsed.ast();
        let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
            continue;
        };
        for &d in ast.list(decls) {
            if matches!(ast.node(d), Node::FuncDecl { body: Some(_), .. }) {
                funcs.push((fi, d));
            }
        }
    }
    let mut entry: HashMap<(FileIdx, NodeId), Vec<usize>> = HashMap::new();
    for &(fi, d) in &funcs {
        let held = pkg.with_file(fi, |cx| documented_held(cx, d, &structs));
        if !held.is_empty() {
            entry.insert((fi, d), held);
        }
    }
    let mut results: BTreeMap<(FileIdx, NodeId), FuncResult> = BTreeMap::new();
    for &(fi, d) in &funcs {
        let r = pkg.with_file(fi, |cx| {
            scan_function(cx, d, &structs, &helpers, entry.get(&(fi, d)), atomic_pkg)
        });
        results.insert((fi, d), r);
    }
    // Methods every package call of which holds a mutex of the receiver:
    // a few rounds, for a locked method that calls another.
    let built_only = called_only_while_built(&results);
    for _ in 0..4 {
        let callers = held_by_callers(&results, &built_only);
        let mut changed = Vec::new();
        for &(fi, d) in &funcs {
            let Some(key) = pkg.with_file(fi, |cx| method_key(cx, d)) else {
                continue;
            };
            let Some(held) = callers.get(&key) else {
                continue;
            };
            let known = entry.entry((fi, d)).or_default();
            let before = known.len();
            for &m in held {
                if !known.contains(&m) {
                    known.push(m);
                }
            }
            if known.len() != before {
                changed.push((fi, d));
            }
        }
        if changed.is_empty() {
            break;
        }
        for (fi, d) in changed {
            let r = pkg.with_file(fi, |cx| {
                scan_function(cx, d, &structs, &helpers, entry.get(&(fi, d)), atomic_pkg)
            });
            results.insert((fi, d), r);
        }
    }
    let unused = uncalled_unexported(&results);
    // Methods used as values are callbacks: what their callers hold is
    // not seen (an LRU's eviction hook runs under the cache's lock).
    let callbacks: BTreeSet<(String, String)> = results
        .values()
        .flat_map(|r| r.escaped.iter().cloned())
        .collect();
    let mut accesses: Vec<Access> = results.into_values().flat_map(|r| r.accesses).collect();
    for a in &mut accesses {
        if a.on_receiver && a.method.as_ref().is_some_and(|m| built_only.contains(m)) {
            a.exempt = true;
        }
        if a.on_receiver && a.method.as_ref().is_some_and(|m| callbacks.contains(m)) {
            a.exempt = true;
        }
        // Unexported methods no package code calls run from tests only.
        if a.method.as_ref().is_some_and(|m| unused.contains(m)) {
            a.exempt = true;
        }
    }
    counters.add("field accesses", accesses.len() as u64);
    let mut out = FieldFindings {
        unguarded: unguarded(&structs, &accesses),
        mixed: mixed_atomic(&structs, &accesses),
    };
    out.mixed.extend(mixed_atomic_globals(pkg, &atomic_targets));
    out.unguarded.sort_by_key(|u| (u.site.file, u.site.node));
    out.mixed.sort_by_key(|m| (m.site.file, m.site.node));
    out
}

/// Methods called only while their receiver is being built: from
/// constructors, on values made in the calling function, or from methods
/// themselves called only so (`NewStore` calls `s.restore()`, which calls
/// `s.load()`); methods used as values are never among them.
fn called_only_while_built(
    results: &BTreeMap<(FileIdx, NodeId), FuncResult>,
) -> BTreeSet<(String, String)> {
    let mut escaped: BTreeSet<&(String, String)> = BTreeSet::new();
    let mut calls: Vec<&MethodCall> = Vec::new();
    for r in results.values() {
        escaped.extend(r.escaped.iter());
        calls.extend(r.calls.iter());
    }
    let mut built: BTreeSet<(String, String)> = BTreeSet::new();
    for _ in 0..4 {
        let mut next: BTreeMap<&(String, String), bool> = BTreeMap::new();
        for c in &calls {
            let ok = c.built
                || c.from_receiver_of
                    .as_ref()
                    .is_some_and(|m| built.contains(m) && *m != c.method);
            let e = next.entry(&c.method).or_insert(true);
            *e = *e && ok;
        }
        let now: BTreeSet<(String, String)> = next
            .into_iter()
            .filter(|(m, ok)| *ok && !escaped.contains(m))
            .map(|(m, _)| m.clone())
            .collect();
        if now == built {
            break;
        }
        built = now;
    }
    built
}

/// Unexported methods that the package's non-test code neither calls nor
/// uses as a value (helpers for tests, or dead code).
fn uncalled_unexported(
    results: &BTreeMap<(FileIdx, NodeId), FuncResult>,
) -> BTreeSet<(String, String)> {
    let mut used: BTreeSet<&(String, String)> = BTreeSet::new();
    for r in results.values() {
        used.extend(r.escaped.iter());
        used.extend(r.calls.iter().map(|c| &c.method));
    }
    results
        .values()
        .flat_map(|r| r.accesses.iter())
        .filter_map(|a| a.method.as_ref())
        .filter(|m| m.1.starts_with(|c: char| c.is_ascii_lowercase()) && !used.contains(m))
        .cloned()
        .collect()
}

/// Where the `sync.WaitGroup` `Wait` calls of `func` end.
fn wait_ends(cx: &Context<'_>, func: NodeId) -> Vec<u32> {
    cx.ast()
        .walk(func)
        .filter(|&id| {
            matches!(cx.node(id), Node::CallExpr { fun, .. } if matches!(cx.node(unparen(cx, *fun)), Node::SelectorExpr { sel, .. } if cx.text(*sel) == "Wait"))
                && cx.enclosing_func(id) == Some(func)
                && matches!(cx.model().callee(cx.file(), id), Callee::Method { recv, name } if recv.is("sync", "WaitGroup") && &*name == "Wait")
        })
        .map(|id| cx.ast().end(id))
        .collect()
}

/// The struct types declared in the package's non-test files, by name.
fn struct_table(pkg: &PackageScope<'_>) -> HashMap<String, StructInfo> {
    let mut out = HashMap::new();
    for (fi, file) in pkg.model.files().iter().enumerate() {
        if file.is_test {
            continue;
        }
        let ast = file.parsed.ast();
        let src = file.source;
        let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
            continue;
        };
        for &d in ast.list(decls) {
            let Node::GenDecl {
                tok: Tok::Type,
                specs,
                ..
            } = *ast.node(d)
            else {
                continue;
            };
            for &s in ast.list(specs) {
                let Node::TypeSpec { name, ty, .. } = *ast.node(s) else {
                    continue;
                };
                let Node::StructType { fields, .. } = *ast.node(ty) else {
                    continue;
                };
                let Node::FieldList { list, .. } = *ast.node(fields) else {
                    continue;
                };
                let info = struct_info(ast, src, fi, ast.list(list));
                out.insert(ast.text(name, src).to_string(), info);
            }
        }
    }
    out
}

/// The comments of a field (its doc and its line comment), lower case.
fn field_comments(ast: &goguard_syntax::Ast, src: &str, field: NodeId) -> String {
    let Node::Field { doc, comment, .. } = *ast.node(field) else {
        return String::new();
    };
    let mut text = String::new();
    for g in [doc, comment].into_iter().flatten() {
        for &c in ast.group_comments(g) {
            text.push_str(&ast.comment_text(c, src).to_lowercase());
            text.push('\n');
        }
    }
    text
}

/// Where a field's declaration starts: its doc comment, or the field.
fn field_start(ast: &goguard_syntax::Ast, field: NodeId) -> u32 {
    match *ast.node(field) {
        Node::Field { doc: Some(g), .. } => ast.group_pos(g),
        _ => ast.pos(field),
    }
}

/// True when the source between two positions holds a blank line.
fn blank_line_between(src: &str, from: u32, to: u32) -> bool {
    let Some(gap) = src.get(from as usize..to as usize) else {
        return false;
    };
    let lines: Vec<&str> = gap.split('\n').collect();
    lines.len() > 2
        && lines[1..lines.len() - 1]
            .iter()
            .any(|l| l.trim().is_empty())
}

/// Words with which a comment says a mutex protects something.
fn says_guards(comment: &str) -> bool {
    ["protect", "guard", "synchroni", "serializ"]
        .iter()
        .any(|w| comment.contains(w))
}

/// True when `comment` names `word` as a whole word.
fn names_word(comment: &str, word: &str) -> bool {
    let word = word.to_lowercase();
    comment.match_indices(&word).any(|(i, _)| {
        let before = comment[..i].chars().next_back();
        let after = comment[i + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        edge(before) && edge(after)
    })
}

fn struct_info(ast: &goguard_syntax::Ast, src: &str, fi: FileIdx, list: &[NodeId]) -> StructInfo {
    let mut info = StructInfo::default();
    let mut any_blank = false;
    // Field index ranges of the groups (runs without a blank line).
    let mut group_of: Vec<usize> = Vec::new();
    let mut group = 0usize;
    let mut prev_end: Option<u32> = None;
    for &field in list {
        let Node::Field { names, ty, .. } = *ast.node(field) else {
            continue;
        };
        if let Some(end) = prev_end {
            if blank_line_between(src, end, field_start(ast, field)) {
                group += 1;
                any_blank = true;
            }
        }
        prev_end = Some(ast.end(field));
        let Some(ty) = ty else { continue };
        let (mutex, synchronised, container) = classify_type(ast, src, ty);
        let comments = field_comments(ast, src, field);
        let names: Vec<NodeId> = ast.list(names).to_vec();
        let embedded = names.is_empty();
        let declared_names: Vec<String> = if embedded {
            vec![embedded_name(ast, src, ty)]
        } else {
            names
                .iter()
                .map(|&n| ast.text(n, src).to_string())
                .collect()
        };
        for (i, name) in declared_names.into_iter().enumerate() {
            info.fields.push(FieldInfo {
                name,
                decl: Site {
                    file: fi,
                    node: names.get(i).copied().unwrap_or(ty),
                },
                mutex,
                embedded,
                synchronised: synchronised || mutex,
                container,
                declared: None,
                grouped: None,
            });
            group_of.push(group);
        }
        // Comment evidence on the field itself: "guarded by mu".
        let start = info.fields.len() - names.len().max(1);
        if !mutex && says_guards(&comments) {
            let named = (0..start)
                .filter(|&m| info.fields[m].mutex)
                .find(|&m| names_word(&comments, &info.fields[m].name));
            for f in &mut info.fields[start..] {
                f.declared = named;
            }
        }
    }
    // A mutex whose comment says it guards something guards the rest of
    // its group; without a comment, the group only weighs as evidence.
    let comments_of: Vec<String> = list
        .iter()
        .flat_map(|&f| {
            let n = match *ast.node(f) {
                Node::Field { names, .. } => ast.list(names).len().max(1),
                _ => 0,
            };
            std::iter::repeat_n(field_comments(ast, src, f), n)
        })
        .collect();
    for m in 0..info.fields.len() {
        if !info.fields[m].mutex {
            continue;
        }
        let commented = comments_of.get(m).is_some_and(|c| says_guards(c));
        for f in m + 1..info.fields.len() {
            if group_of[f] != group_of[m] || info.fields[f].mutex {
                break;
            }
            if commented && info.fields[f].declared.is_none() {
                info.fields[f].declared = Some(m);
            }
            if any_blank {
                info.fields[f].grouped = Some(m);
            }
        }
    }
    info
}

/// The name an embedded field is selected by.
fn embedded_name(ast: &goguard_syntax::Ast, src: &str, ty: NodeId) -> String {
    let mut t = ty;
    for _ in 0..4 {
        match *ast.node(t) {
            Node::StarExpr { x, .. } => t = x,
            Node::SelectorExpr { sel, .. } => return ast.text(sel, src).to_string(),
            Node::IndexExpr { x, .. } | Node::IndexListExpr { x, .. } => t = x,
            _ => break,
        }
    }
    ast.text(t, src).to_string()
}

/// (mutex, synchronised, container) for a field's type expression.
fn classify_type(ast: &goguard_syntax::Ast, src: &str, ty: NodeId) -> (bool, bool, bool) {
    let mut t = ty;
    if let Node::StarExpr { x, .. } = *ast.node(t) {
        t = x;
    }
    match *ast.node(t) {
        Node::ChanType { .. } => (false, true, false),
        Node::MapType { .. } => (false, false, true),
        Node::ArrayType { len: None, .. } => (false, false, true),
        Node::SelectorExpr { x, sel } => {
            let pkg = ast.text(x, src);
            let name = ast.text(sel, src);
            let mutex = pkg == "sync" && matches!(name, "Mutex" | "RWMutex");
            (mutex, pkg == "sync" || pkg == "atomic", false)
        }
        _ => (false, false, false),
    }
}

/// Package methods that lock a mutex of their receiver and never unlock it
/// (they lock for their caller), or unlock one they never lock.
fn lock_helpers(pkg: &PackageScope<'_>) -> LockHelpers {
    let mut out = LockHelpers::default();
    for (fi, file) in pkg.model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
            continue;
        };
        for &d in ast.list(decls) {
            let Node::FuncDecl {
                recv: Some(_),
                body: Some(body),
                ..
            } = *ast.node(d)
            else {
                continue;
            };
            let found = pkg.with_file(fi, |cx| {
                let key = method_key(cx, d)?;
                let recv = receiver_name(cx, d)?;
                let mut locks: BTreeSet<String> = BTreeSet::new();
                let mut unlocks: BTreeSet<String> = BTreeSet::new();
                for id in cx.ast().walk(body) {
                    let Node::SelectorExpr { x, sel } = *cx.node(id) else {
                        continue;
                    };
                    let text = normalized_text(cx, x);
                    let Some(path) = text.strip_prefix(recv.as_str()) else {
                        continue;
                    };
                    if !(path.is_empty() || path.starts_with('.')) {
                        continue;
                    }
                    match cx.text(sel) {
                        "Lock" | "RLock" => locks.insert(path.to_string()),
                        "Unlock" | "RUnlock" => unlocks.insert(path.to_string()),
                        _ => false,
                    };
                }
                Some((key, locks, unlocks))
            });
            let Some((key, locks, unlocks)) = found else {
                continue;
            };
            let only_locks: Vec<String> = locks.difference(&unlocks).cloned().collect();
            let only_unlocks: Vec<String> = unlocks.difference(&locks).cloned().collect();
            if !only_locks.is_empty() {
                out.locks.insert(key.clone(), only_locks);
            }
            if !only_unlocks.is_empty() {
                out.unlocks.insert(key, only_unlocks);
            }
        }
    }
    out
}

/// (receiver type name, method name) of a method declaration.
fn method_key(cx: &Context<'_>, decl: NodeId) -> Option<(String, String)> {
    let Node::FuncDecl {
        recv: Some(r),
        name,
        ..
    } = *cx.node(decl)
    else {
        return None;
    };
    let ty = goguard_semantic::model::receiver_type_name(cx.ast(), cx.source(), r)?;
    Some((ty.to_string(), cx.text(name).to_string()))
}

/// The receiver's name of a method declaration.
fn receiver_name(cx: &Context<'_>, decl: NodeId) -> Option<String> {
    let Node::FuncDecl { recv: Some(r), .. } = *cx.node(decl) else {
        return None;
    };
    let Node::FieldList { list, .. } = *cx.node(r) else {
        return None;
    };
    let &field = cx.ast().list(list).first()?;
    let Node::Field { names, .. } = *cx.node(field) else {
        return None;
    };
    let &n = cx.ast().list(names).first()?;
    let name = cx.text(n);
    (name != "_").then(|| name.to_string())
}

/// Mutex fields of the receiver a method's name or documentation says its
/// callers hold: `flushLocked`, "must be called with s.mu held".
fn documented_held(
    cx: &Context<'_>,
    decl: NodeId,
    structs: &HashMap<String, StructInfo>,
) -> Vec<usize> {
    let Some((ty, name)) = method_key(cx, decl) else {
        return Vec::new();
    };
    let Some(info) = structs.get(&ty) else {
        return Vec::new();
    };
    let Node::FuncDecl { doc, .. } = *cx.node(decl) else {
        return Vec::new();
    };
    let mut text = String::new();
    for g in doc.into_iter() {
        for &c in cx.ast().group_comments(g) {
            text.push_str(&cx.ast().comment_text(c, cx.source()).to_lowercase());
            text.push(' ');
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let by_name = name.ends_with("Locked") || name.ends_with("_locked");
    // "Caller should hold the lock", "always call with lock": a method
    // whose documentation speaks of the lock at all is left to its callers.
    let mentions_lock = text.contains("lock")
        || text.contains("mutex")
        || info
            .mutexes()
            .any(|m| names_word(&text, &info.fields[m].name));
    let by_doc = mentions_lock
        || [
            "must be called with",
            "must be called while",
            "must be called under",
            "must hold",
            "must be held",
            "must already hold",
            "must already be held",
            "caller holds",
            "callers hold",
            "caller must",
            "callers must",
            "lock held",
            "lock is held",
            "lock must be held",
            "while holding",
            "called with the lock",
            "called with lock",
            "called under",
            "assumes the lock",
            "assumes lock",
            "expects the lock",
            "held by the caller",
            "holding the lock",
        ]
        .iter()
        .any(|p| text.contains(p));
    if !(by_name || by_doc) {
        return Vec::new();
    }
    info.mutexes().collect()
}

/// For each method, the mutex fields of the receiver that every call of it
/// in the package holds (methods used as values have unseen callers).
fn held_by_callers(
    results: &BTreeMap<(FileIdx, NodeId), FuncResult>,
    built_only: &BTreeSet<(String, String)>,
) -> HashMap<(String, String), Vec<usize>> {
    let mut seen: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut escaped: BTreeSet<(String, String)> = BTreeSet::new();
    for r in results.values() {
        escaped.extend(r.escaped.iter().cloned());
        // Calls made while the value is built need no lock.
        let building = |c: &&MethodCall| {
            c.built
                || c.from_receiver_of
                    .as_ref()
                    .is_some_and(|m| built_only.contains(m))
        };
        // Nor do a method's calls of itself tell what its callers hold.
        let recursive = |c: &&MethodCall| c.from_receiver_of.as_ref() == Some(&c.method);
        for c in r.calls.iter().filter(|c| !building(c) && !recursive(c)) {
            match seen.get_mut(&c.method) {
                None => {
                    seen.insert(c.method.clone(), c.held.clone());
                }
                Some(h) => h.retain(|m| c.held.contains(m)),
            }
        }
    }
    seen.retain(|k, h| !h.is_empty() && !escaped.contains(k));
    seen
}

/// The accesses and method calls of one function declaration and the
/// function literals inside it.
fn scan_function(
    cx: &Context<'_>,
    decl: NodeId,
    structs: &HashMap<String, StructInfo>,
    helpers: &LockHelpers,
    entry: Option<&Vec<usize>>,
    atomic_pkg: bool,
) -> FuncResult {
    let mut out = FuncResult::default();
    let own = cx.model().import_path().to_string();
    // Constructors, and methods that initialise their receiver in place
    // (`w.init(size)`, for a value embedded in another or reused).
    let constructor = match *cx.node(decl) {
        Node::FuncDecl {
            recv: None, name, ..
        } => {
            let n = cx.text(name);
            n.starts_with("New") || n.starts_with("new") || n == "init"
        }
        Node::FuncDecl {
            recv: Some(_),
            name,
            ..
        } => cx.text(name).starts_with("init"),
        _ => false,
    };
    let first_go = cx
        .ast()
        .walk(decl)
        .filter(|&id| matches!(cx.node(id), Node::GoStmt { .. }))
        .map(|id| cx.ast().pos(id))
        .min();
    let recv = receiver_name(cx, decl);
    let this_method = method_key(cx, decl);
    let recv_type = this_method.as_ref().map(|k| k.0.clone());
    // Mutexes held on entry: the receiver's, for a method its callers call
    // holding them. Function literals not started with `go` run while the
    // method runs (callbacks, deferred and immediately called literals).
    let decl_entry: Vec<String> = match (entry, &recv, &recv_type) {
        (Some(ms), Some(r), Some(t)) => match structs.get(t) {
            Some(info) => ms.iter().map(|&m| info.guard_key(r, m)).collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    // Functions: the declaration and its literals.
    let mut bodies: Vec<NodeId> = vec![decl];
    bodies.extend(
        cx.ast()
            .walk(decl)
            .filter(|&id| matches!(cx.node(id), Node::FuncLit { .. })),
    );
    let mut lit_entry: HashMap<NodeId, Vec<String>> = HashMap::new();
    for func in bodies {
        let Some(cfg) = cx.cfg(func) else { continue };
        let mut sels: Vec<(NodeId, String, usize)> = Vec::new();
        let mut calls: Vec<(NodeId, String, String, NodeId)> = Vec::new();
        for id in cx.ast().walk(func) {
            let Node::SelectorExpr { x, sel } = *cx.node(id) else {
                continue;
            };
            if cx.enclosing_func(id) != Some(func) {
                continue;
            }
            let ty = cx.model().type_of(cx.file(), x);
            let goguard_semantic::types::Type::Named(n) = ty.deref() else {
                continue;
            };
            if *n.pkg != *own {
                continue;
            }
            let Some(info) = structs.get(&*n.name) else {
                continue;
            };
            if !atomic_pkg && info.mutexes().next().is_none() {
                continue;
            }
            let name = cx.text(sel);
            if let Some(f) = info.field(name) {
                if !info.fields[f].synchronised {
                    sels.push((id, n.name.to_string(), f));
                }
            } else {
                // A method of the struct: called, or used as a value.
                match place_of(cx, id) {
                    Place::Called { call } => {
                        calls.push((call, n.name.to_string(), name.to_string(), x))
                    }
                    _ => out.escaped.push((n.name.to_string(), name.to_string())),
                }
            }
        }
        let lits: Vec<NodeId> = cx
            .ast()
            .walk(func)
            .filter(|&id| {
                id != func
                    && matches!(cx.node(id), Node::FuncLit { .. })
                    && cx.enclosing_func(id) == Some(func)
            })
            .collect();
        if sels.is_empty() && calls.is_empty() && lits.is_empty() {
            continue;
        }
        let entry_keys: Vec<String> = if func == decl {
            decl_entry.clone()
        } else {
            lit_entry.get(&func).cloned().unwrap_or_default()
        };
        let body_locks = !entry_keys.is_empty()
            || !lits.is_empty()
            || cx.ast().walk(func).any(|id| match *cx.node(id) {
                Node::SelectorExpr { sel, .. } => {
                    matches!(cx.text(sel), "Lock" | "RLock" | "Unlock" | "RUnlock")
                }
                _ => false,
            })
            || !calls.is_empty();
        let held = if body_locks {
            held_locks(cx, cfg, &entry_keys, helpers)
        } else {
            HeldLocks::default()
        };
        // A function literal not started with `go` runs while this one
        // runs (a callback, `Range(func...)`, a deferred or immediately
        // called literal): it holds what is held where it is written.
        for &lit in &lits {
            if started_by_go(cx, lit) {
                continue;
            }
            if let Some(a) = super::flow::anchor(cx, func, cfg, lit) {
                lit_entry.insert(lit, held.must_at(a));
            }
        }
        let once = in_once(cx, func);
        let waits = wait_ends(cx, func);
        for (call, ty, method, x) in calls {
            let Some(info) = structs.get(&ty) else {
                continue;
            };
            let Some(a) = super::flow::anchor(cx, func, cfg, call) else {
                continue;
            };
            let base = normalized_text(cx, x);
            let h: Vec<usize> = info
                .mutexes()
                .filter(|&m| held.must(a, &info.guard_key(&base, m)))
                .collect();
            let before_go = first_go.is_none_or(|g| cx.ast().pos(call) < g);
            let built = before_go && (constructor || made_here(cx, x, decl));
            let from_receiver_of = this_method
                .clone()
                .filter(|_| recv.as_deref() == Some(base.as_str()));
            out.calls.push(MethodCall {
                method: (ty, method),
                held: h,
                built,
                from_receiver_of,
            });
        }
        for (id, ty, f) in sels {
            let Some(info) = structs.get(&ty) else {
                continue;
            };
            let Node::SelectorExpr { x, .. } = *cx.node(id) else {
                continue;
            };
            let Some(a) = super::flow::anchor(cx, func, cfg, id) else {
                continue;
            };
            let base = normalized_text(cx, x);
            let keys: Vec<(usize, String)> = info
                .mutexes()
                .map(|m| (m, info.guard_key(&base, m)))
                .collect();
            let kind = access_kind(cx, id);
            let on_receiver = recv.as_deref() == Some(base.as_str());
            let built = constructor || made_here(cx, x, decl);
            let exempt = once || (built && first_go.is_none_or(|g| cx.ast().pos(id) < g));
            let released = keys
                .iter()
                .find_map(|(m, k)| held.released_before(cfg, a, k).map(|u| (*m, u)));
            out.accesses.push(Access {
                site: Site {
                    file: cx.file(),
                    node: id,
                },
                ty: ty.clone(),
                field: f,
                kind,
                base,
                top: decl,
                held: keys
                    .iter()
                    .filter(|(_, k)| held.must(a, k))
                    .map(|(m, _)| *m)
                    .collect(),
                may_held: keys
                    .iter()
                    .filter(|(_, k)| held.may(a, k))
                    .map(|(m, _)| *m)
                    .collect(),
                released,
                returned: matches!(place_of(cx, id), Place::Returned),
                exempt,
                method: this_method.clone(),
                on_receiver,
                joined: waits.iter().any(|&e| e <= cx.ast().pos(id)),
                local_base: rooted_in_local(cx, x),
            });
        }
    }
    out
}

/// True when the function literal `lit` is started with `go lit(...)`.
fn started_by_go(cx: &Context<'_>, lit: NodeId) -> bool {
    let Some(call) = cx.parent(outer_paren(cx, lit)) else {
        return false;
    };
    matches!(cx.node(call), Node::CallExpr { fun, .. } if unparen(cx, *fun) == lit)
        && cx
            .parent(call)
            .is_some_and(|g| matches!(cx.node(g), Node::GoStmt { .. }))
}

/// True when `func` is (inside) a function literal run by `sync.Once`
/// (`once.Do(func() {...})`, `sync.OnceFunc`, `sync.OnceValue`).
fn in_once(cx: &Context<'_>, func: NodeId) -> bool {
    let mut f = func;
    for _ in 0..16 {
        if !matches!(cx.node(f), Node::FuncLit { .. }) {
            return false;
        }
        if let Place::Argument { call, .. } = place_of(cx, f) {
            let once = match cx.model().callee(cx.file(), call) {
                Callee::Method { recv, name } => recv.is("sync", "Once") && &*name == "Do",
                Callee::Func(n) => {
                    &*n.pkg == "sync" && matches!(&*n.name, "OnceFunc" | "OnceValue" | "OnceValues")
                }
                _ => false,
            };
            if once {
                return true;
            }
        }
        match cx.enclosing_func(f) {
            Some(outer) if outer != f => f = outer,
            _ => return false,
        }
    }
    false
}

/// True when the expression `x` (`b`, `b.stats`) starts from a variable
/// declared in a function body, not a parameter, receiver or package
/// variable: it may hold a snapshot or a value no other goroutine sees.
fn rooted_in_local(cx: &Context<'_>, x: NodeId) -> bool {
    let mut e = unparen(cx, x);
    for _ in 0..16 {
        match *cx.node(e) {
            Node::SelectorExpr { x, .. } => e = unparen(cx, x),
            Node::Ident { .. } => {
                let Some(b) = cx.model().resolve(cx.file(), e) else {
                    return false;
                };
                let binding = cx.model().binding(b);
                return binding.kind == BindingKind::Var
                    && binding.scope.is_some_and(|s| {
                        !matches!(cx.node(s), Node::FuncDecl { .. } | Node::FuncLit { .. })
                    });
            }
            _ => return false,
        }
    }
    false
}

/// True when `x` is a local variable of `decl` made there as a new value
/// (`x := &T{...}`, `T{}`, `new(T)`, `var x T`): nobody else sees it yet.
fn made_here(cx: &Context<'_>, x: NodeId, decl: NodeId) -> bool {
    let x = unparen(cx, x);
    if !matches!(cx.node(x), Node::Ident { .. }) {
        return false;
    }
    let Some(b) = cx.model().resolve(cx.file(), x) else {
        return false;
    };
    let binding = cx.model().binding(b);
    if binding.kind != BindingKind::Var || binding.scope.is_none() {
        return false;
    }
    let Some((file, ident)) = binding.decl else {
        return false;
    };
    if file != cx.file() || !cx.ancestors(ident).any(|a| a == decl) {
        return false;
    }
    let Some(parent) = cx.parent(ident) else {
        return false;
    };
    let value = match *cx.node(parent) {
        Node::AssignStmt {
            lhs,
            rhs,
            tok: Tok::Define,
            ..
        } => {
            let i = cx.ast().list(lhs).iter().position(|&l| l == ident);
            match i.and_then(|i| cx.ast().list(rhs).get(i)) {
                Some(&v) => v,
                None => return false,
            }
        }
        Node::ValueSpec {
            names, values, ty, ..
        } => {
            let i = cx.ast().list(names).iter().position(|&l| l == ident);
            match i.and_then(|i| cx.ast().list(values).get(i)) {
                Some(&v) => v,
                // `var x T`: a new zero value, unless T is a pointer.
                None => return ty.is_some_and(|t| !matches!(cx.node(t), Node::StarExpr { .. })),
            }
        }
        _ => return false,
    };
    let mut v = unparen(cx, value);
    if let Node::UnaryExpr {
        op: Tok::And, x, ..
    } = *cx.node(v)
    {
        v = unparen(cx, x);
    }
    match *cx.node(v) {
        Node::CompositeLit { .. } => true,
        Node::CallExpr { .. } => {
            matches!(cx.model().callee(cx.file(), v), Callee::Builtin(ref n) if &**n == "new")
        }
        _ => false,
    }
}

/// How the field selection `sel_expr` is used.
fn access_kind(cx: &Context<'_>, sel_expr: NodeId) -> AccessKind {
    let outer = outer_paren(cx, sel_expr);
    let parent = cx.parent(outer).map(|p| (p, cx.node(p)));
    match parent {
        Some((_, Node::IncDecStmt { .. })) => return AccessKind::Write,
        // `x.f.g = v`: what `x.f` holds or points to is changed.
        Some((p, Node::SelectorExpr { x, .. })) if *x == outer && selected_then_assigned(cx, p) => {
            return AccessKind::Write
        }
        Some((p, Node::IndexExpr { x, .. })) if *x == outer => {
            let elem = outer_paren(cx, p);
            let written = match cx.parent(elem).map(|q| cx.node(q)) {
                Some(Node::IncDecStmt { .. }) => true,
                Some(&Node::AssignStmt { lhs, .. }) => cx.ast().list(lhs).contains(&elem),
                _ => false,
            };
            return if written {
                AccessKind::InPlace
            } else {
                AccessKind::Read
            };
        }
        _ => {}
    }
    match place_of(cx, sel_expr) {
        Place::AssignedTo { stmt } => match *cx.node(stmt) {
            Node::AssignStmt {
                tok: Tok::Define, ..
            } => AccessKind::Read,
            Node::AssignStmt { rhs, .. } => {
                let appends = cx.ast().list(rhs).iter().any(|&r| {
                    matches!(cx.model().callee(cx.file(), unparen(cx, r)), Callee::Builtin(ref n) if &**n == "append")
                });
                if appends {
                    AccessKind::InPlace
                } else {
                    AccessKind::Write
                }
            }
            _ => AccessKind::Write,
        },
        Place::Argument { call, index: 0 } => match cx.model().callee(cx.file(), call) {
            Callee::Builtin(n) if matches!(&*n, "delete" | "clear") => AccessKind::InPlace,
            _ => AccessKind::Read,
        },
        Place::AddressTaken => {
            let addr = outer_paren(cx, cx.parent(outer).unwrap_or(outer));
            match place_of(cx, addr) {
                Place::Argument { call, .. } if is_atomic_call(cx, call) => {
                    match cx.model().callee(cx.file(), call) {
                        Callee::Func(n) if n.name.starts_with("Load") => AccessKind::AtomicLoad,
                        _ => AccessKind::Atomic,
                    }
                }
                _ => AccessKind::Address,
            }
        }
        _ => AccessKind::Read,
    }
}

/// True when the selector chain starting at `sel_expr` (`x.f.g.h`) is
/// assigned to or incremented.
fn selected_then_assigned(cx: &Context<'_>, sel_expr: NodeId) -> bool {
    let mut e = outer_paren(cx, sel_expr);
    for _ in 0..8 {
        match cx.parent(e).map(|p| (p, cx.node(p))) {
            Some((p, Node::SelectorExpr { x, .. })) if *x == e => e = outer_paren(cx, p),
            Some((_, Node::IncDecStmt { .. })) => return true,
            Some((_, &Node::AssignStmt { lhs, tok, .. })) => {
                return tok != Tok::Define && cx.ast().list(lhs).contains(&e)
            }
            _ => return false,
        }
    }
    false
}

/// A call of a `sync/atomic` function.
fn is_atomic_call(cx: &Context<'_>, call: NodeId) -> bool {
    matches!(cx.model().callee(cx.file(), call), Callee::Func(n) if &*n.pkg == "sync/atomic")
}

/// True when some non-test file imports sync/atomic.
fn uses_atomic(pkg: &PackageScope<'_>) -> bool {
    pkg.model
        .files()
        .iter()
        .any(|f| !f.is_test && f.source.contains("\"sync/atomic\""))
}

/// Fields that hold their guard per access, grouped by field.
fn unguarded(structs: &HashMap<String, StructInfo>, accesses: &[Access]) -> Vec<Unguarded> {
    let mut by_field: BTreeMap<(&str, usize), Vec<&Access>> = BTreeMap::new();
    for a in accesses {
        by_field
            .entry((a.ty.as_str(), a.field))
            .or_default()
            .push(a);
    }
    let mut out = Vec::new();
    for ((ty, f), list) in by_field {
        let Some(info) = structs.get(ty) else {
            continue;
        };
        let field = &info.fields[f];
        if info.mutexes().next().is_none() {
            continue;
        }
        // Given to sync/atomic somewhere: synchronised another way (SY009
        // reports the plain accesses).
        if list
            .iter()
            .any(|a| matches!(a.kind, AccessKind::Atomic | AccessKind::AtomicLoad))
        {
            continue;
        }
        let live: Vec<&Access> = list.into_iter().filter(|a| !a.exempt).collect();
        let writes = |a: &&&Access| matches!(a.kind, AccessKind::Write | AccessKind::InPlace);
        // Never written once published: reads need no lock.
        if !live.iter().any(|a| writes(&a)) {
            continue;
        }
        // The guard: the mutex held by the most functions.
        let mut best: Option<(usize, usize, usize)> = None; // (funcs, writes, m)
        for m in info.mutexes() {
            let held: Vec<&&Access> = live.iter().filter(|a| a.held.contains(&m)).collect();
            let funcs: BTreeSet<(FileIdx, NodeId)> =
                held.iter().map(|a| (a.site.file, a.top)).collect();
            let wfuncs = held.iter().filter(|a| writes(a)).count();
            let better = match best {
                None => true,
                Some((bf, _, bm)) => {
                    funcs.len() > bf
                        || (funcs.len() == bf
                            && field.declared == Some(m)
                            && field.declared != Some(bm))
                }
            };
            if better {
                best = Some((funcs.len(), wfuncs, m));
            }
        }
        let Some((locked, locked_writes, m)) = best else {
            continue;
        };
        if locked == 0 || locked_writes == 0 {
            continue;
        }
        let declared = field.declared == Some(m);
        let unlocked: Vec<&&Access> = live
            .iter()
            .filter(|a| a.may_held.is_empty() && a.kind != AccessKind::Address)
            .collect();
        let unlocked_funcs: BTreeSet<(FileIdx, NodeId)> =
            unlocked.iter().map(|a| (a.site.file, a.top)).collect();
        let min = if field.grouped == Some(m) {
            GROUPED_MIN
        } else {
            OBSERVED_MIN
        };
        let inferred = declared || (locked >= min && locked >= 2 * unlocked_funcs.len());
        if !inferred {
            continue;
        }
        let unlocked_writes = unlocked.iter().any(writes);
        // Reads without the lock in many functions are a design (a single
        // writer reading its own state, a field set up before use), not a
        // slip: even a declared guard needs most functions to hold it.
        let strong_reads = !unlocked_writes
            && ((declared && locked >= 2 * unlocked_funcs.len())
                || (locked >= READ_MIN && locked >= READ_RATIO * unlocked_funcs.len()));
        let Some(witness) = live.iter().find(|a| a.held.contains(&m) && writes(a)) else {
            continue;
        };
        let writers: BTreeSet<(FileIdx, NodeId)> = live
            .iter()
            .filter(|a| a.held.contains(&m) && writes(a))
            .map(|a| (a.site.file, a.top))
            .collect();
        let mut reported: BTreeSet<(FileIdx, NodeId, u8)> = BTreeSet::new();
        let in_place_locked = live
            .iter()
            .any(|a| a.kind == AccessKind::InPlace && a.held.contains(&m));
        for a in &live {
            // Reported through the receiver only: another value of the
            // type may be one the function owns (a copy being filled, a
            // value not yet shared).
            if !a.on_receiver {
                continue;
            }
            let misuse = if a.held.contains(&m) {
                if a.returned && field.container && in_place_locked {
                    Misuse::Returned
                } else {
                    continue;
                }
            } else if !a.may_held.is_empty() || a.kind == AccessKind::Address {
                continue;
            } else if matches!(a.kind, AccessKind::Write | AccessKind::InPlace) {
                Misuse::Write
            } else if let Some((rm, unlock)) = a.released {
                // A function that wrote the field under the lock reads
                // back what it wrote (a lazily opened handle, its own
                // counter): only it changes the field there.
                if rm != m || writers.contains(&(a.site.file, a.top)) {
                    continue;
                }
                Misuse::ReadAfterUnlock(unlock)
            } else if strong_reads && !writers.contains(&(a.site.file, a.top)) {
                // A function that writes the field holding the guard reads
                // it without: the writer reading its own state.
                Misuse::Read
            } else {
                continue;
            };
            let tag = match misuse {
                Misuse::Write => 0,
                Misuse::Read | Misuse::ReadAfterUnlock(_) => 1,
                Misuse::Returned => 2,
            };
            if !reported.insert((a.site.file, a.top, tag)) {
                continue;
            }
            out.push(Unguarded {
                site: a.site,
                misuse,
                text: format!("{}.{}", a.base, field.name),
                guard: info.guard_key(&a.base, m),
                guarded_at: witness.site,
                guarded_funcs: locked,
                declared,
                field_decl: field.decl,
            });
        }
    }
    out
}

/// Plain accesses of fields that sync/atomic functions are also given.
fn mixed_atomic(structs: &HashMap<String, StructInfo>, accesses: &[Access]) -> Vec<MixedAtomic> {
    let mut by_field: BTreeMap<(&str, usize), Vec<&Access>> = BTreeMap::new();
    for a in accesses {
        by_field
            .entry((a.ty.as_str(), a.field))
            .or_default()
            .push(a);
    }
    let mut out = Vec::new();
    for (_, list) in by_field {
        let atomic_writes: Vec<&&Access> = list
            .iter()
            .filter(|a| a.kind == AccessKind::Atomic)
            .collect();
        let Some(atomic) = atomic_writes
            .first()
            .copied()
            .or_else(|| list.iter().find(|a| a.kind == AccessKind::AtomicLoad))
        else {
            continue;
        };
        // The mutexes every atomic change is made holding: a plain read
        // holding one of them cannot overlap a change (the slow path of a
        // hand-written `sync.Once`).
        let mut common: Option<Vec<usize>> = None;
        for w in &atomic_writes {
            common = Some(match common {
                None => w.held.clone(),
                Some(c) => c.into_iter().filter(|m| w.held.contains(m)).collect(),
            });
        }
        let mut reported: BTreeSet<(FileIdx, NodeId)> = BTreeSet::new();
        for a in &list {
            // Through a local variable: possibly another instance than the
            // one the atomics change (the inactive half of a double buffer).
            if a.exempt
                || a.joined
                || a.local_base
                || matches!(
                    a.kind,
                    AccessKind::Atomic | AccessKind::AtomicLoad | AccessKind::Address
                )
            {
                continue;
            }
            if a.kind == AccessKind::Read {
                // Reads race only with changes: none is atomic, or the
                // reader holds a lock every atomic change holds.
                let excluded = match &common {
                    None => true,
                    Some(c) => a.held.iter().any(|m| c.contains(m)),
                };
                if excluded {
                    continue;
                }
            }
            if !reported.insert((a.site.file, a.top)) {
                continue;
            }
            let Some(info) = structs.get(&a.ty) else {
                continue;
            };
            out.push(MixedAtomic {
                site: a.site,
                text: format!("{}.{}", a.base, info.fields[a.field].name),
                write: a.kind != AccessKind::Read,
                atomic: atomic.site,
            });
        }
    }
    out
}

/// Package-level variables given to sync/atomic functions, with one such
/// call each.
fn atomic_globals(pkg: &PackageScope<'_>) -> HashMap<goguard_semantic::model::BindingId, Site> {
    let mut out = HashMap::new();
    for (fi, file) in pkg.model.files().iter().enumerate() {
        if file.is_test || !file.source.contains("\"sync/atomic\"") {
            continue;
        }
        pkg.with_file(fi, |cx| {
            for &call in cx.nodes_of_kind(goguard_syntax::NodeKind::CallExpr) {
                let Node::CallExpr { args, .. } = *cx.node(call) else {
                    continue;
                };
                let Some(&first) = cx.ast().list(args).first() else {
                    continue;
                };
                let Node::UnaryExpr {
                    op: Tok::And, x, ..
                } = *cx.node(unparen(cx, first))
                else {
                    continue;
                };
                let x = unparen(cx, x);
                if !matches!(cx.node(x), Node::Ident { .. }) || !is_atomic_call(cx, call) {
                    continue;
                }
                let Some(b) = cx.model().resolve(fi, x) else {
                    continue;
                };
                let binding = cx.model().binding(b);
                if binding.kind == BindingKind::Var && binding.scope.is_none() {
                    out.entry(b).or_insert(Site {
                        file: fi,
                        node: call,
                    });
                }
            }
        });
    }
    out
}

/// Plain uses of the package-level variables of [`atomic_globals`] in
/// function bodies other than `init`.
fn mixed_atomic_globals(
    pkg: &PackageScope<'_>,
    targets: &HashMap<goguard_semantic::model::BindingId, Site>,
) -> Vec<MixedAtomic> {
    let mut out = Vec::new();
    if targets.is_empty() {
        return out;
    }
    let mut ids: Vec<_> = targets.keys().copied().collect();
    ids.sort_unstable();
    for b in ids {
        let atomic = targets[&b];
        let mut reported: BTreeSet<(FileIdx, NodeId)> = BTreeSet::new();
        for u in pkg.model.uses(b) {
            if pkg.model.files()[u.file].is_test {
                continue;
            }
            let found = pkg.with_file(u.file, |cx| {
                let top = cx
                    .ancestors(u.ident)
                    .filter(|&a| matches!(cx.node(a), Node::FuncDecl { .. }))
                    .last()?;
                if let Node::FuncDecl {
                    name, recv: None, ..
                } = *cx.node(top)
                {
                    if cx.text(name) == "init" {
                        return None;
                    }
                }
                let func = cx.enclosing_func(u.ident)?;
                let at = cx.ast().pos(u.ident);
                if wait_ends(cx, func).iter().any(|&e| e <= at) {
                    return None;
                }
                let kind = plain_kind(cx, u.ident)?;
                Some((top, kind, cx.text(u.ident).to_string()))
            });
            let Some((top, write, text)) = found else {
                continue;
            };
            if !reported.insert((u.file, top)) {
                continue;
            }
            out.push(MixedAtomic {
                site: Site {
                    file: u.file,
                    node: u.ident,
                },
                text,
                write,
                atomic,
            });
        }
    }
    out
}

/// Some(write) for a plain access of the variable `ident`; None when it is
/// given to a sync/atomic function or has its address taken.
fn plain_kind(cx: &Context<'_>, ident: NodeId) -> Option<bool> {
    if matches!(place_of(cx, ident), Place::AddressTaken) {
        return None;
    }
    let outer = outer_paren(cx, ident);
    if matches!(
        cx.parent(outer).map(|p| cx.node(p)),
        Some(Node::IncDecStmt { .. })
    ) {
        return Some(true);
    }
    match place_of(cx, ident) {
        Place::AssignedTo { .. } => Some(true),
        _ => Some(false),
    }
}
