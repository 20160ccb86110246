//! Whether a growing allocation site inserts into a map that nothing ever removes from.
//!
//! Go's heap profiles leave out the runtime's frames, so a map that only grows shows as
//! allocations at the line that inserts into it (`m[k] = v`), with no frame saying "map".
//! With the source at hand the line itself says so: this reads the package around the
//! site with goguard's semantic model and answers yes only when the line assigns to an
//! element of a map held in an unexported package variable or struct field (so no other
//! package can reach it by name) and every other mention of that variable or field in the
//! package only indexes it, ranges over it or takes its `len`, or sets it up (a fresh map
//! stored in an object made in the same function, or in a package variable by `init`). A
//! `delete`, a `clear`, any other reassignment, or the map handed anywhere else (an
//! argument, a return value, another variable) may remove entries, and then nothing is
//! claimed.

use std::collections::HashSet;

use goguard_semantic::model::{BindingKind, FileIdx, FileInput, PackageModel};
use goguard_semantic::types::Type;
use goguard_syntax::{Node, NodeId, NodeKind, Tok};

/// A map that the site's line inserts into and nothing removes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlyInserted {
    /// The map as the line writes it: `s.sessions`, `cache`.
    pub expr: String,
}

/// The map that line `line` of file `f` of the package inserts into, when nothing
/// removes from it.
pub(super) fn never_removed(
    model: &PackageModel<'_>,
    files: &[FileInput<'_>],
    f: FileIdx,
    line: u32,
) -> Option<OnlyInserted> {
    let target = inserted_map(model, f, &files[f], line)?;
    let safe: Vec<HashSet<NodeId>> = (0..files.len())
        .map(|f| safe_positions(model, f, &files[f]))
        .collect();
    let text = files[f].parsed.ast().text(target.node, files[f].source);
    let escapes = match &target.identity {
        Identity::Var(binding) => model
            .uses(*binding)
            .iter()
            .any(|u| !safe[u.file].contains(&u.ident)),
        Identity::Field(name) => files.iter().enumerate().any(|(f, input)| {
            let ast = input.parsed.ast();
            input
                .parsed
                .nodes_of_kind(NodeKind::SelectorExpr)
                .any(|(id, node)| match *node {
                    Node::SelectorExpr { sel, .. } => {
                        ast.ident_name(sel, input.source) == name && !safe[f].contains(&id)
                    }
                    _ => false,
                })
        }),
    };
    (!escapes).then(|| OnlyInserted {
        expr: text.to_string(),
    })
}

/// What names the map: a package-level variable, or a struct field by name (every
/// selector of that name in the package counts as a mention, which can only make the
/// answer more cautious).
enum Identity {
    Var(goguard_semantic::model::BindingId),
    Field(String),
}

struct Target {
    /// The map expression in the insert.
    node: NodeId,
    identity: Identity,
}

/// The map that an assignment on `line` of `file` inserts into (`m[k] = v`, `m[k] += v`).
fn inserted_map(
    model: &PackageModel<'_>,
    f: FileIdx,
    file: &FileInput<'_>,
    line: u32,
) -> Option<Target> {
    let ast = file.parsed.ast();
    let lines = file.parsed.lines();
    for (_, node) in file.parsed.nodes_of_kind(NodeKind::AssignStmt) {
        let Node::AssignStmt { lhs, .. } = *node else {
            continue;
        };
        for &target in ast.list(lhs) {
            let Node::IndexExpr { x, .. } = *ast.node(file.parsed.ast().unparen(target)) else {
                continue;
            };
            if lines.line_col(ast.pos(target)).0 != line {
                continue;
            }
            let map = file.parsed.ast().unparen(x);
            if !matches!(model.type_of(f, map).deref(), Type::Map(..)) {
                continue;
            }
            let identity = match *ast.node(map) {
                Node::Ident { .. } => {
                    let b = model.resolve(f, map)?;
                    let binding = model.binding(b);
                    let package_var = binding.kind == BindingKind::Var && binding.scope.is_none();
                    (package_var && unexported(&binding.name)).then_some(Identity::Var(b))?
                }
                Node::SelectorExpr { sel, .. } => {
                    let name = ast.ident_name(sel, file.source);
                    unexported(name).then(|| Identity::Field(name.to_string()))?
                }
                _ => return None,
            };
            return Some(Target {
                node: map,
                identity,
            });
        }
    }
    None
}

fn unexported(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_lowercase())
}

/// The expressions of a file in positions that cannot remove a map's entries: indexed
/// (`m[k]`, read or written), ranged over, or the argument of `len`.
fn safe_positions(model: &PackageModel<'_>, f: FileIdx, file: &FileInput<'_>) -> HashSet<NodeId> {
    let parsed = file.parsed;
    let ast = parsed.ast();
    let mut safe = HashSet::new();
    for (_, node) in parsed.nodes() {
        match *node {
            Node::IndexExpr { x, .. } => {
                safe.insert(parsed.ast().unparen(x));
            }
            Node::RangeStmt { x, .. } => {
                safe.insert(parsed.ast().unparen(x));
            }
            Node::CallExpr { fun, args, .. } => {
                let fun = parsed.ast().unparen(fun);
                let is_len = matches!(ast.node(fun), Node::Ident { .. })
                    && ast.ident_name(fun, file.source) == "len"
                    && model
                        .resolve(f, fun)
                        .is_some_and(|b| model.binding(b).kind == BindingKind::Builtin);
                if let (true, [arg]) = (is_len, ast.list(args)) {
                    safe.insert(parsed.ast().unparen(*arg));
                }
            }
            _ => {}
        }
    }
    safe.extend(initialisations(model, f, file));
    safe
}

/// The targets of assignments that set a map up rather than reset it: a fresh map
/// (`make(map...)`, `map...{}`) stored in a field of an object made in the same function
/// (`c := &Cache{}; c.items = make(...)`), or in a package variable by an `init` function.
fn initialisations(model: &PackageModel<'_>, f: FileIdx, file: &FileInput<'_>) -> Vec<NodeId> {
    let parsed = file.parsed;
    let ast = parsed.ast();
    let fresh_objects = fresh_object_names(file);
    let init_bodies: Vec<(u32, u32)> = parsed
        .nodes_of_kind(NodeKind::FuncDecl)
        .filter_map(|(_, n)| match *n {
            Node::FuncDecl {
                recv: None,
                name,
                body: Some(body),
                ..
            } if ast.ident_name(name, file.source) == "init" => {
                Some((ast.pos(body), ast.end(body)))
            }
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (_, node) in parsed.nodes_of_kind(NodeKind::AssignStmt) {
        let Node::AssignStmt {
            lhs,
            tok: Tok::Assign,
            rhs,
            ..
        } = *node
        else {
            continue;
        };
        let (lhs, rhs) = (ast.list(lhs), ast.list(rhs));
        if lhs.len() != rhs.len() {
            continue;
        }
        for (&l, &r) in lhs.iter().zip(rhs) {
            if !is_fresh_map(file, parsed.ast().unparen(r)) {
                continue;
            }
            let l = parsed.ast().unparen(l);
            let setting_up = match *ast.node(l) {
                Node::SelectorExpr { x, .. } => {
                    let x = parsed.ast().unparen(x);
                    model.resolve(f, x).is_some_and(|b| {
                        let b = model.binding(b);
                        b.scope.is_some()
                            && b.decl
                                .is_some_and(|(df, d)| df == f && fresh_objects.contains(&d))
                    })
                }
                Node::Ident { .. } => {
                    let at = ast.pos(l);
                    init_bodies.iter().any(|&(a, b)| a <= at && at < b)
                }
                _ => false,
            };
            if setting_up {
                out.push(l);
            }
        }
    }
    out
}

/// `make(map[K]V...)` or `map[K]V{...}`.
fn is_fresh_map(file: &FileInput<'_>, e: NodeId) -> bool {
    let ast = file.parsed.ast();
    let is_map_type =
        |t: NodeId| matches!(ast.node(file.parsed.ast().unparen(t)), Node::MapType { .. });
    match *ast.node(e) {
        Node::CompositeLit { ty: Some(t), .. } => is_map_type(t),
        Node::CallExpr { fun, args, .. } => {
            ast.ident_name(file.parsed.ast().unparen(fun), file.source) == "make"
                && ast.list(args).first().is_some_and(|&t| is_map_type(t))
        }
        _ => false,
    }
}

/// Identifiers declared as a new object: `x := &T{...}`, `x := T{...}`, `x := new(T)`,
/// `var x T`, `var x = &T{...}`.
fn fresh_object_names(file: &FileInput<'_>) -> HashSet<NodeId> {
    let parsed = file.parsed;
    let ast = parsed.ast();
    let fresh = |e: NodeId| {
        let e = parsed.ast().unparen(e);
        match *ast.node(e) {
            Node::CompositeLit { .. } => true,
            Node::UnaryExpr {
                op: Tok::And, x, ..
            } => matches!(ast.node(parsed.ast().unparen(x)), Node::CompositeLit { .. }),
            Node::CallExpr { fun, .. } => {
                ast.ident_name(parsed.ast().unparen(fun), file.source) == "new"
            }
            _ => false,
        }
    };
    let mut out = HashSet::new();
    for (_, node) in parsed.nodes() {
        let (names, values) = match *node {
            Node::AssignStmt {
                lhs,
                tok: Tok::Define,
                rhs,
                ..
            } => (ast.list(lhs), ast.list(rhs)),
            Node::ValueSpec { names, values, .. } => (ast.list(names), ast.list(values)),
            _ => continue,
        };
        if values.is_empty() {
            out.extend(names.iter().copied());
        } else if names.len() == values.len() {
            out.extend(
                names
                    .iter()
                    .zip(values)
                    .filter(|(_, &v)| fresh(v))
                    .map(|(&n, _)| n),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::source::{read_sites, SourceHazard};
    use super::OnlyInserted;

    fn only_inserted(file: &Path, line: u32) -> Option<OnlyInserted> {
        match read_sites(&[(file, line)]).pop().flatten() {
            Some(SourceHazard::MapOnlyInserted(m)) => Some(m),
            _ => None,
        }
    }

    /// Writes `files` (name, text) into a fresh directory and asks about `line` of the
    /// first.
    fn ask(files: &[(&str, &str)], line: u32) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        only_inserted(&dir.path().join(files[0].0), line).map(|m| m.expr)
    }

    const SERVICE: &str = "package svc

type service struct {
	sessions map[string]int
	Public   map[string]int
	order    []string
}

func newService() *service { return &service{sessions: map[string]int{}} }

func (s *service) remember(id string) {
	s.sessions[id] = len(id)
	s.Public[id] = 1
	s.order = append(s.order, id)
}

func (s *service) count() int {
	n := 0
	for k := range s.sessions {
		n += s.sessions[k]
	}
	return n + len(s.sessions)
}
";

    #[test]
    fn a_field_only_indexed_ranged_and_measured_is_only_inserted_into() {
        assert_eq!(
            ask(&[("svc.go", SERVICE)], 12).as_deref(),
            Some("s.sessions")
        );
    }

    #[test]
    fn a_delete_in_another_file_of_the_package_removes() {
        let other =
            "package svc\n\nfunc (s *service) forget(id string) { delete(s.sessions, id) }\n";
        assert_eq!(ask(&[("svc.go", SERVICE), ("forget.go", other)], 12), None);
        // A test file or another package's file does not count as the package.
        let test = "package svc\n\nfunc forgetAll(s *service) { clear(s.sessions) }\n";
        let elsewhere = "package other\n\nfunc forget(s *T) { delete(s.sessions, \"\") }\n";
        assert_eq!(
            ask(
                &[
                    ("svc.go", SERVICE),
                    ("svc_test.go", test),
                    ("z.go", elsewhere)
                ],
                12
            )
            .as_deref(),
            Some("s.sessions")
        );
    }

    #[test]
    fn a_map_handed_elsewhere_or_reassigned_may_shrink() {
        let passed = "package svc\n\nfunc (s *service) prune() { expire(s.sessions) }\n\nfunc expire(m map[string]int) {}\n";
        assert_eq!(ask(&[("svc.go", SERVICE), ("prune.go", passed)], 12), None);
        let reset = "package svc\n\nfunc (s *service) reset() { s.sessions = map[string]int{} }\n";
        assert_eq!(ask(&[("svc.go", SERVICE), ("reset.go", reset)], 12), None);
    }

    #[test]
    fn setting_a_map_up_is_not_resetting_it() {
        // A constructor that makes the object, then its map.
        let built = "package svc

func build() *service {
	s := &service{}
	s.sessions = make(map[string]int)
	var t service
	t.sessions = map[string]int{}
	return s
}
";
        assert_eq!(
            ask(&[("svc.go", SERVICE), ("build.go", built)], 12).as_deref(),
            Some("s.sessions")
        );
        // The same assignment to an object made elsewhere may be a reset.
        let reset = "package svc

func renew(s *service) {
	s.sessions = make(map[string]int)
}
";
        assert_eq!(ask(&[("svc.go", SERVICE), ("renew.go", reset)], 12), None);
        // An object that comes from elsewhere, even into a local variable.
        let found = "package svc

func renew2(all []*service) {
	s := all[0]
	s.sessions = make(map[string]int)
}
";
        assert_eq!(ask(&[("svc.go", SERVICE), ("renew.go", found)], 12), None);
    }

    #[test]
    fn exported_maps_and_other_lines_are_not_claimed() {
        // Another package may delete from an exported field.
        assert_eq!(ask(&[("svc.go", SERVICE)], 13), None);
        // An append to a slice is not a map insert.
        assert_eq!(ask(&[("svc.go", SERVICE)], 14), None);
        // A line with no assignment.
        assert_eq!(ask(&[("svc.go", SERVICE)], 11), None);
    }

    #[test]
    fn package_variables_count_every_use() {
        let cache = "package svc

var cache = map[string][]byte{}

func keep(k string, v []byte) {
	cache[k] = v
}

func size() int { return len(cache) }
";
        assert_eq!(ask(&[("cache.go", cache)], 6).as_deref(), Some("cache"));
        // Made in init: set up, not reset; made anywhere else: maybe a reset.
        let init = "package svc\n\nfunc init() { cache = make(map[string][]byte) }\n";
        assert_eq!(
            ask(&[("cache.go", cache), ("init.go", init)], 6).as_deref(),
            Some("cache")
        );
        let flush = "package svc\n\nfunc flush() { cache = make(map[string][]byte) }\n";
        assert_eq!(ask(&[("cache.go", cache), ("flush.go", flush)], 6), None);
        let drop = "package svc\n\nfunc drop(k string) { delete(cache, k) }\n";
        assert_eq!(ask(&[("cache.go", cache), ("drop.go", drop)], 6), None);
        // A local map of the same name is another variable.
        let local =
            "package svc\n\nfunc local() { cache := map[string]int{}; delete(cache, \"\") }\n";
        assert_eq!(
            ask(&[("cache.go", cache), ("local.go", local)], 6).as_deref(),
            Some("cache")
        );
    }

    #[test]
    fn several_sites_of_one_package_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let svc = dir.path().join("svc.go");
        let cache = dir.path().join("cache.go");
        std::fs::write(&svc, SERVICE).unwrap();
        std::fs::write(
            &cache,
            "package svc\n\nvar seen = map[int]bool{}\n\nfunc see(i int) { seen[i] = true }\n",
        )
        .unwrap();
        let answers: Vec<Option<String>> = read_sites(&[(&svc, 14), (&cache, 5), (&svc, 12)])
            .into_iter()
            .map(|a| match a {
                Some(SourceHazard::MapOnlyInserted(m)) => Some(m.expr),
                _ => None,
            })
            .collect();
        assert_eq!(
            answers,
            vec![
                None,
                Some("seen".to_string()),
                Some("s.sessions".to_string())
            ]
        );
        assert!(read_sites(&[]).is_empty());
    }

    #[test]
    fn unreadable_or_broken_input_claims_nothing() {
        assert_eq!(ask(&[("svc.go", "package svc\nfunc (\n")], 2), None);
        assert_eq!(only_inserted(Path::new("/nonexistent/x.go"), 1), None);
    }
}
