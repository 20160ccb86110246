//! Rules of the channel domain.

use crate::engine::Rule;

pub mod abandoned_channel_receive;
pub mod abandoned_channel_send;
pub mod blocking_while_holding_lock;
pub mod channel_closed_twice;
pub mod range_over_unclosed_channel;
pub mod select_default_spin;
pub mod self_deadlock_send;
pub mod send_after_close;
pub mod time_after_in_loop;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &abandoned_channel_send::AbandonedChannelSend,
    &abandoned_channel_receive::AbandonedChannelReceive,
    &range_over_unclosed_channel::RangeOverUnclosedChannel,
    &channel_closed_twice::ChannelClosedTwice,
    &send_after_close::SendAfterClose,
    &select_default_spin::SelectDefaultSpin,
    &time_after_in_loop::TimeAfterInLoop,
    &blocking_while_holding_lock::BlockingWhileHoldingLock,
    &self_deadlock_send::SelfDeadlockSend,
];
