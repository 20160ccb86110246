//! Triggered capture: when a target's heap or goroutine count crosses a rule, a full set
//! of profiles is captured at once and kept with the sample (see capture.rs).
//!
//! - heap: HeapAlloc above `heap_factor` × its baseline for `heap_for` without a sample
//!   below. The baseline is the median HeapAlloc of the target's first `baseline_samples`
//!   samples, kept in the store so a restart does not move it.
//! - goroutines: the count grew at each of the last `growth_samples` samples.
//!
//! After firing, a target's triggers are quiet for `cooldown`.

use std::collections::VecDeque;

use super::store::Point;

#[derive(Debug, Clone, Copy)]
pub struct TriggerSettings {
    pub heap_factor: f64,
    pub heap_for_ms: i64,
    pub baseline_samples: usize,
    pub growth_samples: usize,
    pub cooldown_ms: i64,
}

impl Default for TriggerSettings {
    fn default() -> Self {
        TriggerSettings {
            heap_factor: 1.5,
            heap_for_ms: 3 * 60_000,
            baseline_samples: 5,
            growth_samples: 5,
            cooldown_ms: 30 * 60_000,
        }
    }
}

/// The trigger state of one target.
#[derive(Debug)]
pub struct Triggers {
    settings: TriggerSettings,
    baseline: Option<u64>,
    /// Recent successful samples, oldest first.
    history: VecDeque<Point>,
    last_fired_ms: Option<i64>,
}

/// What `observe` decided.
#[derive(Debug, PartialEq, Eq)]
pub struct Decision {
    /// Why to capture now, if so.
    pub fire: Option<String>,
    /// A baseline was just established (to be stored).
    pub new_baseline: Option<u64>,
}

impl Triggers {
    /// `baseline`: as stored; `history`: the target's last samples, oldest first.
    pub fn new(settings: TriggerSettings, baseline: Option<u64>, history: Vec<Point>) -> Triggers {
        Triggers {
            settings,
            baseline,
            history: history.into(),
            last_fired_ms: None,
        }
    }

    #[cfg(test)]
    pub fn baseline(&self) -> Option<u64> {
        self.baseline
    }

    /// How many samples of history the rules need.
    pub fn history_needed(settings: &TriggerSettings) -> usize {
        (settings.growth_samples + 1)
            .max(settings.baseline_samples)
            .max(2)
            + 512
    }

    /// Takes a new successful sample into account.
    pub fn observe(&mut self, point: Point) -> Decision {
        self.history.push_back(point);
        let keep = Self::history_needed(&self.settings);
        while self.history.len() > keep {
            self.history.pop_front();
        }
        let mut new_baseline = None;
        if self.baseline.is_none() {
            let heaps: Vec<u64> = self.history.iter().filter_map(|p| p.heap_alloc).collect();
            if heaps.len() >= self.settings.baseline_samples.max(1) {
                let mut first: Vec<u64> = heaps[..self.settings.baseline_samples.max(1)].to_vec();
                first.sort_unstable();
                let median = first[first.len() / 2];
                self.baseline = Some(median);
                new_baseline = Some(median);
            }
        }
        let cooling = self
            .last_fired_ms
            .is_some_and(|t| point.at_ms - t < self.settings.cooldown_ms);
        let reason = if cooling {
            None
        } else {
            self.heap_reason(point).or_else(|| self.growth_reason())
        };
        if reason.is_some() {
            self.last_fired_ms = Some(point.at_ms);
        }
        Decision {
            fire: reason,
            new_baseline,
        }
    }

    fn heap_reason(&self, now: Point) -> Option<String> {
        let baseline = self.baseline?;
        let limit = baseline as f64 * self.settings.heap_factor;
        let heap = now.heap_alloc?;
        if (heap as f64) <= limit {
            return None;
        }
        // The earliest sample of the run of samples above the limit that ends now.
        let mut since = now.at_ms;
        for p in self.history.iter().rev() {
            match p.heap_alloc {
                Some(h) if h as f64 > limit => since = p.at_ms,
                Some(_) => break,
                None => {}
            }
        }
        (now.at_ms - since >= self.settings.heap_for_ms).then(|| {
            format!(
                "HeapAlloc {} has stayed above {}× its baseline of {} for {}s",
                bytes(heap),
                self.settings.heap_factor,
                bytes(baseline),
                (now.at_ms - since) / 1000
            )
        })
    }

    fn growth_reason(&self) -> Option<String> {
        let n = self.settings.growth_samples;
        if n == 0 {
            return None;
        }
        let counts: Vec<u64> = self
            .history
            .iter()
            .rev()
            .take(n + 1)
            .filter_map(|p| p.goroutines)
            .collect();
        if counts.len() < n + 1 {
            return None;
        }
        // Newest first: each count above the one before it.
        let growing = counts.windows(2).all(|w| w[0] > w[1]);
        growing.then(|| {
            format!(
                "goroutines grew at each of the last {n} samples, from {} to {}",
                counts[n], counts[0]
            )
        })
    }
}

/// `12.3 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(at_s: i64, goroutines: u64, heap: u64) -> Point {
        Point {
            at_ms: at_s * 1000,
            goroutines: Some(goroutines),
            heap_alloc: Some(heap),
        }
    }

    fn settings() -> TriggerSettings {
        TriggerSettings {
            heap_factor: 1.5,
            heap_for_ms: 180_000,
            baseline_samples: 3,
            growth_samples: 3,
            cooldown_ms: 600_000,
        }
    }

    #[test]
    fn heap_above_the_baseline_for_long_enough_fires_once() {
        let mut t = Triggers::new(settings(), None, Vec::new());
        let d = [100, 90, 110].map(|h| t.observe(p(0, 10, h)));
        assert_eq!(d[2].new_baseline, Some(100));
        // Above 150 from t=60: not yet at 120 (60 s), fires at 240 (180 s).
        assert_eq!(t.observe(p(60, 10, 200)).fire, None);
        assert_eq!(t.observe(p(120, 10, 200)).fire, None);
        assert_eq!(t.observe(p(180, 10, 140)).fire, None, "dipped below");
        assert_eq!(t.observe(p(240, 10, 300)).fire, None);
        assert_eq!(t.observe(p(360, 10, 300)).fire, None);
        let fired = t.observe(p(420, 10, 300)).fire.expect("3 minutes above");
        assert!(fired.contains("baseline of 100 B"), "{fired}");
        // Cooldown.
        assert_eq!(t.observe(p(480, 10, 300)).fire, None);
    }

    #[test]
    fn a_stored_baseline_is_kept() {
        let mut t = Triggers::new(settings(), Some(1000), Vec::new());
        for h in [5, 5, 5] {
            assert_eq!(t.observe(p(0, 1, h)).new_baseline, None);
        }
        assert_eq!(t.baseline(), Some(1000));
    }

    #[test]
    fn goroutines_growing_at_each_sample_fire() {
        let history = vec![p(0, 10, 1), p(10, 12, 1)];
        let mut t = Triggers::new(settings(), Some(1), history);
        assert_eq!(t.observe(p(20, 15, 1)).fire, None);
        let fired = t.observe(p(30, 20, 1)).fire.expect("grew 3 times");
        assert!(fired.contains("from 10 to 20"), "{fired}");
        let mut flat = Triggers::new(
            settings(),
            Some(1),
            vec![p(0, 10, 1), p(10, 12, 1), p(20, 12, 1)],
        );
        assert_eq!(flat.observe(p(30, 20, 1)).fire, None);
    }

    #[test]
    fn sizes_are_readable() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
