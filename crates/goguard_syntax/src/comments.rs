//! Comment access: comment groups by position and directives (`//go:build`, `//nolint`,
//! `//goguard:ignore ...`).

use crate::ast::{Ast, Comment, CommentGroupId, Pos};

/// A directive comment: `//name:rest` without a space after `//` (as Go tools define
/// directives, e.g. `//go:embed x`, `//goguard:ignore leak`), or `//nolint...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directive<'s> {
    /// Offset of the comment.
    pub pos: Pos,
    /// The part before ':' (e.g. "go", "goguard"), or "nolint".
    pub namespace: &'s str,
    /// The part after ':' up to the first space (e.g. "build", "ignore"); empty for nolint.
    pub name: &'s str,
    /// The rest after the name, trimmed (e.g. "linux && amd64").
    pub args: &'s str,
}

/// Parses one comment's text as a directive.
pub fn parse_directive(text: &str, pos: Pos) -> Option<Directive<'_>> {
    let body = text.strip_prefix("//")?;
    if let Some(rest) = body.strip_prefix("nolint") {
        if rest.is_empty() || rest.starts_with(':') || rest.starts_with(' ') {
            return Some(Directive {
                pos,
                namespace: "nolint",
                name: "",
                args: rest.trim_start_matches(':').trim(),
            });
        }
    }
    let colon = body.find(':')?;
    let ns = &body[..colon];
    if ns.is_empty()
        || !ns
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    let rest = &body[colon + 1..];
    let name_end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    if name_end == 0 {
        return None;
    }
    Some(Directive {
        pos,
        namespace: ns,
        name: &rest[..name_end],
        args: rest[name_end..].trim(),
    })
}

impl Ast {
    /// The comment group containing or starting at/after `pos`... precisely: the first group
    /// whose end is after `pos` (binary search over the source-ordered groups).
    pub fn comment_group_at_or_after(&self, pos: Pos) -> Option<CommentGroupId> {
        let i = self.comment_groups.partition_point(|g| {
            let last: Comment = self.comments[(g.first + g.len - 1) as usize];
            last.end <= pos
        });
        (i < self.comment_groups.len()).then_some(CommentGroupId(i as u32))
    }

    /// Comment groups overlapping the byte range `from..to`, in source order.
    pub fn comment_groups_in(
        &self,
        from: Pos,
        to: Pos,
    ) -> impl Iterator<Item = CommentGroupId> + '_ {
        let start = self
            .comment_group_at_or_after(from)
            .map_or(self.comment_groups.len() as u32, |g| g.0);
        (start..self.comment_groups.len() as u32)
            .map(CommentGroupId)
            .take_while(move |&g| self.group_pos(g) < to)
    }

    /// All directives of the file, in source order.
    pub fn directives<'s>(&'s self, source: &'s str) -> impl Iterator<Item = Directive<'s>> + 's {
        self.comments
            .iter()
            .filter_map(move |c| parse_directive(&source[c.pos as usize..c.end as usize], c.pos))
    }
}

#[cfg(test)]
mod tests {
    use crate::parse_file;

    #[test]
    fn directives_are_recognised() {
        let src = "//go:build linux\n\n// Package p.\npackage p\n\n//go:embed a.txt b.txt\nvar s string\n\n//go:generate stringer -type=T\n//nolint:errcheck // reason\n//goguard:ignore leak worker exits on ctx\nfunc f() {}\n\n// not:a directive (space after //)\n//  go:build also not\n";
        let f = parse_file(src);
        let d: Vec<_> = f
            .ast()
            .directives(src)
            .map(|d| (d.namespace, d.name, d.args))
            .collect();
        assert_eq!(
            d,
            [
                ("go", "build", "linux"),
                ("go", "embed", "a.txt b.txt"),
                ("go", "generate", "stringer -type=T"),
                ("nolint", "", "errcheck // reason"),
                ("goguard", "ignore", "leak worker exits on ctx"),
            ]
        );
    }

    #[test]
    fn comment_groups_by_position() {
        let src = "package p\n\n// a\n// b\n\n// c\nfunc f() {} // d\n";
        let f = parse_file(src);
        let ast = f.ast();
        assert_eq!(ast.comment_groups.len(), 3);
        let g = ast.comment_group_at_or_after(0).unwrap();
        assert_eq!(ast.group_comments(g).len(), 2);
        let pos_c = src.find("// c").unwrap() as u32;
        assert_eq!(
            ast.group_pos(ast.comment_group_at_or_after(pos_c).unwrap()),
            pos_c
        );
        // Overlapping "// c" (started before) and "// d".
        assert_eq!(
            ast.comment_groups_in(pos_c + 1, src.len() as u32).count(),
            2
        );
        assert_eq!(
            ast.comment_groups_in(pos_c + 5, src.len() as u32).count(),
            1
        );
        assert_eq!(ast.comment_group_at_or_after(src.len() as u32), None);
    }
}
