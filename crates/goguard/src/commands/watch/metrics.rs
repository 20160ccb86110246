//! `/metrics`: what the store knows, in the Prometheus text exposition format (0.0.4), so
//! the fleet's Prometheus can scrape goguard and its alert rules and Grafana dashboard
//! (in `contrib/`) can use it. Gauges come from each target's latest samples; the counters
//! of polls, captures and alerts exist only while `goguard watch` runs.

use std::fmt::Write as _;

use rusqlite::Connection;

use super::queries;
use super::stats::Stats;

/// At most this many site series per target: the largest groups that are not expected
/// background, so a service with thousands of sites does not flood the server.
const MAX_SITES: usize = 50;

/// The whole exposition.
pub fn render(conn: &Connection, stats: Option<&Stats>) -> anyhow::Result<String> {
    let targets = queries::targets(conn)?;
    let mut out = String::new();
    let family = |out: &mut String, name: &str, kind: &str, help: &str| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    };

    family(
        &mut out,
        "goguard_target_up",
        "gauge",
        "1 when the latest poll of the target succeeded.",
    );
    for t in &targets {
        let up = t.last.as_ref().is_some_and(|l| l.error.is_none());
        let _ = writeln!(
            out,
            "goguard_target_up{} {}",
            labels(&[("target", &t.name), ("url", &t.url)]),
            up as u8
        );
    }
    family(
        &mut out,
        "goguard_last_poll_timestamp_seconds",
        "gauge",
        "When the target was last polled.",
    );
    for t in &targets {
        if let Some(l) = &t.last {
            let _ = writeln!(
                out,
                "goguard_last_poll_timestamp_seconds{} {}",
                target(t),
                seconds(l.at_ms)
            );
        }
    }
    family(
        &mut out,
        "goguard_last_poll_duration_seconds",
        "gauge",
        "How long the latest poll took.",
    );
    for t in &targets {
        if let Some(l) = &t.last {
            let _ = writeln!(
                out,
                "goguard_last_poll_duration_seconds{} {}",
                target(t),
                seconds(l.duration_ms)
            );
        }
    }
    family(
        &mut out,
        "goguard_goroutines",
        "gauge",
        "Goroutines at the latest successful poll.",
    );
    for t in &targets {
        if let Some(n) = t.last.as_ref().and_then(|l| l.goroutines) {
            let _ = writeln!(out, "goguard_goroutines{} {n}", target(t));
        }
    }
    family(
        &mut out,
        "goguard_heap_alloc_bytes",
        "gauge",
        "HeapAlloc at the latest successful poll.",
    );
    for t in &targets {
        if let Some(n) = t.last.as_ref().and_then(|l| l.heap_alloc) {
            let _ = writeln!(out, "goguard_heap_alloc_bytes{} {n}", target(t));
        }
    }
    family(
        &mut out,
        "goguard_heap_baseline_bytes",
        "gauge",
        "The HeapAlloc baseline heap triggers compare with.",
    );
    for t in &targets {
        if let Some(n) = t.baseline_heap {
            let _ = writeln!(out, "goguard_heap_baseline_bytes{} {n}", target(t));
        }
    }
    family(
        &mut out,
        "goguard_heap_profile_inuse_bytes",
        "gauge",
        "In-use bytes of the heap profile after the latest poll's collection.",
    );
    let heaps: Vec<_> = targets
        .iter()
        .map(|t| Ok((t, queries::heap_top(conn, t.id)?)))
        .collect::<anyhow::Result<_>>()?;
    for (t, h) in &heaps {
        if let Some(h) = h {
            let _ = writeln!(
                out,
                "goguard_heap_profile_inuse_bytes{} {}",
                target(t),
                h.total
            );
        }
    }
    family(
        &mut out,
        "goguard_heap_function_inuse_bytes",
        "gauge",
        "In-use bytes allocated in each of the functions holding the most of the heap.",
    );
    for (t, h) in &heaps {
        for f in h.iter().flat_map(|h| &h.functions) {
            let _ = writeln!(
                out,
                "goguard_heap_function_inuse_bytes{} {}",
                labels(&[
                    ("target", &t.name),
                    ("url", &t.url),
                    ("function", &f.function)
                ]),
                f.flat
            );
        }
    }
    family(
        &mut out,
        "goguard_suspects",
        "gauge",
        "Findings of the latest diagnosis, by confidence.",
    );
    for t in &targets {
        for (conf, n) in ["certain", "high", "medium", "low"].iter().zip(t.suspects) {
            let _ = writeln!(
                out,
                "goguard_suspects{} {n}",
                labels(&[("target", &t.name), ("url", &t.url), ("confidence", conf)])
            );
        }
    }
    family(
        &mut out,
        "goguard_suspect_goroutines",
        "gauge",
        "Goroutines the latest diagnosis accuses.",
    );
    for t in &targets {
        let _ = writeln!(out, "goguard_suspect_goroutines{} {}", target(t), t.accused);
    }
    family(
        &mut out,
        "goguard_site_goroutines",
        "gauge",
        "Goroutines per site (blocking line and go statement) at the latest successful poll, largest sites.",
    );
    for t in &targets {
        for (site, count, state) in queries::top_sites(conn, t.id, MAX_SITES)? {
            let place = |p: &Option<super::record::Place>| {
                p.as_ref()
                    .map(|p| format!("{}:{}", p.file, p.line))
                    .unwrap_or_default()
            };
            let func = |p: &Option<super::record::Place>| {
                p.as_ref().map(|p| p.function.clone()).unwrap_or_default()
            };
            let _ = writeln!(
                out,
                "goguard_site_goroutines{} {count}",
                labels(&[
                    ("target", &t.name),
                    ("url", &t.url),
                    ("state", &state),
                    ("function", &func(&site.blocking)),
                    ("blocking", &place(&site.blocking)),
                    ("go_statement", &place(&site.created_by)),
                ])
            );
        }
    }
    if let Some(stats) = stats {
        let per_target = stats.targets();
        let name_of = |id: i64| targets.iter().find(|t| t.id == id);
        family(
            &mut out,
            "goguard_polls_total",
            "counter",
            "Polls since goguard started, by result.",
        );
        for (id, s) in &per_target {
            if let Some(t) = name_of(*id) {
                for (result, n) in [("ok", s.polls_ok), ("failed", s.polls_failed)] {
                    let _ = writeln!(
                        out,
                        "goguard_polls_total{} {n}",
                        labels(&[("target", &t.name), ("url", &t.url), ("result", result)])
                    );
                }
            }
        }
        family(
            &mut out,
            "goguard_target_watched",
            "gauge",
            "1 while this goguard polls the target; 0 for a target known only from the store (an earlier run, or a discovered instance no longer growing).",
        );
        for t in &targets {
            let watched = per_target.get(&t.id).is_some_and(|s| s.pollers > 0);
            let _ = writeln!(out, "goguard_target_watched{} {}", target(t), watched as u8);
        }
        family(
            &mut out,
            "goguard_consecutive_failures",
            "gauge",
            "Polls failed in a row (the target is backed off).",
        );
        for (id, s) in &per_target {
            if let Some(t) = name_of(*id) {
                let _ = writeln!(
                    out,
                    "goguard_consecutive_failures{} {}",
                    target(t),
                    s.consecutive_failures
                );
            }
        }
        family(
            &mut out,
            "goguard_captures_total",
            "counter",
            "Triggered captures since goguard started.",
        );
        for (id, s) in &per_target {
            if let Some(t) = name_of(*id) {
                let _ = writeln!(out, "goguard_captures_total{} {}", target(t), s.captures);
            }
        }
        let (sent, failed) = stats.alerts();
        family(
            &mut out,
            "goguard_alerts_total",
            "counter",
            "Alerts since goguard started, by delivery result.",
        );
        let _ = writeln!(
            out,
            "goguard_alerts_total{} {sent}",
            labels(&[("result", "sent")])
        );
        let _ = writeln!(
            out,
            "goguard_alerts_total{} {failed}",
            labels(&[("result", "failed")])
        );
    }
    Ok(out)
}

fn target(t: &queries::TargetSummary) -> String {
    labels(&[("target", &t.name), ("url", &t.url)])
}

fn seconds(ms: i64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// `{a="x",b="y"}` with values escaped as the format requires.
pub fn labels(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{k}=\"");
        for c in v.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::labels;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels(&[("target", "a\"b\\c\nd"), ("url", "http://x")]),
            r#"{target="a\"b\\c\nd",url="http://x"}"#
        );
    }
}
