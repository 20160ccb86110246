//! One race, however many times it was reported: reports are grouped by the pair of
//! source locations of their two accesses, whatever the goroutine ids, addresses and
//! order, and ranked by how often they were reported.
//!
//! An access's location is its first frame in the program's own code (outside the
//! standard library): a race on a map is reported inside `runtime.mapassign_faststr`,
//! and the line to fix is the caller's. When every frame is the standard library's, the
//! first frame outside the runtime stands in.

use std::collections::BTreeSet;

use serde::Serialize;

use super::parse::{Access, AccessKind, RaceFrame, RaceLog, Report};
use crate::analysis::classify::is_stdlib_func;

/// One side of a race: where it happens and how.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub site: RaceFrame,
    /// Kinds of access seen at this site (`write`, `read`...).
    pub kinds: BTreeSet<AccessKind>,
    /// The `go` statements that started the goroutines making this access (the top frame
    /// of each creation stack), and for each the first frame of the program's own code
    /// below it when the top one is the standard library's.
    pub created_at: BTreeSet<RaceFrame>,
    /// Made by the main goroutine in some report.
    pub main_goroutine: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RaceGroup {
    /// The two sides, in a fixed order (by file, line, function).
    pub sides: [Side; 2],
    /// Reports of this race.
    pub count: usize,
    /// Where each report starts in the input.
    pub lines: Vec<u32>,
    /// One side is inside the runtime's map code: a map used from several goroutines.
    pub map: bool,
    pub packages: BTreeSet<String>,
    pub tests: BTreeSet<String>,
    /// The frames of each side in the first report, innermost first.
    pub example: [Vec<RaceFrame>; 2],
}

impl RaceGroup {
    /// Both accesses are at the same line (the same code run by several goroutines).
    pub fn same_place(&self) -> bool {
        self.sides[0].site == self.sides[1].site
    }

    /// The side to report first: a write when there is one.
    pub fn primary(&self) -> usize {
        let writes = |s: &Side| s.kinds.iter().any(|k| k.is_write());
        if !writes(&self.sides[0]) && writes(&self.sides[1]) {
            1
        } else {
            0
        }
    }
}

fn unknown_frame() -> RaceFrame {
    RaceFrame {
        function: "<stack not restored>".into(),
        file: String::new(),
        line: 0,
    }
}

fn is_runtime(f: &str) -> bool {
    f.starts_with("runtime.") || f.starts_with("internal/") || f.starts_with("sync/atomic.")
}

/// The line a frame list points at in the program's own code.
pub fn site(frames: &[RaceFrame]) -> RaceFrame {
    frames
        .iter()
        .find(|f| !is_stdlib_func(&f.function))
        .or_else(|| frames.iter().find(|f| !is_runtime(&f.function)))
        .or_else(|| frames.first())
        .cloned()
        .unwrap_or_else(unknown_frame)
}

/// The order of the two sides: by file, line, then function.
fn by_place(f: &RaceFrame) -> (&str, u32, &str) {
    (&f.file, f.line, &f.function)
}

fn is_map_frame(f: &str) -> bool {
    f.starts_with("runtime.map")
        || f.starts_with("internal/runtime/maps.")
        || f.starts_with("runtime.evacuate")
}

fn creation_sites(report: &Report, access: &Access) -> Vec<RaceFrame> {
    let Some(id) = access.goroutine else {
        return Vec::new();
    };
    let Some(c) = report.creations.iter().find(|c| c.goroutine == id) else {
        return Vec::new();
    };
    let mut out: Vec<RaceFrame> = c.frames.first().cloned().into_iter().collect();
    if let Some(top) = c.frames.first() {
        if is_stdlib_func(&top.function) {
            // `go test`'s generated main is nobody's code to fix.
            let own = c
                .frames
                .iter()
                .find(|f| !is_stdlib_func(&f.function) && !f.file.ends_with("_testmain.go"));
            out.extend(own.cloned());
        }
    }
    out
}

/// Groups the reports of a log, most reported first.
pub fn group(log: &RaceLog) -> Vec<RaceGroup> {
    let mut groups: Vec<RaceGroup> = Vec::new();
    let mut index: std::collections::HashMap<(RaceFrame, RaceFrame), usize> =
        std::collections::HashMap::new();
    for report in &log.reports {
        // A report cut before its second access still names one side.
        let mut accesses: Vec<&Access> = report.accesses.iter().take(2).collect();
        if accesses.is_empty() {
            continue;
        }
        let mut sites: Vec<RaceFrame> = accesses.iter().map(|a| site(&a.frames)).collect();
        if sites.len() == 1 {
            sites.push(unknown_frame());
        }
        // Order the sides by place; at the same place, the write first.
        let swap = match by_place(&sites[1]).cmp(&by_place(&sites[0])) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Equal => {
                accesses.len() == 2 && accesses[1].kind.is_write() && !accesses[0].kind.is_write()
            }
            std::cmp::Ordering::Greater => false,
        };
        if swap {
            sites.swap(0, 1);
            accesses.reverse();
        }
        let sides_in_order: Vec<Option<&Access>> = if accesses.len() == 1 {
            // The single access sorted to wherever its site went.
            if site(&accesses[0].frames) == sites[0] {
                vec![Some(accesses[0]), None]
            } else {
                vec![None, Some(accesses[0])]
            }
        } else {
            accesses.iter().map(|a| Some(*a)).collect()
        };
        let key = (sites[0].clone(), sites[1].clone());
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(RaceGroup {
                sides: [0, 1].map(|i| Side {
                    site: sites[i].clone(),
                    kinds: BTreeSet::new(),
                    created_at: BTreeSet::new(),
                    main_goroutine: false,
                }),
                count: 0,
                lines: Vec::new(),
                map: false,
                packages: BTreeSet::new(),
                tests: BTreeSet::new(),
                example: [0, 1]
                    .map(|i| sides_in_order[i].map_or_else(Vec::new, |a| a.frames.clone())),
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        group.count += 1;
        group.lines.push(report.line);
        group.packages.extend(report.package.clone());
        group.tests.extend(report.test.clone());
        for (i, access) in sides_in_order.iter().enumerate() {
            let Some(a) = access else { continue };
            let side = &mut group.sides[i];
            side.kinds.insert(a.kind);
            side.main_goroutine |= a.goroutine.is_none();
            side.created_at.extend(creation_sites(report, a));
            group.map |= a.frames.iter().any(|f| is_map_frame(&f.function));
        }
    }
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.lines[0].cmp(&b.lines[0])));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::parse::parse;

    fn report(write: (u32, &str), read: (u32, &str), goroutines: (u32, u32), addr: u32) -> String {
        format!(
            "==================
WARNING: DATA RACE
Write at 0x{addr:x} by goroutine {g1}:
  {f1}()
      /src/app/main.go:{l1} +0x44

Previous read at 0x{addr:x} by goroutine {g2}:
  {f2}()
      /src/app/main.go:{l2} +0x9c

Goroutine {g1} (running) created at:
  main.start()
      /src/app/main.go:30 +0x7c
==================
",
            f1 = write.1,
            l1 = write.0,
            f2 = read.1,
            l2 = read.0,
            g1 = goroutines.0,
            g2 = goroutines.1,
        )
    }

    #[test]
    fn the_same_pair_of_lines_is_one_race_in_either_order() {
        let mut text = report((12, "main.inc"), (20, "main.get"), (7, 8), 0x100);
        text += &report((12, "main.inc"), (20, "main.get"), (9, 3), 0x200);
        // The same race seen the other way round: the read is now the current access.
        text += &report((20, "main.get"), (12, "main.inc"), (4, 5), 0x300);
        text += &report((12, "main.inc"), (12, "main.inc"), (6, 2), 0x100);
        let groups = group(&parse(text.as_bytes()));
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].sides[0].site.line, 12);
        assert_eq!(groups[0].sides[1].site.line, 20);
        assert_eq!(groups[0].lines, [2, 16, 30]);
        assert_eq!(groups[1].count, 1);
        assert_eq!(
            groups[0].sides[0].created_at.iter().next().unwrap().line,
            30
        );
    }
}
