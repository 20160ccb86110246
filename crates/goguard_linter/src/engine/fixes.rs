//! Applying the safe fixes of findings to the text of their files
//! (`goguard check --fix` and `--diff`).
//!
//! Only findings that are reported get their fixes applied: a suppressed
//! finding never reaches this point, so its code is never changed. Fixes
//! are taken in the findings' order; a fix whose edits overlap an edit
//! already taken is left out (reported as not fixed), and an edit identical
//! to one already taken (two findings asking for the same `v := v`) is made
//! once.

use std::collections::BTreeMap;

use goguard_diagnostics::{Applicability, Diagnostic, Edit, FileId, Files};

/// The outcome of applying fixes.
#[derive(Debug, Default)]
pub struct Applied {
    /// The new text of every changed file.
    pub texts: BTreeMap<FileId, String>,
    /// Indices (into the findings given) of the findings fixed.
    pub fixed: Vec<usize>,
}

/// Applies the safe fixes of `diagnostics` to the files they point into.
pub fn apply_fixes(diagnostics: &[Diagnostic], files: &Files) -> Applied {
    let mut taken: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
    let mut fixed = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability != Applicability::Safe || fix.edits.is_empty() {
            continue;
        }
        let new: Vec<&Edit> = fix
            .edits
            .iter()
            .filter(|e| !taken.get(&e.span.file).is_some_and(|t| t.contains(e)))
            .collect();
        let clashes = new.iter().any(|e| {
            let in_bounds = e.span.end as usize <= files.get(e.span.file).text().len();
            !in_bounds
                || taken
                    .get(&e.span.file)
                    .is_some_and(|t| t.iter().any(|o| overlaps(o, e)))
                || new.iter().any(|o| !std::ptr::eq(*o, *e) && overlaps(o, e))
        });
        if clashes {
            continue;
        }
        for e in new {
            taken.entry(e.span.file).or_default().push(e.clone());
        }
        fixed.push(i);
    }
    let mut texts = BTreeMap::new();
    for (file, mut edits) in taken {
        let mut text = files.get(file).text().to_string();
        // From the end, so earlier offsets stay valid; insertions at one
        // offset keep their order.
        let order: Vec<usize> = (0..edits.len()).collect();
        let mut indexed: Vec<(usize, Edit)> = order.into_iter().zip(edits.drain(..)).collect();
        indexed.sort_by(|(ia, a), (ib, b)| {
            (b.span.start, b.span.end, ib).cmp(&(a.span.start, a.span.end, ia))
        });
        for (_, e) in indexed {
            text.replace_range(e.span.start as usize..e.span.end as usize, &e.replacement);
        }
        texts.insert(file, text);
    }
    Applied { texts, fixed }
}

/// True when two edits touch the same text: ranges that intersect, or an
/// insertion strictly inside a replaced range. Two insertions at one offset
/// do not overlap.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    if a.span.file != b.span.file {
        return false;
    }
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    if a0 == a1 && b0 == b1 {
        return false;
    }
    if a0 == a1 {
        return b0 < a0 && a0 < b1;
    }
    if b0 == b1 {
        return a0 < b0 && b0 < a1;
    }
    a0 < b1 && b0 < a1
}

#[cfg(test)]
mod tests {
    use super::*;
    use goguard_diagnostics::{Fix, Severity, Span};

    fn finding(file: FileId, fix: Option<Fix>) -> Diagnostic {
        let mut d = Diagnostic::new("X001", "x", Severity::Warning, Span::new(file, 0..1), "m");
        d.fix = fix;
        d
    }

    #[test]
    fn safe_fixes_apply_once_and_clashing_ones_are_left_out() {
        let mut files = Files::new();
        let f = files.add("a.go", "abcdef");
        let span = |r: std::ops::Range<usize>| Span::new(f, r);
        let diags = vec![
            finding(
                f,
                Some(Fix::new("x", Applicability::Safe).with_edit(span(1..2), "B")),
            ),
            // The same edit again: made once, and the finding counts as fixed.
            finding(
                f,
                Some(Fix::new("x", Applicability::Safe).with_edit(span(1..2), "B")),
            ),
            // Overlaps the first: left out.
            finding(
                f,
                Some(Fix::new("x", Applicability::Safe).with_edit(span(0..3), "Z")),
            ),
            // Unsafe: never applied.
            finding(
                f,
                Some(Fix::new("x", Applicability::Unsafe).with_edit(span(4..5), "E")),
            ),
            // Two insertions at one offset keep their order.
            finding(
                f,
                Some(Fix::new("x", Applicability::Safe).with_edit(span(6..6), "1")),
            ),
            finding(
                f,
                Some(Fix::new("x", Applicability::Safe).with_edit(span(6..6), "2")),
            ),
            finding(f, None),
        ];
        let applied = apply_fixes(&diags, &files);
        assert_eq!(applied.fixed, vec![0, 1, 4, 5]);
        assert_eq!(applied.texts[&f], "aBcdef12");
    }

    #[test]
    fn edits_past_the_end_are_refused() {
        let mut files = Files::new();
        let f = files.add("a.go", "ab");
        let d = finding(
            f,
            Some(Fix::new("x", Applicability::Safe).with_edit(Span::new(f, 1..9), "x")),
        );
        let applied = apply_fixes(&[d], &files);
        assert!(applied.fixed.is_empty() && applied.texts.is_empty());
    }
}
