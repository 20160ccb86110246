//! What `goguard stacks` reports beside its findings: each input and its
//! snapshots (format, cause, goroutine count), the groups no finding covers,
//! the expected background goroutines, and what could not be parsed. As
//! typed data in JSON (`inputs`, schema in docs/stacks.md) and as sections
//! in the human and HTML reports.

use goguard_diagnostics::goroutines::format_id_ranges;
use goguard_diagnostics::{Section, Table};
use goguard_runtime::analysis::diagnose::{BackgroundSummary, Diagnosis};
use goguard_runtime::analysis::group::{group, Level, StackGroup};
use goguard_runtime::analysis::sites::{FrameRef, SiteGroup};
use goguard_runtime::model::{DumpCause, DumpFormat, ProfileKind, Snapshot, UnknownLine};
use serde::Serialize;

use super::input::Input;

/// The `inputs` of the JSON report.
#[derive(Serialize)]
pub struct InputsOut {
    pub inputs: Vec<InputOut>,
}

#[derive(Serialize)]
pub struct InputOut {
    pub path: String,
    pub snapshots: Vec<SnapshotOut>,
    pub warnings: Vec<String>,
    pub unknown_lines: Vec<UnknownLine>,
    /// Lines recognised as crash-output noise (registers, signal preamble).
    pub noise_lines: u64,
}

#[derive(Serialize)]
pub struct SnapshotOut {
    pub index: usize,
    pub format: DumpFormat,
    pub profile: ProfileKind,
    pub cause: Option<DumpCause>,
    /// Line where the snapshot starts in the input (0 for protobuf).
    pub line: u32,
    pub goroutines: u64,
    /// Whether the snapshot was diagnosed (in a series, only the last one is;
    /// the others are evidence).
    pub diagnosed: bool,
    /// Site groups (blocking frame + creation site), most goroutines first.
    pub groups: Vec<GroupOut>,
    pub background: Vec<BackgroundSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_groups: Option<StackGroupsOut>,
}

#[derive(Serialize)]
pub struct GroupOut {
    pub count: u64,
    pub ids: Vec<u64>,
    pub state: String,
    pub kind: &'static str,
    pub wait_minutes: Option<WaitOut>,
    pub blocking_frame: Option<FrameRef>,
    pub created_by: Option<FrameRef>,
    /// Why the group is expected, when it is background.
    pub background: Option<String>,
    /// Some finding covers this group.
    pub suspect: bool,
}

#[derive(Serialize)]
pub struct WaitOut {
    pub min: u64,
    pub max: u64,
}

#[derive(Serialize)]
pub struct StackGroupsOut {
    pub level: Level,
    pub groups: Vec<StackGroupOut>,
}

#[derive(Serialize)]
pub struct StackGroupOut {
    pub count: u64,
    pub ids: Vec<u64>,
    pub state: String,
    /// Functions of the representative stack, innermost first.
    pub functions: Vec<String>,
    pub created_by: Option<FrameRef>,
}

/// A snapshot of an input and its diagnosis (`None` when it only served as
/// evidence for a later snapshot).
pub struct Diagnosed<'a> {
    pub snapshot: &'a Snapshot,
    pub diagnosis: Option<&'a Diagnosis>,
}

pub fn input_out(input: &Input, snapshots: &[Diagnosed<'_>], level: Option<Level>) -> InputOut {
    InputOut {
        path: input.label.clone(),
        snapshots: snapshots
            .iter()
            .enumerate()
            .map(|(index, d)| snapshot_out(index, d, level))
            .collect(),
        warnings: input.parsed.warnings.clone(),
        unknown_lines: input.parsed.unknown_lines.clone(),
        noise_lines: input.parsed.noise_lines,
    }
}

fn snapshot_out(index: usize, d: &Diagnosed<'_>, level: Option<Level>) -> SnapshotOut {
    let s = d.snapshot;
    let (groups, background) = match d.diagnosis {
        Some(diag) => {
            let suspects: std::collections::HashSet<usize> =
                diag.findings.iter().flat_map(|f| f.groups()).collect();
            (
                diag.groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| group_out(g, suspects.contains(&i)))
                    .collect(),
                diag.background.clone(),
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    SnapshotOut {
        index,
        format: s.format,
        profile: s.profile,
        cause: s.cause.clone(),
        line: s.line,
        goroutines: s.goroutines.iter().map(|g| g.count).sum(),
        diagnosed: d.diagnosis.is_some(),
        groups,
        background,
        stack_groups: level.map(|level| StackGroupsOut {
            level,
            groups: group(s, level)
                .iter()
                .map(|g| stack_group_out(s, g))
                .collect(),
        }),
    }
}

fn group_out(g: &SiteGroup, suspect: bool) -> GroupOut {
    let mut ids = g.ids.clone();
    ids.sort_unstable();
    GroupOut {
        count: g.count,
        ids,
        state: g.state.clone(),
        kind: g.kind.name(),
        wait_minutes: g.wait_minutes.map(|(min, max)| WaitOut { min, max }),
        blocking_frame: g.key.blocking_frame.clone(),
        created_by: g.key.created_by.clone(),
        background: g.background.as_ref().map(|b| b.reason()),
        suspect,
    }
}

fn stack_group_out(snapshot: &Snapshot, g: &StackGroup) -> StackGroupOut {
    let r = g.representative(snapshot);
    let mut ids = g.ids.clone();
    ids.sort_unstable();
    StackGroupOut {
        count: g.count,
        ids,
        state: r.state.clone(),
        functions: r.frames.iter().map(|f| f.func.to_string()).collect(),
        created_by: r.created_by.as_ref().map(FrameRef::from_frame),
    }
}

/// One line about a snapshot: `121 goroutines (debug=2 traceback, test timed
/// out after 30s)`.
pub fn describe(s: &Snapshot) -> String {
    let n: u64 = s.goroutines.iter().map(|g| g.count).sum();
    let format = match (s.format, s.profile) {
        (_, ProfileKind::GoroutineLeak) if s.format != DumpFormat::Traceback => {
            "goroutineleak profile"
        }
        (DumpFormat::Traceback, _) => "traceback",
        (DumpFormat::Debug1, _) => "debug=1 profile",
        (DumpFormat::Protobuf, _) => "protobuf profile",
    };
    let cause = match &s.cause {
        Some(DumpCause::TestTimeout { seconds, .. }) => {
            format!(", test timed out after {}s", seconds)
        }
        Some(DumpCause::AllGoroutinesAsleep { .. }) => ", all goroutines asleep".into(),
        Some(DumpCause::Signal { name, .. }) => format!(", {name}"),
        Some(DumpCause::Crash { message, .. }) => format!(", {message}"),
        None => String::new(),
    };
    let leaked = s
        .goroutines
        .iter()
        .filter(|g| g.flags.iter().any(|f| f == "leaked"))
        .count();
    let marks = if leaked > 0 {
        format!(", {leaked} marked (leaked)")
    } else {
        String::new()
    };
    format!(
        "{n} goroutine{} ({format}{cause}{marks})",
        if n == 1 { "" } else { "s" }
    )
}

/// The human/HTML sections of one input.
pub fn sections(input: &Input, snapshots: &[Diagnosed<'_>], with_findings: usize) -> Vec<Section> {
    let mut out = Vec::new();
    let mut head = Section::new(input.label.clone());
    for (i, d) in snapshots.iter().enumerate() {
        let which = if snapshots.len() > 1 {
            format!("snapshot {} (line {}): ", i + 1, d.snapshot.line)
        } else {
            String::new()
        };
        let role = if d.diagnosis.is_none() {
            " — an earlier snapshot, evidence only"
        } else {
            ""
        };
        head = head.paragraph(format!("{which}{}{role}", describe(d.snapshot)));
    }
    if with_findings == 0 && !snapshots.is_empty() {
        head = head.paragraph("no findings in this input");
    }
    out.push(head);
    for d in snapshots.iter().filter_map(|d| d.diagnosis) {
        out.push(other_groups(d));
        let bg: Vec<String> = d
            .background
            .iter()
            .map(|b| format!("{} ({})", b.reason, b.count))
            .collect();
        if !bg.is_empty() {
            out.push(Section::new("Expected background goroutines").paragraph(bg.join(", ")));
        }
    }
    if input.parsed.noise_lines > 0
        || !input.parsed.warnings.is_empty()
        || !input.parsed.unknown_lines.is_empty()
    {
        let mut s = Section::new("Parse problems");
        if input.parsed.noise_lines > 0 {
            s = s.paragraph(format!(
                "{} lines of crash output skipped (registers, signal preamble)",
                input.parsed.noise_lines
            ));
        }
        for w in &input.parsed.warnings {
            s = s.paragraph(format!("warning: {w}"));
        }
        for u in input.parsed.unknown_lines.iter().take(50) {
            s = s.paragraph(format!("line {}: not understood: {}", u.line, u.text));
        }
        if input.parsed.unknown_lines.len() > 50 {
            s = s.paragraph(format!(
                "... and {} more lines not understood",
                input.parsed.unknown_lines.len() - 50
            ));
        }
        out.push(s);
    }
    out
}

fn other_groups(d: &Diagnosis) -> Section {
    let rows: Vec<Vec<String>> = d
        .others
        .iter()
        .map(|&i| {
            let g = &d.groups[i];
            vec![
                g.count.to_string(),
                truncate(&format_id_ranges(&g.ids), 24),
                g.state.clone(),
                g.wait_minutes.map_or("-".to_string(), |(lo, hi)| {
                    if lo == hi {
                        format!("{hi}m")
                    } else {
                        format!("{lo}-{hi}m")
                    }
                }),
                frame_short(&g.key.blocking_frame),
                frame_short(&g.key.created_by),
            ]
        })
        .collect();
    Section::new("Other groups (not accused)").with_table(Table {
        columns: ["count", "ids", "state", "wait", "blocks at", "created at"]
            .map(String::from)
            .to_vec(),
        rows,
    })
}

/// `main.f (x.go:12)` or `-`.
pub fn frame_short(f: &Option<FrameRef>) -> String {
    match f {
        Some(f) => format!("{} ({})", f.function, f.short_location()),
        None => "-".into(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}
