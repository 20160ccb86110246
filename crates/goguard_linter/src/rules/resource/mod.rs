//! Rules of the resource domain.

use crate::engine::Rule;

pub mod defer_in_loop;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[&defer_in_loop::DeferInLoop];
