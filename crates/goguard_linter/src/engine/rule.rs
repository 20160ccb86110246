//! What a rule is: metadata plus a check over one file.

use goguard_semantic::load::GoVersion;

use super::Context;

/// The hazard family of a rule; also the prefix of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// GR: goroutine lifecycle.
    Goroutine,
    /// CH: channels and select.
    Channel,
    /// CX: contexts.
    Context,
    /// SY: locks, WaitGroups, atomics.
    Sync,
    /// RS: resources (bodies, rows, files, tickers, timers).
    Resource,
}

impl Domain {
    pub fn name(self) -> &'static str {
        match self {
            Domain::Goroutine => "goroutine",
            Domain::Channel => "channel",
            Domain::Context => "context",
            Domain::Sync => "sync",
            Domain::Resource => "resource",
        }
    }

    /// The two-letter code prefix.
    pub fn code_prefix(self) -> &'static str {
        match self {
            Domain::Goroutine => "GR",
            Domain::Channel => "CH",
            Domain::Context => "CX",
            Domain::Sync => "SY",
            Domain::Resource => "RS",
        }
    }
}

/// What kind of problem a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Correctness,
    Suspicious,
    Perf,
    Style,
    Pedantic,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Perf => "perf",
            Category::Style => "style",
            Category::Pedantic => "pedantic",
        }
    }
}

/// Stable rules run by default; preview rules only when selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Stable,
    Preview,
}

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
/// Optional trailing fields: `go_below: (1, 22),` and `in_tests: false,`.
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
    }
}
