//! One file per command.

pub mod check;
pub mod debug_parse;
pub mod explain;
pub mod rules;
pub mod stacks;
