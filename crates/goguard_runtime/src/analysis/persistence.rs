//! Goroutines that did not move between two snapshots of one process.
//!
//! The same goroutine id at the same program counters in both is not enough:
//! a worker that handles a job and parks again at the same line looks the
//! same. But the runtime resets a goroutine's wait clock whenever it runs, so
//! when the later dump prints a wait (`[chan send, 7 minutes]`) at least as
//! long as the time between the snapshots, the goroutine has not run since
//! before the first one. The clock starts when a garbage collection sees the
//! goroutine parked (at least every two minutes, by the runtime's forced GC)
//! and is printed in whole minutes, so snapshots taken three minutes apart or
//! more are needed for this evidence to show.

use crate::analysis::cx::Cx;
use crate::model::Goroutine;

/// Members that stayed parked since before the earlier snapshot, with the
/// wait (seconds) the later dump prints for each.
pub fn unmoved(cx: &Cx<'_>, members: &[usize]) -> Vec<(usize, u64)> {
    let Some(earlier) = cx.earlier else {
        return Vec::new();
    };
    let interval = earlier.seconds_before;
    if interval <= 0.0 {
        return Vec::new();
    }
    members
        .iter()
        .filter_map(|&m| {
            let g = &cx.snapshot.goroutines[m];
            let wait = g.wait_minutes?.saturating_mul(60);
            if (wait as f64) < interval {
                return None;
            }
            let before = cx.earlier_goroutine(g.id?)?;
            same_place(before, g).then_some((m, wait))
        })
        .collect()
}

/// Same state and the same frames at the same lines and program counters.
fn same_place(a: &Goroutine, b: &Goroutine) -> bool {
    a.state == b.state
        && a.frames.len() == b.frames.len()
        && a.frames.iter().zip(&b.frames).all(|(x, y)| {
            x.func == y.func
                && x.file == y.file
                && x.line == y.line
                && x.pc_offset() == y.pc_offset()
        })
}
