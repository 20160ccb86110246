//! RT006 gc-pressure: what a `GODEBUG=gctrace=1` log shows about the garbage collector
//! (`goguard gc`). The parsing and the measurements are `gctrace`.

use goguard_diagnostics::Confidence;

use crate::gctrace::Problem;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Reads the lines the Go runtime prints for each garbage collection when run with
    /// `GODEBUG=gctrace=1` (`goguard gc LOG`), in any format since Go 1.5 and inside other
    /// log lines, and reports: GC storms (collections back to back for a while, the mark
    /// of a memory limit with no room left), a live heap that climbs after each
    /// collection and never comes back down, a GC that takes a large share of the CPU,
    /// long stop-the-world pauses, and collections forced by the program. The report
    /// also gives collections per second, pauses, the heap goal against the live heap
    /// over time (plotted), and how each changed from the first half of the log to the
    /// second.
    ///
    /// ## Why is this bad?
    /// A heap that only grows ends in an out-of-memory kill; before that, every
    /// collection has more to mark. A process at its memory limit (`GOMEMLIMIT`) with a
    /// live heap that fills it collects continuously and gets little else done (a death
    /// spiral). CPU spent in the collector is CPU not spent serving, and forced
    /// collections (`runtime.GC`, `debug.FreeOSMemory`) stop the program for work the
    /// runtime would have paced better.
    ///
    /// ## Example
    /// ```text
    /// gc 1 @0.010s 1%: 0.045+0.91+0.004 ms clock, 0.09+0.1/0.4/0+0.01 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 2 @0.610s 1%: 0.031+1.20+0.003 ms clock, 0.06+0.1/0.6/0+0.01 ms cpu, 6->7->6 MB, 7 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 3 @1.220s 1%: 0.040+1.50+0.004 ms clock, 0.08+0.1/0.7/0+0.01 ms cpu, 12->12->10 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 4 @1.830s 1%: 0.038+2.10+0.003 ms clock, 0.07+0.1/1.0/0+0.01 ms cpu, 20->21->15 MB, 21 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 5 @2.440s 1%: 0.041+2.60+0.004 ms clock, 0.08+0.1/1.2/0+0.01 ms cpu, 30->31->21 MB, 31 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 6 @3.050s 1%: 0.044+3.00+0.004 ms clock, 0.09+0.1/1.4/0+0.01 ms cpu, 42->43->28 MB, 43 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 7 @3.660s 1%: 0.039+3.70+0.003 ms clock, 0.08+0.1/1.7/0+0.01 ms cpu, 56->57->36 MB, 57 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 8 @4.270s 1%: 0.042+4.20+0.004 ms clock, 0.08+0.1/2.0/0+0.01 ms cpu, 72->73->45 MB, 73 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// gc 9 @4.880s 1%: 0.040+4.90+0.004 ms clock, 0.08+0.1/2.3/0+0.01 ms cpu, 90->91->55 MB, 91 MB goal, 0 MB stacks, 0 MB globals, 4 P
    /// ```
    /// The live heap (the third number of `a->b->c MB`) after each collection: 3, 6, 10,
    /// 15 ... 55 MB. Nothing it held is ever given back.
    ///
    /// ## Use instead
    /// ```go
    /// package cache
    ///
    /// import "container/list"
    ///
    /// // lru keeps at most max entries, so the live heap levels off.
    /// type lru struct {
    /// 	max   int
    /// 	order *list.List
    /// 	items map[string]*list.Element
    /// }
    ///
    /// type entry struct {
    /// 	key   string
    /// 	value []byte
    /// }
    ///
    /// func (c *lru) put(key string, value []byte) {
    /// 	if e, ok := c.items[key]; ok {
    /// 		c.order.MoveToFront(e)
    /// 		e.Value.(*entry).value = value
    /// 		return
    /// 	}
    /// 	c.items[key] = c.order.PushFront(&entry{key, value})
    /// 	if c.order.Len() > c.max {
    /// 		oldest := c.order.Back()
    /// 		c.order.Remove(oldest)
    /// 		delete(c.items, oldest.Value.(*entry).key)
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// gctrace prints heap sizes in whole megabytes, so small heaps move in coarse steps.
    /// A cache that is still filling looks like a climbing heap: compare logs taken after
    /// warm-up, or long enough to see it level off (the heap must rise by a quarter and
    /// 2 MB between the first and the last third of the log). The CPU share is the one the
    /// runtime prints, since the process started. A storm is found from the collections'
    /// start times (millisecond resolution); what causes it is in the heap goal against
    /// the live heap (no room: a memory limit or a tiny GOGC) and in heap profiles.
    pub static GC_PRESSURE = {
        name: "gc-pressure",
        code: "RT006",
        category: Perf,
        status: Stable,
    }
}

/// How sure a problem is to hurt the process.
pub fn confidence(p: &Problem, max_gc_cpu: u32) -> Confidence {
    match p {
        // No room between the live heap and the goal, or a collector eating the CPU:
        // the process is at its limit.
        Problem::Storm {
            headroom,
            cpu_percent,
            ..
        } if *headroom <= 1.1 || *cpu_percent >= 25.0 => Confidence::High,
        Problem::Storm { .. } => Confidence::Medium,
        Problem::HeapGrowth {
            steadiness, cycles, ..
        } if *steadiness >= 0.8 && *cycles >= 20 => Confidence::Medium,
        Problem::HeapGrowth { .. } => Confidence::Low,
        Problem::GcCpu { percent, .. } if *percent >= 25.max(max_gc_cpu) => Confidence::High,
        Problem::GcCpu { .. } => Confidence::Medium,
        Problem::LongPauses { max_ms, count, .. } if *max_ms >= 100.0 || *count >= 3 => {
            Confidence::Medium
        }
        Problem::LongPauses { .. } | Problem::Forced { .. } => Confidence::Low,
    }
}

fn mb(v: u64) -> String {
    format!("{v} MB")
}

/// The finding's message.
pub fn message(p: &Problem) -> String {
    match p {
        Problem::Storm {
            cycles,
            seconds,
            mean_gap_ms,
            ..
        } => format!("GC storm: {cycles} collections {mean_gap_ms:.1} ms apart for {seconds:.2} s"),
        Problem::HeapGrowth { from_mb, to_mb, .. } => format!(
            "the live heap after collection grew from {} to {} and never came back down",
            mb(*from_mb),
            mb(*to_mb)
        ),
        Problem::GcCpu { percent, .. } => {
            format!("the garbage collector used {percent}% of the CPU since the process started")
        }
        Problem::LongPauses {
            max_ms,
            count,
            threshold_ms,
            ..
        } => format!(
            "stop-the-world pauses up to {max_ms:.1} ms ({count} collection{} paused \
             {threshold_ms} ms or more)",
            if *count == 1 { "" } else { "s" }
        ),
        Problem::Forced { count, of, .. } => {
            format!("{count} of {of} collections were forced (runtime.GC or debug.FreeOSMemory)")
        }
    }
}

/// The facts the finding rests on.
pub fn evidence(p: &Problem) -> Vec<String> {
    match p {
        Problem::Storm {
            first_line,
            last_line,
            headroom,
            cpu_percent,
            ..
        } => {
            let mut out = vec![
                format!("log lines {first_line} to {last_line}"),
                format!(
                    "the collections took {cpu_percent:.1}% of the CPU (all Ps) during the storm"
                ),
            ];
            if *headroom <= 1.1 {
                out.push(format!(
                    "the heap goal was within {:.0}% of the live heap: no room left to allocate \
                     between collections (the memory limit, GOMEMLIMIT, or a tiny GOGC)",
                    (headroom - 1.0).max(0.0) * 100.0
                ));
            } else {
                out.push(format!(
                    "the heap goal was {headroom:.1} times the live heap: the program allocates \
                     fast for the size of its heap"
                ));
            }
            out
        }
        Problem::HeapGrowth {
            first_third_max_mb,
            last_third_min_mb,
            mb_per_minute,
            steadiness,
            cycles,
            ..
        } => {
            let mut out = vec![format!(
                "the lowest live heap of the last third of the log ({}) is above the highest of \
                 the first third ({}), over {cycles} collections",
                mb(*last_third_min_mb),
                mb(*first_third_max_mb)
            )];
            if let Some(rate) = mb_per_minute {
                out.push(format!("{rate:.1} MB per minute"));
            }
            out.push(format!(
                "rank correlation of the live heap with time: {steadiness:.2} (1: it only ever rose)"
            ));
            out
        }
        Problem::GcCpu { line, .. } => vec![format!(
            "the share the runtime printed at the last collection, line {line}"
        )],
        Problem::LongPauses { line, .. } => vec![format!(
            "the longest pause (sweep termination plus mark termination) at line {line}"
        )],
        Problem::Forced { first_line, .. } => {
            vec![format!("first forced collection at line {first_line}")]
        }
    }
}

/// What to do.
pub fn help(p: &Problem) -> &'static str {
    match p {
        Problem::Storm { headroom, .. } if *headroom <= 1.1 => {
            "the live heap fills the memory limit: raise GOMEMLIMIT (or the container's \
             memory), or keep less live (heap profiles show what)"
        }
        Problem::Storm { .. } => {
            "allocate less per request (reuse buffers; `goguard heap top --sample \
             alloc_space` shows where), or raise GOGC"
        }
        Problem::HeapGrowth { .. } => {
            "compare two heap profiles taken minutes apart (`goguard heap diff`) to find the \
             allocation sites that keep growing"
        }
        Problem::GcCpu { .. } => {
            "allocate less (`goguard heap top --sample alloc_space`), or give the heap more \
             room (GOGC, GOMEMLIMIT)"
        }
        Problem::LongPauses { .. } => {
            "long stop-the-world phases come from very many goroutines or large stacks to \
             scan, or loops the scheduler cannot preempt; a goroutine dump shows which"
        }
        Problem::Forced { .. } => {
            "remove the runtime.GC and debug.FreeOSMemory calls (MM007) and let the runtime, or \
             GOMEMLIMIT, pace collection"
        }
    }
}

/// The log line a finding points at.
pub fn line(p: &Problem) -> u32 {
    match p {
        Problem::Storm { first_line, .. } => *first_line,
        Problem::HeapGrowth { last_line, .. } => *last_line,
        Problem::GcCpu { line, .. } | Problem::LongPauses { line, .. } => *line,
        Problem::Forced { first_line, .. } => *first_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gctrace::{analyse, parse, runs, Options};
    use goguard_diagnostics::catalog::doc_markdown;

    /// The Example log makes the rule fire: the live heap climbs.
    #[test]
    fn example_fires() {
        let doc = doc_markdown(GC_PRESSURE.doc);
        let start = doc.find("```text\n").unwrap() + 8;
        let end = start + doc[start..].find("```").unwrap();
        let log = parse(&doc.as_bytes()[start..end]);
        assert!(log.damaged.is_empty(), "{:?}", log.damaged);
        let all = runs(&log.cycles);
        assert_eq!(all.len(), 1);
        let run = analyse(all[0], &Options::default());
        assert!(
            run.problems
                .iter()
                .any(|p| matches!(p, Problem::HeapGrowth { .. })),
            "{:?}",
            run.problems
        );
        assert!(message(&run.problems[0]).contains("from 3 MB to 55 MB"));
    }
}
