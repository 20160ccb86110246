//! Which rules run on a file: `select` / `ignore` selectors, preview
//! gating and per-path override layers.
//!
//! A selector is `ALL`, a domain (`context`), a category (`correctness`),
//! a code prefix (`CX`, `CX0`, `E`), a code (`CX001`) or a rule name. When
//! a rule matches selectors of both lists, the more specific one decides
//! (a name or code beats a prefix, which beats a domain or category, which
//! beats `ALL`); at equal specificity `ignore` wins. An override layer
//! whose paths match a file decides for the rules it mentions, on top of
//! the base layer. Preview rules run only when selected by name or code, or
//! when preview is on and a broader selector selects them.

use super::registry::{closest, Entry};
use super::rule::{Category, Domain, Status};

const DOMAINS: [Domain; 9] = Domain::ALL;

const CATEGORIES: [Category; 5] = Category::ALL;

/// One parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    Domain(Domain),
    Category(Category),
    /// An upper-case code prefix such as `CX` or `CX0`.
    Prefix(String),
    /// A code (`CX001`) or name, resolved to the entry's code.
    Exact(&'static str),
}

impl Selector {
    /// Parses a selector, checking it against the known entries. The error
    /// says what is wrong and suggests a close name.
    pub fn parse(text: &str, entries: &[Entry]) -> Result<Selector, String> {
        if text == "ALL" {
            return Ok(Selector::All);
        }
        if let Some(e) = entries
            .iter()
            .find(|e| e.name() == text || e.code().eq_ignore_ascii_case(text))
        {
            return Ok(Selector::Exact(e.code()));
        }
        if let Some(d) = DOMAINS.iter().find(|d| d.name() == text) {
            return Ok(Selector::Domain(*d));
        }
        if let Some(c) = CATEGORIES.iter().find(|c| c.name() == text) {
            return Ok(Selector::Category(*c));
        }
        let upper = text.to_ascii_uppercase();
        if is_code_prefix(&upper) || entries.iter().any(|e| e.code().starts_with(&upper)) {
            return Ok(Selector::Prefix(upper));
        }
        let candidates = entries
            .iter()
            .flat_map(|e| [e.name(), e.code()])
            .chain(DOMAINS.iter().map(|d| d.name()))
            .chain(CATEGORIES.iter().map(|c| c.name()));
        Err(match closest(text, candidates) {
            Some(s) => format!("unknown rule `{text}` (did you mean `{s}`?)"),
            None => format!("unknown rule `{text}`; `goguard rules --all` lists them"),
        })
    }

    /// How specific the selector is: the more specific decides.
    fn specificity(&self) -> u32 {
        match self {
            Selector::All => 0,
            Selector::Domain(_) | Selector::Category(_) => 1,
            Selector::Prefix(p) => 1 + p.len() as u32,
            Selector::Exact(_) => 100,
        }
    }

    fn matches(&self, e: Entry) -> bool {
        match self {
            Selector::All => true,
            Selector::Domain(d) => e.domain() == Some(*d),
            Selector::Category(c) => e.category() == *c,
            Selector::Prefix(p) => e.code().starts_with(p.as_str()),
            Selector::Exact(code) => e.code() == *code,
        }
    }
}

/// A domain letter pair (`CX`) or engine letter (`E`) followed by at most
/// two digits: a prefix of codes that may exist, even before any does.
fn is_code_prefix(s: &str) -> bool {
    let letters = DOMAINS
        .iter()
        .map(|d| d.code_prefix())
        .chain(["E"])
        .find(|l| s.starts_with(l));
    match letters {
        Some(l) => {
            let digits = &s[l.len()..];
            digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// A `select` list and an `ignore` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
}

impl Layer {
    /// Whether this layer enables (`Some(true)`), disables (`Some(false)`)
    /// or says nothing about (`None`) an entry.
    pub fn decide(&self, e: Entry, preview: bool) -> Option<bool> {
        let best = |list: &[Selector], gate: bool| {
            list.iter()
                .filter(|s| s.matches(e))
                .filter(|s| !gate || matches!(s, Selector::Exact(_)))
                .map(Selector::specificity)
                .max()
        };
        let gated = e.status() == Status::Preview && !preview;
        match (best(&self.select, gated), best(&self.ignore, false)) {
            (None, None) => None,
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (Some(s), Some(i)) => Some(s > i),
        }
    }
}

/// The base layer (whose empty `select` means all stable rules) and the
/// override layers that apply to a file, in order.
pub fn enabled(e: Entry, base: &Layer, overrides: &[&Layer], preview: bool) -> bool {
    let mut on = if base.select.is_empty() {
        let with_all = Layer {
            select: vec![Selector::All],
            ignore: base.ignore.clone(),
        };
        with_all.decide(e, preview)
    } else {
        base.decide(e, preview)
    }
    .unwrap_or(false);
    for layer in overrides {
        if let Some(v) = layer.decide(e, preview) {
            on = v;
        }
    }
    on
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::registry::entries;
    use crate::engine::Context;

    macro_rules! test_rule {
        ($ty:ident, $name:literal, $code:literal, $domain:ident, $status:ident) => {
            crate::declare_rule! {
                /// ## What it does
                /// Tests.
                pub struct $ty {
                    name: $name,
                    code: $code,
                    domain: $domain,
                    category: Suspicious,
                    status: $status,
                }
            }
            impl $ty {
                fn run(&self, _cx: &mut Context<'_>) {}
            }
        };
    }
    test_rule!(A, "rule-a", "CX001", Context, Stable);
    test_rule!(B, "rule-b", "CX002", Context, Preview);
    test_rule!(C, "rule-c", "RS001", Resource, Stable);

    fn all() -> Vec<Entry> {
        entries(&[&A, &B, &C])
    }

    fn layer(select: &[&str], ignore: &[&str]) -> Layer {
        let es = all();
        let p = |l: &[&str]| l.iter().map(|s| Selector::parse(s, &es).unwrap()).collect();
        Layer {
            select: p(select),
            ignore: p(ignore),
        }
    }

    fn on(base: &Layer, overrides: &[&Layer], preview: bool) -> Vec<&'static str> {
        all()
            .into_iter()
            .filter(|&e| enabled(e, base, overrides, preview))
            .map(Entry::name)
            .collect()
    }

    const BUILTIN_NAMES: [&str; 4] = [
        "syntax-error",
        "internal-error",
        "invalid-suppression",
        "unused-suppression",
    ];

    fn with_builtins(rules: &[&'static str]) -> Vec<&'static str> {
        rules.iter().copied().chain(BUILTIN_NAMES).collect()
    }

    #[test]
    fn default_is_every_stable_rule() {
        assert_eq!(
            on(&layer(&[], &[]), &[], false),
            with_builtins(&["rule-a", "rule-c"])
        );
        assert_eq!(
            on(&layer(&[], &[]), &[], true),
            with_builtins(&["rule-a", "rule-b", "rule-c"])
        );
    }

    #[test]
    fn selectors_of_every_kind() {
        assert_eq!(on(&layer(&["CX"], &[]), &[], false), ["rule-a"]);
        assert_eq!(
            on(&layer(&["context"], &[]), &[], true),
            ["rule-a", "rule-b"]
        );
        assert_eq!(on(&layer(&["rule-c"], &[]), &[], false), ["rule-c"]);
        assert_eq!(on(&layer(&["cx002"], &[]), &[], false), ["rule-b"]);
        assert_eq!(
            on(&layer(&["suspicious"], &[]), &[], false),
            [
                "rule-a",
                "rule-c",
                "invalid-suppression",
                "unused-suppression"
            ]
        );
        assert_eq!(on(&layer(&["E00"], &[]), &[], false), BUILTIN_NAMES);
        // Prefixes of codes no rule has yet are accepted (and select nothing).
        assert!(on(&layer(&["GR"], &[]), &[], false).is_empty());
    }

    #[test]
    fn more_specific_wins_and_ignore_wins_ties() {
        assert_eq!(
            on(&layer(&["ALL"], &["CX"]), &[], false),
            with_builtins(&["rule-c"])
        );
        assert_eq!(on(&layer(&["CX001"], &["CX"]), &[], false), ["rule-a"]);
        assert!(on(&layer(&["CX001"], &["rule-a"]), &[], false).is_empty());
        assert_eq!(on(&layer(&[], &["E", "context"]), &[], false), ["rule-c"]);
    }

    #[test]
    fn overrides_decide_for_what_they_mention() {
        let base = layer(&["CX", "RS"], &["rule-c"]);
        let o = layer(&["rule-c"], &["CX001"]);
        assert_eq!(on(&base, &[&o], false), ["rule-c"]);
        let silent = layer(&[], &[]);
        assert_eq!(on(&base, &[&silent], false), ["rule-a"]);
    }

    #[test]
    fn unknown_selectors_are_errors_with_suggestions() {
        let es = all();
        let e = Selector::parse("rule-d", &es).unwrap_err();
        assert!(e.contains("did you mean `rule-a`"), "{e}");
        assert!(Selector::parse("CX999", &es).is_err());
        assert!(Selector::parse("XY", &es).is_err());
        assert!(Selector::parse("contxt", &es)
            .unwrap_err()
            .contains("`context`"));
    }
}
