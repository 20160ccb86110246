//! Rules of the context domain.

use crate::engine::Rule;

pub mod context_cancel_not_called;
pub mod context_not_propagated;
pub mod handler_uses_background_context;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &context_cancel_not_called::ContextCancelNotCalled,
    &context_not_propagated::ContextNotPropagated,
    &handler_uses_background_context::HandlerUsesBackgroundContext,
];
