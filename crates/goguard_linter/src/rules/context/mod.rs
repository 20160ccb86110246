//! Rules of the context domain.

use crate::engine::Rule;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[];
