//! The dashboard's pages, drawn on the server from the store: the overview of every
//! target, a target's page (charts, current suspects with confidence, evidence and code,
//! growth since a chosen time, largest sites, captures, alerts, errors) and a site's page
//! (its stack and its count over time). Strings from services go through `esc`.

use std::fmt::Write as _;

use goguard_runtime::analysis::source::SourceTree;
use rusqlite::Connection;

use super::chart::{line_chart, sparkline};
use super::html::{ago, badge, esc, page, parse_since, time};
use super::queries::{self, Growth, SiteRow, TargetSummary};
use super::record::{FindingRecord, Place};
use super::trigger::bytes;

/// How often pages reload themselves (a meta refresh: the pages carry no script).
const REFRESH_SECONDS: u32 = 30;
/// Lines of code shown around a frame on a site's page, and how many frames get code.
const CODE_CONTEXT: u32 = 3;
const MAX_CODE_FRAMES: usize = 6;
/// What the target page shows by default.
const DEFAULT_WINDOW_MS: i64 = 6 * 3600 * 1000;

pub fn overview(conn: &Connection, now_ms: i64) -> anyhow::Result<String> {
    let targets = queries::targets(conn)?;
    let mut b = String::from("<h1>Services</h1>");
    if targets.is_empty() {
        b.push_str("<p class=\"muted\">No targets yet.</p>");
    } else {
        b.push_str(
            "<table id=\"targets\"><tr><th>service</th><th>status</th><th>goroutines</th>\
             <th>last 6 h</th><th>heap</th><th>suspects</th><th>samples</th></tr>",
        );
        for t in &targets {
            let series = queries::series(conn, t.id, now_ms - DEFAULT_WINDOW_MS)?;
            let points: Vec<(i64, f64)> = series
                .iter()
                .filter_map(|p| p.goroutines.map(|g| (p.at_ms, g as f64)))
                .collect();
            let _ = write!(
                b,
                "<tr class=\"target\"><td><a href=\"/target/{}\">{}</a><br><span class=\"muted\">{}</span></td>\
                 <td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
                 <td class=\"num\">{}</td></tr>",
                t.id,
                esc(&t.name),
                esc(&t.url),
                status(t, now_ms),
                t.last.as_ref().and_then(|l| l.goroutines).map_or("–".into(), |g| g.to_string()),
                sparkline(&points),
                t.last.as_ref().and_then(|l| l.heap_alloc).map_or("–".into(), bytes),
                suspect_badges(t),
                t.samples
            );
        }
        b.push_str("</table>");
    }
    Ok(page("Services", Some(REFRESH_SECONDS), &b))
}

fn status(t: &TargetSummary, now_ms: i64) -> String {
    match &t.last {
        None => "<span class=\"muted\">waiting for the first poll</span>".into(),
        Some(l) => match &l.error {
            None => format!(
                "<span class=\"up\">up</span> <span class=\"muted\">{} ago</span>",
                ago(l.at_ms, now_ms)
            ),
            Some(e) => format!(
                "<span class=\"down\">down</span> <span class=\"muted\">{} ago: {}</span>",
                ago(l.at_ms, now_ms),
                esc(e)
            ),
        },
    }
}

fn suspect_badges(t: &TargetSummary) -> String {
    let mut out = String::new();
    for (conf, n) in ["certain", "high", "medium", "low"].iter().zip(t.suspects) {
        if n > 0 {
            let _ = write!(out, "{} ×{n} ", badge(conf));
        }
    }
    if out.is_empty() {
        out.push_str("<span class=\"muted\">none</span>");
    }
    out
}

/// A target's page; None when there is no such target.
pub fn target(
    conn: &Connection,
    id: i64,
    since: Option<&str>,
    now_ms: i64,
) -> anyhow::Result<Option<String>> {
    let Some(t) = queries::target(conn, id)? else {
        return Ok(None);
    };
    let since_ms = match since {
        Some(s) if !s.trim().is_empty() => parse_since(s, now_ms),
        _ => None,
    };
    let from_ms = since_ms.unwrap_or(now_ms - DEFAULT_WINDOW_MS);
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1><p><span class=\"muted\">{} (from the {})</span> · {} · {} samples{}</p>",
        esc(&t.name),
        esc(&t.url),
        esc(&t.origin),
        status(&t, now_ms),
        t.samples,
        t.baseline_heap
            .map_or(String::new(), |h| format!(" · heap baseline {}", bytes(h)))
    );
    let _ = write!(
        b,
        "<form method=\"get\" action=\"/target/{id}\">Since <input name=\"since\" value=\"{}\" \
         placeholder=\"6h, 30m or 2026-12-05 01:30\"> <button>show</button></form>",
        esc(since.unwrap_or(""))
    );
    if since.is_some_and(|s| !s.trim().is_empty()) && since_ms.is_none() {
        b.push_str("<p class=\"down\">Not a time: use a duration back from now (30m, 6h, 2d) or a UTC date and time (2026-12-05 01:30).</p>");
    }
    let series = queries::series(conn, id, from_ms)?;
    let goroutines: Vec<(i64, f64)> = series
        .iter()
        .filter_map(|p| p.goroutines.map(|g| (p.at_ms, g as f64)))
        .collect();
    let heap: Vec<(i64, f64)> = series
        .iter()
        .filter_map(|p| p.heap_alloc.map(|h| (p.at_ms, h as f64)))
        .collect();
    b.push_str("<h2>Goroutines</h2>");
    b.push_str(&line_chart("goroutines", &goroutines, &|v| {
        format!("{v:.0}")
    }));
    b.push_str("<h2>Heap (HeapAlloc)</h2>");
    if heap.is_empty() && !goroutines.is_empty() {
        b.push_str("<p class=\"muted\">The service serves neither /debug/vars (expvar) nor /metrics with go_memstats_heap_alloc_bytes.</p>");
    }
    b.push_str(&line_chart("heap", &heap, &|v| bytes(v as u64)));

    let (at, suspects) = queries::suspects(conn, id)?;
    let _ = write!(
        b,
        "<h2>Current suspects</h2>{}",
        at.map_or(String::new(), |at| format!(
            "<p class=\"muted\">diagnosis of the sample at {}</p>",
            time(at)
        ))
    );
    if suspects.is_empty() {
        b.push_str("<p class=\"muted\" id=\"no-suspects\">None.</p>");
    }
    for s in &suspects {
        suspect(&mut b, id, &s.finding, s.site_id, s.first_seen_ms);
    }

    if let Some(g) = queries::growth(conn, id, from_ms)? {
        growth(&mut b, id, &g);
    }

    heap_profile(&mut b, conn, id, from_ms)?;

    let top = queries::top_sites(conn, id, 20)?;
    b.push_str("<h2>Largest sites now</h2>");
    if top.is_empty() {
        b.push_str("<p class=\"muted\">None.</p>");
    } else {
        b.push_str("<table id=\"sites\"><tr><th>goroutines</th><th>state</th><th>blocked at</th><th>go statement</th></tr>");
        for (site, count, state) in &top {
            let _ = write!(
                b,
                "<tr><td class=\"num\">{count}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(state),
                site_link(id, site, &site.blocking),
                place_cell(&site.created_by)
            );
        }
        b.push_str("</table>");
    }

    let captures = queries::captures(conn, id)?;
    if !captures.is_empty() {
        b.push_str("<h2>Captured profiles</h2><table id=\"captures\"><tr><th>when</th><th>why</th><th>profile</th><th>size</th></tr>");
        for c in &captures {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td><a href=\"/capture/{}\">{}</a><br><span class=\"muted\">{}</span></td><td class=\"num\">{}</td></tr>",
                time(c.at_ms),
                esc(c.trigger.as_deref().unwrap_or("")),
                c.id,
                esc(&c.kind),
                esc(&c.url),
                bytes(c.bytes)
            );
        }
        b.push_str("</table>");
    }

    let alerts = queries::alerts(conn, id)?;
    if !alerts.is_empty() {
        b.push_str("<h2>Alerts</h2><table id=\"alerts\"><tr><th>raised</th><th>status</th><th>attempts</th><th>body</th></tr>");
        for a in &alerts {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
                time(a.created_ms),
                esc(&a.status),
                a.last_error.as_ref().map_or(String::new(), |e| format!("<br><span class=\"muted\">{}</span>", esc(e))),
                a.attempts,
                esc(&a.payload)
            );
        }
        b.push_str("</table>");
    }

    let errors = queries::recent_errors(conn, id, 10)?;
    if !errors.is_empty() {
        b.push_str("<h2>Recent failed polls</h2><table><tr><th>when</th><th>error</th></tr>");
        for (at, e) in &errors {
            let _ = write!(b, "<tr><td>{}</td><td>{}</td></tr>", time(*at), esc(e));
        }
        b.push_str("</table>");
    }
    Ok(Some(page(&t.name, Some(REFRESH_SECONDS), &b)))
}

fn suspect(
    b: &mut String,
    target: i64,
    f: &FindingRecord,
    site: Option<i64>,
    first_seen_ms: Option<i64>,
) {
    let _ = write!(
        b,
        "<div class=\"suspect\"><p>{} <b>{}</b> {} — {}</p>",
        badge(&f.confidence),
        esc(&f.code),
        esc(&f.rule),
        esc(&f.message)
    );
    if let Some(p) = f.primary() {
        let _ = write!(
            b,
            "<p>{} goroutines {}{}</p>",
            f.accused(),
            esc(&p.state),
            first_seen_ms.map_or(String::new(), |t| format!(", first seen {}", time(t)))
        );
        if let Some(c) = &p.key.created_by {
            let _ = write!(b, "<p>started by the <code>go</code> statement in <code>{}</code> at <code class=\"go-statement\">{}:{}</code></p>", esc(&c.function), esc(&c.file), c.line);
        }
        if let Some(bl) = &p.key.blocking {
            let _ = write!(
                b,
                "<p>blocked in <code>{}</code> at <code>{}:{}</code></p>",
                esc(&bl.function),
                esc(&bl.file),
                bl.line
            );
        }
    }
    if !f.evidence.is_empty() {
        b.push_str("<ul class=\"evidence\">");
        for e in &f.evidence {
            let _ = write!(b, "<li>{}</li>", esc(e));
        }
        b.push_str("</ul>");
    }
    for x in &f.code_excerpts {
        code(b, &x.what, &x.path, x.marked, &x.lines);
    }
    if !f.help.is_empty() {
        let _ = write!(b, "<p class=\"muted\">{}</p>", esc(&f.help));
    }
    if let Some(s) = site {
        let _ = write!(
            b,
            "<p><a href=\"/target/{target}/site/{s}\">stack and history</a></p>"
        );
    }
    b.push_str("</div>");
}

/// The heap profile: the functions holding the most now, and how they changed since
/// `from_ms`.
fn heap_profile(
    b: &mut String,
    conn: &Connection,
    target: i64,
    from_ms: i64,
) -> anyhow::Result<()> {
    let Some(now) = queries::heap_top(conn, target)? else {
        return Ok(());
    };
    let _ = write!(
        b,
        "<h2>Heap in use by function</h2><p class=\"muted\">heap profile after a collection, {}: {} in use</p>",
        time(now.at_ms),
        bytes(now.total)
    );
    b.push_str(
        "<table id=\"heap-top\"><tr><th>in use</th><th>with callees</th><th>function</th></tr>",
    );
    for f in &now.functions {
        let _ = write!(
            b,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>{}</code><br><span class=\"muted\">{}</span></td></tr>",
            bytes(f.flat),
            bytes(f.cum),
            esc(&f.function),
            esc(&f.file)
        );
    }
    b.push_str("</table>");
    let Some((first, last, rows)) = queries::heap_growth(conn, target, from_ms)? else {
        return Ok(());
    };
    let _ = write!(
        b,
        "<h2>Heap growth by function</h2><p>From {} to {}: {} → {} in use.</p>",
        time(first.at_ms),
        time(last.at_ms),
        bytes(first.total),
        bytes(last.total)
    );
    if rows.is_empty() {
        b.push_str("<p class=\"muted\">No function changed.</p>");
        return Ok(());
    }
    b.push_str("<table id=\"heap-growth\"><tr><th>change</th><th>before</th><th>after</th><th>function</th></tr>");
    for r in rows.iter().take(20) {
        let change = r.after as i64 - r.before as i64;
        let sign = if change >= 0 { "+" } else { "−" };
        let _ = write!(
            b,
            "<tr><td class=\"num {}\">{sign}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>{}</code><br><span class=\"muted\">{}</span></td></tr>",
            if change > 0 { "down" } else { "up" },
            bytes(change.unsigned_abs()),
            bytes(r.before),
            bytes(r.after),
            esc(&r.function),
            esc(&r.file)
        );
    }
    b.push_str("</table><p class=\"muted\">Functions outside the 20 largest of a profile count as 0 there.</p>");
    Ok(())
}

/// Source lines under a caption, the marked one highlighted.
fn code(b: &mut String, caption: &str, path: &str, marked: u32, lines: &[(u32, String)]) {
    let _ = write!(
        b,
        "<p class=\"muted\">{} — {}</p><pre class=\"code\">",
        esc(caption),
        esc(path)
    );
    for (n, line) in lines {
        if *n == marked {
            let _ = writeln!(b, "<span class=\"mark\">{n:>5} {}</span>", esc(line));
        } else {
            let _ = writeln!(b, "{n:>5} {}", esc(line));
        }
    }
    b.push_str("</pre>");
}

fn growth(b: &mut String, target: i64, g: &Growth) {
    let _ = write!(
        b,
        "<h2>Growth</h2><p>From {} to {}: {} → {} goroutines ({:+}).</p>",
        time(g.from_ms),
        time(g.to_ms),
        g.from_total,
        g.to_total,
        g.to_total as i64 - g.from_total as i64
    );
    if g.rows.is_empty() {
        b.push_str("<p class=\"muted\">No site changed.</p>");
        return;
    }
    b.push_str("<table id=\"growth\"><tr><th>change</th><th>before</th><th>after</th><th>blocked at</th><th>go statement</th></tr>");
    for r in g.rows.iter().take(30) {
        let change = r.after as i64 - r.before as i64;
        let _ = write!(
            b,
            "<tr><td class=\"num {}\">{change:+}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            if change > 0 { "down" } else { "up" },
            r.before,
            r.after,
            site_link(target, &r.site, &r.site.blocking),
            place_cell(&r.site.created_by)
        );
    }
    b.push_str("</table>");
}

fn place_cell(p: &Option<Place>) -> String {
    match p {
        Some(p) => format!(
            "<code>{}</code><br><span class=\"muted\">{}</span>",
            esc(&p.function),
            esc(&p.short())
        ),
        None => "<span class=\"muted\">–</span>".into(),
    }
}

fn site_link(target: i64, site: &SiteRow, p: &Option<Place>) -> String {
    format!(
        "<a href=\"/target/{target}/site/{}\">{}</a>",
        site.id,
        place_cell(p)
    )
}

/// A site's page; None when there is no such site.
/// With `source`, the code at each frame of the stack the tree has.
pub fn site(
    conn: &Connection,
    target: i64,
    site: i64,
    now_ms: i64,
    source: Option<&SourceTree>,
) -> anyhow::Result<Option<String>> {
    let (Some(t), Some((row, stack))) = (
        queries::target(conn, target)?,
        queries::site(conn, target, site)?,
    ) else {
        return Ok(None);
    };
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1><a href=\"/target/{target}\">{}</a> · site</h1><p>{} · first seen {}{}</p>",
        esc(&t.name),
        esc(&row.kind),
        time(row.first_ms),
        row.background.as_ref().map_or(String::new(), |r| format!(
            " · expected background: {}",
            esc(r)
        ))
    );
    let series: Vec<(i64, f64)> = queries::site_series(conn, site, now_ms - 7 * 86_400_000)?
        .into_iter()
        .map(|(t, n)| (t, n as f64))
        .collect();
    b.push_str("<h2>Goroutines at this site</h2>");
    b.push_str(&line_chart("goroutines at this site", &series, &|v| {
        format!("{v:.0}")
    }));
    b.push_str("<h2>Stack</h2><pre class=\"stack\">");
    for f in &stack {
        let _ = writeln!(
            b,
            "{}\n        {}:{}",
            esc(&f.function),
            esc(&f.file),
            f.line
        );
    }
    b.push_str("</pre>");
    if let Some(tree) = source {
        let snippets: Vec<_> = stack
            .iter()
            .filter_map(|f| Some((f, tree.snippet(&f.file, f.line, CODE_CONTEXT)?)))
            .take(MAX_CODE_FRAMES)
            .collect();
        if !snippets.is_empty() {
            b.push_str("<h2>Code</h2>");
        }
        for (f, s) in snippets {
            code(
                &mut b,
                &f.function,
                &s.path.display().to_string(),
                s.marked,
                &s.lines,
            );
        }
    }
    Ok(Some(page("site", Some(REFRESH_SECONDS), &b)))
}

pub fn not_found(what: &str) -> String {
    page(
        "not found",
        None,
        &format!("<h1>Not found</h1><p>{}</p>", esc(what)),
    )
}
