//! The finding itself, as rules produce it and renderers consume it.

use crate::confidence::Confidence;
use crate::goroutines::{CodeSite, GoroutineFacts};
use crate::source::Span;

/// How serious a finding is. Rules map their category to a severity; this
/// crate only carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// Lowercase name, as used in JSON output and human frames.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A secondary location that explains the finding, such as
/// "goroutine started here" or "cancel is lost here".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

/// Whether a fix can be applied without a person reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// Keeps the program's meaning apart from removing the problem.
    Safe,
    /// May change behaviour; shown as a suggestion only.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the text of `span` with `replacement` (empty span: insert).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A suggested change. Edits must not overlap; they may span files.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, e.g. "defer the cancel call".
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(message: impl Into<String>, applicability: Applicability) -> Self {
        Fix {
            message: message.into(),
            applicability,
            edits: Vec::new(),
        }
    }

    pub fn with_edit(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.edits.push(Edit {
            span,
            replacement: replacement.into(),
        });
        self
    }
}

/// One finding.
///
/// `message` says what is wrong: lowercase, no final period
/// ("context cancel function is never called"). `help` says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Kebab-case rule name, e.g. `context-cancel-not-called`.
    pub rule: String,
    /// Stable rule code, e.g. `CX001`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Where the problem is; the first thing every format reports.
    pub span: Span,
    /// Short text under the primary span, e.g. "cancel is never called".
    pub label: Option<String>,
    /// Secondary locations, in the order the rule gives them.
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// How sure the finding is; `None` for static rules, which report what
    /// the code does.
    pub confidence: Option<Confidence>,
    /// The facts the finding rests on, one sentence each (runtime findings).
    pub evidence: Vec<String>,
    /// Further remarks, e.g. that a static finding explains a runtime one.
    pub notes: Vec<String>,
    /// The goroutines a runtime finding is about.
    pub goroutines: Option<Box<GoroutineFacts>>,
    /// The places in the program a runtime finding names, with their functions (heap
    /// growth, data races).
    pub sites: Vec<CodeSite>,
}

impl Diagnostic {
    pub fn new(
        code: impl Into<String>,
        rule: impl Into<String>,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: rule.into(),
            code: code.into(),
            severity,
            message: message.into(),
            help: None,
            span,
            label: None,
            related: Vec::new(),
            fix: None,
            confidence: None,
            evidence: Vec::new(),
            notes: Vec::new(),
            goroutines: None,
            sites: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = Some(confidence);
        self
    }

    pub fn with_evidence(mut self, evidence: impl Into<String>) -> Self {
        self.evidence.push(evidence.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_site(
        mut self,
        role: impl Into<String>,
        frame: crate::goroutines::FrameLocation,
    ) -> Self {
        self.sites.push(CodeSite {
            role: role.into(),
            frame,
        });
        self
    }

    pub fn with_goroutines(mut self, facts: GoroutineFacts) -> Self {
        self.goroutines = Some(Box::new(facts));
        self
    }
}
