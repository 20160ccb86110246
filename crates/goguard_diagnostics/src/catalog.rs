//! The vocabulary of the one rule catalogue, shared by the static rules
//! (goguard_linter) and the runtime rules (goguard_runtime): domains,
//! categories, status, and the metadata of rules that are not static
//! checks. `goguard rules`, `goguard explain` and rule selection see every
//! rule through these types.

/// The hazard family of a rule; also the prefix of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// GR: goroutine lifecycle.
    Goroutine,
    /// CH: channels and select.
    Channel,
    /// CX: contexts.
    Context,
    /// SY: locks, WaitGroups, atomics.
    Sync,
    /// RS: resources (bodies, rows, files, tickers, timers).
    Resource,
    /// ER: errors whose loss loses data.
    Error,
    /// HT: HTTP handlers and routes.
    Http,
    /// MM: memory and the garbage collector.
    Memory,
    /// RT: diagnoses of what a running program printed (dumps, profiles).
    Runtime,
}

impl Domain {
    /// Every domain, in catalogue order.
    pub const ALL: [Domain; 9] = [
        Domain::Goroutine,
        Domain::Channel,
        Domain::Context,
        Domain::Sync,
        Domain::Resource,
        Domain::Error,
        Domain::Http,
        Domain::Memory,
        Domain::Runtime,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Domain::Goroutine => "goroutine",
            Domain::Channel => "channel",
            Domain::Context => "context",
            Domain::Sync => "sync",
            Domain::Resource => "resource",
            Domain::Error => "error",
            Domain::Http => "http",
            Domain::Memory => "memory",
            Domain::Runtime => "runtime",
        }
    }

    /// The two-letter code prefix.
    pub fn code_prefix(self) -> &'static str {
        match self {
            Domain::Goroutine => "GR",
            Domain::Channel => "CH",
            Domain::Context => "CX",
            Domain::Sync => "SY",
            Domain::Resource => "RS",
            Domain::Error => "ER",
            Domain::Http => "HT",
            Domain::Memory => "MM",
            Domain::Runtime => "RT",
        }
    }
}

/// What kind of problem a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Correctness,
    Suspicious,
    Perf,
    Style,
    Pedantic,
}

impl Category {
    /// Every category, in catalogue order.
    pub const ALL: [Category; 5] = [
        Category::Correctness,
        Category::Suspicious,
        Category::Perf,
        Category::Style,
        Category::Pedantic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Perf => "perf",
            Category::Style => "style",
            Category::Pedantic => "pedantic",
        }
    }
}

/// Stable rules run by default; preview rules only when selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Stable,
    Preview,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
        }
    }
}

/// A catalogued rule that is not a static check of Go source: the runtime
/// diagnoses (RT codes). Its documentation has the same five sections as a
/// static rule's; the Example is what the program printed.
#[derive(Debug)]
pub struct CatalogRule {
    /// kebab-case, e.g. "leaked-goroutine-group".
    pub name: &'static str,
    /// e.g. "RT001".
    pub code: &'static str,
    pub domain: Domain,
    pub category: Category,
    pub status: Status,
    /// Markdown, as written in the doc comment (one leading space per line
    /// is removed by [`doc_markdown`]).
    pub doc: &'static str,
}

/// A doc comment's text with the one leading space of each `///` line
/// removed: plain markdown.
pub fn doc_markdown(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for line in doc.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The first sentence of a rule's "What it does" section, on one line.
pub fn doc_summary(markdown: &str) -> String {
    let mut text = String::new();
    let mut in_section = false;
    for line in markdown.lines() {
        let line = line.trim();
        if line.starts_with("## ") {
            if in_section {
                break;
            }
            in_section = line == "## What it does";
            continue;
        }
        if !in_section {
            continue;
        }
        if line.is_empty() {
            if !text.is_empty() {
                break;
            }
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(line);
    }
    // The first ". " outside backquoted code and not part of "...".
    let bytes = text.as_bytes();
    let mut in_code = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_code = !in_code,
            b'.' if !in_code
                && bytes.get(i + 1) == Some(&b' ')
                && (i == 0 || bytes[i - 1] != b'.') =>
            {
                return text[..=i].to_string();
            }
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_distinct() {
        let mut seen: Vec<&str> = Domain::ALL.iter().map(|d| d.code_prefix()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), Domain::ALL.len());
    }

    #[test]
    fn summary_is_the_first_sentence() {
        let md = doc_markdown(
            " ## What it does\n Reports `a.b()` calls. More text.\n\n ## Why is this bad?\n x\n",
        );
        assert_eq!(doc_summary(&md), "Reports `a.b()` calls.");
    }
}
