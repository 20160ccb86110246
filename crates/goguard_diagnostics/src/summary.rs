//! The closing line of a human report.

use std::fmt;
use std::time::Duration;

use crate::confidence::Confidence;
use crate::diagnostic::{Diagnostic, Severity};

/// What was examined, for the summary line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `goguard check`: Go files and packages.
    Source { files: usize, packages: usize },
    /// `goguard stacks`: inputs read (files, URLs) and goroutines in them.
    Dumps { inputs: usize, goroutines: u64 },
    /// The other runtime commands: inputs read and how many things in them (`samples`,
    /// `collections`, `race reports`), with the noun in the singular and the plural.
    Counted {
        inputs: usize,
        count: u64,
        noun: (&'static str, &'static str),
    },
}

/// Counts for the summary line. What was examined comes from the caller;
/// findings are counted from the diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings per confidence, strongest first (see [`Confidence::ALL`]).
    pub by_confidence: [usize; 4],
    pub scope: Scope,
    pub elapsed: Duration,
}

impl Summary {
    /// The summary of a check of `files` Go files in `packages` packages.
    pub fn new(
        diagnostics: &[Diagnostic],
        files: usize,
        packages: usize,
        elapsed: Duration,
    ) -> Self {
        Summary::with_scope(diagnostics, Scope::Source { files, packages }, elapsed)
    }

    pub fn with_scope(diagnostics: &[Diagnostic], scope: Scope, elapsed: Duration) -> Self {
        let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
        let mut by_confidence = [0; 4];
        for (slot, c) in by_confidence.iter_mut().zip(Confidence::ALL) {
            *slot = diagnostics
                .iter()
                .filter(|d| d.confidence == Some(c))
                .count();
        }
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            by_confidence,
            scope,
            elapsed,
        }
    }

    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    /// `1 high, 2 low`, or `none`.
    fn write_levels(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let levels: Vec<String> = Confidence::ALL
            .iter()
            .zip(self.by_confidence)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| format!("{n} {}", c.as_str()))
            .collect();
        if levels.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&levels.join(", "))
        }
    }
}

fn plural(n: impl std::fmt::Display + PartialEq<u64> + Copy, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one place the summary line is formatted:
/// `Found 3 findings (1 error, 2 warnings) in 12 files, 3 packages, 0.41s`,
/// or for dumps `Found 2 findings (1 high, 1 medium) in 1 input, 42
/// goroutines, 0.01s`. Info findings and confidence levels are listed only
/// when there are some, to keep the common line short.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Found {} (",
            plural(self.findings() as u64, "finding", "findings")
        )?;
        match self.scope {
            Scope::Source { files, packages } => {
                write!(
                    f,
                    "{}, {}",
                    plural(self.errors as u64, "error", "errors"),
                    plural(self.warnings as u64, "warning", "warnings"),
                )?;
                if self.infos > 0 {
                    write!(f, ", {}", plural(self.infos as u64, "info", "infos"))?;
                }
                write!(
                    f,
                    ") in {}, {}",
                    plural(files as u64, "file", "files"),
                    plural(packages as u64, "package", "packages"),
                )?;
            }
            Scope::Dumps { inputs, goroutines } => {
                self.write_levels(f)?;
                write!(
                    f,
                    ") in {}, {}",
                    plural(inputs as u64, "input", "inputs"),
                    plural(goroutines, "goroutine", "goroutines"),
                )?;
            }
            Scope::Counted {
                inputs,
                count,
                noun: (one, many),
            } => {
                self.write_levels(f)?;
                write!(
                    f,
                    ") in {}, {}",
                    plural(inputs as u64, "input", "inputs"),
                    plural(count, one, many),
                )?;
            }
        }
        write!(f, ", {:.2}s", self.elapsed.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(
        errors: usize,
        warnings: usize,
        infos: usize,
        files: usize,
        packages: usize,
        ms: u64,
    ) -> String {
        Summary {
            errors,
            warnings,
            infos,
            by_confidence: [0; 4],
            scope: Scope::Source { files, packages },
            elapsed: Duration::from_millis(ms),
        }
        .to_string()
    }

    #[test]
    fn formats_counts_and_seconds() {
        assert_eq!(
            summary(1, 2, 0, 12, 3, 412),
            "Found 3 findings (1 error, 2 warnings) in 12 files, 3 packages, 0.41s"
        );
        assert_eq!(
            summary(0, 1, 0, 1, 1, 6),
            "Found 1 finding (0 errors, 1 warning) in 1 file, 1 package, 0.01s"
        );
        assert_eq!(
            summary(0, 0, 2, 4, 2, 1500),
            "Found 2 findings (0 errors, 0 warnings, 2 infos) in 4 files, 2 packages, 1.50s"
        );
        assert_eq!(
            summary(0, 0, 0, 0, 0, 0),
            "Found 0 findings (0 errors, 0 warnings) in 0 files, 0 packages, 0.00s"
        );
    }

    #[test]
    fn dumps_count_by_confidence() {
        let s = Summary {
            errors: 1,
            warnings: 1,
            infos: 0,
            by_confidence: [0, 1, 1, 0],
            scope: Scope::Dumps {
                inputs: 1,
                goroutines: 42,
            },
            elapsed: Duration::from_millis(10),
        };
        assert_eq!(
            s.to_string(),
            "Found 2 findings (1 high, 1 medium) in 1 input, 42 goroutines, 0.01s"
        );
        let s = Summary {
            scope: Scope::Counted {
                inputs: 3,
                count: 1,
                noun: ("race report", "race reports"),
            },
            ..s
        };
        assert_eq!(
            s.to_string(),
            "Found 2 findings (1 high, 1 medium) in 3 inputs, 1 race report, 0.01s"
        );
    }
}
