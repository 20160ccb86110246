//! The race detector's reports, as `go test -race` and race-enabled binaries print them
//! on standard error:
//!
//! ```text
//! ==================
//! WARNING: DATA RACE
//! Write at 0x00c0000a4010 by goroutine 8:
//!   main.main.func1()
//!       /src/app/main.go:12 +0x44
//!
//! Previous read at 0x00c0000a4010 by main goroutine:
//!   main.main()
//!       /src/app/main.go:15 +0x9c
//!
//! Goroutine 8 (running) created at:
//!   main.main()
//!       /src/app/main.go:10 +0x7c
//! ==================
//! ```
//!
//! Accesses are `Read`, `Write`, `Atomic read`, `Atomic write` (and `Previous ...`), by
//! `goroutine N` or `main goroutine`; a stack the detector could not restore says
//! `[failed to restore the stack]`. Reports are found inside other output: a log prefix
//! on the `WARNING` line is stripped from the lines that follow, and `go test -json`
//! records are unwrapped package by package (their output interleaves). What `go test`
//! prints around a report says which package and test it came from. A report cut short
//! (by the end of the input or by another report) is kept, marked truncated.

use serde::Serialize;

use crate::parse::logscan::LogPrefix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    Read,
    Write,
    AtomicRead,
    AtomicWrite,
}

impl AccessKind {
    pub fn name(self) -> &'static str {
        match self {
            AccessKind::Read => "read",
            AccessKind::Write => "write",
            AccessKind::AtomicRead => "atomic read",
            AccessKind::AtomicWrite => "atomic write",
        }
    }

    pub fn is_write(self) -> bool {
        matches!(self, AccessKind::Write | AccessKind::AtomicWrite)
    }
}

/// A frame of a report: `pkg.Func()` and its `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RaceFrame {
    pub function: String,
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    pub kind: AccessKind,
    /// `Previous write at ...`: the earlier of the two accesses.
    pub previous: bool,
    pub address: u64,
    /// `None` for the main goroutine.
    pub goroutine: Option<u64>,
    pub frames: Vec<RaceFrame>,
    /// The detector printed `[failed to restore the stack]`.
    pub stack_lost: bool,
}

/// `Goroutine N (running) created at:` and its stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Creation {
    pub goroutine: u64,
    /// `running` or `finished`.
    pub state: String,
    pub frames: Vec<RaceFrame>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// 1-based line of `WARNING: DATA RACE` in the input (of its package's output for
    /// `go test -json`, see `input_line`).
    pub line: u32,
    /// The accesses, in the order printed (the current one, then the previous one).
    pub accesses: Vec<Access>,
    pub creations: Vec<Creation>,
    /// Other lines of the report, such as `Location is global 'x' ...`.
    pub other: Vec<String>,
    pub package: Option<String>,
    pub test: Option<String>,
    /// Cut short before its closing `==================`.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RaceLog {
    pub reports: Vec<Report>,
    /// `Found N data race(s)`, as the runtime printed them at exit (line, N).
    pub found: Vec<(u32, u64)>,
    /// Lines inside reports that matched no known form.
    pub unknown: Vec<(u32, String)>,
    pub lines: u32,
}

const SEPARATOR: &str = "==================";
const WARNING: &str = "WARNING: DATA RACE";

/// Finds every report in `data`: plain output, logs, or `go test -json` records.
pub fn parse(data: &[u8]) -> RaceLog {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.lines().collect();
    let mut log = RaceLog {
        lines: u32::try_from(lines.len()).unwrap_or(u32::MAX),
        ..RaceLog::default()
    };
    if let Some(streams) = test2json_streams(&lines) {
        for stream in streams {
            let own: Vec<Numbered<'_>> = stream
                .lines
                .iter()
                .map(|(n, l, t)| (*n, l.as_str(), t.as_deref()))
                .collect();
            parse_lines(&own, Some(&stream.package), &mut log);
        }
        log.reports.sort_by_key(|r| r.line);
        log.unknown.sort();
        log.found.sort();
        return log;
    }
    let numbered: Vec<Numbered<'_>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), *l, None))
        .collect();
    parse_lines(&numbered, None, &mut log);
    log
}

/// One package's output from `go test -json`: each line with its input line and the test
/// whose record carried it.
struct Stream {
    package: String,
    lines: Vec<(u32, String, Option<String>)>,
}

/// `go test -json` output, unwrapped: the Output of each package, in order. `None` when
/// the input is not test2json records.
fn test2json_streams(lines: &[&str]) -> Option<Vec<Stream>> {
    let first = lines.iter().find(|l| !l.trim().is_empty())?;
    if !first.trim_start().starts_with('{') || !first.contains("\"Action\"") {
        return None;
    }
    let mut streams: Vec<Stream> = Vec::new();
    // A line of output may come in several records: (text so far, its first record).
    let mut pending: Vec<(String, u32)> = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) else {
            continue;
        };
        let Some(output) = v["Output"].as_str() else {
            continue;
        };
        let package = v["Package"].as_str().unwrap_or("");
        let test = v["Test"].as_str().map(str::to_string);
        let s = match streams.iter().position(|s| s.package == package) {
            Some(i) => i,
            None => {
                streams.push(Stream {
                    package: package.to_string(),
                    lines: Vec::new(),
                });
                pending.push((String::new(), number));
                streams.len() - 1
            }
        };
        if pending[s].0.is_empty() {
            pending[s].1 = number;
        }
        pending[s].0.push_str(output);
        while let Some(nl) = pending[s].0.find('\n') {
            let line: String = pending[s].0[..nl].to_string();
            pending[s].0.drain(..=nl);
            streams[s].lines.push((pending[s].1, line, test.clone()));
            pending[s].1 = number;
        }
    }
    for (s, (rest, at)) in pending.into_iter().enumerate() {
        if !rest.is_empty() {
            streams[s].lines.push((at, rest, None));
        }
    }
    Some(streams)
}

/// `Write at 0x... by goroutine 8:` and friends.
fn access_header(line: &str) -> Option<(AccessKind, bool, u64, Option<u64>)> {
    let (previous, rest) = match line.strip_prefix("Previous ") {
        Some(r) => (true, r),
        None => (false, line),
    };
    let lower = rest.to_ascii_lowercase();
    let (kind, after) = [
        ("atomic read at ", AccessKind::AtomicRead),
        ("atomic write at ", AccessKind::AtomicWrite),
        ("read at ", AccessKind::Read),
        ("write at ", AccessKind::Write),
    ]
    .iter()
    .find_map(|(p, k)| lower.starts_with(p).then(|| (*k, &rest[p.len()..])))?;
    let (address, by) = after.split_once(" by ")?;
    let address = u64::from_str_radix(address.trim().trim_start_matches("0x"), 16).ok()?;
    let by = by.strip_suffix(':')?;
    let goroutine = if by == "main goroutine" {
        None
    } else {
        Some(by.strip_prefix("goroutine ")?.trim().parse().ok()?)
    };
    Some((kind, previous, address, goroutine))
}

/// `Goroutine 8 (running) created at:`.
fn creation_header(line: &str) -> Option<(u64, String)> {
    let rest = line.strip_prefix("Goroutine ")?;
    let rest = rest.strip_suffix(" created at:")?;
    let (id, state) = rest.split_once(' ')?;
    let state = state.trim_start_matches('(').trim_end_matches(')');
    Some((id.parse().ok()?, state.to_string()))
}

/// `      /src/app/main.go:12 +0x44` → (file, line).
fn file_line(line: &str) -> Option<(String, u32)> {
    let t = line.trim();
    let t = match t.rfind(" +0x") {
        Some(i) => &t[..i],
        None => t,
    };
    let (file, number) = t.rsplit_once(':')?;
    Some((file.to_string(), number.parse().ok()?))
}

/// A line with its number in the input and, for `go test -json`, its test.
type Numbered<'a> = (u32, &'a str, Option<&'a str>);

/// Where new frames go while a report is read.
enum Target {
    None,
    Access,
    Creation,
}

fn parse_lines(lines: &[Numbered<'_>], package: Option<&str>, log: &mut RaceLog) {
    let mut current: Option<Report> = None;
    let mut prefix: Option<LogPrefix> = None;
    let mut target = Target::None;
    let mut pending_function: Option<String> = None;
    let mut test: Option<String> = None;
    // Reports since the last package result line, to learn their package from it.
    let mut since_result: Vec<usize> = Vec::new();
    let close =
        |report: Option<Report>, truncated: bool, log: &mut RaceLog, since: &mut Vec<usize>| {
            if let Some(mut r) = report {
                r.truncated = truncated;
                since.push(log.reports.len());
                log.reports.push(r);
            }
        };
    for &(number, raw, record_test) in lines {
        if let Some(t) = record_test {
            test = Some(t.to_string());
        }
        let stripped = match (&prefix, &current) {
            (Some(p), Some(_)) => p
                .strip(raw.as_bytes())
                .and_then(|rest| raw.get(raw.len() - rest.len()..)),
            _ => None,
        };
        let line = stripped.unwrap_or(raw);
        if let Some(at) = line.find(WARNING) {
            let was_open = current.is_some();
            close(current.take(), was_open, log, &mut since_result);
            prefix = (at > 0).then(|| LogPrefix::new(&line.as_bytes()[..at]));
            current = Some(Report {
                line: number,
                accesses: Vec::new(),
                creations: Vec::new(),
                other: Vec::new(),
                package: package.map(str::to_string),
                test: test.clone(),
                truncated: false,
            });
            target = Target::None;
            pending_function = None;
            continue;
        }
        let Some(report) = current.as_mut() else {
            outside(line, number, &mut test, &mut since_result, package, log);
            continue;
        };
        let t = line.trim_end();
        if t.trim() == SEPARATOR {
            close(current.take(), false, log, &mut since_result);
            prefix = None;
            continue;
        }
        if t.trim().is_empty() {
            target = Target::None;
            continue;
        }
        if let Some((kind, previous, address, goroutine)) = access_header(t) {
            report.accesses.push(Access {
                kind,
                previous,
                address,
                goroutine,
                frames: Vec::new(),
                stack_lost: false,
            });
            target = Target::Access;
            continue;
        }
        if let Some((goroutine, state)) = creation_header(t) {
            report.creations.push(Creation {
                goroutine,
                state,
                frames: Vec::new(),
            });
            target = Target::Creation;
            continue;
        }
        if t.trim() == "[failed to restore the stack]" {
            if let (Target::Access, Some(a)) = (&target, report.accesses.last_mut()) {
                a.stack_lost = true;
            }
            continue;
        }
        let frames = match target {
            Target::Access => report.accesses.last_mut().map(|a| &mut a.frames),
            Target::Creation => report.creations.last_mut().map(|c| &mut c.frames),
            Target::None => None,
        };
        if let Some(frames) = frames {
            if t.starts_with("      ") || t.starts_with('\t') {
                if let (Some(function), Some((file, line_no))) =
                    (pending_function.take(), file_line(t))
                {
                    frames.push(RaceFrame {
                        function,
                        file,
                        line: line_no,
                    });
                    continue;
                }
            } else if t.starts_with("  ") && t.ends_with(')') {
                let f = t.trim();
                let name = f.strip_suffix("()").unwrap_or(f);
                pending_function = Some(name.to_string());
                continue;
            }
        }
        if t.starts_with("Location is ") || t.starts_with("Mutex ") || t.starts_with("  ") {
            report.other.push(t.trim().to_string());
        } else {
            log.unknown.push((number, t.to_string()));
        }
    }
    let was_open = current.is_some();
    close(current, was_open, log, &mut since_result);
}

/// Lines between reports: test and package names, `Found N data race(s)`.
fn outside(
    line: &str,
    number: u32,
    test: &mut Option<String>,
    since_result: &mut Vec<usize>,
    package: Option<&str>,
    log: &mut RaceLog,
) {
    let t = line.trim();
    if let Some(name) = t.strip_prefix("=== RUN") {
        *test = Some(name.trim().to_string());
    } else if let Some(rest) = t.strip_prefix("--- FAIL: ") {
        // Without -v, the test is named only once it failed: its reports come before.
        let name = rest.split(' ').next().unwrap_or(rest).to_string();
        for &i in since_result.iter() {
            let r = &mut log.reports[i];
            if r.test.is_none() {
                r.test = Some(name.clone());
            }
        }
    } else if let Some(rest) = t.strip_prefix("Found ") {
        if let Some(n) = rest.strip_suffix(" data race(s)") {
            if let Ok(n) = n.parse() {
                log.found.push((number, n));
            }
        }
    } else if package.is_none() {
        // `FAIL\tpkg\t0.05s` / `ok  \tpkg\t0.05s` close a package's output.
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() >= 2 && (fields[0].trim() == "FAIL" || fields[0].trim() == "ok") {
            let pkg = fields[1].trim().to_string();
            for i in since_result.drain(..) {
                log.reports[i].package.get_or_insert_with(|| pkg.clone());
            }
            *test = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "==================
WARNING: DATA RACE
Write at 0x00c0000a4010 by goroutine 8:
  runtime.mapassign_faststr()
      /usr/local/go/src/internal/runtime/maps/runtime_faststr.go:263 +0x0
  main.main.func1()
      /src/app/main.go:12 +0x44

Previous read at 0x00c0000a4010 by main goroutine:
  main.main()
      /src/app/main.go:15 +0x9c

Goroutine 8 (running) created at:
  main.main()
      /src/app/main.go:10 +0x7c
==================
";

    #[test]
    fn a_whole_report() {
        let log = parse(REPORT.as_bytes());
        assert!(log.unknown.is_empty(), "{:?}", log.unknown);
        let r = &log.reports[0];
        assert_eq!(r.line, 2);
        assert!(!r.truncated);
        assert_eq!(r.accesses.len(), 2);
        assert_eq!(r.accesses[0].kind, AccessKind::Write);
        assert_eq!(r.accesses[0].goroutine, Some(8));
        assert_eq!(r.accesses[0].frames[1].function, "main.main.func1");
        assert_eq!(r.accesses[0].frames[1].line, 12);
        assert!(r.accesses[1].previous);
        assert_eq!(r.accesses[1].goroutine, None);
        assert_eq!(r.creations[0].goroutine, 8);
        assert_eq!(r.creations[0].frames[0].line, 10);
    }

    #[test]
    fn prefixed_logs_and_cut_reports() {
        let prefixed: String = REPORT
            .lines()
            .enumerate()
            .map(|(i, l)| format!("2024-05-01T10:00:{:02}.{}Z {l}\n", i, i * 7))
            .collect();
        let log = parse(prefixed.as_bytes());
        assert_eq!(log.reports.len(), 1);
        assert_eq!(log.reports[0].accesses.len(), 2, "{:?}", log.unknown);
        assert_eq!(log.reports[0].creations[0].frames.len(), 1);

        let cut = &REPORT[..REPORT.find("Goroutine 8").unwrap()];
        let log = parse(cut.as_bytes());
        assert!(log.reports[0].truncated);
        assert_eq!(log.reports[0].accesses.len(), 2);
    }

    #[test]
    fn go_test_json_is_unwrapped_per_package() {
        let mut json = String::new();
        // Two packages' outputs interleaved, one report each.
        let a: Vec<&str> = REPORT.lines().collect();
        for (i, l) in a.iter().enumerate() {
            for pkg in ["example.com/a", "example.com/b"] {
                let _ = i;
                json.push_str(
                    &serde_json::json!({"Action": "output", "Package": pkg, "Test": "TestX", "Output": format!("{l}\n")})
                        .to_string(),
                );
                json.push('\n');
            }
        }
        let log = parse(json.as_bytes());
        assert_eq!(log.reports.len(), 2, "{:?}", log.unknown);
        assert!(log
            .reports
            .iter()
            .all(|r| r.accesses.len() == 2 && r.test.as_deref() == Some("TestX")));
        let packages: Vec<&str> = log
            .reports
            .iter()
            .filter_map(|r| r.package.as_deref())
            .collect();
        assert_eq!(packages, ["example.com/a", "example.com/b"]);
    }
}
