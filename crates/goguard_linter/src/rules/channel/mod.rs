//! Rules of the channel domain.

use crate::engine::Rule;

pub mod abandoned_channel_send;
pub mod channel_closed_twice;
pub mod select_default_spin;
pub mod time_after_in_loop;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &abandoned_channel_send::AbandonedChannelSend,
    &channel_closed_twice::ChannelClosedTwice,
    &select_default_spin::SelectDefaultSpin,
    &time_after_in_loop::TimeAfterInLoop,
];
