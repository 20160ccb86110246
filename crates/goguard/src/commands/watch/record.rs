//! What one poll of a target observed, as it is stored: the goroutine count and memory
//! statistics, every site group (blocking line + `go` statement) with its count, and each
//! finding of the diagnosis with its confidence, evidence, goroutines and code. Built from
//! a parsed snapshot and its diagnosis (`from_diagnosis`); plain data, so the store and
//! the dashboard need nothing of the runtime crate.

use goguard_diagnostics::goroutines::Role;
use goguard_runtime::analysis::diagnose::Diagnosis;
use goguard_runtime::analysis::finding::Finding;
use goguard_runtime::analysis::sites::{FrameRef, SiteGroup};
use goguard_runtime::analysis::source::SourceTree;
use goguard_runtime::model::Snapshot;
use serde::{Deserialize, Serialize};

use super::memstats::MemStats;

/// At most this many frames of a group's stack are kept.
const MAX_STACK_FRAMES: usize = 64;
/// At most this many goroutine ids per finding group are kept.
const MAX_IDS: usize = 200;
/// At most this many site groups per sample are kept (the largest; the rest are summed
/// into the sample's goroutine count only).
pub const MAX_GROUPS: usize = 500;
/// Lines of code shown around a frame.
const CODE_CONTEXT: u32 = 3;

/// One poll of one target.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Milliseconds since the Unix epoch, when the poll started.
    pub at_ms: i64,
    pub duration_ms: i64,
    pub outcome: Result<Observed, String>,
}

/// What a successful poll saw.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// The profile URL that answered (goroutineleak or goroutine).
    pub profile_url: String,
    pub goroutines: u64,
    pub memstats: Option<MemStats>,
    pub dump_bytes: u64,
    pub groups: Vec<GroupRecord>,
    pub findings: Vec<FindingRecord>,
    /// In-use bytes of the heap profile, and the functions holding the most.
    pub heap_inuse: Option<u64>,
    pub heap_functions: Vec<HeapFunction>,
    /// Problems that did not fail the poll (memory statistics unavailable...).
    pub warnings: Vec<String>,
    /// Why a full set of profiles was captured with this sample, if it was.
    pub trigger: Option<String>,
    pub captures: Vec<Capture>,
}

/// A function of the heap profile and the in-use bytes it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeapFunction {
    pub function: String,
    pub file: String,
    pub flat: u64,
    pub cum: u64,
}

/// Where a site group blocks and which `go` statement started it: the identity of a
/// leak across samples.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SiteKey {
    pub kind: String,
    pub blocking: Option<Place>,
    pub created_by: Option<Place>,
}

impl SiteKey {
    /// The key as one string (for uniqueness in the store and alert deduplication).
    pub fn text(&self) -> String {
        let place = |p: &Option<Place>| match p {
            Some(p) => format!("{}\u{1f}{}\u{1f}{}", p.function, p.file, p.line),
            None => String::new(),
        };
        format!(
            "{}\u{1e}{}\u{1e}{}",
            self.kind,
            place(&self.blocking),
            place(&self.created_by)
        )
    }
}

/// A function at a file and line, as the dump printed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Place {
    pub function: String,
    pub file: String,
    pub line: u32,
}

impl Place {
    fn from_ref(f: &FrameRef) -> Place {
        Place {
            function: f.function.clone(),
            file: f.file.clone(),
            line: f.line,
        }
    }

    /// `x.go:12`.
    pub fn short(&self) -> String {
        let base = self.file.rsplit(['/', '\\']).next().unwrap_or(&self.file);
        format!("{base}:{}", self.line)
    }
}

/// One site group of a sample.
#[derive(Debug, Clone)]
pub struct GroupRecord {
    pub key: SiteKey,
    pub state: String,
    pub count: u64,
    pub wait_max_minutes: Option<u64>,
    pub leaked: bool,
    /// Why the group is expected background, if it is.
    pub background: Option<String>,
    /// One member's stack, innermost frame first.
    pub stack: Vec<Place>,
}

/// One finding of a sample's diagnosis.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingRecord {
    pub code: String,
    pub rule: String,
    pub confidence: String,
    pub message: String,
    pub help: String,
    pub evidence: Vec<String>,
    /// Accused groups first.
    pub groups: Vec<FindingGroup>,
    /// The code at the `go` statement and blocking line of the primary group, when the
    /// source was found.
    pub code_excerpts: Vec<CodeExcerpt>,
}

impl FindingRecord {
    /// The group the finding is reported at.
    pub fn primary(&self) -> Option<&FindingGroup> {
        self.groups
            .iter()
            .find(|g| g.role == "accused")
            .or(self.groups.first())
    }

    /// Goroutines the finding accuses.
    pub fn accused(&self) -> u64 {
        self.groups
            .iter()
            .filter(|g| g.role == "accused")
            .map(|g| g.count)
            .sum()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingGroup {
    /// `accused` or `involved`.
    pub role: String,
    pub count: u64,
    pub ids: Vec<u64>,
    pub state: String,
    pub key: SiteKey,
    pub wait_max_minutes: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeExcerpt {
    /// `go statement` or `blocks here`.
    pub what: String,
    /// The local file the dump path was mapped to.
    pub path: String,
    pub marked: u32,
    pub lines: Vec<(u32, String)>,
}

/// A profile captured whole when a trigger fired.
#[derive(Debug, Clone)]
pub struct Capture {
    /// `goroutine`, `goroutineleak`, `heap`, `allocs`.
    pub kind: String,
    pub url: String,
    /// Gzipped text or the profile's own (gzipped protobuf) bytes.
    pub content: Vec<u8>,
}

fn place(f: &Option<FrameRef>) -> Option<Place> {
    f.as_ref().map(Place::from_ref)
}

fn key_of(g: &SiteGroup) -> SiteKey {
    SiteKey {
        kind: g.kind.name().to_string(),
        blocking: place(&g.key.blocking_frame),
        created_by: place(&g.key.created_by),
    }
}

/// The site groups of a diagnosed snapshot, largest first, at most `MAX_GROUPS`.
pub fn groups_of(snapshot: &Snapshot, diagnosis: &Diagnosis) -> Vec<GroupRecord> {
    diagnosis
        .groups
        .iter()
        .take(MAX_GROUPS)
        .map(|g| GroupRecord {
            key: key_of(g),
            state: g.state.clone(),
            count: g.count,
            wait_max_minutes: g.wait_minutes.map(|(_, hi)| hi),
            leaked: g.leaked,
            background: g.background.as_ref().map(|b| b.reason()),
            stack: g
                .members
                .first()
                .map(|&i| {
                    let gr = &snapshot.goroutines[i];
                    let mut frames: Vec<Place> = gr
                        .frames
                        .iter()
                        .take(MAX_STACK_FRAMES)
                        .map(|f| Place {
                            function: f.func.to_string(),
                            file: f.file.to_string(),
                            line: f.line,
                        })
                        .collect();
                    if let Some(c) = &gr.created_by {
                        frames.push(Place {
                            function: format!("created by {}", &*c.func),
                            file: c.file.to_string(),
                            line: c.line,
                        });
                    }
                    frames
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The findings of a diagnosis, with code excerpts from `source` when given.
pub fn findings_of(
    snapshot: &Snapshot,
    diagnosis: &Diagnosis,
    source: Option<&SourceTree>,
) -> Vec<FindingRecord> {
    diagnosis
        .findings
        .iter()
        .map(|f| finding_record(f, snapshot, diagnosis, source))
        .collect()
}

fn finding_record(
    f: &Finding,
    snapshot: &Snapshot,
    d: &Diagnosis,
    source: Option<&SourceTree>,
) -> FindingRecord {
    let groups: Vec<FindingGroup> = f
        .subjects
        .iter()
        .map(|s| {
            let g = &d.groups[s.group];
            let mut ids: Vec<u64> = s
                .members
                .iter()
                .filter_map(|&i| snapshot.goroutines[i].id)
                .collect();
            ids.sort_unstable();
            ids.truncate(MAX_IDS);
            FindingGroup {
                role: match s.role {
                    Role::Accused => "accused",
                    Role::Involved => "involved",
                }
                .to_string(),
                count: s
                    .members
                    .iter()
                    .map(|&i| snapshot.goroutines[i].count)
                    .sum(),
                ids,
                state: g.state.clone(),
                key: key_of(g),
                wait_max_minutes: g.wait_minutes.map(|(_, hi)| hi),
            }
        })
        .collect();
    let mut code_excerpts = Vec::new();
    if let (Some(tree), Some(primary)) = (source, f.primary()) {
        let key = key_of(&d.groups[primary.group]);
        for (what, p) in [
            ("go statement", &key.created_by),
            ("blocks here", &key.blocking),
        ] {
            if let Some(p) = p {
                if let Some(s) = tree.snippet(&p.file, p.line, CODE_CONTEXT) {
                    code_excerpts.push(CodeExcerpt {
                        what: what.to_string(),
                        path: s.path.display().to_string(),
                        marked: s.marked,
                        lines: s.lines,
                    });
                }
            }
        }
    }
    FindingRecord {
        code: f.rule.code.to_string(),
        rule: f.rule.name.to_string(),
        confidence: f.confidence.as_str().to_string(),
        message: f.message.clone(),
        help: f.help.clone(),
        evidence: f.evidence.clone(),
        groups,
        code_excerpts,
    }
}
