//! CH003 range-over-unclosed-channel: `for range ch` waits forever because
//! no path closes `ch` once the last value is sent.

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{
    chan_name, findings_here, grouped, inside_call, report_blocked, ConcurrencyModel,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a `for range ch` loop over a channel made in the function
    /// that can wait forever: every sender is done, but on some path no one
    /// closes the channel, so the loop never ends.
    ///
    /// ## Why is this bad?
    /// A range over a channel only ends when the channel is closed. The
    /// goroutine running the loop stays blocked for the life of the
    /// process, with everything it references; when it is the function
    /// itself, the caller hangs.
    ///
    /// ## Example
    /// ```go
    /// package pipeline
    ///
    /// func sum(values []int) {
    /// 	ch := make(chan int)
    /// 	go func() {
    /// 		total := 0
    /// 		for v := range ch {
    /// 			total += v
    /// 		}
    /// 		println(total)
    /// 	}()
    /// 	for _, v := range values {
    /// 		ch <- v
    /// 	}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package pipeline
    ///
    /// func sum(values []int) {
    /// 	ch := make(chan int)
    /// 	go func() {
    /// 		total := 0
    /// 		for v := range ch {
    /// 			total += v
    /// 		}
    /// 		println(total)
    /// 	}()
    /// 	for _, v := range values {
    /// 		ch <- v
    /// 	}
    /// 	close(ch)
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only channels made in the explored function (or in the package
    /// functions it calls) are followed; a channel given to code the model
    /// cannot see may be closed there, so nothing is reported about it.
    pub struct RangeOverUnclosedChannel {
        name: "range-over-unclosed-channel",
        code: "CH003",
        domain: Channel,
        category: Correctness,
        status: Preview,
        requires: &[ConcurrencyModel::ID],
    }
}

impl RangeOverUnclosedChannel {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        let found = findings_here(cx, &model, &[FindingKind::BlockedRange]);
        for (f, rest) in grouped(found) {
            let name = chan_name(cx, f);
            let what = match inside_call(cx, f.at) {
                Some((callee, declared)) => format!(
                    "waits forever in `{callee}` ({declared}), which ranges over `{name}` until \
                     it is closed: nothing closes `{name}`"
                ),
                None => format!("waits forever in `for range {name}`: nothing closes `{name}`"),
            };
            report_blocked(
                cx,
                f,
                &rest,
                &what,
                "close the channel once the last value is sent (`defer close(ch)` in the only \
                 sender, or after `wg.Wait()` when there are several)",
            );
        }
    }
}
