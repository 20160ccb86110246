//! Deterministic ordering of diagnostics.
//!
//! Rules run on many threads, so diagnostics arrive in any order. Sorting
//! by a total key before rendering makes every output byte-identical for
//! the same input, whatever the thread count.

use std::cmp::Ordering;

use crate::diagnostic::Diagnostic;
use crate::source::Files;

/// The primary sort key: path, start offset, end offset, rule code, message.
pub fn sort_key<'a>(d: &'a Diagnostic, files: &'a Files) -> (&'a str, u32, u32, &'a str, &'a str) {
    (
        files.get(d.span.file).path(),
        d.span.start,
        d.span.end,
        &d.code,
        &d.message,
    )
}

/// Compares by [`sort_key`], then by every remaining field, so two
/// diagnostics compare equal only when they render identically.
pub fn compare(a: &Diagnostic, b: &Diagnostic, files: &Files) -> Ordering {
    sort_key(a, files)
        .cmp(&sort_key(b, files))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.severity.cmp(&b.severity))
        .then_with(|| a.help.cmp(&b.help))
        .then_with(|| a.label.cmp(&b.label))
        .then_with(|| related_key(a, files).cmp(&related_key(b, files)))
        .then_with(|| fix_key(a, files).cmp(&fix_key(b, files)))
}

type SpanKey<'a> = (&'a str, u32, u32, &'a str);

fn related_key<'a>(d: &'a Diagnostic, files: &'a Files) -> Vec<SpanKey<'a>> {
    d.related
        .iter()
        .map(|r| {
            (
                files.get(r.span.file).path(),
                r.span.start,
                r.span.end,
                r.label.as_str(),
            )
        })
        .collect()
}

fn fix_key<'a>(
    d: &'a Diagnostic,
    files: &'a Files,
) -> Option<(&'a str, &'static str, Vec<SpanKey<'a>>)> {
    d.fix.as_ref().map(|f| {
        let edits = f
            .edits
            .iter()
            .map(|e| {
                (
                    files.get(e.span.file).path(),
                    e.span.start,
                    e.span.end,
                    e.replacement.as_str(),
                )
            })
            .collect();
        (f.message.as_str(), f.applicability.as_str(), edits)
    })
}

/// Sorts diagnostics into their canonical output order.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic], files: &Files) {
    diagnostics.sort_by(|a, b| compare(a, b, files));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::source::Span;

    fn sample() -> (Files, Vec<Diagnostic>) {
        let mut files = Files::new();
        // Added out of path order on purpose: ids must not decide the order.
        let b = files.add("pkg/b.go", "package b\n\nvar x, y = 1, 2\n");
        let a = files.add("pkg/a.go", "package a\n\nvar x, y = 1, 2\n");
        let d = |f, r: std::ops::Range<usize>, code: &str, msg: &str| {
            Diagnostic::new(code, "some-rule", Severity::Warning, Span::new(f, r), msg)
        };
        let diags = vec![
            d(b, 11..14, "CX001", "first"),
            d(a, 15..16, "CX001", "late"),
            d(a, 11..14, "GR002", "code decides"),
            d(a, 11..14, "CX001", "z message"),
            d(a, 11..14, "CX001", "a message"),
            d(a, 11..12, "CX001", "shorter end"),
            d(a, 11..14, "CX001", "a message").with_related(Span::new(a, 0..1), "here"),
        ];
        (files, diags)
    }

    fn labels(diags: &[Diagnostic]) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}:{}:{}",
                    d.span.file.index(),
                    d.span.start,
                    d.code,
                    d.message,
                    d.related.len()
                )
            })
            .collect()
    }

    #[test]
    fn orders_by_path_offset_code_message() {
        let (files, mut diags) = sample();
        sort_diagnostics(&mut diags, &files);
        assert_eq!(
            labels(&diags),
            [
                "1:11:CX001:shorter end:0",
                "1:11:CX001:a message:0",
                "1:11:CX001:a message:1",
                "1:11:CX001:z message:0",
                "1:11:GR002:code decides:0",
                "1:15:CX001:late:0",
                "0:11:CX001:first:0",
            ]
        );
    }

    #[test]
    fn every_input_order_gives_the_same_output() {
        let (files, diags) = sample();
        let mut expected = diags.clone();
        sort_diagnostics(&mut expected, &files);
        // Rotations and reversal stand in for arbitrary thread interleavings.
        for k in 0..diags.len() {
            for reverse in [false, true] {
                let mut v = diags.clone();
                v.rotate_left(k);
                if reverse {
                    v.reverse();
                }
                sort_diagnostics(&mut v, &files);
                assert_eq!(v, expected, "rotation {k}, reversed {reverse}");
            }
        }
    }
}
