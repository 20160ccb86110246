//! Every rule, by domain: `rules/<domain>/<rule_name>.rs`, listed once in the
//! domain's `mod.rs`.

use crate::engine::Rule;

pub mod channel;
pub mod context;
pub mod error;
pub mod goroutine;
pub mod http;
pub mod memory;
pub mod resource;
pub mod sync;

/// All rules, in domain order then the order each domain lists them.
pub fn all() -> Vec<&'static dyn Rule> {
    [
        goroutine::RULES,
        channel::RULES,
        context::RULES,
        sync::RULES,
        resource::RULES,
        error::RULES,
        http::RULES,
        memory::RULES,
    ]
    .concat()
}
