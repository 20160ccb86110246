//! Running a function's model: the state (`state.rs`), evaluation
//! (`eval.rs`), quiet steps chained per process (`exec.rs`), loud steps and
//! rendezvous (`loud.rs`), and the search with its witness (`search.rs`).

pub(crate) mod eval;
pub(crate) mod exec;
mod loud;
pub(crate) mod search;
pub(crate) mod state;
