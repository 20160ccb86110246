//! One file per command.

pub mod debug_parse;
pub mod stacks;
