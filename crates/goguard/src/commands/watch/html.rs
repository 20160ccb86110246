//! Building blocks of the dashboard's pages: the page frame, escaping, times and sizes.
//!
//! Every string that came from a service (function names, paths, messages, target names,
//! label values) goes through `esc` before it reaches a page, attributes are always
//! quoted, and the pages carry no script at all: the Content-Security-Policy the server
//! sends (`script-src 'none'`) is a second line of defence, not the first.

use std::fmt::Write as _;

pub use goguard_diagnostics::escape_html as esc;

/// The page around `body`.
pub fn page(title: &str, refresh_seconds: Option<u32>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    if let Some(s) = refresh_seconds {
        let _ = write!(out, "<meta http-equiv=\"refresh\" content=\"{s}\">");
    }
    let _ = write!(out, "<title>{} · goguard watch</title>", esc(title));
    out.push_str("<style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body>");
    out.push_str("<header><a href=\"/\">goguard watch</a></header><main>");
    out.push_str(body);
    out.push_str("</main></body></html>\n");
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}\
header{background:#1f3a5f;padding:.5em 1em}header a{color:#fff;font-weight:bold;text-decoration:none}\
main{padding:0 1em 2em;max-width:1200px}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\
table{border-collapse:collapse;margin:.4em 0;background:#fff}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#eef2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}\
.badge{display:inline-block;border-radius:3px;padding:0 .4em;color:#fff;font-size:.85em}\
.certain{background:#922b21}.high{background:#c0392b}.medium{background:#d68910}.low{background:#7f8c8d}\
.up{color:#1e8449}.down{color:#c0392b;font-weight:bold}.muted{color:#777}\
.suspect{background:#fff;border:1px solid #ddd;border-left:4px solid #c0392b;padding:.5em .8em;margin:.6em 0}\
pre{background:#f3f3f3;padding:.5em;overflow:auto;font-size:.9em}code,pre{font-family:ui-monospace,monospace}\
.mark{background:#fff3b0;font-weight:bold;display:inline-block;width:100%}\
svg.chart{background:#fff;border:1px solid #ddd}svg.chart text{font-size:11px;fill:#555}\
svg.spark{vertical-align:middle}";

/// `2026-12-05 01:55:47 UTC` for milliseconds since the epoch.
pub fn time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `01:55` (for chart axes).
pub fn clock(ms: i64) -> String {
    let rest = ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// How long ago, roughly: `42s`, `5m`, `3h`, `2d`.
pub fn ago(ms: i64, now_ms: i64) -> String {
    let s = (now_ms - ms).max(0) / 1000;
    match s {
        0..=119 => format!("{s}s"),
        120..=7199 => format!("{}m", s / 60),
        7200..=172_799 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A time as the dashboard's `since` parameter takes it: a duration back from `now_ms`
/// (`10m`, `2h`, `1d`) or a UTC date and time (`2026-12-05 01:30`, `2026-12-05T01:30:00`).
pub fn parse_since(text: &str, now_ms: i64) -> Option<i64> {
    let text = text.trim();
    if let Some(seconds) = super::config::duration_seconds(text) {
        return Some(now_ms - (seconds * 1000.0) as i64);
    }
    let (date, clock) = text.split_once(['T', ' ']).unwrap_or((text, "00:00"));
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut c = clock
        .trim_end_matches('Z')
        .split(':')
        .map(|p| p.parse::<i64>().ok());
    let (h, min) = (c.next()??, c.next()??);
    let s = c.next().flatten().unwrap_or(0);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    Some((days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + s) * 1000)
}

// Howard Hinnant's civil calendar algorithms.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A confidence as a coloured badge.
pub fn badge(confidence: &str) -> String {
    let class = match confidence {
        "certain" | "high" | "medium" | "low" => confidence,
        _ => "low",
    };
    format!("<span class=\"badge {class}\">{}</span>", esc(confidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        assert_eq!(time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(time(1_796_435_747_000), "2026-12-05 01:55:47 UTC");
        assert_eq!(
            parse_since("2026-12-05 01:55:47", 0),
            Some(1_796_435_747_000)
        );
        assert_eq!(parse_since("2026-12-05T01:55", 0), Some(1_796_435_700_000));
        assert_eq!(parse_since("10m", 1_000_000), Some(400_000));
        assert_eq!(parse_since("2026-13-05 01:00", 0), None);
        assert_eq!(parse_since("soon", 0), None);
        assert_eq!(ago(0, 90_000), "90s");
        assert_eq!(ago(0, 3 * 3600 * 1000), "3h");
    }

    #[test]
    fn badges_take_only_known_classes() {
        assert_eq!(badge("high"), "<span class=\"badge high\">high</span>");
        assert!(
            badge("\"><script>").starts_with("<span class=\"badge low\">&quot;&gt;&lt;script&gt;")
        );
    }
}
