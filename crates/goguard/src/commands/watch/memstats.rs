//! A service's memory statistics, from `/debug/vars` (the `expvar` package's JSON, whose
//! `memstats` is `runtime.MemStats`) or from `/metrics` (the Prometheus Go collector's
//! `go_memstats_*` gauges). Either is optional for a service; goguard asks for the first
//! and falls back to the second.

use serde::Deserialize;

/// The figures goguard keeps, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemStats {
    /// Bytes of allocated heap objects (reachable or not yet swept).
    pub heap_alloc: u64,
    /// Bytes in in-use heap spans.
    pub heap_inuse: Option<u64>,
    /// Bytes obtained from the OS.
    pub sys: Option<u64>,
    /// Completed GC cycles.
    pub num_gc: Option<u64>,
    /// Goroutines, when the source says (`go_goroutines`).
    pub goroutines: Option<u64>,
}

#[derive(Deserialize)]
struct Vars {
    memstats: Option<ExpvarMemStats>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExpvarMemStats {
    heap_alloc: u64,
    heap_inuse: Option<u64>,
    sys: Option<u64>,
    #[serde(rename = "NumGC")]
    num_gc: Option<u64>,
}

/// Reads `/debug/vars`. Errors say what is missing.
pub fn from_expvar(body: &[u8]) -> Result<MemStats, String> {
    let vars: Vars = serde_json::from_slice(body).map_err(|e| format!("not expvar JSON: {e}"))?;
    let m = vars
        .memstats
        .ok_or("expvar has no `memstats` (is the expvar package imported?)")?;
    Ok(MemStats {
        heap_alloc: m.heap_alloc,
        heap_inuse: m.heap_inuse,
        sys: m.sys,
        num_gc: m.num_gc,
        goroutines: None,
    })
}

/// Reads the Prometheus text format, taking the Go collector's metrics.
pub fn from_prometheus_text(body: &[u8]) -> Result<MemStats, String> {
    let text = String::from_utf8_lossy(body);
    let mut out = MemStats::default();
    let mut heap_alloc = None;
    for line in text.lines() {
        let Some((name, value)) = sample(line) else {
            continue;
        };
        let as_u64 = || (value.is_finite() && value >= 0.0).then_some(value as u64);
        match name {
            "go_memstats_heap_alloc_bytes" => heap_alloc = as_u64(),
            "go_memstats_heap_inuse_bytes" => out.heap_inuse = as_u64(),
            "go_memstats_sys_bytes" => out.sys = as_u64(),
            "go_gc_duration_seconds_count" => out.num_gc = as_u64(),
            "go_goroutines" => out.goroutines = as_u64(),
            _ => {}
        }
    }
    out.heap_alloc = heap_alloc.ok_or("no go_memstats_heap_alloc_bytes in the metrics")?;
    Ok(out)
}

/// One unlabelled sample line (`name value [timestamp]`); comments, labelled series and
/// malformed lines give None.
fn sample(line: &str) -> Option<(&str, f64)> {
    let line = line.trim();
    if line.starts_with('#') || line.contains('{') {
        return None;
    }
    let mut parts = line.split_ascii_whitespace();
    let name = parts.next()?;
    let value = parts.next()?.parse::<f64>().ok()?;
    Some((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expvar_memstats() {
        let body = br#"{"cmdline":["svc"],"memstats":{"Alloc":10,"HeapAlloc":4194304,"HeapInuse":5000000,"Sys":9000000,"NumGC":7,"BySize":[]}}"#;
        let m = from_expvar(body).unwrap();
        assert_eq!(m.heap_alloc, 4194304);
        assert_eq!(m.heap_inuse, Some(5000000));
        assert_eq!(m.num_gc, Some(7));
        assert!(from_expvar(br#"{"cmdline":[]}"#)
            .unwrap_err()
            .contains("memstats"));
        assert!(from_expvar(b"<html>").is_err());
    }

    #[test]
    fn prometheus_go_collector() {
        let body = b"# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\n\
            go_goroutines 42\ngo_memstats_heap_alloc_bytes 1.2345e+06\n\
            go_gc_duration_seconds{quantile=\"0.5\"} 0.001\ngo_gc_duration_seconds_count 12\n";
        let m = from_prometheus_text(body).unwrap();
        assert_eq!(m.heap_alloc, 1_234_500);
        assert_eq!(m.goroutines, Some(42));
        assert_eq!(m.num_gc, Some(12));
        assert!(from_prometheus_text(b"go_goroutines 3\n").is_err());
        assert!(from_prometheus_text(b"go_memstats_heap_alloc_bytes NaN\n").is_err());
    }
}
