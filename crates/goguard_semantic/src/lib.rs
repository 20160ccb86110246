//! Go semantics for goguard: the generic facts about a Go program that the
//! rules build on. Nothing here is specific to one rule.
//!
//! - [`load`] turns paths on disk into modules, packages and the files to
//!   check, deciding file selection (build constraints, file-name suffixes,
//!   generated code, test files) the way the go command does, without
//!   needing a Go toolchain.
//! - [`model`] is the per-package semantic model: scopes, bindings,
//!   resolution, light [`types`], callees and member lookup, with package
//!   summaries of the workspace and of the standard library ([`stdlib`]).
//! - [`cfg`] builds control-flow graphs of function bodies on demand.
//! - [`importpath`] says which import paths name the same API (vendored
//!   copies, standard-library aliases).

pub mod cfg;
pub mod importpath;
pub mod load;
pub mod model;
pub mod stdlib;
pub mod types;
