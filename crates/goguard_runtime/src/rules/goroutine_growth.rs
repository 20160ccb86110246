//! RT003 goroutine-growth: groups that grow from one snapshot to the next
//! (`goguard stacks diff`). The comparison itself is `analysis::diff`.

use goguard_diagnostics::Confidence;

use crate::analysis::diff::Growth;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Compares snapshots of one program taken in time order (`goguard stacks diff OLD
    /// NEW...`) and reports the groups of goroutines, by blocking line and `go`
    /// statement, that appeared or grew, with the counts in each snapshot, the change
    /// and the rate (per snapshot, and per minute with `--interval`). Growth across
    /// three snapshots or more that never shrinks is medium confidence; growth between
    /// two snapshots is low. Expected background goroutines are listed but never
    /// gated.
    ///
    /// ## Why is this bad?
    /// A leak shows as a group that only ever grows: one more goroutine per request,
    /// per retry, per reconnect. Growth is often the first sign, long before any single
    /// dump looks alarming, and it names the `go` statement to look at.
    ///
    /// ## Example
    /// ```text
    /// goroutine 12 [chan send]:
    /// main.fetchWithTimeout.func1()
    /// 	/src/app/fetch.go:21 +0x3c
    /// created by main.fetchWithTimeout in goroutine 1
    /// 	/src/app/fetch.go:20 +0x9a
    /// ```
    /// (100 such goroutines in the first snapshot, 400 in the second.)
    ///
    /// ## Use instead
    /// ```go
    /// package app
    ///
    /// import "context"
    ///
    /// func fetch(ctx context.Context, lookup func() int) (int, error) {
    /// 	ch := make(chan int, 1)
    /// 	go func() { ch <- lookup() }()
    /// 	select {
    /// 	case v := <-ch:
    /// 		return v, nil
    /// 	case <-ctx.Done():
    /// 		return 0, ctx.Err()
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Growth under rising load is not a leak: compare snapshots taken at similar load,
    /// or after the load has passed. Groups are matched by function, file and line, so
    /// snapshots of different builds of the program share few groups (`diff` warns when
    /// they share none).
    pub static GOROUTINE_GROWTH = {
        name: "goroutine-growth",
        code: "RT003",
        category: Suspicious,
        status: Stable,
    }
}

/// Monotonic growth over three snapshots or more is medium; a single step
/// is low.
pub fn confidence(growth: &Growth) -> Confidence {
    let steps = growth.counts.windows(2);
    let monotonic = steps.clone().all(|w| w[1] >= w[0]);
    if growth.counts.len() >= 3 && monotonic {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}
