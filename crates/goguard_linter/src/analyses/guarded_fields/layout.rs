//! The layout of a package's structs, as guarded-field inference reads it:
//! which fields are mutexes, which synchronise themselves, which the
//! declaration says a mutex guards (a comment), and which follow a mutex in
//! its group of fields (no blank line between).

use std::collections::HashMap;

use goguard_semantic::model::FileIdx;
use goguard_syntax::{Node, NodeId, Tok};

use crate::analyses::lock_facts::Site;
use crate::engine::PackageScope;

/// One field of a package struct.
#[derive(Debug, Clone)]
pub(super) struct FieldInfo {
    pub(super) name: String,
    pub(super) decl: Site,
    /// A `sync.Mutex` or `sync.RWMutex` (or a pointer to one).
    pub(super) mutex: bool,
    /// Embedded, so `x.Lock()` locks it.
    pub(super) embedded: bool,
    /// Its type synchronises itself: a channel, a sync or sync/atomic type.
    pub(super) synchronised: bool,
    /// A map or a slice: returning it hands out shared storage.
    pub(super) container: bool,
    /// The mutex field the declaration says guards it (comment evidence).
    pub(super) declared: Option<usize>,
    /// The mutex field whose group (no blank line) it follows.
    pub(super) grouped: Option<usize>,
}

#[derive(Debug, Default)]
pub(super) struct StructInfo {
    pub(super) fields: Vec<FieldInfo>,
}

impl StructInfo {
    pub(super) fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub(super) fn mutexes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.fields.len()).filter(|&i| self.fields[i].mutex)
    }

    /// The text of mutex field `m` reached from `base`.
    pub(super) fn guard_key(&self, base: &str, m: usize) -> String {
        if self.fields[m].embedded {
            base.to_string()
        } else {
            format!("{base}.{}", self.fields[m].name)
        }
    }
}

/// The struct types declared in the package's non-test files, by name.
pub(super) fn struct_table(pkg: &PackageScope<'_>) -> HashMap<String, StructInfo> {
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
pub(super) fn field_comments(ast: &goguard_syntax::Ast, src: &str, field: NodeId) -> String {
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
pub(super) fn field_start(ast: &goguard_syntax::Ast, field: NodeId) -> u32 {
    match *ast.node(field) {
        Node::Field { doc: Some(g), .. } => ast.group_pos(g),
        _ => ast.pos(field),
    }
}

/// True when the source between two positions holds a blank line.
pub(super) fn blank_line_between(src: &str, from: u32, to: u32) -> bool {
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
pub(super) fn says_guards(comment: &str) -> bool {
    ["protect", "guard", "synchroni", "serializ"]
        .iter()
        .any(|w| comment.contains(w))
}

/// True when `comment` names `word` as a whole word.
pub(super) fn names_word(comment: &str, word: &str) -> bool {
    let word = word.to_lowercase();
    comment.match_indices(&word).any(|(i, _)| {
        let before = comment[..i].chars().next_back();
        let after = comment[i + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        edge(before) && edge(after)
    })
}

pub(super) fn struct_info(
    ast: &goguard_syntax::Ast,
    src: &str,
    fi: FileIdx,
    list: &[NodeId],
) -> StructInfo {
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
pub(super) fn embedded_name(ast: &goguard_syntax::Ast, src: &str, ty: NodeId) -> String {
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
pub(super) fn classify_type(
    ast: &goguard_syntax::Ast,
    src: &str,
    ty: NodeId,
) -> (bool, bool, bool) {
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
