//! What a command reports beside its findings (the inputs a dump diagnosis
//! read, the groups it did not accuse, parse problems): plain sections of
//! paragraphs and tables that the human and HTML renderers both draw, and
//! that JSON carries as typed data of the command's own instead.

use std::fmt::Write as _;

use crate::render::plot::{plot_text, Plot};
use crate::sanitize::display_safe;

/// A titled block of context.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub table: Option<Table>,
    /// Drawn as sparklines in text and as an SVG in HTML.
    pub plot: Option<Plot>,
}

/// Rows of cells under column headings. Cells are plain text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Self {
        Section {
            title: title.into(),
            ..Section::default()
        }
    }

    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.paragraphs.push(text.into());
        self
    }

    pub fn with_table(mut self, table: Table) -> Self {
        self.table = Some(table);
        self
    }

    pub fn with_plot(mut self, plot: Plot) -> Self {
        self.plot = Some(plot);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
            && self.table.as_ref().is_none_or(|t| t.rows.is_empty())
            && self.plot.is_none()
    }
}

/// Sections as plain text: the title, its paragraphs, and the table with
/// aligned columns (numbers are right-aligned). Every cell is made safe for
/// a terminal.
pub fn render_sections_text(sections: &[Section], bold: bool) -> String {
    let mut out = String::new();
    for s in sections.iter().filter(|s| !s.is_empty()) {
        if bold {
            let _ = writeln!(out, "\x1b[1m{}\x1b[0m", display_safe(&s.title));
        } else {
            let _ = writeln!(out, "{}", display_safe(&s.title));
        }
        for p in &s.paragraphs {
            let _ = writeln!(out, "  {}", display_safe(p));
        }
        if let Some(p) = &s.plot {
            plot_text(&mut out, p);
        }
        if let Some(t) = &s.table {
            table_text(&mut out, t);
        }
        out.push('\n');
    }
    out
}

fn table_text(out: &mut String, t: &Table) {
    let safe: Vec<Vec<String>> = std::iter::once(&t.columns)
        .chain(&t.rows)
        .map(|row| row.iter().map(|c| display_safe(c).into_owned()).collect())
        .collect();
    let n = t.columns.len();
    let mut widths = vec![0usize; n];
    for row in &safe {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let numeric: Vec<bool> = (0..n)
        .map(|i| {
            t.rows.iter().all(|r| {
                r.get(i)
                    .is_none_or(|c| c.parse::<f64>().is_ok() || c == "-")
            })
        })
        .collect();
    for row in &safe {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate().take(n) {
            let w = widths[i];
            let last = i + 1 == n;
            if numeric[i] {
                let _ = write!(line, "{cell:>w$}");
            } else if last {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}");
            }
            if !last {
                line.push_str("  ");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_escape() {
        let s = Section::new("Other groups")
            .paragraph("3 groups")
            .with_table(Table {
                columns: vec!["count".into(), "where".into()],
                rows: vec![
                    vec!["12".into(), "main.f\u{1b}[2J".into()],
                    vec!["3".into(), "main.g".into()],
                ],
            });
        let text = render_sections_text(&[s, Section::new("empty")], false);
        assert_eq!(
            text,
            "Other groups\n  3 groups\n  count  where\n     12  main.f\u{241b}[2J\n      3  main.g\n\n"
        );
    }
}
