//! Rules of the http domain.

use crate::engine::Rule;

pub mod duplicate_route_pattern;
pub mod missing_return_after_http_error;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &missing_return_after_http_error::MissingReturnAfterHttpError,
    &duplicate_route_pattern::DuplicateRoutePattern,
];
