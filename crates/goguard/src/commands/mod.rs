//! One file per command.

pub mod catalog;
pub mod check;
pub mod debug_concurrency;
pub mod debug_parse;
pub mod explain;
pub mod fetch;
pub mod gc;
pub mod heap;
pub mod locate;
pub mod output;
pub mod races;
pub mod rules;
pub mod stacks;
pub mod static_join;
pub mod watch;
