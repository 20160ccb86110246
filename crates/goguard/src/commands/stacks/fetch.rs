//! Live capture of goroutine dumps.
//!
//! `http://host:6060` (or `.../debug/pprof/`) asks for the goroutine leak
//! profile first (`/debug/pprof/goroutineleak?debug=2`, Go 1.27, or 1.26
//! built with `GOEXPERIMENT=goroutineleakprofile`): every goroutine's stack,
//! with the ones the runtime proved stuck marked `(leaked)`. A service
//! without it answers 404, and `/debug/pprof/goroutine?debug=2` is fetched
//! instead. A URL naming a profile is fetched as given.

use crate::commands::fetch::{get, split_url, Answer};
pub use crate::commands::fetch::{is_url, FetchOptions, Fetched};

const LEAK_PROFILE: &str = "/debug/pprof/goroutineleak?debug=2";
const GOROUTINE_PROFILE: &str = "/debug/pprof/goroutine?debug=2";

/// The URLs to try, in order, for what the user gave.
pub fn candidates(url: &str) -> Vec<String> {
    let (base, path) = split_url(url);
    let path = path.trim_end_matches('/');
    if path.is_empty() || path == "/debug/pprof" {
        return vec![
            format!("{base}{LEAK_PROFILE}"),
            format!("{base}{GOROUTINE_PROFILE}"),
        ];
    }
    vec![url.to_string()]
}

/// Asks the service for a garbage collection (`/debug/pprof/heap?gc=1`, the heap
/// profile after a collection; the profile itself is not kept). A collection is
/// what starts the wait clocks of parked goroutines: a process that has not
/// collected yet prints no waits, and repeated snapshots of it prove nothing.
pub fn force_gc(url: &str, opts: FetchOptions) -> Result<(), String> {
    let (base, _) = split_url(url);
    let target = format!("{base}/debug/pprof/heap?gc=1");
    match get(&target, opts)? {
        Answer::Body(_) => Ok(()),
        Answer::NotFound(_) => Err(format!("{target}: HTTP 404")),
    }
}

/// Fetches the best goroutine dump the service offers.
pub fn fetch(url: &str, opts: FetchOptions) -> Result<Fetched, String> {
    let tries = candidates(url);
    let mut not_found = Vec::new();
    for candidate in &tries {
        match get(candidate, opts)? {
            Answer::Body(fetched) => return Ok(fetched),
            Answer::NotFound(_) if tries.len() > 1 => not_found.push(candidate.clone()),
            Answer::NotFound(line) => return Err(format!("{candidate}: HTTP 404: {line}")),
        }
    }
    Err(format!(
        "{url}: no goroutine profile there ({} answered 404); is net/http/pprof imported and \
         served on this address?",
        not_found.join(" and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_try_the_leak_profile_first() {
        assert_eq!(
            candidates("http://127.0.0.1:6060"),
            vec![
                "http://127.0.0.1:6060/debug/pprof/goroutineleak?debug=2",
                "http://127.0.0.1:6060/debug/pprof/goroutine?debug=2"
            ]
        );
        assert_eq!(candidates("http://h:1/debug/pprof/").len(), 2);
        assert_eq!(
            candidates("http://h:1/debug/pprof/goroutine?debug=1"),
            vec!["http://h:1/debug/pprof/goroutine?debug=1"]
        );
        assert!(is_url("https://x") && !is_url("dump.txt"));
    }
}
