//! Reading inputs: files, standard input (`-`) and live services (URLs).

use std::path::Path;

use goguard_runtime::model::ParsedDump;

use super::fetch::{fetch, is_url, FetchOptions};

/// One input, parsed.
pub struct Input {
    /// As shown in reports: the path, `<stdin>`, or the URL that answered.
    pub label: String,
    pub parsed: ParsedDump,
}

impl Input {
    /// At least one goroutine dump or profile was found in it.
    pub fn usable(&self) -> bool {
        !self.parsed.snapshots.is_empty()
    }

    /// Why nothing could be used, for the error message.
    pub fn why_unusable(&self) -> String {
        match self.parsed.warnings.first() {
            Some(w) => w.clone(),
            None => "no goroutine dump found".to_string(),
        }
    }
}

/// Reads and parses one input. Errors name it. Files and standard input are parsed as
/// they are read, so a large dump is never held whole in memory.
pub fn read(spec: &str, fetch_opts: FetchOptions) -> Result<Input, String> {
    let (label, parsed) = if spec == "-" {
        let label = "<stdin>".to_string();
        let parsed = goguard_runtime::parse::parse_reader(std::io::stdin().lock(), &label)
            .map_err(|e| format!("{label}: cannot read: {e}"))?;
        (label, parsed)
    } else if is_url(spec) {
        let fetched = fetch(spec, fetch_opts)?;
        let parsed = goguard_runtime::parse::parse_named(&fetched.body, &fetched.url);
        (fetched.url, parsed)
    } else {
        let file = std::fs::File::open(Path::new(spec))
            .map_err(|e| format!("{spec}: cannot read: {e}"))?;
        let parsed = goguard_runtime::parse::parse_reader(file, spec)
            .map_err(|e| format!("{spec}: cannot read: {e}"))?;
        (spec.to_string(), parsed)
    };
    Ok(Input { label, parsed })
}
