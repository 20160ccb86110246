//! What a series of collections says about a process: how often it collects, how long
//! the world stops, how much CPU the GC takes, how the live heap and the heap goal move,
//! and the problems RT006 reports — storms, a live heap that does not come back down,
//! GC CPU, long pauses, forced collections.
//!
//! A log may hold several processes (a service restarted, several test binaries): the
//! collection numbers start again at 1, and each run is analysed on its own.

use serde::Serialize;

use super::parse::Cycle;

#[derive(Debug, Clone, Serialize)]
pub struct Options {
    /// Collections starting less than this many milliseconds after the previous one...
    pub storm_gap_ms: f64,
    /// ...this many times in a row make a storm.
    pub storm_cycles: usize,
    /// GC CPU share (percent, since the process started) worth reporting.
    pub max_gc_cpu: u32,
    /// Stop-the-world pauses (ms) worth reporting.
    pub max_pause_ms: f64,
    /// Forced collections worth reporting (and at least a tenth of all).
    pub min_forced: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            storm_gap_ms: 10.0,
            storm_cycles: 50,
            max_gc_cpu: 10,
            max_pause_ms: 10.0,
            min_forced: 10,
        }
    }
}

/// Half of a run, for trends.
#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub cycles: usize,
    pub from_seconds: f64,
    pub to_seconds: f64,
    pub cycles_per_second: Option<f64>,
    pub mean_pause_ms: f64,
    pub mean_live_mb: f64,
    pub mean_goal_mb: f64,
    /// GC CPU percent at the end of the window (since the process started).
    pub gc_cpu_percent: u32,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// Collections back to back.
    Storm {
        first_line: u32,
        last_line: u32,
        cycles: usize,
        seconds: f64,
        mean_gap_ms: f64,
        /// Median of goal / live heap over the storm: near 1 means no room left (the
        /// memory limit, or a tiny GOGC).
        headroom: f64,
        /// Share of the CPU (all Ps) the collections took during the storm, percent.
        cpu_percent: f64,
    },
    /// The live heap after collection climbed and never came back to where it was.
    HeapGrowth {
        first_line: u32,
        last_line: u32,
        from_mb: u64,
        to_mb: u64,
        /// Highest live heap of the first third of the run, lowest of the last third.
        first_third_max_mb: u64,
        last_third_min_mb: u64,
        mb_per_minute: Option<f64>,
        /// Rank correlation of live heap with time, -1 to 1.
        steadiness: f64,
        cycles: usize,
    },
    GcCpu {
        line: u32,
        percent: u32,
    },
    LongPauses {
        line: u32,
        max_ms: f64,
        /// Collections that paused at least `threshold_ms`.
        count: usize,
        threshold_ms: f64,
    },
    Forced {
        first_line: u32,
        count: usize,
        of: usize,
    },
}

/// One process's collections.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub first_line: u32,
    pub last_line: u32,
    pub cycles: usize,
    pub first_number: u64,
    pub last_number: u64,
    pub seconds: f64,
    pub cycles_per_second: Option<f64>,
    pub mean_pause_ms: f64,
    pub max_pause_ms: f64,
    pub gc_cpu_percent: u32,
    pub live_mb: [u64; 2],
    pub goal_mb: [u64; 2],
    pub max_live_mb: u64,
    /// Median goal / live heap.
    pub headroom: f64,
    pub forced: usize,
    pub procs: u32,
    /// First and second half of the run.
    pub trend: [Window; 2],
    pub problems: Vec<Problem>,
}

/// Splits collections into runs: a number that does not follow the previous one's
/// starts a new process.
pub fn runs(cycles: &[Cycle]) -> Vec<&[Cycle]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..cycles.len() {
        if cycles[i].number <= cycles[i - 1].number || cycles[i].at < cycles[i - 1].at {
            out.push(&cycles[start..i]);
            start = i;
        }
    }
    if start < cycles.len() {
        out.push(&cycles[start..]);
    }
    out
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// goal / live, with a live heap of 0 MB (under 1 MB) counted as 1 MB.
fn headroom(c: &Cycle) -> f64 {
    c.goal_mb as f64 / c.live_mb.max(1) as f64
}

fn window(cycles: &[Cycle]) -> Window {
    let first = &cycles[0];
    let last = &cycles[cycles.len() - 1];
    let span = last.at - first.at;
    Window {
        cycles: cycles.len(),
        from_seconds: first.at,
        to_seconds: last.at,
        cycles_per_second: (span > 0.0).then(|| (cycles.len() - 1) as f64 / span),
        mean_pause_ms: mean(cycles.iter().map(Cycle::pause_ms)),
        mean_live_mb: mean(cycles.iter().map(|c| c.live_mb as f64)),
        mean_goal_mb: mean(cycles.iter().map(|c| c.goal_mb as f64)),
        gc_cpu_percent: last.cpu_percent,
    }
}

/// Spearman's rank correlation of the live heap with the cycle's order.
fn steadiness(cycles: &[Cycle]) -> f64 {
    let n = cycles.len();
    if n < 3 {
        return 0.0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (cycles[i].live_mb, i));
    // Average ranks for ties.
    let mut rank = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && cycles[order[j + 1]].live_mb == cycles[order[i]].live_mb {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0;
        for &k in &order[i..=j] {
            rank[k] = r;
        }
        i = j + 1;
    }
    let mx = (n - 1) as f64 / 2.0;
    let my = mean(rank.iter().copied());
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, &y) in rank.iter().enumerate() {
        let (dx, dy) = (x as f64 - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Least-squares slope of live MB over seconds.
fn slope(cycles: &[Cycle]) -> Option<f64> {
    let mx = mean(cycles.iter().map(|c| c.at));
    let my = mean(cycles.iter().map(|c| c.live_mb as f64));
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for c in cycles {
        sxy += (c.at - mx) * (c.live_mb as f64 - my);
        sxx += (c.at - mx) * (c.at - mx);
    }
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Storms: every window of `storm_cycles` consecutive collections whose gaps average
/// less than `storm_gap_ms` is stormy, and overlapping stormy windows are one storm, so a
/// storm with a few longer gaps in it (the program got some work done) stays one.
fn storms(cycles: &[Cycle], opts: &Options) -> Vec<Problem> {
    let k = opts.storm_cycles.max(2);
    let mut out = Vec::new();
    if cycles.len() < k {
        return out;
    }
    let limit = opts.storm_gap_ms / 1000.0 * (k - 1) as f64;
    let mut current: Option<(usize, usize)> = None;
    let mut ranges = Vec::new();
    for start in 0..=cycles.len() - k {
        let end = start + k - 1;
        if cycles[end].at - cycles[start].at >= limit {
            continue;
        }
        current = match current {
            Some((s, e)) if start <= e => Some((s, end)),
            Some(done) => {
                ranges.push(done);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    ranges.extend(current);
    for (s, e) in ranges {
        let stretch = &cycles[s..=e];
        let seconds = stretch[stretch.len() - 1].at - stretch[0].at;
        let procs = stretch.iter().map(|c| c.procs).max().unwrap_or(1).max(1);
        let cpu_ms: f64 = stretch.iter().map(Cycle::cpu_total_ms).sum();
        out.push(Problem::Storm {
            first_line: stretch[0].line,
            last_line: stretch[stretch.len() - 1].line,
            cycles: stretch.len(),
            seconds,
            mean_gap_ms: seconds * 1000.0 / (stretch.len() - 1) as f64,
            headroom: median(stretch.iter().map(headroom).collect()),
            cpu_percent: if seconds > 0.0 {
                cpu_ms / (seconds * 1000.0 * f64::from(procs)) * 100.0
            } else {
                0.0
            },
        });
    }
    out
}

/// The live heap's climb, when the lowest of the last third of the run is above the
/// highest of the first third, by at least 2 MB and a quarter.
fn heap_growth(cycles: &[Cycle]) -> Option<Problem> {
    let n = cycles.len();
    if n < 9 {
        return None;
    }
    let third = n / 3;
    let first_max = cycles[..third].iter().map(|c| c.live_mb).max()?;
    let last_min = cycles[n - third..].iter().map(|c| c.live_mb).min()?;
    let grew = last_min > first_max
        && last_min - first_max >= 2
        && (last_min - first_max) as f64 >= first_max as f64 / 4.0;
    if !grew {
        return None;
    }
    Some(Problem::HeapGrowth {
        first_line: cycles[0].line,
        last_line: cycles[n - 1].line,
        from_mb: cycles[0].live_mb,
        to_mb: cycles[n - 1].live_mb,
        first_third_max_mb: first_max,
        last_third_min_mb: last_min,
        mb_per_minute: slope(cycles).map(|s| s * 60.0),
        steadiness: steadiness(cycles),
        cycles: n,
    })
}

/// Analyses one run (non-empty).
pub fn analyse(cycles: &[Cycle], opts: &Options) -> Run {
    let first = &cycles[0];
    let last = &cycles[cycles.len() - 1];
    let seconds = last.at - first.at;
    let half = cycles.len().div_ceil(2);
    let (a, b) = cycles.split_at(half.min(cycles.len()));
    let trend = [window(a), window(if b.is_empty() { a } else { b })];
    let forced: Vec<&Cycle> = cycles.iter().filter(|c| c.forced).collect();
    let max_pause = cycles
        .iter()
        .max_by(|x, y| x.pause_ms().total_cmp(&y.pause_ms()))
        .unwrap_or(first);
    let mut problems = storms(cycles, opts);
    problems.extend(heap_growth(cycles));
    if last.cpu_percent >= opts.max_gc_cpu {
        problems.push(Problem::GcCpu {
            line: last.line,
            percent: last.cpu_percent,
        });
    }
    let long = cycles
        .iter()
        .filter(|c| c.pause_ms() >= opts.max_pause_ms)
        .count();
    if long > 0 {
        problems.push(Problem::LongPauses {
            line: max_pause.line,
            max_ms: max_pause.pause_ms(),
            count: long,
            threshold_ms: opts.max_pause_ms,
        });
    }
    if forced.len() >= opts.min_forced.max(1) && forced.len() * 10 >= cycles.len() {
        problems.push(Problem::Forced {
            first_line: forced[0].line,
            count: forced.len(),
            of: cycles.len(),
        });
    }
    Run {
        first_line: first.line,
        last_line: last.line,
        cycles: cycles.len(),
        first_number: first.number,
        last_number: last.number,
        seconds,
        cycles_per_second: (seconds > 0.0).then(|| (cycles.len() - 1) as f64 / seconds),
        mean_pause_ms: mean(cycles.iter().map(Cycle::pause_ms)),
        max_pause_ms: max_pause.pause_ms(),
        gc_cpu_percent: last.cpu_percent,
        live_mb: [first.live_mb, last.live_mb],
        goal_mb: [first.goal_mb, last.goal_mb],
        max_live_mb: cycles.iter().map(|c| c.live_mb).max().unwrap_or(0),
        headroom: median(cycles.iter().map(headroom).collect()),
        forced: forced.len(),
        procs: last.procs,
        trend,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(number: u64, at: f64, live: u64, goal: u64) -> Cycle {
        Cycle {
            line: number as u32,
            number,
            at,
            cpu_percent: 1,
            clock_ms: [0.1, 1.0, 0.1],
            cpu_ms: [0.2, 0.0, 1.0, 0.5, 0.2],
            heap_start_mb: goal,
            heap_end_mb: goal,
            live_mb: live,
            goal_mb: goal,
            stacks_mb: Some(0),
            globals_mb: Some(0),
            procs: 2,
            forced: false,
        }
    }

    #[test]
    fn a_restart_starts_a_new_run() {
        let cycles = vec![
            cycle(1, 0.1, 4, 8),
            cycle(2, 0.2, 4, 8),
            cycle(1, 0.05, 4, 8),
        ];
        assert_eq!(runs(&cycles).len(), 2);
    }

    #[test]
    fn storms_need_many_close_cycles() {
        let opts = Options::default();
        let tight: Vec<Cycle> = (1..=80)
            .map(|i| cycle(i, i as f64 * 0.003, 98, 98))
            .collect();
        let run = analyse(&tight, &opts);
        match &run.problems[..] {
            [Problem::Storm {
                cycles, headroom, ..
            }] => {
                assert_eq!(*cycles, 80);
                assert_eq!(*headroom, 1.0);
            }
            other => panic!("{other:?}"),
        }
        let calm: Vec<Cycle> = (1..=80)
            .map(|i| cycle(i, i as f64 * 0.05, 32, 64))
            .collect();
        assert!(analyse(&calm, &opts).problems.is_empty());
    }

    #[test]
    fn a_heap_that_climbs_and_one_that_levels_off() {
        let opts = Options::default();
        let climbing: Vec<Cycle> = (1..=30)
            .map(|i| cycle(i, i as f64, 16 + i * 3, 32 + i * 6))
            .collect();
        let run = analyse(&climbing, &opts);
        assert!(
            run.problems.iter().any(|p| matches!(
                p,
                Problem::HeapGrowth { steadiness, .. } if *steadiness > 0.99
            )),
            "{:?}",
            run.problems
        );
        // A cache that fills in the first third and stays.
        let warming: Vec<Cycle> = (1..=30)
            .map(|i| cycle(i, i as f64, 16 + i.min(8) * 10, 200))
            .collect();
        assert!(analyse(&warming, &opts).problems.is_empty());
    }
}
