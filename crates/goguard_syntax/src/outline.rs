//! The canonical outline: a line-per-node dump of the tree in the format printed by
//! tools/goast-outline for go/parser's tree, so the two parsers can be diffed.
//!
//! Format (identical in tools/goast-outline/main.go):
//!
//! ```text
//! <Field>: <GoAstTypeName> <start>-<end>[ <attr>]...
//! ```
//!
//! One node per line, indented two spaces per depth; the root line's field is "File".
//! `<start>-<end>` are go/ast's `Pos()`/`End()` as 0-based byte offsets ("-" if invalid).
//! Children follow in go/ast field order; nil fields are omitted; each element of a list
//! field gets its own line carrying the field name. Attributes, in field order: strings as
//! `Name=<Go-quoted>`, tokens as `Name=<token>`, `Dir=<n>` for channel direction, booleans
//! as `Name=true` only when true, and `!Name` for each absent (invalid) position field.
//! Doc/Comment fields print as a child `<Field>: CommentGroup <start>-<end>`. After the tree
//! every comment group prints at depth 0 as `CommentGroup <start>-<end>` followed by its
//! comments at depth 1 as `Comment <start>-<end> <Go-quoted text>`. Comment and raw string
//! texts drop '\r' as go/scanner does (and ends follow from the shortened text).
//!
//! Known, intended difference on files go/parser rejects: when the package clause is
//! broken, or after more than 10 errors (its bailout), go/parser returns an empty File
//! without comments, while we keep the comments and the partial tree for analysis (only a
//! nesting-depth error empties our tree). The reference test therefore compares only
//! errors for rejected files.

use crate::ast::*;
use crate::ParsedFile;
use std::fmt::Write;

/// A child of a node in go/ast field order: a node or a comment group reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    /// A child node.
    Node(NodeId),
    /// A Doc or Comment field.
    Group(CommentGroupId),
}

impl Ast {
    /// The children of `id` with their go/ast field names, in field order.
    pub fn children(&self, id: NodeId, out: &mut Vec<(&'static str, Child)>) {
        fn n(out: &mut Vec<(&'static str, Child)>, name: &'static str, c: Option<NodeId>) {
            if let Some(c) = c {
                out.push((name, Child::Node(c)));
            }
        }
        fn g(out: &mut Vec<(&'static str, Child)>, name: &'static str, c: Option<CommentGroupId>) {
            if let Some(c) = c {
                out.push((name, Child::Group(c)));
            }
        }
        let l = |out: &mut Vec<(&'static str, Child)>, name: &'static str, list: List| {
            out.extend(self.list(list).iter().map(|&c| (name, Child::Node(c))));
        };
        match *self.node(id) {
            Node::BadExpr { .. }
            | Node::Ident { .. }
            | Node::BasicLit { .. }
            | Node::BadStmt { .. }
            | Node::BadDecl { .. }
            | Node::EmptyStmt { .. } => {}
            Node::Ellipsis { elt, .. } => n(out, "Elt", elt),
            Node::FuncLit { ty, body } => {
                n(out, "Type", Some(ty));
                n(out, "Body", Some(body));
            }
            Node::CompositeLit { ty, elts, .. } => {
                n(out, "Type", ty);
                l(out, "Elts", elts);
            }
            Node::ParenExpr { x, .. }
            | Node::StarExpr { x, .. }
            | Node::UnaryExpr { x, .. }
            | Node::ExprStmt { x } => n(out, "X", Some(x)),
            Node::SelectorExpr { x, sel } => {
                n(out, "X", Some(x));
                n(out, "Sel", Some(sel));
            }
            Node::IndexExpr { x, index, .. } => {
                n(out, "X", Some(x));
                n(out, "Index", Some(index));
            }
            Node::IndexListExpr { x, indices, .. } => {
                n(out, "X", Some(x));
                l(out, "Indices", indices);
            }
            Node::SliceExpr {
                x, low, high, max, ..
            } => {
                n(out, "X", Some(x));
                n(out, "Low", low);
                n(out, "High", high);
                n(out, "Max", max);
            }
            Node::TypeAssertExpr { x, ty, .. } => {
                n(out, "X", Some(x));
                n(out, "Type", ty);
            }
            Node::CallExpr { fun, args, .. } => {
                n(out, "Fun", Some(fun));
                l(out, "Args", args);
            }
            Node::BinaryExpr { x, y, .. } => {
                n(out, "X", Some(x));
                n(out, "Y", Some(y));
            }
            Node::KeyValueExpr { key, value, .. } | Node::MapType { key, value, .. } => {
                n(out, "Key", Some(key));
                n(out, "Value", Some(value));
            }
            Node::ArrayType { len, elt, .. } => {
                n(out, "Len", len);
                n(out, "Elt", Some(elt));
            }
            Node::StructType { fields, .. } => n(out, "Fields", Some(fields)),
            Node::FuncType {
                type_params,
                params,
                results,
                ..
            } => {
                n(out, "TypeParams", type_params);
                n(out, "Params", Some(params));
                n(out, "Results", results);
            }
            Node::InterfaceType { methods, .. } => n(out, "Methods", Some(methods)),
            Node::ChanType { value, .. } => n(out, "Value", Some(value)),
            Node::Field {
                doc,
                names,
                ty,
                tag,
                comment,
            } => {
                g(out, "Doc", doc);
                l(out, "Names", names);
                n(out, "Type", ty);
                n(out, "Tag", tag);
                g(out, "Comment", comment);
            }
            Node::FieldList { list, .. } => l(out, "List", list),
            Node::DeclStmt { decl } => n(out, "Decl", Some(decl)),
            Node::LabeledStmt { label, stmt, .. } => {
                n(out, "Label", Some(label));
                n(out, "Stmt", Some(stmt));
            }
            Node::SendStmt { chan, value, .. } => {
                n(out, "Chan", Some(chan));
                n(out, "Value", Some(value));
            }
            Node::IncDecStmt { x, .. } => n(out, "X", Some(x)),
            Node::AssignStmt { lhs, rhs, .. } => {
                l(out, "Lhs", lhs);
                l(out, "Rhs", rhs);
            }
            Node::GoStmt { call, .. } | Node::DeferStmt { call, .. } => n(out, "Call", Some(call)),
            Node::ReturnStmt { results, .. } => l(out, "Results", results),
            Node::BranchStmt { label, .. } => n(out, "Label", label),
            Node::BlockStmt { list, .. } => l(out, "List", list),
            Node::IfStmt {
                init,
                cond,
                body,
                else_,
                ..
            } => {
                n(out, "Init", init);
                n(out, "Cond", Some(cond));
                n(out, "Body", Some(body));
                n(out, "Else", else_);
            }
            Node::CaseClause { list, body, .. } => {
                l(out, "List", list);
                l(out, "Body", body);
            }
            Node::SwitchStmt {
                init, tag, body, ..
            } => {
                n(out, "Init", init);
                n(out, "Tag", tag);
                n(out, "Body", Some(body));
            }
            Node::TypeSwitchStmt {
                init, assign, body, ..
            } => {
                n(out, "Init", init);
                n(out, "Assign", Some(assign));
                n(out, "Body", Some(body));
            }
            Node::CommClause { comm, body, .. } => {
                n(out, "Comm", comm);
                l(out, "Body", body);
            }
            Node::SelectStmt { body, .. } => n(out, "Body", Some(body)),
            Node::ForStmt {
                init,
                cond,
                post,
                body,
                ..
            } => {
                n(out, "Init", init);
                n(out, "Cond", cond);
                n(out, "Post", post);
                n(out, "Body", Some(body));
            }
            Node::RangeStmt {
                key,
                value,
                x,
                body,
                ..
            } => {
                n(out, "Key", key);
                n(out, "Value", value);
                n(out, "X", Some(x));
                n(out, "Body", Some(body));
            }
            Node::ImportSpec {
                doc,
                name,
                path,
                comment,
            } => {
                g(out, "Doc", doc);
                n(out, "Name", name);
                n(out, "Path", Some(path));
                g(out, "Comment", comment);
            }
            Node::ValueSpec {
                doc,
                names,
                ty,
                values,
                comment,
            } => {
                g(out, "Doc", doc);
                l(out, "Names", names);
                n(out, "Type", ty);
                l(out, "Values", values);
                g(out, "Comment", comment);
            }
            Node::TypeSpec {
                doc,
                name,
                type_params,
                ty,
                comment,
                ..
            } => {
                g(out, "Doc", doc);
                n(out, "Name", Some(name));
                n(out, "TypeParams", type_params);
                n(out, "Type", Some(ty));
                g(out, "Comment", comment);
            }
            Node::GenDecl { doc, specs, .. } => {
                g(out, "Doc", doc);
                l(out, "Specs", specs);
            }
            Node::FuncDecl {
                doc,
                recv,
                name,
                ty,
                body,
            } => {
                g(out, "Doc", doc);
                n(out, "Recv", recv);
                n(out, "Name", Some(name));
                n(out, "Type", Some(ty));
                n(out, "Body", body);
            }
            Node::File {
                doc, name, decls, ..
            } => {
                g(out, "Doc", doc);
                n(out, "Name", Some(name));
                l(out, "Decls", decls);
            }
        }
    }

    /// Parent of every node reachable from `root`, indexed by [`NodeId::index`] (None for
    /// the root and for unreachable arena leftovers). One O(n) pass; build it once per file
    /// when rules need enclosing statements or functions.
    pub fn parent_map(&self, root: NodeId) -> Vec<Option<NodeId>> {
        let mut parents = vec![None; self.nodes.len()];
        let mut buf = Vec::new();
        for id in self.walk(root) {
            buf.clear();
            self.children(id, &mut buf);
            for &(_, c) in &buf {
                if let Child::Node(c) = c {
                    parents[c.index()] = Some(id);
                }
            }
        }
        parents
    }

    /// Pre-order walk (go/ast.Inspect order) of the tree under `root`; yields only nodes
    /// reachable from it. Iterative, so deep trees cannot overflow the stack.
    pub fn walk(&self, root: NodeId) -> Walk<'_> {
        Walk {
            ast: self,
            stack: vec![root],
            buf: Vec::new(),
        }
    }
}

/// Iterator returned by [`Ast::walk`].
pub struct Walk<'a> {
    ast: &'a Ast,
    stack: Vec<NodeId>,
    buf: Vec<(&'static str, Child)>,
}

impl Iterator for Walk<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.stack.pop()?;
        self.buf.clear();
        self.ast.children(id, &mut self.buf);
        for &(_, c) in self.buf.iter().rev() {
            if let Child::Node(c) = c {
                self.stack.push(c);
            }
        }
        Some(id)
    }
}

fn off(p: Pos) -> String {
    if p == NO_POS {
        "-".to_string()
    } else {
        p.to_string()
    }
}

/// Quotes `s` as Go's strconv.Quote does.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Approximation of Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols
/// and the ASCII space; not controls, format characters, other spaces or private use.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(u, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
            | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFFFE | 0xFFFF
            | 0x110BD | 0x1D173..=0x1D17A | 0xE0001..=0xE007F | 0x323B0..=0xDFFFF))
}

fn without_cr(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        s.replace('\r', "").into()
    } else {
        s.into()
    }
}

struct Printer<'a> {
    ast: &'a Ast,
    src: &'a str,
    out: String,
    buf: Vec<(&'static str, Child)>,
}

impl Printer<'_> {
    fn group_span(&self, g: CommentGroupId) -> (Pos, Pos) {
        let cs = self.ast.group_comments(g);
        let last = cs[cs.len() - 1];
        let text = &self.src[last.pos as usize..last.end as usize];
        (cs[0].pos, last.pos + comment_text(text).len() as u32)
    }

    fn attrs(&mut self, id: NodeId) {
        let o = &mut self.out;
        let absent = |o: &mut String, name: &str, p: Pos| {
            if p == NO_POS {
                o.push_str(" !");
                o.push_str(name);
            }
        };
        match *self.ast.node(id) {
            Node::BadExpr { from, to }
            | Node::BadStmt { from, to }
            | Node::BadDecl { from, to } => {
                absent(o, "From", from);
                absent(o, "To", to);
            }
            Node::Ident { pos, .. } => {
                absent(o, "NamePos", pos);
                let name = if pos == NO_POS {
                    ""
                } else {
                    self.ast.ident_name(id, self.src)
                };
                let _ = write!(o, " Name={}", go_quote(name));
            }
            Node::BasicLit { pos, end, kind } => {
                let v = without_cr(&self.src[pos as usize..end as usize]);
                let _ = write!(o, " Kind={} Value={}", kind.as_str(), go_quote(&v));
            }
            Node::CompositeLit {
                incomplete: true, ..
            }
            | Node::StructType {
                incomplete: true, ..
            }
            | Node::InterfaceType {
                incomplete: true, ..
            } => o.push_str(" Incomplete=true"),
            Node::ParenExpr { rparen, .. } => absent(o, "Rparen", rparen),
            Node::SliceExpr { slice3: true, .. } => o.push_str(" Slice3=true"),
            Node::CallExpr { ellipsis, .. } => absent(o, "Ellipsis", ellipsis),
            Node::UnaryExpr { op, .. } | Node::BinaryExpr { op, .. } => {
                let _ = write!(o, " Op={}", op.as_str());
            }
            Node::FuncType { func_pos, .. } => absent(o, "Func", func_pos),
            Node::ChanType { arrow, dir, .. } => {
                absent(o, "Arrow", arrow);
                let _ = write!(o, " Dir={dir}");
            }
            Node::FieldList {
                opening, closing, ..
            } => {
                absent(o, "Opening", opening);
                absent(o, "Closing", closing);
            }
            Node::EmptyStmt { implicit: true, .. } => o.push_str(" Implicit=true"),
            Node::IncDecStmt { tok, .. }
            | Node::AssignStmt { tok, .. }
            | Node::BranchStmt { tok, .. } => {
                if let Node::AssignStmt { tok_pos, .. } = *self.ast.node(id) {
                    absent(o, "TokPos", tok_pos);
                }
                let _ = write!(o, " Tok={}", tok.as_str());
            }
            Node::BlockStmt { rbrace, .. } => absent(o, "Rbrace", rbrace),
            Node::RangeStmt { tok_pos, tok, .. } => {
                absent(o, "TokPos", tok_pos);
                let _ = write!(o, " Tok={}", tok.as_str());
            }
            Node::ImportSpec { .. } => o.push_str(" !EndPos"),
            Node::TypeSpec { assign, .. } => absent(o, "Assign", assign),
            Node::GenDecl {
                tok,
                lparen,
                rparen,
                ..
            } => {
                let _ = write!(o, " Tok={}", tok.as_str());
                absent(o, "Lparen", lparen);
                absent(o, "Rparen", rparen);
            }
            Node::File { package_pos, .. } => absent(o, "Package", package_pos),
            _ => {}
        }
    }

    /// Prints the subtree under `root` in pre-order with an explicit stack, so trees as
    /// deep as go/parser accepts (long operator chains) cannot overflow the call stack.
    fn tree(&mut self, root: NodeId) {
        let mut stack: Vec<(&'static str, Child, usize)> = vec![("File", Child::Node(root), 0)];
        while let Some((field, child, depth)) = stack.pop() {
            for _ in 0..depth {
                self.out.push_str("  ");
            }
            let id = match child {
                Child::Group(g) => {
                    let (p, e) = self.group_span(g);
                    let _ = writeln!(self.out, "{field}: CommentGroup {p}-{e}");
                    continue;
                }
                Child::Node(id) => id,
            };
            let (p, e) = (self.ast.pos(id), self.ast.end(id));
            let _ = write!(
                self.out,
                "{field}: {} {}-{}",
                self.ast.node(id).kind().name(),
                off(p),
                off(e)
            );
            self.attrs(id);
            self.out.push('\n');
            self.buf.clear();
            self.ast.children(id, &mut self.buf);
            stack.extend(self.buf.iter().rev().map(|&(name, c)| (name, c, depth + 1)));
        }
    }
}

/// A comment's text as go/ast keeps it: '\r' removed.
fn comment_text(s: &str) -> std::borrow::Cow<'_, str> {
    without_cr(s)
}

/// Prints the canonical outline of `file` (see the module documentation for the format).
/// Errors are not included; callers print them with their line:column.
pub fn outline(file: &ParsedFile, source: &str) -> String {
    let ast = file.ast();
    let mut p = Printer {
        ast,
        src: source,
        out: String::with_capacity(source.len() * 4),
        buf: Vec::new(),
    };
    p.tree(file.root());
    for gi in 0..ast.comment_groups.len() {
        let g = CommentGroupId(gi as u32);
        let (s, e) = p.group_span(g);
        let _ = writeln!(p.out, "CommentGroup {s}-{e}");
        for c in ast.group_comments(g) {
            let text = comment_text(&source[c.pos as usize..c.end as usize]);
            let _ = writeln!(
                p.out,
                "  Comment {}-{} {}",
                c.pos,
                c.pos + text.len() as u32,
                go_quote(&text)
            );
        }
    }
    p.out
}
