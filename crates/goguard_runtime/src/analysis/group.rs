//! Grouping goroutines by how similar their stacks are, at three levels:
//! - `identical`: same state, same frames including argument values, same creator;
//! - `lines`: same state, same functions at the same lines, same creation line (args ignored);
//! - `functions`: same functions and creating function, lines and state ignored.
//!
//! Aggregated records (`count > 1`) add their count. Groups come out in a deterministic
//! order: most goroutines first, then by where the group first appears in the dump.

use std::hash::Hasher;

use serde::Serialize;

use crate::analysis::ids::format_id_ranges;
use crate::model::{Frame, Goroutine, Snapshot};
use rustc_hash::{FxHashMap, FxHasher};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Identical,
    Lines,
    Functions,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "identical" => Some(Level::Identical),
            "lines" => Some(Level::Lines),
            "functions" => Some(Level::Functions),
            _ => None,
        }
    }
}

/// Goroutines that look alike at some level.
#[derive(Debug, Clone)]
pub struct StackGroup {
    /// Indices into `Snapshot::goroutines`, in dump order.
    pub members: Vec<usize>,
    /// Sum of the members' counts.
    pub count: u64,
    pub ids: Vec<u64>,
}

impl StackGroup {
    /// The first member, whose frames stand for the group.
    pub fn representative<'s>(&self, snapshot: &'s Snapshot) -> &'s Goroutine {
        &snapshot.goroutines[self.members[0]]
    }

    pub fn id_ranges(&self) -> String {
        format_id_ranges(&self.ids)
    }

    /// Smallest and largest wait in minutes among members that print one.
    pub fn wait_range(&self, snapshot: &Snapshot) -> Option<(u64, u64)> {
        min_max(
            self.members
                .iter()
                .filter_map(|&i| snapshot.goroutines[i].wait_minutes),
        )
    }
}

pub fn min_max(values: impl Iterator<Item = u64>) -> Option<(u64, u64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

fn hash_frame(h: &mut FxHasher, g: &Goroutine, f: &Frame, level: Level) {
    h.write(f.func.as_bytes());
    h.write_u8(0xff);
    if level != Level::Functions {
        h.write(f.file.as_bytes());
        h.write_u32(f.line);
    }
    if level == Level::Identical {
        h.write(g.args(f).as_bytes());
        h.write_u8(0xfe);
    }
}

/// The runtime's leak detector marked this goroutine (`[chan send (leaked)]`).
pub fn is_leaked(g: &Goroutine) -> bool {
    g.flags.iter().any(|f| f == "leaked")
}

/// Hash of everything `same_at_level` compares.
fn stack_hash(g: &Goroutine, level: Level) -> u64 {
    let mut h = FxHasher::default();
    if level != Level::Functions {
        h.write(g.state.as_bytes());
        h.write_u8(u8::from(is_leaked(g)));
    }
    h.write_usize(g.frames.len());
    for f in &g.frames {
        hash_frame(&mut h, g, f, level);
    }
    if let Some(c) = &g.created_by {
        hash_frame(&mut h, g, c, level);
    }
    h.finish()
}

/// Frame `x` of goroutine `a` against frame `y` of goroutine `b`. Names are interned, so
/// pointer equality settles most comparisons (`Name::eq`).
fn same_frame(a: &Goroutine, x: &Frame, b: &Goroutine, y: &Frame, level: Level) -> bool {
    x.func == y.func
        && (level == Level::Functions || (x.line == y.line && x.file == y.file))
        && (level != Level::Identical || a.args(x) == b.args(y))
}

fn same_at_level(a: &Goroutine, b: &Goroutine, level: Level) -> bool {
    (level == Level::Functions || (a.state == b.state && is_leaked(a) == is_leaked(b)))
        && a.frames.len() == b.frames.len()
        && a.frames
            .iter()
            .zip(&b.frames)
            .all(|(x, y)| same_frame(a, x, b, y, level))
        && match (&a.created_by, &b.created_by) {
            (None, None) => true,
            (Some(x), Some(y)) => same_frame(a, x, b, y, level),
            _ => false,
        }
}

/// Groups a snapshot's goroutines at `level`.
pub fn group(snapshot: &Snapshot, level: Level) -> Vec<StackGroup> {
    group_members(snapshot, 0..snapshot.goroutines.len(), level)
}

/// Groups the given goroutines (indices into the snapshot) at `level`. Goroutines are
/// bucketed by a hash of what the level compares, then compared with each bucket's
/// groups, so no key is allocated per goroutine.
pub fn group_members(
    snapshot: &Snapshot,
    indices: impl IntoIterator<Item = usize>,
    level: Level,
) -> Vec<StackGroup> {
    let gs = &snapshot.goroutines;
    let mut buckets: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    let mut groups: Vec<StackGroup> = Vec::new();
    for i in indices {
        let g = &gs[i];
        let bucket = buckets.entry(stack_hash(g, level)).or_default();
        let slot = match bucket
            .iter()
            .copied()
            .find(|&s| same_at_level(&gs[groups[s].members[0]], g, level))
        {
            Some(slot) => slot,
            None => {
                groups.push(StackGroup {
                    members: Vec::new(),
                    count: 0,
                    ids: Vec::new(),
                });
                bucket.push(groups.len() - 1);
                groups.len() - 1
            }
        };
        let group = &mut groups[slot];
        group.members.push(i);
        group.count += g.count;
        group.ids.extend(g.id);
    }
    // Creation order is dump order, so a stable sort by count keeps ties deterministic.
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::{goroutine, snapshot};

    #[test]
    fn three_levels_split_differently() {
        let mut a = goroutine(1, "chan send", &["main.f", "main.g"]);
        a.set_args(0, "0x1");
        let mut b = a.clone();
        b.id = Some(2);
        b.set_args(0, "0x2");
        let mut c = a.clone();
        c.id = Some(3);
        c.frames[0].line = 99;
        let mut d = a.clone();
        d.id = Some(4);
        d.state = "select".into();
        let s = snapshot(vec![a, b, c, d]);
        let counts = |level| group(&s, level).iter().map(|g| g.count).collect::<Vec<_>>();
        assert_eq!(counts(Level::Identical), vec![1, 1, 1, 1]);
        assert_eq!(counts(Level::Lines), vec![2, 1, 1]);
        assert_eq!(counts(Level::Functions), vec![4]);
        assert_eq!(group(&s, Level::Lines)[0].id_ranges(), "1-2");
    }

    #[test]
    fn aggregated_counts_add_up_and_order_is_stable() {
        let mut a = goroutine(0, "", &["main.a"]);
        a.id = None;
        a.count = 7;
        let mut b = goroutine(0, "", &["main.b"]);
        b.id = None;
        b.count = 7;
        let mut c = a.clone();
        c.count = 3;
        let s = snapshot(vec![a, b, c]);
        let groups = group(&s, Level::Lines);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 10);
        assert_eq!(&*groups[0].representative(&s).frames[0].func, "main.a");
        assert!(groups[0].ids.is_empty());
    }

    #[test]
    fn wait_range() {
        let mut a = goroutine(1, "select", &["main.f"]);
        a.wait_minutes = Some(12);
        let mut b = a.clone();
        b.wait_minutes = Some(45);
        let c = goroutine(3, "select", &["main.f"]);
        let s = snapshot(vec![a, b, c]);
        let g = &group(&s, Level::Lines)[0];
        assert_eq!(g.wait_range(&s), Some((12, 45)));
    }
}
