//! What one poll fetches from a target, through `stacks`' HTTP capture: a garbage
//! collection (`/debug/pprof/heap?gc=1`, which starts the wait clocks of parked
//! goroutines), the goroutine dump (the leak profile when the service has it), memory
//! statistics (`/debug/vars`, else `/metrics`), and, when a trigger fires, a full set of
//! profiles kept whole.
//!
//! Each target remembers which of its endpoints answered, so a service without the leak
//! profile or without expvar is not asked for them at every poll.

use std::io::Write as _;

use flate2::write::GzEncoder;

use super::memstats::{self, MemStats};
use super::record::Capture;
use crate::commands::fetch::{get, split_url, Answer, FetchOptions, Fetched};
use crate::commands::stacks::fetch::candidates;

/// Reads memory statistics from a response body.
type MemReader = fn(&[u8]) -> Result<MemStats, String>;

/// Where memory statistics come from, once known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemSource {
    Unknown,
    Expvar,
    Metrics,
    /// Neither answered with memory statistics.
    None,
}

/// The endpoints of one target.
pub struct Endpoints {
    base: String,
    /// The goroutine profile URLs to try, the one that answered last first.
    profiles: Vec<String>,
    mem: MemSource,
    /// Polls since the memory source was last looked for (it is looked for again now
    /// and then: a service may be redeployed with expvar).
    mem_misses: u32,
}

impl Endpoints {
    pub fn new(url: &str) -> Endpoints {
        Endpoints {
            base: split_url(url).0.to_string(),
            profiles: candidates(url),
            mem: MemSource::Unknown,
            mem_misses: 0,
        }
    }

    /// Asks for a collection, which answers with the heap profile after it. Ok(Err(
    /// warning)) when the service answered but has no heap profile there; Err when it did
    /// not answer at all (the poll fails at once rather than wait on the same dead service
    /// for each of its endpoints).
    pub fn collect_garbage(&self, opts: FetchOptions) -> Result<Result<Fetched, String>, String> {
        let url = format!("{}/debug/pprof/heap?gc=1", self.base);
        match get(&url, opts)? {
            Answer::Body(f) => Ok(Ok(f)),
            Answer::NotFound(_) => Ok(Err(format!(
                "{url}: HTTP 404: no garbage collection forced, wait clocks may not show"
            ))),
        }
    }

    /// The goroutine dump, from the first profile URL that answers.
    pub fn goroutine_dump(&mut self, opts: FetchOptions) -> Result<Fetched, String> {
        let mut not_found = Vec::new();
        for (i, url) in self.profiles.iter().enumerate() {
            match get(url, opts)? {
                Answer::Body(fetched) => {
                    // Ask this one first next time.
                    self.profiles[..=i].rotate_right(1);
                    return Ok(fetched);
                }
                Answer::NotFound(_) => not_found.push(url.clone()),
            }
        }
        Err(format!(
            "no goroutine profile ({} answered 404); is net/http/pprof served there?",
            not_found.join(" and ")
        ))
    }

    /// Memory statistics, or None when the service offers neither source.
    pub fn memstats(&mut self, opts: FetchOptions) -> Result<Option<MemStats>, String> {
        if self.mem == MemSource::None {
            self.mem_misses += 1;
            if self.mem_misses < 30 {
                return Ok(None);
            }
            self.mem = MemSource::Unknown;
        }
        let order: &[MemSource] = match self.mem {
            MemSource::Metrics => &[MemSource::Metrics],
            MemSource::Expvar => &[MemSource::Expvar],
            _ => &[MemSource::Expvar, MemSource::Metrics],
        };
        let mut problems = Vec::new();
        for &source in order {
            let (path, read): (&str, MemReader) = match source {
                MemSource::Expvar => ("/debug/vars", memstats::from_expvar),
                _ => ("/metrics", memstats::from_prometheus_text),
            };
            let url = format!("{}{path}", self.base);
            let outcome = match get(&url, opts) {
                Ok(Answer::Body(f)) => read(&f.body).map_err(|e| format!("{url}: {e}")),
                Ok(Answer::NotFound(_)) => Err(format!("{url}: HTTP 404")),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(m) => {
                    self.mem = source;
                    return Ok(Some(m));
                }
                Err(e) => problems.push(e),
            }
        }
        if self.mem == MemSource::Unknown {
            self.mem = MemSource::None;
            self.mem_misses = 0;
            return Ok(None);
        }
        // A source that answered before failed now: worth a warning.
        Err(problems.join("; "))
    }

    /// Every profile at once, for a trigger: the goroutine dump just fetched (gzipped),
    /// the leak profile when the dump was not it, the heap after a collection and the
    /// allocations. Profiles the service does not offer are skipped with a warning.
    pub fn full_set(&self, dump: &Fetched, opts: FetchOptions) -> (Vec<Capture>, Vec<String>) {
        let mut captures = vec![Capture {
            kind: kind_of(&dump.url).to_string(),
            url: dump.url.clone(),
            content: gzip(&dump.body),
        }];
        let mut warnings = Vec::new();
        let mut wanted = vec![
            ("heap", format!("{}/debug/pprof/heap?gc=1", self.base)),
            ("allocs", format!("{}/debug/pprof/allocs", self.base)),
        ];
        if kind_of(&dump.url) != "goroutineleak" {
            wanted.insert(
                0,
                (
                    "goroutineleak",
                    format!("{}/debug/pprof/goroutineleak?debug=2", self.base),
                ),
            );
        }
        for (kind, url) in wanted {
            match get(&url, opts) {
                Ok(Answer::Body(f)) => captures.push(Capture {
                    kind: kind.to_string(),
                    url,
                    content: if kind == "goroutineleak" {
                        gzip(&f.body)
                    } else {
                        // pprof's protobuf, gzipped already.
                        f.body
                    },
                }),
                // Only Go 1.27 (or 1.26 with the experiment) has it: not worth a warning.
                Ok(Answer::NotFound(_)) if kind == "goroutineleak" => {}
                Ok(Answer::NotFound(_)) => warnings.push(format!("{url}: HTTP 404")),
                Err(e) => warnings.push(e),
            }
        }
        (captures, warnings)
    }
}

/// `goroutineleak` or `goroutine`, from a profile URL.
fn kind_of(url: &str) -> &'static str {
    if url.contains("/goroutineleak") {
        "goroutineleak"
    } else {
        "goroutine"
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}
