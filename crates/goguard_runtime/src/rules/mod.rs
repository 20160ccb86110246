//! The runtime rules of the catalogue (RT codes): what `goguard stacks`
//! reports. Each file holds one rule: its documentation (the same five
//! sections as a static rule's; `goguard explain RT001`) and the evidence
//! that makes it fire. `analysis::diagnose` runs the evidence from the
//! strongest to the weakest, so a goroutine is reported once, with the
//! strongest evidence against it.

use goguard_diagnostics::catalog::CatalogRule;

pub mod goroutine_growth;
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
pub static RULES: [&CatalogRule; 4] = [
    &leaked_goroutine_group::LEAKED_GOROUTINE_GROUP,
    &lock_deadlock::LOCK_DEADLOCK,
    &goroutine_growth::GOROUTINE_GROWTH,
    &whole_program_deadlock::WHOLE_PROGRAM_DEADLOCK,
];
