//! Rules of the goroutine domain.

use crate::engine::Rule;

pub mod block_forever;
pub mod goroutine_detached_from_context;
pub mod goroutine_loop_without_exit;
pub mod goroutine_uses_response_writer;
pub mod loop_variable_captured;
pub mod wait_group_add_in_goroutine;
pub mod worker_not_stopped;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &goroutine_loop_without_exit::GoroutineLoopWithoutExit,
    &loop_variable_captured::LoopVariableCaptured,
    &wait_group_add_in_goroutine::WaitGroupAddInGoroutine,
    &goroutine_detached_from_context::GoroutineDetachedFromContext,
    &goroutine_uses_response_writer::GoroutineUsesResponseWriter,
    &block_forever::BlockForever,
    &worker_not_stopped::WorkerNotStopped,
];
