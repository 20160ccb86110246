//! CH001 abandoned-channel-send: a goroutine blocks forever sending on a
//! channel whose receiver has left (the most common goroutine leak).

use goguard_concurrency::FindingKind;

use crate::analyses::concurrency::{
    capacity, chan_name, findings_here, grouped, report_blocked, span_of, ConcurrencyModel,
};
use crate::analyses::loop_receivers::{LoopReceivers, LoopSend};
use crate::analyses::result_channels::{result_sends, ResultSend};
use crate::declare_rule;
use crate::engine::{Analysis, Context};

declare_rule! {
    /// ## What it does
    /// Reports a send on a channel that can block forever because the code
    /// that would receive has already left: the function returned through
    /// a timeout or `ctx.Done()` case of a `select`, returned early on an
    /// error, or left its receive loop before every sender was served. The
    /// finding comes from exploring the interleavings of the function and
    /// the goroutines it starts (callees in the package are followed), and
    /// names the path that leads there. Also a plain send on a struct's
    /// channel field (unbuffered or a buffer of one) whose only receiver in
    /// the package is one loop of another function, a `select` loop that
    /// returns on another case (`case <-ctx.Done(): return`, a stop
    /// channel): once that loop has returned, the send blocks forever (a
    /// worker's `Run(ctx)` ends at shutdown while producers go on calling
    /// `Add`). And the one result a goroutine sends on an unbuffered
    /// channel that the exported function starting it returns (`func Go(f
    /// func() error) chan error`): a caller that stops waiting leaves it
    /// blocked, wherever that caller is.
    ///
    /// ## Why is this bad?
    /// A goroutine blocked on a send is never collected: it keeps its stack
    /// and everything it references for the life of the process. In a
    /// handler or a retry loop, one leaks per call, until memory runs out or
    /// the scheduler drowns. Nothing fails loudly; the goroutine count just
    /// grows.
    ///
    /// ## Example
    /// ```go
    /// package fetch
    ///
    /// import "context"
    ///
    /// func load(ctx context.Context, get func() (string, error)) (string, error) {
    /// 	result := make(chan string)
    /// 	go func() {
    /// 		v, _ := get()
    /// 		result <- v
    /// 	}()
    /// 	select {
    /// 	case v := <-result:
    /// 		return v, nil
    /// 	case <-ctx.Done():
    /// 		return "", ctx.Err()
    /// 	}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package fetch
    ///
    /// import "context"
    ///
    /// func load(ctx context.Context, get func() (string, error)) (string, error) {
    /// 	result := make(chan string, 1)
    /// 	go func() {
    /// 		v, _ := get()
    /// 		result <- v
    /// 	}()
    /// 	select {
    /// 	case v := <-result:
    /// 		return v, nil
    /// 	case <-ctx.Done():
    /// 		return "", ctx.Err()
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Only channels made in the explored function (or in the package
    /// functions it calls) are followed. A channel given to code the model
    /// cannot see (another package, a map, a global, a callback) may be
    /// used there, so nothing is reported about it; neither about a
    /// channel received from the caller. Loop bounds are modelled as one or
    /// two iterations; conditions are either way unless they test the same
    /// unchanged variables. A model that grows beyond its budget is given
    /// up silently (`goguard check --stats` counts them). In tests, most
    /// findings are goroutines left behind when the test fails (`t.Fatal`
    /// in a timeout case ends only the test's goroutine): real leaks, seen
    /// only when the test already fails. A loop left when an I/O call
    /// returns a sentinel error (`io.EOF`) is not reported on, since when
    /// that happens depends on the other end; but a path where an I/O call
    /// fails (`err != nil`) is, and can be unreachable when the other end
    /// cannot fail (a pipe read after the writer stopped blocks rather than
    /// errors). For a field channel received by a loop, the finding says
    /// what happens if a send comes after the loop has returned; code whose
    /// senders provably stop first (a lock and a flag the loop sets before
    /// leaving) is reported anyway. Such a field is followed only when the
    /// package uses it in no other way (passed on, returned, closed,
    /// received outside the loop), and sends from test files, from the
    /// function holding the loop or from functions it calls are left out.
    pub struct AbandonedChannelSend {
        name: "abandoned-channel-send",
        code: "CH001",
        domain: Channel,
        category: Correctness,
        status: Stable,
        requires: &[ConcurrencyModel::ID, LoopReceivers::ID],
    }
}

impl AbandonedChannelSend {
    fn run(&self, cx: &mut Context<'_>) {
        let model = cx.analysis::<ConcurrencyModel>();
        let found: Vec<_> = findings_here(cx, &model, &[FindingKind::BlockedSend])
            .into_iter()
            .filter(|f| !f.alone)
            .collect();
        let model_lines: Vec<u32> = found.iter().map(|f| span_of(cx, f.at).start).collect();
        for (f, rest) in grouped(found) {
            let what = format!(
                "blocks forever sending on `{}` ({})",
                chan_name(cx, f),
                capacity(f)
            );
            report_blocked(
                cx,
                f,
                &rest,
                &what,
                "give the channel room for every value sent on it (`make(chan T, 1)` for one \
                 result), or send in a `select` that also waits on the cancellation the \
                 receiver uses",
            );
        }
        for r in result_sends(cx) {
            if !model_lines.contains(&cx.span(r.send).start) {
                report_result_send(cx, &r);
            }
        }
        let loops = cx.analysis::<LoopReceivers>();
        let here = cx.file();
        for s in loops.sends.iter().filter(|s| s.file == here) {
            report_loop_send(cx, s);
        }
    }
}

/// A plain send on a field channel whose only receiver is a loop that can
/// return: once it has, the send blocks forever.
fn report_loop_send(cx: &mut Context<'_>, s: &LoopSend) {
    let cap = if s.cap == 0 {
        "unbuffered".to_string()
    } else {
        format!("buffer of {}, once full", s.cap)
    };
    let exit = &s.exit_comm;
    let d = cx
        .diagnostic(
            s.send,
            format!(
                "blocks forever sending on `{}` ({cap}) once the loop in `{}` has returned: \
                 that loop is the only receiver of `{}.{}`, and it leaves when `{exit}` is ready",
                field_expr(cx, s),
                s.loop_func,
                s.owner,
                s.field
            ),
        )
        .with_help(
            "send in a `select` that also waits on what ends the loop (the context's Done \
             channel or the stop channel it watches), so the sender gives up once the loop has \
             gone",
        )
        .with_related(
            cx.span_in(s.loop_file, s.exit_case),
            "the loop returns through this case; nothing receives from the channel after it",
        )
        .with_related(
            cx.span_in(s.loop_file, s.recv_case),
            "the only receive of the channel",
        );
    cx.report(d);
}

/// The channel expression of the send, as written (`j.added`).
fn field_expr(cx: &Context<'_>, s: &LoopSend) -> String {
    match *cx.node(s.send) {
        goguard_syntax::Node::SendStmt { chan, .. } => cx.text(chan).to_string(),
        _ => s.field.clone(),
    }
}

/// The one result a goroutine sends on an unbuffered channel that its
/// starter returns: a caller that stops waiting leaves it blocked.
fn report_result_send(cx: &mut Context<'_>, r: &ResultSend) {
    let caller = format!("the caller of `{}`", r.func);
    let d = cx
        .diagnostic(
            r.send,
            format!(
                "blocks forever sending on `{}` (unbuffered) when {caller} stops waiting for the \
                 result (a `select` on a timeout or `ctx.Done()`, an early return): the channel \
                 is returned to it, and this goroutine sends its one value and ends",
                r.chan
            ),
        )
        .with_help(
            "give the channel room for the result (`make(chan T, 1)`): the goroutine then ends \
             whether or not the caller receives",
        )
        .with_related(cx.span(r.made), "made unbuffered here")
        .with_related(cx.span(r.returned), "returned to the caller here");
    cx.report(d);
}
