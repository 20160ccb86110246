//! Go semantics for goguard: the generic facts about a Go program that the
//! rules build on — modules and packages, and later scopes, bindings, light
//! types and control-flow graphs. Nothing here is specific to one rule.
//!
//! Loading is here now ([`load`]): it turns paths on disk into modules,
//! packages and the files to check, deciding file selection (build
//! constraints, file-name suffixes, generated code, test files) the way the
//! go command does, without needing a Go toolchain. The parts that follow
//! (scopes, bindings, types, CFG) will consume its [`load::Workspace`].

pub mod load;
