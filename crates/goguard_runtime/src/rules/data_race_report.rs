//! RT007 data-race-report: the race detector's reports, one finding per race (`goguard
//! races`). Parsing and grouping are `race`.

use crate::race::group::{RaceGroup, Side};
use crate::race::parse::RaceFrame;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Reads what the race detector prints (`go test -race`, `go test -race -json`, a
    /// binary built with `-race`, or a CI log holding either) and reports each data race
    /// once: every `WARNING: DATA RACE` block is parsed (both accesses, the goroutines'
    /// creation stacks, `Previous write/read`, races inside the runtime's map code), and
    /// reports of the same two source locations are one finding, whatever the goroutine
    /// ids, addresses and order, ranked by how often they were reported. Each finding
    /// shows the two lines of code and the `go` statements that started the goroutines,
    /// and inside a Go module the static findings at those lines.
    ///
    /// ## Why is this bad?
    /// Two goroutines touching the same memory without synchronisation, one of them
    /// writing, is undefined behaviour in Go: lost updates, torn values, and for maps a
    /// crash (`fatal error: concurrent map writes`). The detector reports only races that
    /// happened while the tests ran, so each report is a real bug; but one race is
    /// printed again for every new pair of goroutines and every test binary, and a CI log
    /// of hundreds of reports hides how few bugs there are.
    ///
    /// ## Example
    /// ```text
    /// ==================
    /// WARNING: DATA RACE
    /// Read at 0x00c000096188 by goroutine 8:
    ///   example.com/app/worker.Count.func1()
    ///       /src/app/worker/worker.go:19 +0x7b
    ///
    /// Previous write at 0x00c000096188 by goroutine 23:
    ///   example.com/app/worker.Count.func1()
    ///       /src/app/worker/worker.go:19 +0x8d
    ///
    /// Goroutine 8 (running) created at:
    ///   example.com/app/worker.Count()
    ///       /src/app/worker/worker.go:17 +0x84
    ///
    /// Goroutine 23 (finished) created at:
    ///   example.com/app/worker.Count()
    ///       /src/app/worker/worker.go:17 +0x84
    /// ==================
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package worker
    ///
    /// import (
    /// 	"sync"
    /// 	"sync/atomic"
    /// )
    ///
    /// // Count counts jobs from goroutines with an atomic counter.
    /// func Count(jobs int) int64 {
    /// 	var done atomic.Int64
    /// 	var wg sync.WaitGroup
    /// 	for i := 0; i < jobs; i++ {
    /// 		wg.Add(1)
    /// 		go func() {
    /// 			defer wg.Done()
    /// 			done.Add(1)
    /// 		}()
    /// 	}
    /// 	wg.Wait()
    /// 	return done.Load()
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only races that happened are reported: code the tests did not run concurrently is
    /// not covered, and the detector keeps a limited history, so an old access may be
    /// missing (`[failed to restore the stack]`; the finding then names one side). An
    /// access's location is its first frame outside the standard library, so two races
    /// reached through the same helper of the standard library from different lines of
    /// the program are two findings.
    pub static DATA_RACE_REPORT = {
        name: "data-race-report",
        code: "RT007",
        category: Correctness,
        status: Stable,
    }
}

/// `worker.Count.func1`: the function without its package path.
pub fn short_function(f: &str) -> &str {
    let last_slash = f.rfind('/').map_or(0, |i| i + 1);
    &f[last_slash..]
}

fn short_file(f: &str) -> &str {
    f.rsplit(['/', '\\']).next().unwrap_or(f)
}

/// `worker.go:19 (worker.Count.func1)`.
pub fn place(f: &RaceFrame) -> String {
    if f.line == 0 {
        return f.function.clone();
    }
    format!(
        "{}:{} ({})",
        short_file(&f.file),
        f.line,
        short_function(&f.function)
    )
}

/// `write`, `read and write`.
pub fn kinds(s: &Side) -> String {
    let names: Vec<&str> = s.kinds.iter().map(|k| k.name()).collect();
    if names.is_empty() {
        "access".to_string()
    } else {
        names.join(" and ")
    }
}

/// `write and read`: the kinds of both sides of a race at one place.
pub fn all_kinds(g: &RaceGroup) -> String {
    let mut union = g.sides[0].kinds.clone();
    union.extend(g.sides[1].kinds.iter().copied());
    let mut names: Vec<&str> = union.iter().map(|k| k.name()).collect();
    // Writes first: a race needs one.
    names.sort_by_key(|n| !n.contains("write"));
    names.join(" and ")
}

pub fn message(g: &RaceGroup) -> String {
    let p = g.primary();
    let (a, b) = (&g.sides[p], &g.sides[1 - p]);
    let on = if g.map { " on a map" } else { "" };
    let mut m = if g.same_place() {
        format!(
            "data race{on}: concurrent {} at {} from different goroutines",
            all_kinds(g),
            place(&a.site)
        )
    } else {
        format!(
            "data race{on}: {} at {} and {} at {}",
            kinds(a),
            place(&a.site),
            kinds(b),
            place(&b.site)
        )
    };
    if g.count > 1 {
        m.push_str(&format!(", reported {} times", g.count));
    }
    m
}

fn list<T: AsRef<str>>(items: impl Iterator<Item = T>, max: usize) -> String {
    let all: Vec<String> = items.map(|s| s.as_ref().to_string()).collect();
    if all.len() <= max {
        return all.join(", ");
    }
    format!("{}, and {} more", all[..max].join(", "), all.len() - max)
}

pub fn evidence(g: &RaceGroup, input: &str) -> Vec<String> {
    let mut out = vec![
        "the race detector saw both accesses happen with nothing ordering them; it reports \
         only races that happened"
            .to_string(),
    ];
    let lines = list(g.lines.iter().map(|l| l.to_string()), 10);
    out.push(if g.count == 1 {
        format!("reported once, at line {lines} of {input}")
    } else {
        format!("reported {} times, at lines {lines} of {input}", g.count)
    });
    if !g.packages.is_empty() {
        out.push(format!("in {}", list(g.packages.iter(), 5)));
    }
    if !g.tests.is_empty() {
        out.push(format!("while running {}", list(g.tests.iter(), 5)));
    }
    if g.same_place() {
        let started: std::collections::BTreeSet<&RaceFrame> =
            g.sides.iter().flat_map(|s| s.created_at.iter()).collect();
        if !started.is_empty() {
            out.push(format!(
                "the goroutines were started at {}",
                list(started.into_iter().map(place), 4)
            ));
        }
    } else {
        for s in &g.sides {
            if !s.created_at.is_empty() {
                out.push(format!(
                    "goroutines making the {} at {} were started at {}",
                    kinds(s),
                    place(&s.site),
                    list(s.created_at.iter().map(place), 4)
                ));
            }
        }
    }
    for s in &g.sides {
        if s.main_goroutine {
            out.push(format!(
                "the {} at {} is made by the main goroutine",
                kinds(s),
                place(&s.site)
            ));
        }
    }
    if g.map {
        out.push(
            "one access is inside the runtime's map code: a map used by several goroutines \
             (concurrent writes can also end the program with `fatal error: concurrent map \
             writes`)"
                .to_string(),
        );
    }
    out
}

pub fn help(g: &RaceGroup) -> &'static str {
    if g.map {
        "guard the map with a sync.Mutex or sync.RWMutex held for every access, or use \
         sync.Map"
    } else {
        "guard the variable with a mutex held for every access, make every access atomic \
         (sync/atomic), or give each goroutine its own copy (a loop variable before Go \
         1.22: pass it to the goroutine as an argument)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::{group, parse};
    use goguard_diagnostics::catalog::doc_markdown;

    #[test]
    fn example_fires() {
        let doc = doc_markdown(DATA_RACE_REPORT.doc);
        let start = doc.find("```text\n").unwrap() + 8;
        let end = start + doc[start..].find("```").unwrap();
        let log = parse(&doc.as_bytes()[start..end]);
        assert!(log.unknown.is_empty(), "{:?}", log.unknown);
        let groups = group(&log);
        assert_eq!(groups.len(), 1);
        assert_eq!(
            message(&groups[0]),
            "data race: concurrent write and read at worker.go:19 (worker.Count.func1) from \
             different goroutines"
        );
    }
}
