//! What a rule is: metadata plus a check over one file.

use goguard_semantic::load::GoVersion;

pub use goguard_diagnostics::catalog::{doc_markdown, doc_summary, Category, Domain, Status};

use super::Context;

/// A rule's metadata. Built by [`declare_rule!`](crate::declare_rule).
#[derive(Debug)]
pub struct RuleMeta {
    /// kebab-case, e.g. "context-cancel-not-called".
    pub name: &'static str,
    /// e.g. "CX001".
    pub code: &'static str,
    pub domain: Domain,
    pub category: Category,
    pub status: Status,
    /// The rule only applies to files whose Go version is below this one
    /// (loop-variable capture before 1.22).
    pub go_below: Option<GoVersion>,
    /// False when the rule is off in `_test.go` files.
    pub in_tests: bool,
    /// The user documentation: markdown with the sections What it does /
    /// Why is this bad? / Example / Use instead / Known limitations.
    pub doc: &'static str,
    /// Settings the rule reads (`[rules.<name>]` in goguard.toml), with
    /// their defaults.
    pub options: &'static [RuleOption],
    /// The shared analyses the rule reads
    /// ([`Context::analysis`](super::Context::analysis)).
    pub requires: &'static [super::analysis::AnalysisId],
}

impl RuleMeta {
    /// The documentation with the one leading space of each `///` line
    /// removed: plain markdown.
    pub fn doc_markdown(&self) -> String {
        doc_markdown(self.doc)
    }

    /// The first sentence of "What it does": one line for `goguard rules`.
    pub fn summary(&self) -> String {
        doc_summary(&self.doc_markdown())
    }

    /// The declared option called `name`.
    pub fn option(&self, name: &str) -> Option<&'static RuleOption> {
        self.options.iter().find(|o| o.name == name)
    }
}

/// The value of a rule option: its default in [`RuleOption`], or what
/// goguard.toml sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    Usize(usize),
    Str(String),
    StrList(Vec<String>),
}

impl OptionValue {
    /// The type's name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            OptionValue::Bool(_) => "a boolean",
            OptionValue::Usize(_) => "a non-negative integer",
            OptionValue::Str(_) => "a string",
            OptionValue::StrList(_) => "a list of strings",
        }
    }
}

/// The default of a rule option, as a rule declares it (const-friendly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionDefault {
    Bool(bool),
    Usize(usize),
    Str(&'static str),
    StrList(&'static [&'static str]),
}

impl OptionDefault {
    pub fn to_value(self) -> OptionValue {
        match self {
            OptionDefault::Bool(b) => OptionValue::Bool(b),
            OptionDefault::Usize(n) => OptionValue::Usize(n),
            OptionDefault::Str(s) => OptionValue::Str(s.to_string()),
            OptionDefault::StrList(l) => {
                OptionValue::StrList(l.iter().map(|s| s.to_string()).collect())
            }
        }
    }
}

/// A setting of a rule: `[rules.<rule-name>] <name> = value` in goguard.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOption {
    /// kebab-case, e.g. "max-depth".
    pub name: &'static str,
    pub default: OptionDefault,
    /// One sentence for `goguard explain`.
    pub doc: &'static str,
}

impl RuleOption {
    pub const fn bool(name: &'static str, default: bool, doc: &'static str) -> RuleOption {
        RuleOption {
            name,
            default: OptionDefault::Bool(default),
            doc,
        }
    }

    pub const fn usize(name: &'static str, default: usize, doc: &'static str) -> RuleOption {
        RuleOption {
            name,
            default: OptionDefault::Usize(default),
            doc,
        }
    }

    pub const fn str(name: &'static str, default: &'static str, doc: &'static str) -> RuleOption {
        RuleOption {
            name,
            default: OptionDefault::Str(default),
            doc,
        }
    }

    pub const fn str_list(
        name: &'static str,
        default: &'static [&'static str],
        doc: &'static str,
    ) -> RuleOption {
        RuleOption {
            name,
            default: OptionDefault::StrList(default),
            doc,
        }
    }
}

/// A rule: metadata and a check over one file of a package.
pub trait Rule: Send + Sync + 'static {
    fn meta(&self) -> &'static RuleMeta;
    /// Reads the file through `cx` and reports findings with `cx.report`.
    fn check(&self, cx: &mut Context<'_>);
}

/// Declares a rule: a unit struct documented by its doc comment (the user
/// documentation), its metadata, and the `Rule` impl calling the struct's
/// `run(&self, cx: &mut Context)` method, which the rule file writes.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct DeferInLoop {
///         name: "defer-in-loop",
///         code: "RS007",
///         domain: Resource,
///         category: Perf,
///         status: Stable,
///     }
/// }
/// ```
/// Optional trailing fields, in this order: `go_below: (1, 22),`,
/// `in_tests: false,`, `options: &[RuleOption::usize("max-depth", 3,
/// "doc")],` (read with `cx.option_usize("max-depth")`) and `requires:
/// &[SomeAnalysis::ID],` (the shared analyses it reads with
/// `cx.analysis::<SomeAnalysis>()`).
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            name: $rule_name:literal,
            code: $code:literal,
            domain: $domain:ident,
            category: $category:ident,
            status: $status:ident,
            $(go_below: ($major:literal, $minor:literal),)?
            $(in_tests: $in_tests:literal,)?
            $(options: $options:expr,)?
            $(requires: $requires:expr,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $name;

        impl $name {
            pub const META: $crate::engine::RuleMeta = $crate::engine::RuleMeta {
                name: $rule_name,
                code: $code,
                domain: $crate::engine::Domain::$domain,
                category: $crate::engine::Category::$category,
                status: $crate::engine::Status::$status,
                go_below: $crate::declare_rule!(@go_below $(($major, $minor))?),
                in_tests: $crate::declare_rule!(@in_tests $($in_tests)?),
                doc: concat!($($doc, "\n"),*),
                options: $crate::declare_rule!(@options $($options)?),
                requires: $crate::declare_rule!(@requires $($requires)?),
            };
        }

        impl $crate::engine::Rule for $name {
            fn meta(&self) -> &'static $crate::engine::RuleMeta {
                &Self::META
            }
            fn check(&self, cx: &mut $crate::engine::Context<'_>) {
                self.run(cx)
            }
        }
    };
    (@go_below) => { None };
    (@go_below ($major:literal, $minor:literal)) => {
        Some(goguard_semantic::load::GoVersion::new($major, $minor))
    };
    (@in_tests) => { true };
    (@in_tests $v:literal) => { $v };
    (@options) => { &[] };
    (@options $v:expr) => { $v };
    (@requires) => { &[] };
    (@requires $v:expr) => { $v };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::declare_rule! {
        /// ## What it does
        /// Nothing.
        pub struct SampleRule {
            name: "sample-rule",
            code: "GR999",
            domain: Goroutine,
            category: Style,
            status: Preview,
            go_below: (1, 22),
            in_tests: false,
            options: &[RuleOption::usize("max-depth", 3, "How deep to look.")],
        }
    }

    impl SampleRule {
        fn run(&self, _cx: &mut Context<'_>) {}
    }

    #[test]
    fn declare_rule_fills_the_metadata() {
        let rule: &dyn Rule = &SampleRule;
        let meta = rule.meta();
        assert_eq!(meta.name, "sample-rule");
        assert_eq!(meta.code, "GR999");
        assert_eq!(meta.go_below, Some(GoVersion::new(1, 22)));
        assert!(!meta.in_tests);
        assert_eq!(meta.doc, " ## What it does\n Nothing.\n");
        assert_eq!(meta.doc_markdown(), "## What it does\nNothing.\n");
        assert_eq!(meta.summary(), "Nothing.");
        assert_eq!(
            meta.option("max-depth").map(|o| o.default),
            Some(OptionDefault::Usize(3))
        );
    }

    #[test]
    fn summary_is_the_first_sentence_of_what_it_does() {
        let doc = "## What it does\nFinds a\nthing. Then more.\n\nOther.\n## Why is this bad?\nx\n";
        assert_eq!(doc_summary(doc), "Finds a thing.");
        assert_eq!(doc_summary("no sections"), "");
        let code = "## What it does\nReports `a. b` in loops (`for { ... }`). Then.\n";
        assert_eq!(
            doc_summary(code),
            "Reports `a. b` in loops (`for { ... }`)."
        );
    }
}
