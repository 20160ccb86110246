//! One file per command.

pub mod catalog;
pub mod check;
pub mod debug_parse;
pub mod explain;
pub mod output;
pub mod rules;
pub mod stacks;
