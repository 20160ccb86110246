//! Counters of this process, for `/metrics`: polls per target and their outcome, captures,
//! alerts. Gauges (goroutines, suspects, heap) come from the store, so `goguard serve`
//! shows them too; these counters exist only while `goguard watch` runs.

use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Clone, Default)]
pub struct TargetStats {
    pub polls_ok: u64,
    pub polls_failed: u64,
    pub captures: u64,
    pub last_duration_ms: i64,
    pub consecutive_failures: u32,
    /// Pollers of the target running now: a forgotten target found again may briefly
    /// have its old poller finishing beside the new one.
    pub pollers: u32,
}

#[derive(Default)]
pub struct Stats {
    targets: Mutex<BTreeMap<i64, TargetStats>>,
    alerts: Mutex<(u64, u64)>,
}

impl Stats {
    /// A poller of `target` starts (true) or ends (false).
    pub fn watching(&self, target: i64, starts: bool) {
        let mut t = self.lock();
        let s = t.entry(target).or_default();
        if starts {
            s.pollers += 1;
        } else {
            s.pollers = s.pollers.saturating_sub(1);
        }
    }

    pub fn poll(&self, target: i64, ok: bool, duration_ms: i64, captured: bool, failures: u32) {
        let mut t = self.lock();
        let s = t.entry(target).or_default();
        if ok {
            s.polls_ok += 1;
        } else {
            s.polls_failed += 1;
        }
        if captured {
            s.captures += 1;
        }
        s.last_duration_ms = duration_ms;
        s.consecutive_failures = failures;
    }

    pub fn alert(&self, delivered: bool) {
        let mut a = self.alerts.lock().unwrap_or_else(|e| e.into_inner());
        if delivered {
            a.0 += 1;
        } else {
            a.1 += 1;
        }
    }

    pub fn targets(&self) -> BTreeMap<i64, TargetStats> {
        self.lock().clone()
    }

    /// (delivered, failed)
    pub fn alerts(&self) -> (u64, u64) {
        *self.alerts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, TargetStats>> {
        self.targets.lock().unwrap_or_else(|e| e.into_inner())
    }
}
