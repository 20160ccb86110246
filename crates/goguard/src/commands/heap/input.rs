//! Reading profiles: files, standard input (`-`) and services (URLs). Every error names
//! the input, and for damaged data the byte offset.

use std::io::Read;

use goguard_runtime::profile::{read_profile, ProfileData};

use crate::commands::fetch::{fetch_one, is_url, split_url, FetchOptions};

/// One input, decoded.
pub struct ProfileInput {
    /// As shown in reports: the path, `<stdin>`, or the URL that answered.
    pub label: String,
    pub profile: ProfileData,
}

/// The URL to fetch for what the user gave: a service's address or its pprof index means
/// its heap profile after a collection (`/debug/pprof/heap?gc=1`), as the seeds' workflow
/// takes it; a URL naming a profile is fetched as given.
pub fn profile_url(url: &str) -> String {
    let (base, path) = split_url(url);
    let path = path.trim_end_matches('/');
    if path.is_empty() || path == "/debug/pprof" {
        format!("{base}/debug/pprof/heap?gc=1")
    } else {
        url.to_string()
    }
}

pub fn read(spec: &str, fetch: FetchOptions) -> Result<ProfileInput, String> {
    let (label, data) = if spec == "-" {
        let mut data = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut data)
            .map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        ("<stdin>".to_string(), data)
    } else if is_url(spec) {
        let fetched = fetch_one(&profile_url(spec), fetch)?;
        (fetched.url, fetched.body)
    } else {
        let data = std::fs::read(spec).map_err(|e| format!("{spec}: cannot read: {e}"))?;
        (spec.to_string(), data)
    };
    let profile = read_profile(&data).map_err(|e| format!("{label}: {e}"))?;
    Ok(ProfileInput { label, profile })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_addresses_mean_the_heap_profile() {
        assert_eq!(
            profile_url("http://127.0.0.1:6060"),
            "http://127.0.0.1:6060/debug/pprof/heap?gc=1"
        );
        assert_eq!(
            profile_url("http://h:1/debug/pprof/"),
            "http://h:1/debug/pprof/heap?gc=1"
        );
        assert_eq!(
            profile_url("http://h:1/debug/pprof/allocs"),
            "http://h:1/debug/pprof/allocs"
        );
    }
}
