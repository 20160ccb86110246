//! Diagnostics for goguard, and how they are rendered.
//!
//! This crate owns the [`Diagnostic`] type that every rule produces, the
//! [`Files`] store that turns byte offsets into lines and columns, the
//! canonical output order ([`sort_diagnostics`]), and the renderers: a
//! human-readable terminal format, a stable JSON schema, SARIF 2.1.0 for
//! code-scanning services, and GitHub Actions workflow commands. It must
//! not know Go syntax or any rule: it receives finished diagnostics, the
//! source text they point into, and (for SARIF) rule metadata as plain
//! [`RuleInfo`] values from the caller.

mod diagnostic;
mod exit;
pub mod render;
mod sort;
mod source;
mod summary;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use exit::ExitStatus;
pub use render::github::render_github;
pub use render::human::{render_human, HumanOptions};
pub use render::json::{render_json, JSON_SCHEMA_VERSION};
pub use render::sarif::{render_sarif, RuleInfo, ToolInfo};
pub use sort::{compare, sort_diagnostics, sort_key};
pub use source::{FileId, Files, Position, SourceFile, Span};
pub use summary::Summary;
