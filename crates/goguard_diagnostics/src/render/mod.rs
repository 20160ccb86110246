//! Renderers. Each takes diagnostics already in their final order (see
//! [`crate::sort_diagnostics`]) and returns the whole output as a string.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod plot;
pub mod sarif;
pub mod section;

use crate::source::{Files, Position, Span};

/// A span resolved to the path and positions every renderer needs.
pub(crate) struct Resolved<'a> {
    pub path: &'a str,
    pub start: Position,
    pub end: Position,
    pub start_offset: usize,
    pub end_offset: usize,
}

pub(crate) fn resolve(files: &Files, span: Span) -> Resolved<'_> {
    let file = files.get(span.file);
    let start_offset = file.clamp_offset(span.start as usize);
    let end_offset = file.clamp_offset(span.end as usize);
    Resolved {
        path: file.path(),
        start: file.position(start_offset),
        end: file.position(end_offset),
        start_offset,
        end_offset,
    }
}
