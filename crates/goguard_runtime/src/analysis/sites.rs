//! Site groups: goroutines blocked the same way at the same line of user code, created by
//! the same `go` statement. This is the unit leaks are diagnosed and growth is measured
//! on: copies of one leak share it even when their deeper frames differ.

use std::collections::HashMap;

use serde::Serialize;

use crate::analysis::background::{background_of, Background};
use crate::analysis::classify::{blocking_frame, classify, BlockKind};
use crate::analysis::group::{group, min_max, Level};
use crate::analysis::ids::format_id_ranges;
use crate::analysis::ignore::{matching_pattern, IgnorePattern};
use crate::model::{Frame, Snapshot};

/// A frame location in reports and JSON.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FrameRef {
    pub function: String,
    pub file: String,
    pub line: u32,
}

impl FrameRef {
    pub fn from_frame(f: &Frame) -> Self {
        FrameRef {
            function: f.func.to_string(),
            file: f.file.to_string(),
            line: f.line,
        }
    }

    /// `leaks.go:21` (last path element and line).
    pub fn short_location(&self) -> String {
        let base = self.file.rsplit(['/', '\\']).next().unwrap_or(&self.file);
        format!("{base}:{}", self.line)
    }
}

/// Where a group blocks and where it was created: the identity of a leak across dumps.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SiteKey {
    pub blocking_frame: Option<FrameRef>,
    pub created_by: Option<FrameRef>,
}

/// Why a group is expected: a built-in pattern, or the user's ignore pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expected {
    Builtin(Background),
    Ignored(String),
}

impl Expected {
    pub fn reason(&self) -> String {
        match self {
            Expected::Builtin(b) => b.reason().to_string(),
            Expected::Ignored(p) => format!("ignored by pattern {p}"),
        }
    }

    /// See [`Background::wakes_others`]; goroutines the user ignores are
    /// still the program's own and may wake others.
    pub fn wakes_others(&self) -> bool {
        match self {
            Expected::Builtin(b) => b.wakes_others(),
            Expected::Ignored(_) => true,
        }
    }
}

/// Goroutines sharing a kind, a blocking frame and a creation site.
#[derive(Debug, Clone)]
pub struct SiteGroup {
    pub key: SiteKey,
    pub kind: BlockKind,
    /// The state as most members print it (the kind's label when the format has none).
    pub state: String,
    pub count: u64,
    pub ids: Vec<u64>,
    pub wait_minutes: Option<(u64, u64)>,
    /// Why this group is expected (built-in pattern or user ignore pattern).
    pub background: Option<Expected>,
    /// The runtime marked these goroutines `(leaked)`.
    pub leaked: bool,
    /// Indices into `Snapshot::goroutines`, in dump order.
    pub members: Vec<usize>,
}

impl SiteGroup {
    /// Could make progress and, by doing so, wake the program's goroutines.
    pub fn can_wake_others(&self) -> bool {
        self.kind.can_progress() && self.background.as_ref().is_none_or(Expected::wakes_others)
    }

    pub fn is_background(&self) -> bool {
        self.background.is_some()
    }

    pub fn id_ranges(&self) -> String {
        format_id_ranges(&self.ids)
    }

    pub fn max_wait(&self) -> u64 {
        self.wait_minutes.map_or(0, |(_, hi)| hi)
    }
}

#[derive(PartialEq, Eq, Hash)]
struct Key<'a> {
    kind: BlockKind,
    blocking: Option<(&'a str, &'a str, u32)>,
    creator: Option<(&'a str, &'a str, u32)>,
    background: Option<Expected>,
    leaked: bool,
}

fn loc(f: &Frame) -> (&str, &str, u32) {
    (&f.func, &f.file, f.line)
}

/// Groups a snapshot by site. User ignore patterns are checked before the built-in
/// background patterns. Most goroutines first; ties in dump order.
///
/// Goroutines with the same state, functions, lines and creator (a `Lines` stack group)
/// always share kind, blocking frame, creator and background status, so classification
/// runs once per stack group rather than once per goroutine.
pub fn site_groups(snapshot: &Snapshot, ignore: &[IgnorePattern]) -> Vec<SiteGroup> {
    let mut stacks = group(snapshot, Level::Lines);
    // Back to dump order, so site groups are created (and tie-broken) in dump order.
    stacks.sort_by_key(|s| s.members[0]);
    let mut by_key: HashMap<Key<'_>, usize> = HashMap::new();
    let mut groups: Vec<SiteGroup> = Vec::new();
    let mut states: Vec<HashMap<&str, u64>> = Vec::new();
    for stack in stacks {
        let g = stack.representative(snapshot);
        let kind = classify(g);
        let blocking = blocking_frame(g);
        let first = stack.members[0] == 0;
        let background = match matching_pattern(ignore, g) {
            Some(p) => Some(Expected::Ignored(p.to_string())),
            None => background_of(g, first, snapshot.cause.as_ref()).map(Expected::Builtin),
        };
        let leaked = crate::analysis::group::is_leaked(g);
        let key = Key {
            kind,
            blocking: blocking.map(loc),
            creator: g.created_by.as_ref().map(loc),
            background: background.clone(),
            leaked,
        };
        let slot = *by_key.entry(key).or_insert_with(|| {
            groups.push(SiteGroup {
                key: SiteKey {
                    blocking_frame: blocking.map(FrameRef::from_frame),
                    created_by: g.created_by.as_ref().map(FrameRef::from_frame),
                },
                kind,
                state: String::new(),
                count: 0,
                ids: Vec::new(),
                wait_minutes: None,
                background,
                leaked,
                members: Vec::new(),
            });
            states.push(HashMap::new());
            groups.len() - 1
        });
        let group = &mut groups[slot];
        group.count += stack.count;
        group.ids.extend(&stack.ids);
        group.members.extend(&stack.members);
        *states[slot].entry(g.state.as_str()).or_default() += stack.count;
    }
    for (group, states) in groups.iter_mut().zip(states) {
        group.members.sort_unstable();
        group.state = most_common_state(&states).unwrap_or_else(|| group.kind.label().into());
        group.wait_minutes = min_max(
            group
                .members
                .iter()
                .filter_map(|&i| snapshot.goroutines[i].wait_minutes),
        );
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    groups
}

fn most_common_state(states: &HashMap<&str, u64>) -> Option<String> {
    states
        .iter()
        .filter(|(s, _)| !s.is_empty())
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| s.to_string())
}
