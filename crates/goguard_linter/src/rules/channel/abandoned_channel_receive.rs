//! CH002 abandoned-channel-receive: a goroutine blocks forever receiving
//! from a channel that no one sends on or closes any more.

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{
    chan_name, findings_here, grouped, report_blocked, ConcurrencyModel,
};
use crate::analyses::entry::on_main_goroutine;
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a receive (or a `select` whose cases wait on channels made
    /// in the function) that can block forever because, on some path,
    /// nothing sends on the channel or closes it any more: the sender
    /// returned early on an error, sent fewer values than are received, or
    /// was never started. The finding comes from exploring the
    /// interleavings of the function and the goroutines it starts, and
    /// names the path that leads there.
    ///
    /// ## Why is this bad?
    /// A goroutine that waits forever is never collected. When the waiting
    /// goroutine is the function itself, the caller hangs: a request never
    /// answered, a shutdown that never completes.
    ///
    /// ## Example
    /// ```go
    /// package jobs
    ///
    /// func runAll(jobs []func() error) error {
    /// 	errc := make(chan error)
    /// 	for _, job := range jobs {
    /// 		go func(job func() error) {
    /// 			if err := job(); err != nil {
    /// 				errc <- err
    /// 			}
    /// 		}(job)
    /// 	}
    /// 	for range jobs {
    /// 		if err := <-errc; err != nil {
    /// 			return err
    /// 		}
    /// 	}
    /// 	return nil
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package jobs
    ///
    /// func runAll(jobs []func() error) error {
    /// 	errc := make(chan error, len(jobs))
    /// 	for _, job := range jobs {
    /// 		go func(job func() error) {
    /// 			errc <- job()
    /// 		}(job)
    /// 	}
    /// 	for range jobs {
    /// 		if err := <-errc; err != nil {
    /// 			return err
    /// 		}
    /// 	}
    /// 	return nil
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only channels made in the explored function (or in the package
    /// functions it calls) are followed; a channel that reaches code the
    /// model cannot see may be sent on there, so nothing is reported about
    /// it. Conditions are either way unless they test unchanged variables
    /// or whether a followed channel is closed; findings that would depend
    /// on guessing a loop count or a test of data the model does not follow
    /// are not reported. The model does not know what I/O returns: a
    /// receive that waits for a goroutine that returns early on a read or
    /// write error is reported even when the protocol makes that error
    /// impossible there. A receive on the goroutine of `main` (or of a
    /// function of the `main` package only `main` calls) is not reported:
    /// a program waiting there forever serves until it is killed.
    pub struct AbandonedChannelReceive {
        name: "abandoned-channel-receive",
        code: "CH002",
        domain: Channel,
        category: Correctness,
        status: Preview,
        requires: &[ConcurrencyModel::ID],
    }
}

impl AbandonedChannelReceive {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        // `main` (or a function only it calls) waiting forever is a server
        // serving until killed, even when a test starts it as a goroutine.
        let found: Vec<_> = findings_here(cx, &model, &[FindingKind::BlockedRecv])
            .into_iter()
            .filter(|f| !on_main_goroutine(cx, f.at.node))
            .collect();
        for (f, rest) in grouped(found) {
            let what = format!("blocks forever receiving from `{}`", chan_name(cx, f));
            report_blocked(
                cx,
                f,
                &rest,
                &what,
                "make every path either send the value the receiver waits for or close the \
                 channel (a `defer close` in the sender), or receive in a `select` that also \
                 waits on a cancellation",
            );
        }
    }
}
