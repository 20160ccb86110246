//! Live capture: fetching what a service's `net/http/pprof` endpoints serve.
//!
//! `http://host:6060` (or `.../debug/pprof/`) asks for the goroutine leak
//! profile first (`/debug/pprof/goroutineleak?debug=2`, Go 1.27, or 1.26
//! built with `GOEXPERIMENT=goroutineleakprofile`): every goroutine's stack,
//! with the ones the runtime proved stuck marked `(leaked)`. A service
//! without it answers 404, and `/debug/pprof/goroutine?debug=2` is fetched
//! instead. A URL naming a profile is fetched as given.

use std::io::Read;
use std::time::Duration;

/// Limits of one request.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions {
    /// For the whole request: connecting, waiting for the first byte and
    /// reading the body. A debug=2 dump of a large service takes seconds.
    pub timeout: Duration,
    /// Bodies larger than this are refused rather than read whole.
    pub max_bytes: u64,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(60),
            max_bytes: 2 << 30,
        }
    }
}

/// What was fetched, from where.
pub struct Fetched {
    /// The URL that answered (after choosing the profile).
    pub url: String,
    pub body: Vec<u8>,
}

const LEAK_PROFILE: &str = "/debug/pprof/goroutineleak?debug=2";
const GOROUTINE_PROFILE: &str = "/debug/pprof/goroutine?debug=2";

/// True for `http://` and `https://` inputs.
pub fn is_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

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

/// `http://host:6060/debug/pprof/` → (`http://host:6060`, `/debug/pprof/`).
fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url.split_at(after_scheme + i),
        None => (url, ""),
    }
}

/// Asks the service for a garbage collection (`/debug/pprof/heap?gc=1`, the heap
/// profile after a collection; the profile itself is not kept). A collection is
/// what starts the wait clocks of parked goroutines: a process that has not
/// collected yet prints no waits, and repeated snapshots of it prove nothing.
pub fn force_gc(url: &str, opts: FetchOptions) -> Result<(), String> {
    let (base, _) = split_url(url);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let target = format!("{base}/debug/pprof/heap?gc=1");
    let mut response = agent
        .get(&target)
        .call()
        .map_err(|e| format!("{target}: {e}"))?;
    let status = response.status().as_u16();
    // Read (and drop) the body so the server finishes its response.
    let _ = std::io::copy(
        &mut response.body_mut().as_reader().take(opts.max_bytes),
        &mut std::io::sink(),
    );
    if status != 200 {
        return Err(format!("{target}: HTTP {status}"));
    }
    Ok(())
}

/// Fetches the best goroutine dump the service offers.
pub fn fetch(url: &str, opts: FetchOptions) -> Result<Fetched, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let tries = candidates(url);
    let mut not_found = Vec::new();
    for candidate in &tries {
        let mut response = agent
            .get(candidate)
            .call()
            .map_err(|e| format!("{candidate}: {e}"))?;
        let status = response.status().as_u16();
        if status == 404 && tries.len() > 1 {
            not_found.push(candidate.clone());
            continue;
        }
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(opts.max_bytes + 1)
            .read_to_end(&mut body)
            .map_err(|e| format!("{candidate}: reading the response: {e}"))?;
        if body.len() as u64 > opts.max_bytes {
            return Err(format!(
                "{candidate}: the response is larger than {} bytes (--max-size)",
                opts.max_bytes
            ));
        }
        if status != 200 {
            let first_line = String::from_utf8_lossy(&body)
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            return Err(format!("{candidate}: HTTP {status}: {first_line}"));
        }
        return Ok(Fetched {
            url: candidate.clone(),
            body,
        });
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
