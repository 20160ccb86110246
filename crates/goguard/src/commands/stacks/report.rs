//! The report of one input file, built once and rendered as text, JSON or HTML. Its
//! serde shape is the JSON schema documented in docs/stacks.md (`schema_version`).

use goguard_runtime::analysis::diagnose::{diagnose, BackgroundSummary, Options};
use goguard_runtime::analysis::finding::{Finding, GroupFacts};
use goguard_runtime::analysis::group::{group, Level, StackGroup};
use goguard_runtime::analysis::ids::format_id_ranges;
use goguard_runtime::analysis::sites::FrameRef;
use goguard_runtime::analysis::source::SourceTree;
use goguard_runtime::model::{DumpFormat, Snapshot, UnknownLine};
use serde::Serialize;

use super::input::Input;

/// Bumped when a field changes meaning or disappears; added fields do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

/// Lines of context either side of a marked source line.
const SNIPPET_CONTEXT: u32 = 3;

#[derive(Serialize)]
pub struct FileReport {
    pub path: String,
    pub snapshots: Vec<SnapshotReport>,
    pub unknown_lines: Vec<UnknownLine>,
    pub warnings: Vec<String>,
    /// Lines recognised as crash-output noise (register dumps, signal preamble) and skipped.
    pub noise_lines: u64,
}

#[derive(Serialize)]
pub struct SnapshotReport {
    pub index: usize,
    pub format: DumpFormat,
    /// Line where the snapshot starts in the file (0 for protobuf).
    pub line: u32,
    pub goroutines: u64,
    pub findings: Vec<FindingOut>,
    /// Site groups (blocking frame + creation site), most goroutines first.
    pub groups: Vec<GroupOut>,
    pub background: Vec<BackgroundSummary>,
    /// Computed for JSON output only (the text and HTML reports do not show it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_groups: Option<StackGroupsOut>,
}

#[derive(Serialize)]
pub struct FindingOut {
    #[serde(flatten)]
    pub finding: Finding,
    /// Present only with `--source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceOut>,
}

#[derive(Serialize)]
pub struct GroupOut {
    #[serde(flatten)]
    pub facts: GroupFacts,
    /// Why the group is expected, when it is background.
    pub background: Option<String>,
    /// Some finding covers this group.
    pub suspect: bool,
}

#[derive(Serialize)]
pub struct StackGroupsOut {
    pub level: Level,
    pub groups: Vec<StackGroupOut>,
}

#[derive(Serialize)]
pub struct StackGroupOut {
    pub count: u64,
    pub ids: String,
    pub state: String,
    /// Functions of the representative stack, innermost first.
    pub functions: Vec<String>,
    pub created_by: Option<FrameRef>,
}

#[derive(Serialize)]
pub struct SourceOut {
    pub blocking: Option<SnippetOut>,
    pub creation: Option<SnippetOut>,
    /// Frames whose file was not found under the source directory.
    pub not_found: Vec<String>,
}

#[derive(Serialize)]
pub struct SnippetOut {
    pub path: String,
    pub line: u32,
    pub lines: Vec<SnippetLine>,
}

#[derive(Serialize)]
pub struct SnippetLine {
    pub line: u32,
    pub text: String,
}

impl FileReport {
    pub fn build(
        input: &Input,
        opts: &Options,
        sources: Option<&SourceTree>,
        level: Option<Level>,
    ) -> Self {
        let snapshots = input
            .parsed
            .snapshots
            .iter()
            .enumerate()
            .map(|(index, snapshot)| {
                let d = diagnose(snapshot, opts, input.fatal_deadlock);
                let suspect_groups: Vec<usize> = d
                    .findings
                    .iter()
                    .flat_map(|f| f.group_indices.iter().copied())
                    .collect();
                let groups = d
                    .groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| GroupOut {
                        facts: GroupFacts::of(g),
                        background: g.background.clone(),
                        suspect: suspect_groups.contains(&i),
                    })
                    .collect();
                let stack_groups = level.map(|level| StackGroupsOut {
                    level,
                    groups: group(snapshot, level)
                        .iter()
                        .map(|g| stack_group_out(snapshot, g))
                        .collect(),
                });
                SnapshotReport {
                    index,
                    format: snapshot.format,
                    line: snapshot.line,
                    goroutines: d.goroutines,
                    findings: d
                        .findings
                        .into_iter()
                        .map(|finding| {
                            let source = sources.map(|t| source_for(t, &finding));
                            FindingOut { finding, source }
                        })
                        .collect(),
                    groups,
                    background: d.background,
                    stack_groups,
                }
            })
            .collect();
        FileReport {
            path: input.path.display().to_string(),
            snapshots,
            unknown_lines: input.parsed.unknown_lines.clone(),
            warnings: input.parsed.warnings.clone(),
            noise_lines: input.parsed.noise_lines,
        }
    }

    pub fn suspects(&self) -> usize {
        self.snapshots.iter().map(|s| s.findings.len()).sum()
    }
}

fn stack_group_out(snapshot: &Snapshot, g: &StackGroup) -> StackGroupOut {
    let r = g.representative(snapshot);
    StackGroupOut {
        count: g.count,
        ids: format_id_ranges(&g.ids),
        state: r.state.clone(),
        functions: r.frames.iter().map(|f| f.func.to_string()).collect(),
        created_by: r.created_by.as_ref().map(FrameRef::from_frame),
    }
}

fn source_for(tree: &SourceTree, finding: &Finding) -> SourceOut {
    let mut not_found = Vec::new();
    let mut snippet = |frame: &Option<FrameRef>| {
        let f = frame.as_ref()?;
        match tree.snippet(&f.file, f.line, SNIPPET_CONTEXT) {
            Some(s) => Some(SnippetOut {
                path: s.path.display().to_string(),
                line: s.marked,
                lines: s
                    .lines
                    .into_iter()
                    .map(|(line, text)| SnippetLine { line, text })
                    .collect(),
            }),
            None => {
                not_found.push(format!("{}:{}", f.file, f.line));
                None
            }
        }
    };
    let blocking = snippet(&finding.facts.blocking_frame);
    let creation = snippet(&finding.facts.created_by);
    SourceOut {
        blocking,
        creation,
        not_found,
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    schema_version: u32,
    files: &'a [FileReport],
    suspects: usize,
}

pub fn to_json(reports: &[FileReport]) -> anyhow::Result<String> {
    let out = JsonOut {
        schema_version: SCHEMA_VERSION,
        files: reports,
        suspects: reports.iter().map(FileReport::suspects).sum(),
    };
    Ok(serde_json::to_string_pretty(&out)? + "\n")
}
