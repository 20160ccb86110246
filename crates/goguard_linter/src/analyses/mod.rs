//! Derived analyses shared by two or more rules.

pub mod concurrency;
pub mod entry;
pub mod expr;
pub mod flow;
pub mod locks;
pub mod loops;
pub mod release;
