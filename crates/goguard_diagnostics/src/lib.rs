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
//!
//! Positions come in three units, each where it belongs: 1-based byte
//! columns for tools (JSON), character columns for people (the human and
//! GitHub formats), UTF-16 columns for SARIF. `docs/output-formats.md`
//! describes every format.
//!
//! ```
//! use goguard_diagnostics::*;
//!
//! let mut files = Files::new();
//! let src = "package a\n\nfunc f(ctx context.Context) {\n\tctx, cancel := context.WithCancel(ctx)\n}\n";
//! let file = files.add("a/a.go", src);
//! let at = src.find("cancel").unwrap();
//! let mut diagnostics = vec![Diagnostic::new(
//!     "CX001",
//!     "context-cancel-not-called",
//!     Severity::Warning,
//!     Span::new(file, at..at + 6),
//!     "the cancel function is never called",
//! )
//! .with_label("cancel is never called")
//! .with_help("call `defer cancel()` after creating the context")];
//!
//! sort_diagnostics(&mut diagnostics, &files);
//! let summary = Summary::new(&diagnostics, 1, 1, std::time::Duration::from_millis(20));
//! let text = render_human(&diagnostics, &files, HumanOptions { color: false }, Some(&summary));
//! assert!(text.starts_with("a/a.go:4:7: CX001 the cancel function is never called\n"));
//! assert!(text.ends_with("Found 1 finding (0 errors, 1 warning) in 1 file, 1 package, 0.02s\n"));
//! assert_eq!(ExitStatus::from_findings(diagnostics.len()), ExitStatus::Findings);
//!
//! let json = render_json(&diagnostics, &files);
//! let github = render_github(&diagnostics, &files);
//! assert!(github.starts_with("::warning file=a/a.go,line=4,col=7,"));
//! # let _ = json;
//! ```

pub mod catalog;
mod confidence;
mod diagnostic;
mod exit;
mod format;
pub mod goroutines;
pub mod render;
pub mod sanitize;
mod sort;
mod source;
mod summary;

pub use confidence::Confidence;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use exit::ExitStatus;
pub use format::Format;
pub use render::github::render_github;
pub use render::html::{escape_html, render_html};
pub use render::human::{render_human, HumanOptions};
pub use render::json::{render_json, render_json_with, JSON_SCHEMA_VERSION};
pub use render::plot::{Plot, Series};
pub use render::sarif::{render_sarif, RuleInfo, ToolInfo};
pub use render::section::{render_sections_text, Section, Table};
pub use sort::{compare, sort_diagnostics, sort_key};
pub use source::{FileId, Files, Position, SourceFile, Span};
pub use summary::{Scope, Summary};
