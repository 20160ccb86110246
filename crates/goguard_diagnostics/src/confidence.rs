//! How sure a finding is. Static rules report what the code does and carry
//! no confidence; runtime diagnoses rest on evidence of varying strength,
//! and say which.

/// Strength of the evidence behind a finding, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// The Go runtime itself said so (its goroutine leak detector, its
    /// whole-program deadlock check), or the operation can never complete
    /// (a nil channel).
    Certain,
    /// The dump proves it under stated assumptions: nothing in the program
    /// can make progress, or a cycle of lock waiters whose holders are known.
    High,
    /// Strong circumstantial evidence: a sender whose receiver is gone, a
    /// goroutine that did not move across snapshots taken minutes apart.
    Medium,
    /// A hint: many copies, long waits.
    Low,
}

impl Confidence {
    /// Every level, strongest first.
    pub const ALL: [Confidence; 4] = [
        Confidence::Certain,
        Confidence::High,
        Confidence::Medium,
        Confidence::Low,
    ];

    /// Lowercase name, as used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }

    pub fn parse(text: &str) -> Option<Confidence> {
        Confidence::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }

    /// True when `self` is at least as strong as `threshold`.
    pub fn at_least(self, threshold: Confidence) -> bool {
        self <= threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_names() {
        assert!(Confidence::Certain.at_least(Confidence::High));
        assert!(Confidence::High.at_least(Confidence::High));
        assert!(!Confidence::Medium.at_least(Confidence::High));
        assert_eq!(Confidence::parse("MEDIUM"), Some(Confidence::Medium));
        assert_eq!(Confidence::parse("sure"), None);
    }
}
