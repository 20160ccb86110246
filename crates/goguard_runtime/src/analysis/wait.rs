//! How long a goroutine has waited, as far as a dump tells.
//!
//! The runtime prints `[select, 5 minutes]` once a goroutine has been parked
//! for a minute or more, counted from when a garbage collection first saw it
//! parked, and resets that clock whenever the goroutine runs. A test binary
//! that times out prints `panic: test timed out after D`: the tests ran for
//! D without finishing, and every parked goroutine is taken to have waited
//! that long.

use crate::analysis::classify::classify;
use crate::model::{DumpCause, Goroutine};

/// Seconds the goroutine has waited: the printed minutes, raised to a test
/// timeout's duration for parked goroutines. `None` when nothing says.
pub fn wait_seconds(g: &Goroutine, cause: Option<&DumpCause>) -> Option<u64> {
    let printed = g.wait_minutes.map(|m| m.saturating_mul(60));
    let timeout = match cause {
        Some(DumpCause::TestTimeout { seconds, .. }) if is_parked(g) => Some(*seconds as u64),
        _ => None,
    };
    match (printed, timeout) {
        (Some(p), Some(t)) => Some(p.max(t)),
        (p, t) => p.or(t),
    }
}

/// Parked on a channel, select or sync primitive (not running, not in IO).
pub fn is_parked(g: &Goroutine) -> bool {
    let kind = classify(g);
    kind.needs_a_partner() || kind.timer_could_wake()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::goroutine;

    #[test]
    fn printed_minutes_and_test_timeouts() {
        let mut g = goroutine(3, "chan send", &["main.f"]);
        assert_eq!(wait_seconds(&g, None), None);
        let timeout = DumpCause::TestTimeout {
            seconds: 30.0,
            line: 1,
        };
        assert_eq!(wait_seconds(&g, Some(&timeout)), Some(30));
        g.wait_minutes = Some(2);
        assert_eq!(wait_seconds(&g, Some(&timeout)), Some(120));
        let running = goroutine(4, "running", &["main.g"]);
        assert_eq!(wait_seconds(&running, Some(&timeout)), None);
    }
}
