//! CH005 send-after-close: a send that can run after the channel is closed,
//! which panics.

use goguard_concurrency::{FindingKind, StepKind};

use crate::analyses::concurrency::{
    actor_start, chan_name, findings_here, go_span, line_of, span_of, ConcurrencyModel,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a send on a channel that, on some interleaving, runs after
    /// the channel was closed: the closer (often the receiver's side, or a
    /// shutdown path) does not wait for every sender to be done. The
    /// finding comes from exploring the function and the goroutines it
    /// starts (calls into the package are followed) and names where the
    /// close happens.
    ///
    /// ## Why is this bad?
    /// Sending on a closed channel panics and takes the process down,
    /// typically only under load or during shutdown, when a slow sender
    /// loses the race with the close.
    ///
    /// ## Example
    /// ```go
    /// package fanin
    ///
    /// func collect(n int, produce func() int) []int {
    /// 	out := make(chan int, n)
    /// 	for i := 0; i < n; i++ {
    /// 		go func() {
    /// 			out <- produce()
    /// 		}()
    /// 	}
    /// 	close(out)
    /// 	var all []int
    /// 	for v := range out {
    /// 		all = append(all, v)
    /// 	}
    /// 	return all
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fanin
    ///
    /// import "sync"
    ///
    /// func collect(n int, produce func() int) []int {
    /// 	out := make(chan int, n)
    /// 	var wg sync.WaitGroup
    /// 	for i := 0; i < n; i++ {
    /// 		wg.Add(1)
    /// 		go func() {
    /// 			defer wg.Done()
    /// 			out <- produce()
    /// 		}()
    /// 	}
    /// 	wg.Wait()
    /// 	close(out)
    /// 	var all []int
    /// 	for v := range out {
    /// 		all = append(all, v)
    /// 	}
    /// 	return all
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only channels made in the explored function (or in the package
    /// functions it calls) are followed; closes by code the model cannot
    /// see are not.
    pub struct SendAfterClose {
        name: "send-after-close",
        code: "CH005",
        domain: Channel,
        category: Correctness,
        status: Preview,
        requires: &[ConcurrencyModel::ID],
    }
}

impl SendAfterClose {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        for f in findings_here(cx, &model, &[FindingKind::SendOnClosed]) {
            let name = chan_name(cx, f);
            let alloc = f.chan.map(|c| c.alloc);
            // The close that came first on the witness path.
            let close = f
                .witness
                .iter()
                .rev()
                .find(|s| s.kind == StepKind::Closed && s.chan == alloc && s.at != f.at);
            let mut msg = format!("send on `{name}` can run after it is closed, which panics");
            if let Some(c) = close {
                msg.push_str(&format!(" (closed at {})", line_of(cx, c.at)));
            }
            let mut d = cx.diagnostic_at(span_of(cx, f.at), msg).with_help(
                "close a channel only after every sender is done (its only sender closes \
                     it, or the closer waits on a WaitGroup of the senders)",
            );
            if let Some(c) = close {
                d = d.with_related(span_of(cx, c.at), "closed here first");
            }
            if let Some(start) = actor_start(f) {
                d = d.with_related(go_span(cx, start), "goroutine started here");
            }
            cx.report(d);
        }
    }
}
