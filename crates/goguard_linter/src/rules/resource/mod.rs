//! Rules of the resource domain.

use crate::engine::Rule;

pub mod defer_in_loop;
pub mod response_body_not_closed;
pub mod ticker_not_stopped;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &response_body_not_closed::ResponseBodyNotClosed,
    &ticker_not_stopped::TickerNotStopped,
    &defer_in_loop::DeferInLoop,
];
