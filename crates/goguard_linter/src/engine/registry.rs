//! One view over everything that can be selected, ignored, suppressed and
//! explained: the rules and the engine's own finding kinds.

use goguard_diagnostics::catalog::{doc_markdown, CatalogRule};

use super::builtin::{BuiltinRule, BUILTINS};
use super::rule::{doc_summary, Category, Domain, Rule, Status};

/// A rule of the one catalogue: a static rule, an engine finding kind, or
/// a runtime diagnosis (what `goguard stacks` reports).
#[derive(Clone, Copy)]
pub enum Entry {
    Rule(&'static dyn Rule),
    Builtin(&'static BuiltinRule),
    Runtime(&'static CatalogRule),
}

impl Entry {
    pub fn name(self) -> &'static str {
        match self {
            Entry::Rule(r) => r.meta().name,
            Entry::Builtin(b) => b.name,
            Entry::Runtime(r) => r.name,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Entry::Rule(r) => r.meta().code,
            Entry::Builtin(b) => b.code,
            Entry::Runtime(r) => r.code,
        }
    }

    /// None for engine finding kinds.
    pub fn domain(self) -> Option<Domain> {
        match self {
            Entry::Rule(r) => Some(r.meta().domain),
            Entry::Builtin(_) => None,
            Entry::Runtime(r) => Some(r.domain),
        }
    }

    /// The domain's name, "engine" for engine finding kinds.
    pub fn domain_name(self) -> &'static str {
        self.domain().map_or("engine", Domain::name)
    }

    pub fn category(self) -> Category {
        match self {
            Entry::Rule(r) => r.meta().category,
            Entry::Builtin(b) => b.category,
            Entry::Runtime(r) => r.category,
        }
    }

    pub fn status(self) -> Status {
        match self {
            Entry::Rule(r) => r.meta().status,
            Entry::Builtin(_) => Status::Stable,
            Entry::Runtime(r) => r.status,
        }
    }

    pub fn status_name(self) -> &'static str {
        self.status().name()
    }

    /// The documentation as markdown.
    pub fn doc_markdown(self) -> String {
        match self {
            Entry::Rule(r) => r.meta().doc_markdown(),
            Entry::Builtin(b) => b.doc.to_string(),
            Entry::Runtime(r) => doc_markdown(r.doc),
        }
    }

    /// One line: the first sentence of "What it does".
    pub fn summary(self) -> String {
        doc_summary(&self.doc_markdown())
    }

    /// `context-cancel-not-called (CX001) — context, correctness, stable`.
    pub fn header(self) -> String {
        format!(
            "{} ({}) — {}, {}, {}",
            self.name(),
            self.code(),
            self.domain_name(),
            self.category().name(),
            self.status_name()
        )
    }

    /// A static rule or engine kind: one that `goguard check` reports.
    pub fn is_static(self) -> bool {
        !matches!(self, Entry::Runtime(_))
    }
}

/// The rules followed by the engine's finding kinds.
pub fn entries(rules: &[&'static dyn Rule]) -> Vec<Entry> {
    rules
        .iter()
        .map(|&r| Entry::Rule(r))
        .chain(BUILTINS.iter().map(|&b| Entry::Builtin(b)))
        .collect()
}

/// The whole catalogue: static rules, engine kinds, then runtime rules.
pub fn catalogue(rules: &[&'static dyn Rule], runtime: &[&'static CatalogRule]) -> Vec<Entry> {
    let mut all = entries(rules);
    all.extend(runtime.iter().map(|&r| Entry::Runtime(r)));
    all
}

/// The entry called `name_or_code` (a kebab-case name, or a code in any
/// letter case).
pub fn find(entries: &[Entry], name_or_code: &str) -> Option<Entry> {
    entries
        .iter()
        .copied()
        .find(|e| e.name() == name_or_code || e.code().eq_ignore_ascii_case(name_or_code))
}

/// The known name or code closest to a misspelt one, if any is close.
pub fn suggest(entries: &[Entry], input: &str) -> Option<&'static str> {
    let candidates = entries.iter().flat_map(|e| [e.name(), e.code()]);
    closest(input, candidates)
}

/// The candidate closest to `input` when it is close enough to be a typo
/// (the first of equally close ones).
pub fn closest<'c>(input: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let input = input.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&input, &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_found_by_name_and_code() {
        let all = entries(&[]);
        assert_eq!(find(&all, "syntax-error").map(Entry::code), Some("E001"));
        assert_eq!(
            find(&all, "e003").map(Entry::name),
            Some("invalid-suppression")
        );
        assert!(find(&all, "nope").is_none());
        assert_eq!(suggest(&all, "syntax-eror"), Some("syntax-error"));
        assert_eq!(suggest(&all, "zzzzzzzz"), None);
        let e = find(&all, "E004").unwrap();
        assert_eq!(
            e.header(),
            "unused-suppression (E004) — engine, suspicious, stable"
        );
        assert!(e
            .summary()
            .starts_with("Reports a `//goguard:ignore` comment"));
    }
}
