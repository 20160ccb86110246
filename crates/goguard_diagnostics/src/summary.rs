//! The closing line of a human report.

use std::fmt;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Severity};

/// Counts for the summary line. Files and packages come from the caller,
/// which knows what it scanned; findings are counted from the diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files: usize,
    pub packages: usize,
    pub elapsed: Duration,
}

impl Summary {
    pub fn new(
        diagnostics: &[Diagnostic],
        files: usize,
        packages: usize,
        elapsed: Duration,
    ) -> Self {
        let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            files,
            packages,
            elapsed,
        }
    }

    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one place the summary line is formatted:
/// `Found 3 findings (1 error, 2 warnings) in 12 files, 3 packages, 0.41s`.
/// Info findings are listed only when there are some, to keep the common
/// line short.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Found {} ({}, {}",
            plural(self.findings(), "finding", "findings"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
        )?;
        if self.infos > 0 {
            write!(f, ", {}", plural(self.infos, "info", "infos"))?;
        }
        write!(
            f,
            ") in {}, {}, {:.2}s",
            plural(self.files, "file", "files"),
            plural(self.packages, "package", "packages"),
            self.elapsed.as_secs_f64()
        )
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
            files,
            packages,
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
}
