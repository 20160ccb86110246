//! Reading inputs: files, standard input (`-`) and live services (URLs).

use std::io::Read;
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

/// Reads and parses one input. Errors name it.
pub fn read(spec: &str, fetch_opts: FetchOptions) -> Result<Input, String> {
    let (label, data) = if spec == "-" {
        let mut data = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut data)
            .map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        ("<stdin>".to_string(), data)
    } else if is_url(spec) {
        let fetched = fetch(spec, fetch_opts)?;
        (fetched.url, fetched.body)
    } else {
        let path = Path::new(spec);
        let data = std::fs::read(path).map_err(|e| format!("{spec}: cannot read: {e}"))?;
        (spec.to_string(), data)
    };
    let parsed = goguard_runtime::parse::parse_named(&data, &label);
    Ok(Input { label, parsed })
}
