//! Derived analyses shared by two or more rules.

pub mod loops;
