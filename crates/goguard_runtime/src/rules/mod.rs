//! The runtime rules of the catalogue (RT codes): what `goguard stacks`,
//! `goguard heap`, `goguard gc` and `goguard races` report. Each file holds
//! one rule: its documentation (the same five sections as a static rule's;
//! `goguard explain RT001`) and the evidence that makes it fire.
//! `analysis::diagnose` runs the goroutine evidence from the strongest to the
//! weakest, so a goroutine is reported once, with the strongest evidence
//! against it.

use goguard_diagnostics::catalog::CatalogRule;

pub mod data_race_report;
pub mod gc_pressure;
pub mod goroutine_growth;
pub mod heap_growth;
pub mod leaked_goroutine_group;
pub mod lock_deadlock;
pub mod whole_program_deadlock;

/// Declares a runtime rule: a `CatalogRule` static documented by its doc
/// comment.
macro_rules! runtime_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            name: $rule_name:literal,
            code: $code:literal,
            category: $category:ident,
            status: $status:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $name: goguard_diagnostics::catalog::CatalogRule =
            goguard_diagnostics::catalog::CatalogRule {
                name: $rule_name,
                code: $code,
                domain: goguard_diagnostics::catalog::Domain::Runtime,
                category: goguard_diagnostics::catalog::Category::$category,
                status: goguard_diagnostics::catalog::Status::$status,
                doc: concat!($($doc, "\n"),*),
            };
    };
}
pub(crate) use runtime_rule;

/// Every runtime rule, by code.
pub static RULES: [&CatalogRule; 7] = [
    &leaked_goroutine_group::LEAKED_GOROUTINE_GROUP,
    &lock_deadlock::LOCK_DEADLOCK,
    &goroutine_growth::GOROUTINE_GROWTH,
    &whole_program_deadlock::WHOLE_PROGRAM_DEADLOCK,
    &heap_growth::HEAP_GROWTH,
    &gc_pressure::GC_PRESSURE,
    &data_race_report::DATA_RACE_REPORT,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnose::{diagnose, Options};
    use goguard_diagnostics::catalog::doc_markdown;

    const SECTIONS: [&str; 5] = [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Known limitations",
    ];

    /// The fenced block after a section heading.
    fn block<'d>(doc: &'d str, section: &str, fence: &str) -> Option<&'d str> {
        let after = &doc[doc.find(section)? + section.len()..];
        let start = after.find(fence)? + fence.len();
        let end = after[start..].find("```")?;
        Some(&after[start..start + end])
    }

    #[test]
    fn docs_have_the_five_sections_in_order() {
        for rule in RULES {
            let doc = doc_markdown(rule.doc);
            let mut at = 0;
            for s in SECTIONS {
                let found = doc[at..]
                    .find(s)
                    .unwrap_or_else(|| panic!("{}: no {s}", rule.code));
                at += found + s.len();
            }
            assert!(rule.code.starts_with("RT"), "{}", rule.code);
            assert_eq!(rule.domain, goguard_diagnostics::catalog::Domain::Runtime);
            assert!(
                block(&doc, "## Use instead", "```go\n").is_some_and(|g| g.starts_with("package ")),
                "{}: Use instead is a Go file",
                rule.code
            );
        }
    }

    /// The Example dump of each single-dump rule makes it fire. (RT003 and RT005 compare
    /// several snapshots; RT006 and RT007 test their examples in their own files.)
    #[test]
    fn examples_fire() {
        let dump_rules = ["RT001", "RT002", "RT004"];
        for rule in RULES.iter().filter(|r| dump_rules.contains(&r.code)) {
            let doc = doc_markdown(rule.doc);
            let example = block(&doc, "## Example", "```text\n")
                .unwrap_or_else(|| panic!("{}: no text example", rule.code));
            let parsed = crate::parse_bytes(example.as_bytes());
            assert_eq!(
                parsed.snapshots.len(),
                1,
                "{}: {:?}",
                rule.code,
                parsed.warnings
            );
            let d = diagnose(&parsed.snapshots[0], &Options::default(), None);
            assert!(
                d.findings.iter().any(|f| f.rule.code == rule.code),
                "{}: the example gives {:?}",
                rule.code,
                d.findings.iter().map(|f| f.rule.code).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
    }
}
