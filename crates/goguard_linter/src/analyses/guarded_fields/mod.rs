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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use goguard_semantic::model::FileIdx;
use goguard_syntax::{Node, NodeId};

use crate::engine::{Analysis, AnalysisId, Counters, PackageScope};

use crate::analyses::held_locks::LockHelpers;
use crate::analyses::lock_facts::Site;

mod accesses;
mod atomics;
mod layout;

use accesses::{documented_held, lock_helpers, method_key, scan_function};
use atomics::{atomic_globals, mixed_atomic, mixed_atomic_globals, uses_atomic};
use layout::{struct_table, StructInfo};

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

/// What the access scan of every function reads.
struct Scope<'a> {
    structs: &'a HashMap<String, StructInfo>,
    helpers: &'a LockHelpers,
    /// Selected names that may be a considered field or a method.
    names: &'a HashSet<String>,
    /// The package uses sync/atomic: fields of structs without a mutex
    /// matter too (SY009).
    atomic_pkg: bool,
}

impl Scope<'_> {
    /// Whether the fields of this struct are followed.
    fn considered(&self, info: &StructInfo) -> bool {
        self.atomic_pkg || info.mutexes().next().is_some()
    }
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
    let mut funcs: BTreeMap<FileIdx, Vec<NodeId>> = BTreeMap::new();
    // Names worth a type lookup: fields of the structs considered, methods.
    let mut names: HashSet<String> = HashSet::new();
    for info in structs.values() {
        if atomic_pkg || info.mutexes().next().is_some() {
            names.extend(info.fields.iter().map(|f| f.name.clone()));
        }
    }
    for (fi, file) in pkg.model.files().iter().enumerate() {
        let ast = file.parsed.ast();
        let Node::File { decls, .. } = *ast.node(file.parsed.root()) else {
            continue;
        };
        for &d in ast.list(decls) {
            if let Node::FuncDecl {
                recv, name, body, ..
            } = *ast.node(d)
            {
                if recv.is_some() {
                    names.insert(ast.text(name, file.source).to_string());
                }
                if body.is_some() && !file.is_test {
                    funcs.entry(fi).or_default().push(d);
                }
            }
        }
    }
    let scope = Scope {
        structs: &structs,
        helpers: &helpers,
        names: &names,
        atomic_pkg,
    };
    let mut entry: HashMap<(FileIdx, NodeId), Vec<usize>> = HashMap::new();
    let mut keys: HashMap<(FileIdx, NodeId), (String, String)> = HashMap::new();
    for (&fi, decls) in &funcs {
        pkg.with_file(fi, |cx| {
            for &d in decls {
                let held = documented_held(cx, d, &structs);
                if !held.is_empty() {
                    entry.insert((fi, d), held);
                }
                if let Some(k) = method_key(cx, d) {
                    keys.insert((fi, d), k);
                }
            }
        });
    }
    let mut results: BTreeMap<(FileIdx, NodeId), FuncResult> = BTreeMap::new();
    for (&fi, decls) in &funcs {
        pkg.with_file(fi, |cx| {
            for &d in decls {
                let r = scan_function(cx, d, &scope, entry.get(&(fi, d)));
                results.insert((fi, d), r);
            }
        });
    }
    // Methods every package call of which holds a mutex of the receiver:
    // a few rounds, for a locked method that calls another.
    let built_only = called_only_while_built(&results);
    for _ in 0..4 {
        let callers = held_by_callers(&results, &built_only);
        let mut changed: BTreeMap<FileIdx, Vec<NodeId>> = BTreeMap::new();
        for (&(fi, d), key) in &keys {
            let Some(held) = callers.get(key) else {
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
                changed.entry(fi).or_default().push(d);
            }
        }
        if changed.is_empty() {
            break;
        }
        for (fi, mut decls) in changed {
            decls.sort_unstable();
            pkg.with_file(fi, |cx| {
                for d in decls {
                    let r = scan_function(cx, d, &scope, entry.get(&(fi, d)));
                    results.insert((fi, d), r);
                }
            });
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

/// The accesses grouped by field (struct type name, field index), in a
/// stable order.
fn accesses_by_field(accesses: &[Access]) -> BTreeMap<(&str, usize), Vec<&Access>> {
    let mut by_field: BTreeMap<(&str, usize), Vec<&Access>> = BTreeMap::new();
    for a in accesses {
        by_field
            .entry((a.ty.as_str(), a.field))
            .or_default()
            .push(a);
    }
    by_field
}

/// Fields that hold their guard per access, grouped by field.
fn unguarded(structs: &HashMap<String, StructInfo>, accesses: &[Access]) -> Vec<Unguarded> {
    let by_field = accesses_by_field(accesses);
    // The mutexes of a type each function holds at some access of it.
    let mut locking: BTreeMap<(&str, FileIdx, NodeId), BTreeSet<usize>> = BTreeMap::new();
    for a in accesses {
        locking
            .entry((a.ty.as_str(), a.site.file, a.top))
            .or_default()
            .extend(a.held.iter().copied());
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
                // Without a comment saying what the mutex guards, a write in
                // a function that never takes it is most often setup before
                // the value is shared (`Start`, a state copied into a new
                // value): only lock-aware functions that slip are reported.
                let takes_it = locking
                    .get(&(ty, a.site.file, a.top))
                    .is_some_and(|h| h.contains(&m));
                if !declared && !takes_it {
                    continue;
                }
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
