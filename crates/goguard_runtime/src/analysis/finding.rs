//! Findings: what a diagnosis accuses, how sure it is, and the evidence.
//!
//! A finding is about goroutines, given as site groups (`SiteGroup`) and the
//! members of each it concerns: a lock cycle accuses two goroutines whose
//! site group may hold others that are not in the cycle.

use goguard_diagnostics::catalog::CatalogRule;
use goguard_diagnostics::goroutines::{
    FrameLocation, GoroutineFacts, GoroutineGroup, Role, WaitSeconds,
};
use goguard_diagnostics::Confidence;

use crate::analysis::group::min_max;
use crate::analysis::sites::{FrameRef, SiteGroup};
use crate::analysis::wait::wait_seconds;
use crate::model::Snapshot;

/// Goroutines of one site group that a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub role: Role,
    /// Index into the diagnosis' site groups.
    pub group: usize,
    /// Indices into `Snapshot::goroutines`, in dump order.
    pub members: Vec<usize>,
}

/// A diagnosed problem.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static CatalogRule,
    pub confidence: Confidence,
    /// One line: what and where, lowercase, no final period.
    pub message: String,
    /// The facts the finding rests on, one sentence each.
    pub evidence: Vec<String>,
    /// What to do.
    pub help: String,
    /// Accused subjects first, then involved ones.
    pub subjects: Vec<Subject>,
    /// Ranking within a confidence level (higher first); see docs/stacks.md.
    pub score: u64,
}

impl Finding {
    pub fn new(
        rule: &'static CatalogRule,
        confidence: Confidence,
        message: String,
        subjects: Vec<Subject>,
    ) -> Self {
        Finding {
            rule,
            confidence,
            message,
            evidence: Vec::new(),
            help: String::new(),
            subjects,
            score: 0,
        }
    }

    pub fn evidence(mut self, text: impl Into<String>) -> Self {
        self.evidence.push(text.into());
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = text.into();
        self
    }

    /// Site groups this finding is about (accused and involved).
    pub fn groups(&self) -> impl Iterator<Item = usize> + '_ {
        self.subjects.iter().map(|s| s.group)
    }

    /// Goroutine indices this finding accuses.
    pub fn accused_members(&self) -> impl Iterator<Item = usize> + '_ {
        self.subjects
            .iter()
            .filter(|s| s.role == Role::Accused)
            .flat_map(|s| s.members.iter().copied())
    }

    /// The first accused subject: where the finding is reported.
    pub fn primary(&self) -> Option<&Subject> {
        self.subjects
            .iter()
            .find(|s| s.role == Role::Accused)
            .or(self.subjects.first())
    }

    /// The goroutines of the finding as the diagnostics crate reports them.
    pub fn goroutine_facts(
        &self,
        input: &str,
        snapshot_index: usize,
        snapshot: &Snapshot,
        groups: &[SiteGroup],
    ) -> GoroutineFacts {
        GoroutineFacts {
            input: input.to_string(),
            snapshot: snapshot_index,
            groups: self
                .subjects
                .iter()
                .map(|s| subject_group(s, snapshot, &groups[s.group]))
                .collect(),
        }
    }
}

fn location(f: &FrameRef) -> FrameLocation {
    FrameLocation {
        function: f.function.clone(),
        file: f.file.clone(),
        line: f.line,
    }
}

fn subject_group(s: &Subject, snapshot: &Snapshot, g: &SiteGroup) -> GoroutineGroup {
    let gs = &snapshot.goroutines;
    let mut ids: Vec<u64> = s.members.iter().filter_map(|&i| gs[i].id).collect();
    ids.sort_unstable();
    let wait = min_max(
        s.members
            .iter()
            .filter_map(|&i| wait_seconds(&gs[i], snapshot.cause.as_ref())),
    )
    .map(|(min, max)| WaitSeconds { min, max });
    GoroutineGroup {
        role: s.role,
        count: s.members.iter().map(|&i| gs[i].count).sum(),
        ids,
        state: g.state.clone(),
        kind: g.kind.name().to_string(),
        wait,
        blocking: g.key.blocking_frame.as_ref().map(location),
        created_by: g.key.created_by.as_ref().map(location),
    }
}

/// `"120 goroutines"` / `"1 goroutine"`.
pub fn goroutines(n: u64) -> String {
    if n == 1 {
        "1 goroutine".into()
    } else {
        format!("{n} goroutines")
    }
}

/// ` at main.f (x.go:12)` for the blocking frame.
pub fn at_phrase(group: &SiteGroup) -> String {
    match &group.key.blocking_frame {
        Some(f) => format!(" at {} ({})", f.function, f.short_location()),
        None => String::new(),
    }
}

/// `, created at x.go:20 by main.f` when a creator is known.
pub fn created_phrase(group: &SiteGroup) -> String {
    match &group.key.created_by {
        Some(c) => format!(", created at {} by {}", c.short_location(), c.function),
        None => String::new(),
    }
}

/// `3 minutes` / `1 minute` / `45 seconds`.
pub fn duration_phrase(seconds: u64) -> String {
    match seconds {
        1 => "1 second".into(),
        s if s < 60 || s % 60 != 0 => format!("{s} seconds"),
        60 => "1 minute".into(),
        s => format!("{} minutes", s / 60),
    }
}
