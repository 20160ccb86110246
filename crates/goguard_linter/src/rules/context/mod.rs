//! Rules of the context domain.

use crate::engine::Rule;

pub mod context_cancel_not_called;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[&context_cancel_not_called::ContextCancelNotCalled];
