//! Rules of the error domain.

use crate::engine::Rule;

pub mod critical_error_ignored;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[&critical_error_ignored::CriticalErrorIgnored];
