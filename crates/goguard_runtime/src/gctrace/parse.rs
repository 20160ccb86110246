//! The lines `GODEBUG=gctrace=1` makes the runtime print, found wherever they are in a
//! log. One line per collection, in every format since Go 1.5:
//!
//! ```text
//! gc 7 @1.503s 2%: 0.017+1.2+0.024 ms clock, 0.068+0.35/1.1/0.26+0.098 ms cpu, 4->4->1 MB, 5 MB goal, 4 P
//! gc 7 @1.503s 2%: ... 4->4->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)
//! gc 7 @1.503s 2% (checking for goroutine leaks): ...
//! ```
//!
//! The first is Go 1.7 to 1.17 (Go 1.5 and 1.6 print five clock and seven CPU phases,
//! folded here into the three and five of the later format), the second Go 1.18 and later (stacks and globals
//! added); `(forced)` marks a collection asked for by `runtime.GC` or
//! `debug.FreeOSMemory`, and Go 1.26 may mark the collections that looked for goroutine
//! leaks. A line may carry a log prefix (a timestamp, `app[12]: `), sit in a JSON log
//! record (`{"log":"gc 7 @1.503s ...\n"}`, `-\u003e` for `->`), or follow other output on
//! the same line when the program wrote to stderr at the same time. The scavenger's lines
//! (`scvg...`, `scav ...`) are recognised and counted. A line that starts like a
//! collection but does not parse is kept with its number, never dropped silently.

use serde::Serialize;

/// One collection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cycle {
    /// 1-based line of the input.
    pub line: u32,
    /// `gc N`: the collection's number since the process started.
    pub number: u64,
    /// `@Xs`: seconds since the process started.
    pub at: f64,
    /// `N%`: share of the CPU spent in GC since the process started.
    pub cpu_percent: u32,
    /// Wall-clock milliseconds of the stop-the-world sweep termination, the concurrent
    /// mark, and the stop-the-world mark termination.
    pub clock_ms: [f64; 3],
    /// CPU milliseconds: sweep termination, mark assist, background mark, idle mark,
    /// mark termination.
    pub cpu_ms: [f64; 5],
    /// Heap at the start of the collection, at its end, and live (marked) heap, in MB.
    pub heap_start_mb: u64,
    pub heap_end_mb: u64,
    pub live_mb: u64,
    pub goal_mb: u64,
    /// Go 1.18 and later.
    pub stacks_mb: Option<u64>,
    pub globals_mb: Option<u64>,
    pub procs: u32,
    pub forced: bool,
}

impl Cycle {
    /// Stop-the-world time: sweep termination plus mark termination.
    pub fn pause_ms(&self) -> f64 {
        self.clock_ms[0] + self.clock_ms[2]
    }

    /// CPU time of the collection, all phases.
    pub fn cpu_total_ms(&self) -> f64 {
        self.cpu_ms.iter().sum()
    }
}

/// A line that looked like a collection but did not parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Damaged {
    pub line: u32,
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GcLog {
    pub cycles: Vec<Cycle>,
    /// Scavenger lines (`scvg`, `scav`).
    pub scavenger_lines: u64,
    pub damaged: Vec<Damaged>,
    pub lines: u32,
}

/// Finds every gctrace line in `data`.
pub fn parse(data: &[u8]) -> GcLog {
    let mut log = GcLog::default();
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        log.lines = number;
        // Most lines of a log are something else.
        if memchr::memmem::find(raw, b"gc ").is_none() && memchr::memmem::find(raw, b"sc").is_none()
        {
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        let text = text.trim_end_matches('\r');
        if text.is_empty() {
            continue;
        }
        for candidate in candidates(text) {
            scan(&candidate, number, &mut log);
        }
    }
    if data.ends_with(b"\n") {
        log.lines = log.lines.saturating_sub(1);
    }
    log
}

/// The texts of a line to look in: the line, or the strings of a JSON record.
fn candidates(line: &str) -> Vec<String> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('{') && (line.contains("gc ") || line.contains("scv")) {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed) {
            let mut out = Vec::new();
            strings(&value, &mut out);
            return out
                .into_iter()
                .flat_map(|s| s.split('\n').map(str::to_string).collect::<Vec<_>>())
                .collect();
        }
    }
    vec![line.to_string()]
}

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Looks for a collection (or a scavenger line) in one text.
fn scan(text: &str, line: u32, log: &mut GcLog) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("gc ").map(|i| i + from) {
        from = at + 3;
        // A number and ` @` must follow.
        let rest = &text[at..];
        let Some(after_number) = rest[3..].find(|c: char| !c.is_ascii_digit()) else {
            continue;
        };
        if after_number == 0 || !rest[3 + after_number..].starts_with(" @") {
            continue;
        }
        match parse_cycle(rest, line) {
            Ok(cycle) => {
                log.cycles.push(cycle);
                return;
            }
            // Glued to other output (`...requestsgc 6 @`), only a whole line counts;
            // at the start of a word, a line that does not parse is damaged.
            Err(_) if at > 0 && bytes[at - 1].is_ascii_alphanumeric() => continue,
            Err(reason) => {
                log.damaged.push(Damaged {
                    line,
                    text: rest.chars().take(200).collect(),
                    reason,
                });
                return;
            }
        }
    }
    let t = text.trim_start();
    if t.starts_with("scvg") || t.starts_with("scav ") || text.contains(" scvg: ") {
        log.scavenger_lines += 1;
    }
}

/// A cursor over one line, with errors that say what was expected.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn literal(&mut self, lit: &str) -> Result<(), String> {
        match self.rest.strip_prefix(lit) {
            Some(r) => {
                self.rest = r;
                Ok(())
            }
            None => Err(format!("expected {lit:?} before {:?}", head(self.rest))),
        }
    }

    fn number_text(&mut self) -> Result<&'a str, String> {
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(self.rest.len());
        if end == 0 {
            return Err(format!("expected a number before {:?}", head(self.rest)));
        }
        let (n, r) = self.rest.split_at(end);
        self.rest = r;
        Ok(n)
    }

    fn uint(&mut self) -> Result<u64, String> {
        let t = self.number_text()?;
        t.parse()
            .map_err(|_| format!("{t:?} is not a whole number"))
    }

    fn float(&mut self) -> Result<f64, String> {
        let t = self.number_text()?;
        t.parse().map_err(|_| format!("{t:?} is not a number"))
    }

    /// `a+b+c`, or with `/` between some: the numbers and the separators between them.
    fn phases(&mut self) -> Result<(Vec<f64>, String), String> {
        let mut numbers = vec![self.float()?];
        let mut separators = String::new();
        while let Some(sep) = self.rest.chars().next().filter(|c| matches!(c, '+' | '/')) {
            self.rest = &self.rest[1..];
            separators.push(sep);
            numbers.push(self.float()?);
        }
        Ok((numbers, separators))
    }
}

fn head(s: &str) -> String {
    s.chars().take(24).collect()
}

fn parse_cycle(text: &str, line: u32) -> Result<Cycle, String> {
    let mut c = Cursor { rest: text };
    c.literal("gc ")?;
    let number = c.uint()?;
    c.literal(" @")?;
    let at = c.float()?;
    c.literal("s ")?;
    let cpu_percent =
        u32::try_from(c.uint()?).map_err(|_| "percentage out of range".to_string())?;
    c.literal("%")?;
    if let Some(r) = c.rest.strip_prefix(" (checking for goroutine leaks)") {
        c.rest = r;
    }
    c.literal(": ")?;
    let (clock, clock_separators) = c.phases()?;
    c.literal(" ms clock, ")?;
    let (cpu, cpu_separators) = c.phases()?;
    c.literal(" ms cpu, ")?;
    let (clock_ms, cpu_ms) = match (clock_separators.as_str(), cpu_separators.as_str()) {
        // Go 1.7 and later.
        ("++", "+//+") => (
            [clock[0], clock[1], clock[2]],
            [cpu[0], cpu[1], cpu[2], cpu[3], cpu[4]],
        ),
        // Go 1.5 and 1.6: clock of sweep termination, scan, write-barrier install, mark
        // and mark termination; CPU of the same three first phases, then assist,
        // background and idle mark, and mark termination. Folded into the later phases:
        // the pauses are the first and last, everything between them is concurrent.
        ("++++", "+++//+") => (
            [clock[0], clock[1] + clock[2] + clock[3], clock[4]],
            [cpu[0] + cpu[2], cpu[3], cpu[1] + cpu[4], cpu[5], cpu[6]],
        ),
        _ => {
            return Err(format!(
                "expected the phases of a known Go version, found {} clock and {} cpu numbers",
                clock.len(),
                cpu.len()
            ))
        }
    };
    let heap_start_mb = c.uint()?;
    c.literal("->")?;
    let heap_end_mb = c.uint()?;
    c.literal("->")?;
    let live_mb = c.uint()?;
    c.literal(" MB, ")?;
    let goal_mb = c.uint()?;
    c.literal(" MB goal, ")?;
    let mut stacks_mb = None;
    let mut globals_mb = None;
    let first = c.uint()?;
    let procs = if c.rest.starts_with(" MB stacks, ") {
        stacks_mb = Some(first);
        c.literal(" MB stacks, ")?;
        globals_mb = Some(c.uint()?);
        // Go prints `#MB globals` in its documentation and ` MB globals` in fact.
        c.rest = c.rest.trim_start();
        c.literal("MB globals, ")?;
        c.uint()?
    } else {
        first
    };
    c.literal(" P")?;
    let forced = c.rest.trim_start().starts_with("(forced)");
    Ok(Cycle {
        line,
        number,
        at,
        cpu_percent,
        clock_ms,
        cpu_ms,
        heap_start_mb,
        heap_end_mb,
        live_mb,
        goal_mb,
        stacks_mb,
        globals_mb,
        procs: u32::try_from(procs).map_err(|_| "P out of range".to_string())?,
        forced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_since_go_1_11() {
        let log = parse(
            b"gc 1 @0.012s 2%: 0.017+1.2+0.024 ms clock, 0.068+0.35/1.1/0.26+0.098 ms cpu, 4->4->0 MB, 5 MB goal, 4 P\n\
              gc 2 @1.5s 3%: 0.045+0.13+0.004 ms clock, 0.091+0.10/0/0+0.009 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n\
              gc 3 @2.000s 4% (checking for goroutine leaks): 12+3.0+0.5 ms clock, 1+2/3/4+5 ms cpu, 9->10->5 MB, 10 MB goal, 1 MB stacks, 2 MB globals, 8 P (forced)\n",
        );
        assert!(log.damaged.is_empty(), "{:?}", log.damaged);
        assert_eq!(log.cycles.len(), 3);
        let c = &log.cycles[0];
        assert_eq!((c.number, c.cpu_percent, c.procs), (1, 2, 4));
        assert_eq!(c.clock_ms, [0.017, 1.2, 0.024]);
        assert_eq!(c.cpu_ms, [0.068, 0.35, 1.1, 0.26, 0.098]);
        assert_eq!(
            (c.heap_start_mb, c.heap_end_mb, c.live_mb, c.goal_mb),
            (4, 4, 0, 5)
        );
        assert_eq!(c.stacks_mb, None);
        let c = &log.cycles[2];
        assert_eq!(
            (c.stacks_mb, c.globals_mb, c.procs, c.forced),
            (Some(1), Some(2), 8, true)
        );
        assert_eq!(c.pause_ms(), 12.5);
        assert_eq!(c.line, 3);
    }

    #[test]
    fn go_1_5_and_1_6_phases_fold_into_the_later_ones() {
        let log = parse(b"gc 5 @0.306s 2%: 0.021+3.3+0.20+1.7+0.23 ms clock, 0.087+3.3+0+1.5/1.5/0+0.93 ms cpu, 6->7->4 MB, 7 MB goal, 4 P\n");
        assert!(log.damaged.is_empty(), "{:?}", log.damaged);
        let c = &log.cycles[0];
        assert_eq!(c.clock_ms, [0.021, 3.3 + 0.20 + 1.7, 0.23]);
        assert_eq!(c.pause_ms(), 0.021 + 0.23);
        assert_eq!(c.cpu_ms, [0.087, 1.5, 3.3 + 1.5, 0.0, 0.93]);
        assert_eq!((c.live_mb, c.goal_mb, c.procs), (4, 7, 4));
    }

    #[test]
    fn unknown_phase_counts_are_damaged() {
        let log = parse(b"gc 5 @0.3s 2%: 0.02+3.3 ms clock, 0.08+3.3/1.5+0.9 ms cpu, 6->7->4 MB, 7 MB goal, 4 P\n");
        assert!(log.cycles.is_empty());
        assert!(
            log.damaged[0].reason.contains("known Go version"),
            "{:?}",
            log.damaged
        );
    }

    #[test]
    fn inside_other_log_lines_and_json() {
        let log = parse(
            b"2024-05-01T10:00:00.123Z app[12]: gc 4 @3.1s 1%: 0.1+2+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P\n\
              {\"log\":\"gc 5 @3.5s 1%: 0.1+2+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 8-\\u003e9-\\u003e4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P\\n\",\"stream\":\"stderr\"}\n\
              service: 2024/05/01 served 12 requestsgc 6 @4.0s 1%: 0.1+2+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P\n\
              scvg: 0 KB released\n\
              the gc 7 is not a collection\n\
              gc 8 @5.0s 1%: 0.1+2+0.1 ms clock, 0.2+0/1",
        );
        assert_eq!(
            log.cycles.iter().map(|c| c.number).collect::<Vec<_>>(),
            [4, 5, 6]
        );
        assert_eq!(log.scavenger_lines, 1);
        assert_eq!(log.damaged.len(), 1);
        assert_eq!(log.damaged[0].line, 6);
        assert!(
            log.damaged[0].reason.contains("expected"),
            "{:?}",
            log.damaged
        );
    }
}
