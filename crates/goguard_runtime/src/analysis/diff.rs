//! Growth across snapshots (`goguard stacks diff A B C...`): site groups (creation site +
//! blocking frame) that appeared or grew from the first snapshot to the last, with the
//! absolute and relative change and a rate per snapshot and, when the interval between
//! snapshots is known, per minute. Growth of non-background groups is RT003.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::classify::BlockKind;
use crate::analysis::finding::goroutines;
use crate::analysis::ignore::IgnorePattern;
use crate::analysis::sites::{site_groups, FrameRef, SiteKey};
use crate::model::Snapshot;
use crate::rules::goroutine_growth::GOROUTINE_GROWTH;

/// One group's counts across the snapshots, and how it changed.
#[derive(Debug, Clone, Serialize)]
pub struct Growth {
    pub code: &'static str,
    pub name: &'static str,
    pub blocking_frame: Option<FrameRef>,
    pub created_by: Option<FrameRef>,
    pub state: String,
    pub kind: BlockKind,
    /// Count in each snapshot, in the order given.
    pub counts: Vec<u64>,
    /// Last minus first.
    pub change: i64,
    /// Change over the first count; `None` when the group is new (first count 0).
    pub relative: Option<f64>,
    pub appeared: bool,
    pub per_snapshot: f64,
    /// Only when the interval between snapshots was given.
    pub per_minute: Option<f64>,
    /// Set for expected background goroutines, whose growth is reported but not gated.
    pub background: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub snapshots: Vec<SnapshotTotal>,
    pub interval_seconds: Option<f64>,
    /// Groups that appeared or grew, largest change first.
    pub grown: Vec<Growth>,
    /// Groups that shrank or disappeared (count only, for context).
    pub shrunk: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SnapshotTotal {
    pub label: String,
    pub goroutines: u64,
}

impl DiffReport {
    /// The largest growth of a non-background group (the CI gate compares against it).
    pub fn max_foreground_growth(&self) -> i64 {
        self.grown
            .iter()
            .filter(|g| g.background.is_none())
            .map(|g| g.change)
            .max()
            .unwrap_or(0)
    }
}

struct Row {
    counts: Vec<u64>,
    state: String,
    kind: BlockKind,
    background: Option<String>,
}

/// Compares snapshots in the order given. `interval_seconds`: time between consecutive
/// snapshots, if known.
pub fn diff(
    snapshots: &[(String, &Snapshot)],
    ignore: &[IgnorePattern],
    interval_seconds: Option<f64>,
) -> DiffReport {
    let n = snapshots.len();
    let mut rows: BTreeMap<SiteKey, Row> = BTreeMap::new();
    for (s, (_, snapshot)) in snapshots.iter().enumerate() {
        for group in site_groups(snapshot, ignore) {
            let row = rows.entry(group.key.clone()).or_insert_with(|| Row {
                counts: vec![0; n],
                state: group.state.clone(),
                kind: group.kind,
                background: group.background.as_ref().map(|b| b.reason()),
            });
            row.counts[s] += group.count;
        }
    }
    let steps = n.saturating_sub(1).max(1) as f64;
    let mut grown = Vec::new();
    let mut shrunk = 0;
    for (key, row) in rows {
        let first = row.counts[0];
        let last = *row.counts.last().unwrap_or(&0);
        let change = last as i64 - first as i64;
        if change < 0 {
            shrunk += 1;
        }
        if change <= 0 {
            continue;
        }
        let per_minute = interval_seconds
            .filter(|s| *s > 0.0)
            .map(|s| change as f64 / (steps * s / 60.0));
        let series = row
            .counts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(" → ");
        let place = key
            .blocking_frame
            .as_ref()
            .map(|f| format!(" at {} ({})", f.function, f.short_location()))
            .unwrap_or_default();
        let created = key
            .created_by
            .as_ref()
            .map(|c| format!(", created at {}", c.short_location()))
            .unwrap_or_default();
        let why = format!(
            "+{} in {}{place}{created} ({series})",
            goroutines(change as u64),
            row.state
        );
        grown.push(Growth {
            code: GOROUTINE_GROWTH.code,
            name: GOROUTINE_GROWTH.name,
            blocking_frame: key.blocking_frame,
            created_by: key.created_by,
            state: row.state,
            kind: row.kind,
            relative: (first > 0).then(|| change as f64 / first as f64),
            appeared: first == 0,
            per_snapshot: change as f64 / steps,
            per_minute,
            counts: row.counts,
            change,
            background: row.background,
            why,
        });
    }
    // Largest growth first; ties by key order (BTreeMap iteration) thanks to a stable sort.
    grown.sort_by_key(|g| std::cmp::Reverse(g.change));
    DiffReport {
        snapshots: snapshots
            .iter()
            .map(|(label, s)| SnapshotTotal {
                label: label.clone(),
                goroutines: s.goroutines.iter().map(|g| g.count).sum(),
            })
            .collect(),
        interval_seconds,
        grown,
        shrunk,
    }
}

/// Parses `30s`, `5m`, `1h`, `1m30s`, `250ms` into seconds.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let err = || format!("bad duration {text:?}: use e.g. 30s, 5m, 1h, 1m30s");
    let mut total = 0.0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(err());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(err)?;
        let value: f64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(err()),
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::{self, created_by, goroutine};
    use crate::model::Goroutine;

    fn leak(id: u64) -> Goroutine {
        created_by(
            goroutine(id, "chan send", &["main.fetch.func1"]),
            "main.fetch",
            "/src/app/fetch.go",
            20,
        )
    }

    fn snapshot(n: u64, extra: Vec<Goroutine>) -> Snapshot {
        let mut goroutines: Vec<Goroutine> = (0..n).map(|i| leak(i + 10)).collect();
        goroutines.extend(extra);
        testutil::snapshot(goroutines)
    }

    #[test]
    fn growth_with_rates() {
        let a = snapshot(100, vec![goroutine(1, "running", &["main.main"])]);
        let b = snapshot(250, vec![]);
        let c = snapshot(400, vec![goroutine(2, "select", &["main.newLoop"])]);
        let report = diff(
            &[("a".into(), &a), ("b".into(), &b), ("c".into(), &c)],
            &[],
            Some(300.0),
        );
        assert_eq!(report.grown.len(), 2);
        let top = &report.grown[0];
        assert_eq!(top.counts, vec![100, 250, 400]);
        assert_eq!(top.change, 300);
        assert_eq!(top.relative, Some(3.0));
        assert_eq!(top.per_snapshot, 150.0);
        assert_eq!(top.per_minute, Some(30.0));
        assert!(top.why.contains("created at fetch.go:20"), "{}", top.why);
        assert!(report.grown[1].appeared);
        assert_eq!(report.shrunk, 1);
        assert_eq!(report.max_foreground_growth(), 300);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(30.0));
        assert_eq!(parse_duration("5m"), Ok(300.0));
        assert_eq!(parse_duration("1m30s"), Ok(90.0));
        assert_eq!(parse_duration("250ms"), Ok(0.25));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("x").is_err());
    }
}
