//! CH009 self-deadlock-send: a send on a channel that no running goroutine
//! can receive from: the function blocks itself.

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{
    capacity, chan_name, findings_here, grouped, span_of, ConcurrencyModel,
};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a send that blocks forever because no other goroutine
    /// exists that could receive it: the channel is unbuffered (or its
    /// buffer is full) and the function sends before starting any
    /// goroutine, typically meaning to receive the value itself later.
    ///
    /// ## Why is this bad?
    /// An unbuffered send waits for a receiver in another goroutine. With
    /// none running, the function hangs on the spot (and Go reports "all
    /// goroutines are asleep" only when every goroutine of the program is
    /// stuck, which in a server is never).
    ///
    /// ## Example
    /// ```go
    /// package queue
    ///
    /// func first(items []string) string {
    /// 	ch := make(chan string)
    /// 	ch <- items[0]
    /// 	return <-ch
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package queue
    ///
    /// func first(items []string) string {
    /// 	ch := make(chan string, 1)
    /// 	ch <- items[0]
    /// 	return <-ch
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only channels made in the explored function (or in the package
    /// functions it calls) are followed; a channel given to code the model
    /// cannot see may be received from there, so nothing is reported.
    pub struct SelfDeadlockSend {
        name: "self-deadlock-send",
        code: "CH009",
        domain: Channel,
        category: Correctness,
        status: Preview,
        requires: &[ConcurrencyModel::ID],
    }
}

impl SelfDeadlockSend {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        let found: Vec<_> = findings_here(cx, &model, &[FindingKind::BlockedSend])
            .into_iter()
            .filter(|f| f.alone)
            .collect();
        for (f, rest) in grouped(found) {
            let msg = format!(
                "send on `{}` ({}) blocks forever: no other goroutine is running that could \
                 receive it",
                chan_name(cx, f),
                capacity(f)
            );
            let mut d = cx.diagnostic_at(span_of(cx, f.at), msg).with_help(
                "give the channel a buffer large enough for the values sent before they are \
                 received, or receive in another goroutine started before the send",
            );
            if let Some(c) = f.chan {
                d = d.with_related(span_of(cx, c.alloc), "channel made here");
            }
            for r in rest {
                d = d.with_related(span_of(cx, r.at), "it can block forever here too");
            }
            cx.report(d);
        }
    }
}
