//! When a target is polled next: every interval, spread by jitter so that many targets do
//! not all poll at once, and backing off exponentially (to a cap) while a target fails.
//! The jitter comes from a small generator seeded by the target's URL: the same target
//! gets the same sequence of delays in every run, which keeps tests deterministic.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Schedule {
    every: f64,
    /// Each delay is multiplied by a factor in [1 - jitter, 1 + jitter].
    jitter: f64,
    max_backoff: f64,
    failures: u32,
    rng: u64,
}

impl Schedule {
    /// `jitter` is clamped to [0, 0.5]; `max_backoff` to at least `every`.
    pub fn new(url: &str, every: Duration, jitter: f64, max_backoff: Duration) -> Schedule {
        let every = every.as_secs_f64().max(0.001);
        Schedule {
            every,
            jitter: jitter.clamp(0.0, 0.5),
            max_backoff: max_backoff.as_secs_f64().max(every),
            failures: 0,
            rng: fnv1a(url.as_bytes()),
        }
    }

    /// Before the first poll: a fraction of the jitter window, so targets started
    /// together spread out.
    pub fn first_delay(&mut self) -> Duration {
        Duration::from_secs_f64(self.every * self.jitter * self.unit())
    }

    /// After a poll that succeeded or failed.
    pub fn next_delay(&mut self, ok: bool) -> Duration {
        let base = if ok {
            self.failures = 0;
            self.every
        } else {
            self.failures = self.failures.saturating_add(1);
            let factor = 2f64.powi(self.failures.min(30) as i32);
            (self.every * factor).min(self.max_backoff)
        };
        let spread = 1.0 + self.jitter * (2.0 * self.unit() - 1.0);
        Duration::from_secs_f64(base * spread)
    }

    /// Consecutive failures so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A number in [0, 1) (splitmix64).
    fn unit(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    #[test]
    fn delays_stay_within_the_jitter_window() {
        let mut s = Schedule::new(
            "http://a:1",
            Duration::from_secs(60),
            0.1,
            Duration::from_secs(600),
        );
        assert!(secs(s.first_delay()) <= 6.0);
        for _ in 0..1000 {
            let d = secs(s.next_delay(true));
            assert!((54.0..=66.0).contains(&d), "{d}");
        }
    }

    #[test]
    fn failures_back_off_to_the_cap_and_success_resets() {
        let mut s = Schedule::new(
            "http://a:1",
            Duration::from_secs(10),
            0.0,
            Duration::from_secs(100),
        );
        let delays: Vec<f64> = (0..6).map(|_| secs(s.next_delay(false))).collect();
        assert_eq!(delays, vec![20.0, 40.0, 80.0, 100.0, 100.0, 100.0]);
        assert_eq!(s.failures(), 6);
        assert_eq!(secs(s.next_delay(true)), 10.0);
        assert_eq!(s.failures(), 0);
    }

    #[test]
    fn the_same_url_gets_the_same_delays_and_others_differ() {
        let run = |url: &str| {
            let mut s = Schedule::new(url, Duration::from_secs(60), 0.2, Duration::from_secs(600));
            (0..5).map(|_| s.next_delay(true)).collect::<Vec<_>>()
        };
        assert_eq!(run("http://a:1"), run("http://a:1"));
        assert_ne!(run("http://a:1"), run("http://b:1"));
    }
}
