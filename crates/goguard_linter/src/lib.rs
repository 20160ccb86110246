//! goguard's static rules: the engine that runs them over a package's
//! semantic model ([`engine`]), analyses shared by several rules
//! ([`analyses`]) and the rules themselves ([`rules`], one file per rule).
//! It knows nothing of command lines or of runtime artifacts.

pub mod analyses;
pub mod engine;
pub mod rules;
