//! Process exit status for `goguard check`.

/// 0: nothing found, 1: findings, 2: goguard itself failed (bad arguments,
/// unreadable files). Scripts and CI tell "found problems" from "could not
/// look" by this split, as with ruff and clippy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Clean,
    Findings,
    Error,
}

impl ExitStatus {
    /// Clean when there is nothing to report, otherwise Findings.
    pub fn from_findings(count: usize) -> Self {
        if count == 0 {
            ExitStatus::Clean
        } else {
            ExitStatus::Findings
        }
    }

    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(ExitStatus::from_findings(0).code(), 0);
        assert_eq!(ExitStatus::from_findings(3).code(), 1);
        assert_eq!(ExitStatus::Error.code(), 2);
    }
}
