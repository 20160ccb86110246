//! The goroutines a runtime finding is about: which dump, which goroutines,
//! where they block and where they were created. Static findings have none.

/// A place in the program as a dump prints it: a function and its file and
/// line as the running binary knows them (a build path or a module path,
/// not necessarily a file on this machine).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FrameLocation {
    pub function: String,
    pub file: String,
    pub line: u32,
}

/// A place in the program a runtime finding names, and what happens there: the
/// allocation site of growing memory and its caller, the two accesses of a data race and
/// the `go` statements that started them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodeSite {
    /// What this place is to the finding, e.g. `allocation site`, `previous write`.
    pub role: String,
    pub frame: FrameLocation,
}

/// Whether a group is what the finding accuses, or only takes part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Blocked forever (as sure as the finding's confidence says).
    Accused,
    /// Waiting too, but could still be woken (a receive a timer might end),
    /// or holding what the accused wait for.
    Involved,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Accused => "accused",
            Role::Involved => "involved",
        }
    }
}

/// Shortest and longest wait of a group, in seconds. Dumps print whole
/// minutes, so these are lower bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WaitSeconds {
    pub min: u64,
    pub max: u64,
}

/// Goroutines that block the same way at the same line, created by the
/// same `go` statement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GoroutineGroup {
    pub role: Role,
    pub count: u64,
    /// Sorted; empty for aggregated profiles, which print no ids.
    pub ids: Vec<u64>,
    /// The wait reason as printed (`chan send`, `sync.Mutex.Lock`...).
    pub state: String,
    /// What it waits on, as classified (`chan_send`, `mutex`...).
    pub kind: String,
    pub wait: Option<WaitSeconds>,
    /// The first frame in the program's own code: where it blocks.
    pub blocking: Option<FrameLocation>,
    /// The `go` statement that started it.
    pub created_by: Option<FrameLocation>,
}

/// The subject of a runtime finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GoroutineFacts {
    /// The input the snapshot came from (a path or a URL).
    pub input: String,
    /// Index of the snapshot within that input (0-based).
    pub snapshot: usize,
    /// Accused and involved groups, accused first.
    pub groups: Vec<GoroutineGroup>,
}

impl GoroutineFacts {
    /// Goroutines the finding accuses.
    pub fn accused_count(&self) -> u64 {
        self.accused().map(|g| g.count).sum()
    }

    /// Ids of the goroutines the finding accuses, sorted.
    pub fn accused_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.accused().flat_map(|g| g.ids.iter().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    pub fn accused(&self) -> impl Iterator<Item = &GoroutineGroup> {
        self.groups.iter().filter(|g| g.role == Role::Accused)
    }
}

/// Goroutine ids as sorted, merged ranges: `12-40, 77`.
pub fn format_id_ranges(ids: &[u64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_consecutive_ids() {
        let mut ids: Vec<u64> = (12..=40).collect();
        ids.push(77);
        ids.push(13);
        assert_eq!(format_id_ranges(&ids), "12-40, 77");
        assert_eq!(format_id_ranges(&[5, 3, 4, 9, 10]), "3-5, 9-10");
        assert_eq!(format_id_ranges(&[]), "");
    }
}
