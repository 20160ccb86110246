//! RT004 whole-program-deadlock: nothing in the program can run again.

use goguard_diagnostics::goroutines::Role;
use goguard_diagnostics::Confidence;

use crate::analysis::background::Background;
use crate::analysis::cx::Cx;
use crate::analysis::finding::{duration_phrase, goroutines, Finding, Subject};
use crate::analysis::sites::Expected;
use crate::analysis::wait::wait_seconds;
use crate::model::DumpCause;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Reports a program, or a test, in which no goroutine can ever run again. Certain
    /// when the Go runtime said so (`fatal error: all goroutines are asleep -
    /// deadlock!`); high when the dump shows it: no goroutine is running, runnable, in a
    /// system call, in IO wait or asleep, so nothing can wake the goroutines waiting on
    /// locks, WaitGroups, Conds, sends, nil channels or `select {}` (a hung test's
    /// `panic: test timed out` dump is the common case).
    ///
    /// The runtime's own check misses most such deadlocks: a timer, a signal handler or
    /// the test binary's alarm keeps it from firing, although the program's goroutines
    /// wait for each other forever.
    ///
    /// ## Why is this bad?
    /// The program makes no progress: a test hangs until its timeout, a command never
    /// exits, a service stops answering. The accused goroutines wait for each other; the
    /// involved ones (receives and selects) could only be woken by a timer or a signal.
    ///
    /// ## Example
    /// ```text
    /// panic: test timed out after 30s
    ///
    /// goroutine 19 [running]:
    /// testing.(*M).startAlarm.func1()
    /// 	/usr/local/go/src/testing/testing.go:2802 +0x354
    /// created by time.goFunc
    /// 	/usr/local/go/src/time/sleep.go:215 +0x2d
    ///
    /// goroutine 7 [sync.WaitGroup.Wait]:
    /// sync.(*WaitGroup).Wait(0xc000012345)
    /// 	/usr/local/go/src/sync/waitgroup.go:206 +0x85
    /// example.com/app.TestFanIn(0xc0000a2000)
    /// 	/src/app/fanin_test.go:21 +0x1d8
    /// testing.tRunner(0xc0000a2000, 0x5a2f10)
    /// 	/usr/local/go/src/testing/testing.go:2036 +0xea
    /// created by testing.(*T).Run in goroutine 1
    /// 	/usr/local/go/src/testing/testing.go:2101 +0x4c5
    ///
    /// goroutine 8 [chan send]:
    /// example.com/app.TestFanIn.func1()
    /// 	/src/app/fanin_test.go:15 +0x2b
    /// created by example.com/app.TestFanIn in goroutine 7
    /// 	/src/app/fanin_test.go:13 +0x8e
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package app
    ///
    /// import (
    /// 	"sync"
    /// 	"testing"
    /// )
    ///
    /// func TestFanIn(t *testing.T) {
    /// 	results := make(chan int, 1) // room for the one result nobody reads before Wait
    /// 	var wg sync.WaitGroup
    /// 	wg.Add(1)
    /// 	go func() {
    /// 		defer wg.Done()
    /// 		results <- 42
    /// 	}()
    /// 	wg.Wait()
    /// 	if <-results != 42 {
    /// 		t.Fatal("wrong result")
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// A dump does not show pending timers: a goroutine blocked in a `select` with a
    /// `time.After` case looks the same as one blocked forever, so receives and selects
    /// are listed as involved, not accused. A chain of wake-ups that starts with a timer
    /// (a goroutine that wakes from its timer and then unlocks) is possible in principle;
    /// that is why quiescence is "high", not "certain". Goroutines serving the network
    /// (an HTTP server's accept loop in IO wait) count as able to make progress, so a
    /// service with a listener never gets this finding: see RT001 and RT002 for what
    /// is stuck inside a service. Aggregated profiles (debug=1, protobuf) print no
    /// states for running goroutines, so quiescence is never concluded from them.
    pub static WHOLE_PROGRAM_DEADLOCK = {
        name: "whole-program-deadlock",
        code: "RT004",
        category: Correctness,
        status: Stable,
    }
}

const HELP: &str = "each accused goroutine waits for something only another goroutine of the \
                    list can do (a send, a receive, an Unlock, a Done, a Signal): find the one \
                    that returned or blocked first without doing it";

/// The runtime's own check: `fatal error: all goroutines are asleep - deadlock!`.
pub(crate) fn all_asleep(cx: &mut Cx<'_>) {
    let Some(DumpCause::AllGoroutinesAsleep { line }) = cx.snapshot.cause else {
        return;
    };
    let subjects: Vec<Subject> = cx
        .foreground()
        .filter_map(|g| cx.subject(g, Role::Accused))
        .collect();
    if subjects.is_empty() {
        return;
    }
    let total: u64 = subjects.iter().map(|s| cx.count(&s.members)).sum();
    let message = format!(
        "the Go runtime found every goroutine asleep: {} can never run again",
        goroutines(total)
    );
    let finding = Finding::new(
        &WHOLE_PROGRAM_DEADLOCK,
        Confidence::Certain,
        message,
        subjects,
    )
    .evidence(format!(
        "the runtime printed `fatal error: all goroutines are asleep - deadlock!` (line {line})"
    ))
    .help(HELP);
    cx.report(finding);
}

/// Quiescence: nothing that could wake a goroutine is running.
pub(crate) fn quiescence(cx: &mut Cx<'_>) {
    if cx.groups.iter().any(|g| g.count > 0 && g.can_wake_others()) {
        return;
    }
    let mut accused = Vec::new();
    let mut involved = Vec::new();
    for g in cx.foreground().collect::<Vec<_>>() {
        let kind = cx.groups[g].kind;
        if kind.needs_a_partner() {
            accused.extend(cx.subject(g, Role::Accused));
        } else if kind.timer_could_wake() {
            involved.extend(cx.subject(g, Role::Involved));
        }
    }
    let test_timeout = match cx.snapshot.cause {
        Some(DumpCause::TestTimeout { seconds, line }) => Some((seconds, line)),
        _ => None,
    };
    let listening_for_signals = cx
        .groups
        .iter()
        .any(|g| g.background == Some(Expected::Builtin(Background::SignalHandling)));
    let mut confidence = Confidence::High;
    let mut evidence = vec![
        "no goroutine is running, runnable, in a system call, in IO wait or asleep: \
         nothing left in the program can wake the others"
            .to_string(),
    ];
    if accused.is_empty() {
        // Only receives and selects are left: without a test's timeout to say
        // that nothing came for a long time, a timer may still be due.
        let Some((seconds, _)) = test_timeout else {
            return;
        };
        if involved.is_empty() {
            return;
        }
        accused = involved
            .drain(..)
            .map(|s| Subject {
                role: Role::Accused,
                ..s
            })
            .collect();
        confidence = Confidence::Medium;
        evidence.push(format!(
            "every goroutine left waits in a receive or a select, which only a timer could \
             still end, and none was woken in {}",
            duration_phrase(seconds as u64)
        ));
    } else if !involved.is_empty() {
        let n: u64 = involved.iter().map(|s| cx.count(&s.members)).sum();
        // A receive or select may be waiting for a timer. When the accused
        // wait for goroutines they started themselves (a fan-out waiting for its
        // workers), a worker woken by its timer finishes and wakes them: that
        // chain is likely, unless the workers have waited a minute or more.
        // Aggregated profiles print no creators, so there it cannot be ruled out.
        let gs = &cx.snapshot.goroutines;
        let accused_ids: std::collections::HashSet<u64> = accused
            .iter()
            .flat_map(|s| s.members.iter())
            .filter_map(|&m| gs[m].id)
            .collect();
        // In a timed-out test, a timer the test relied on would have had to
        // outlast the test's own deadline: not a chain worth weakening for.
        let chain = test_timeout.is_none()
            && involved.iter().flat_map(|s| s.members.iter()).any(|&m| {
                let g = &gs[m];
                let child =
                    g.id.is_none() || g.creator_id.is_some_and(|c| accused_ids.contains(&c));
                let waited = wait_seconds(g, cx.snapshot.cause.as_ref()).is_some_and(|w| w >= 60);
                child && !waited
            });
        if chain {
            confidence = Confidence::Medium;
            evidence.push(format!(
                "{} in a receive or a select are listed as involved, some started by the \
                 accused: a timer could still wake one of them, which could then finish and \
                 wake the accused (a fan-out waiting for workers in a select with \
                 time.After); the dump is too fresh to rule that out",
                goroutines(n)
            ));
        } else {
            evidence.push(format!(
                "{} in a receive or a select are listed as involved: a timer or a signal \
                 could still wake them",
                goroutines(n)
            ));
        }
    }
    if listening_for_signals && !involved.is_empty() {
        evidence.push(
            "the program listens for signals (os/signal): a signal could still wake a receiver"
                .to_string(),
        );
    }
    let excluded: Vec<String> = expected_reasons(cx);
    if !excluded.is_empty() {
        evidence.push(format!("not counted as progress: {}", excluded.join(", ")));
    }
    if let Some((seconds, line)) = test_timeout {
        evidence.push(format!(
            "the test binary ran for {} without finishing (`panic: test timed out` at line {line})",
            duration_phrase(seconds as u64)
        ));
    } else if let Some(longest) = accused
        .iter()
        .flat_map(|s| s.members.iter())
        .filter_map(|&m| wait_seconds(&cx.snapshot.goroutines[m], None))
        .max()
    {
        evidence.push(format!("waiting up to {}", duration_phrase(longest)));
    }
    let stuck: u64 = accused.iter().map(|s| cx.count(&s.members)).sum();
    let message = if test_timeout.is_some() {
        format!(
            "the test is deadlocked: {} blocked forever",
            goroutines(stuck)
        )
    } else {
        format!(
            "{} blocked forever: no goroutine is left running that could wake them",
            goroutines(stuck)
        )
    };
    let mut subjects = accused;
    subjects.extend(involved);
    let mut finding =
        Finding::new(&WHOLE_PROGRAM_DEADLOCK, confidence, message, subjects).help(HELP);
    finding.evidence = evidence;
    cx.report(finding);
}

/// The expected goroutines present, by reason, e.g. `goroutine writing the dump (1)`.
fn expected_reasons(cx: &Cx<'_>) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for g in cx.groups.iter().filter(|g| g.count > 0) {
        if let Some(b) = &g.background {
            *counts.entry(b.reason()).or_default() += g.count;
        }
    }
    counts
        .into_iter()
        .map(|(reason, n)| format!("{reason} ({n})"))
        .collect()
}
