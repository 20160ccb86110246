//! Polling one target: a thread per target, so a slow or dead target only delays itself.
//! Each poll asks for a garbage collection, fetches the goroutine dump and the memory
//! statistics, diagnoses the dump (with the previous poll's snapshot as evidence of what
//! did not move), evaluates the triggers, stores the sample in one transaction, and
//! raises alerts. Every request has a timeout and a size limit; a failing target is
//! polled less and less often (schedule.rs).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use goguard_runtime::analysis::diagnose::{diagnose, Earlier, Options};
use goguard_runtime::analysis::source::SourceTree;
use goguard_runtime::model::Snapshot;

use super::alert::{Alerter, TargetInfo};
use super::capture::Endpoints;
use super::heap_profile::heap_top;
use super::now_ms;
use super::record::{findings_of, groups_of, Observed, Sample};
use super::schedule::Schedule;
use super::stats::Stats;
use super::store::{Point, Store};
use super::trigger::{TriggerSettings, Triggers};
use crate::commands::fetch::FetchOptions;

/// What every poller shares.
pub struct PollSettings {
    pub every: Duration,
    pub jitter: f64,
    pub max_backoff: Duration,
    pub fetch: FetchOptions,
    pub options: Options,
    pub source: Option<Arc<SourceTree>>,
    pub triggers: TriggerSettings,
    /// Stop after this many polls (for scripts and tests); None: until stopped.
    pub count: Option<u64>,
}

/// One target being watched.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: i64,
    pub url: String,
    pub name: String,
}

pub struct Poller {
    pub store: Arc<Store>,
    pub settings: Arc<PollSettings>,
    pub stats: Arc<Stats>,
    pub alerter: Option<Alerter>,
}

/// The previous snapshot of a target, for the evidence of goroutines that did not move.
struct Previous {
    snapshot: Snapshot,
    at: Instant,
}

impl Poller {
    /// Polls `target` until `stop` is set (or `count` polls are done).
    pub fn run(&self, target: &Target, stop: &AtomicBool) {
        let s = &self.settings;
        let mut schedule = Schedule::new(&target.url, s.every, s.jitter, s.max_backoff);
        let mut endpoints = Endpoints::new(&target.url);
        let mut triggers = match self.trigger_state(target) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "goguard: warning: {}: reading its history: {e:#}",
                    target.url
                );
                Triggers::new(s.triggers, None, Vec::new())
            }
        };
        let mut previous: Option<Previous> = None;
        let mut delay = schedule.first_delay();
        let mut polls = 0u64;
        self.stats.watching(target.id, true);
        while !sleep(delay, stop) {
            let sample = self.poll(target, &mut endpoints, &mut triggers, &mut previous);
            let ok = sample.outcome.is_ok();
            let captured = sample
                .outcome
                .as_ref()
                .is_ok_and(|o| !o.captures.is_empty());
            delay = schedule.next_delay(ok);
            match self.store.insert_sample(target.id, &sample) {
                Ok(id) => self.after_store(target, id, &sample),
                Err(e) => eprintln!("goguard: error: {}: storing a sample: {e:#}", target.url),
            }
            self.stats.poll(
                target.id,
                ok,
                sample.duration_ms,
                captured,
                schedule.failures(),
            );
            if let Err(e) = &sample.outcome {
                eprintln!(
                    "goguard: warning: {}: {e} (next try in {}s)",
                    target.url,
                    delay.as_secs()
                );
            }
            polls += 1;
            if s.count.is_some_and(|c| polls >= c) {
                break;
            }
        }
        self.stats.watching(target.id, false);
    }

    fn trigger_state(&self, target: &Target) -> anyhow::Result<Triggers> {
        let settings = self.settings.triggers;
        let baseline = self.store.baseline_heap(target.id)?;
        let history = self
            .store
            .recent_points(target.id, Triggers::history_needed(&settings))?;
        Ok(Triggers::new(settings, baseline, history))
    }

    fn after_store(&self, target: &Target, sample_id: i64, sample: &Sample) {
        let (Some(alerter), Ok(o)) = (&self.alerter, &sample.outcome) else {
            return;
        };
        let info = TargetInfo {
            id: target.id,
            name: &target.name,
            url: &target.url,
        };
        if let Err(e) = alerter.consider(&self.store, &info, sample_id, &o.findings) {
            eprintln!("goguard: warning: {}: alerts: {e:#}", target.url);
        }
    }

    fn poll(
        &self,
        target: &Target,
        endpoints: &mut Endpoints,
        triggers: &mut Triggers,
        previous: &mut Option<Previous>,
    ) -> Sample {
        let at_ms = now_ms();
        let started = Instant::now();
        let outcome = self.observe(target, endpoints, triggers, previous, at_ms);
        Sample {
            at_ms,
            duration_ms: started.elapsed().as_millis() as i64,
            outcome,
        }
    }

    fn observe(
        &self,
        target: &Target,
        endpoints: &mut Endpoints,
        triggers: &mut Triggers,
        previous: &mut Option<Previous>,
        at_ms: i64,
    ) -> Result<Observed, String> {
        let s = &self.settings;
        let mut warnings = Vec::new();
        let (mut heap_inuse, mut heap_functions) = (None, Vec::new());
        match endpoints.collect_garbage(s.fetch)? {
            Ok(profile) => match heap_top(&profile.body) {
                Ok((total, functions)) => {
                    heap_inuse = Some(total);
                    heap_functions = functions;
                }
                Err(e) => warnings.push(format!("{}: {e}", profile.url)),
            },
            Err(w) => warnings.push(w),
        }
        let dump = endpoints.goroutine_dump(s.fetch)?;
        let taken = Instant::now();
        let memstats = match endpoints.memstats(s.fetch) {
            Ok(m) => m,
            Err(e) => {
                warnings.push(e);
                None
            }
        };
        let mut parsed = goguard_runtime::parse::parse_named(&dump.body, &dump.url);
        let Some(snapshot) = parsed.snapshots.pop() else {
            let why = parsed
                .warnings
                .first()
                .cloned()
                .unwrap_or_else(|| "no goroutine dump in the answer".into());
            return Err(format!("{}: {why}", dump.url));
        };
        if !parsed.unknown_lines.is_empty() {
            warnings.push(format!(
                "{} lines of the dump were not understood",
                parsed.unknown_lines.len()
            ));
        }
        let earlier = previous.as_ref().map(|p| Earlier {
            snapshot: &p.snapshot,
            seconds_before: taken.duration_since(p.at).as_secs_f64(),
        });
        let diagnosis = diagnose(&snapshot, &s.options, earlier);
        let mut observed = Observed {
            profile_url: dump.url.clone(),
            goroutines: diagnosis.goroutines,
            memstats,
            dump_bytes: dump.body.len() as u64,
            groups: groups_of(&snapshot, &diagnosis),
            findings: findings_of(&snapshot, &diagnosis, s.source.as_deref()),
            heap_inuse,
            heap_functions,
            warnings,
            trigger: None,
            captures: Vec::new(),
        };
        let decision = triggers.observe(Point {
            at_ms,
            goroutines: Some(observed.goroutines),
            heap_alloc: memstats.map(|m| m.heap_alloc),
        });
        if let Some(b) = decision.new_baseline {
            if let Err(e) = self.store.set_baseline_heap(target.id, b) {
                observed
                    .warnings
                    .push(format!("storing the heap baseline: {e:#}"));
            }
        }
        if let Some(reason) = decision.fire {
            let (captures, problems) = endpoints.full_set(&dump, s.fetch);
            observed.captures = captures;
            observed.warnings.extend(problems);
            observed.trigger = Some(reason);
        }
        *previous = Some(Previous {
            snapshot,
            at: taken,
        });
        Ok(observed)
    }
}

/// Sleeps `d` in short steps; true when `stop` was set.
pub fn sleep(d: Duration, stop: &AtomicBool) -> bool {
    let end = Instant::now() + d;
    loop {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        let now = Instant::now();
        if now >= end {
            return false;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(100)));
    }
}
