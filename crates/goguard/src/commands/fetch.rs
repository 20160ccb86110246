//! Fetching what a service's `net/http/pprof` endpoints serve: one GET with a timeout for
//! the whole request and a limit on the body, and errors that name the URL. `goguard
//! stacks` chooses which goroutine profile to ask for (`stacks/fetch.rs`); `goguard heap`
//! fetches the profile URL it is given.

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
    /// The URL that answered.
    pub url: String,
    pub body: Vec<u8>,
}

/// True for `http://` and `https://` inputs.
pub fn is_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

/// `http://host:6060/debug/pprof/` → (`http://host:6060`, `/debug/pprof/`).
pub fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url.split_at(after_scheme + i),
        None => (url, ""),
    }
}

/// The answer to one GET.
pub enum Answer {
    /// HTTP 404, with the first line of the body.
    NotFound(String),
    Body(Fetched),
}

/// One GET. A 404 is `Answer::NotFound` (the caller may try another URL); any other
/// status but 200 is an error quoting the first line of the body.
pub fn get(url: &str, opts: FetchOptions) -> Result<Answer, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Timeout(_) => format!("{url}: no answer within {:?}", opts.timeout),
        e => format!("{url}: {e}"),
    })?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(opts.max_bytes + 1)
        .read_to_end(&mut body)
        .map_err(|e| format!("{url}: reading the response: {e}"))?;
    if body.len() as u64 > opts.max_bytes {
        return Err(format!(
            "{url}: the response is larger than {} bytes (--max-size)",
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
        if status == 404 {
            return Ok(Answer::NotFound(first_line));
        }
        return Err(format!("{url}: HTTP {status}: {first_line}"));
    }
    Ok(Answer::Body(Fetched {
        url: url.to_string(),
        body,
    }))
}

/// Fetches one URL; a 404 is an error too.
pub fn fetch_one(url: &str, opts: FetchOptions) -> Result<Fetched, String> {
    match get(url, opts)? {
        Answer::Body(f) => Ok(f),
        Answer::NotFound(line) => Err(format!("{url}: HTTP 404: {line}")),
    }
}
