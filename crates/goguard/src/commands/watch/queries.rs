//! What the dashboard and `/metrics` read from the store, on read-only connections.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::record::{FindingRecord, HeapFunction, Place};

pub type Result<T> = anyhow::Result<T>;

/// A target and its latest sample.
#[derive(Debug, Clone)]
pub struct TargetSummary {
    pub id: i64,
    pub url: String,
    pub name: String,
    pub origin: String,
    pub baseline_heap: Option<u64>,
    pub last: Option<LastSample>,
    /// Findings of the latest successful sample by confidence: certain, high, medium, low.
    pub suspects: [u64; 4],
    /// Goroutines those findings accuse.
    pub accused: u64,
    pub samples: u64,
}

#[derive(Debug, Clone)]
pub struct LastSample {
    pub at_ms: i64,
    pub duration_ms: i64,
    pub error: Option<String>,
    /// Of the latest successful sample.
    pub goroutines: Option<u64>,
    pub heap_alloc: Option<u64>,
}

/// A point of a target's charts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    pub at_ms: i64,
    pub goroutines: Option<u64>,
    pub heap_alloc: Option<u64>,
}

/// A current suspect.
#[derive(Debug, Clone)]
pub struct Suspect {
    pub finding: FindingRecord,
    pub site_id: Option<i64>,
    /// The first sample in the store with a finding of this rule at this site.
    pub first_seen_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct SiteRow {
    pub id: i64,
    pub kind: String,
    pub blocking: Option<Place>,
    pub created_by: Option<Place>,
    pub background: Option<String>,
    pub first_ms: i64,
}

/// A site's count at two samples.
#[derive(Debug, Clone)]
pub struct GrowthRow {
    pub site: SiteRow,
    pub before: u64,
    pub after: u64,
}

#[derive(Debug, Clone)]
pub struct Growth {
    pub from_ms: i64,
    pub to_ms: i64,
    pub from_total: u64,
    pub to_total: u64,
    /// Sites that changed, most growth first.
    pub rows: Vec<GrowthRow>,
}

#[derive(Debug, Clone)]
pub struct CaptureRow {
    pub id: i64,
    pub at_ms: i64,
    pub kind: String,
    pub url: String,
    pub bytes: u64,
    pub trigger: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AlertRow {
    pub created_ms: i64,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub payload: String,
}

/// Most points a chart gets; longer series are thinned evenly.
pub const MAX_POINTS: usize = 600;

const CONFIDENCES: [&str; 4] = ["certain", "high", "medium", "low"];

fn u(v: Option<i64>) -> Option<u64> {
    v.map(|v| v.max(0) as u64)
}

pub fn targets(conn: &Connection) -> Result<Vec<TargetSummary>> {
    let mut stmt = conn.prepare(
        "SELECT id, url, name, origin, baseline_heap,
           (SELECT COUNT(*) FROM samples s WHERE s.target_id = t.id)
         FROM targets t ORDER BY name, url",
    )?;
    let rows: Vec<(i64, String, String, String, Option<i64>, i64)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, url, name, origin, baseline, samples) in rows {
        let mut t = TargetSummary {
            id,
            url,
            name,
            origin,
            baseline_heap: u(baseline),
            last: None,
            suspects: [0; 4],
            accused: 0,
            samples: samples as u64,
        };
        t.last = last_sample(conn, id)?;
        if let Some(ok) = last_ok_sample(conn, id)? {
            let mut stmt = conn.prepare_cached(
                "SELECT confidence, COUNT(*), SUM(accused) FROM findings WHERE sample_id = ?1
                 GROUP BY confidence",
            )?;
            let counts = stmt.query_map([ok], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for c in counts {
                let (conf, n, accused) = c?;
                if let Some(i) = CONFIDENCES.iter().position(|&k| k == conf) {
                    t.suspects[i] = n as u64;
                }
                t.accused += accused as u64;
            }
        }
        out.push(t);
    }
    Ok(out)
}

pub fn target(conn: &Connection, id: i64) -> Result<Option<TargetSummary>> {
    Ok(targets(conn)?.into_iter().find(|t| t.id == id))
}

fn last_sample(conn: &Connection, target: i64) -> Result<Option<LastSample>> {
    let last = conn
        .query_row(
            "SELECT at_ms, duration_ms, error FROM samples WHERE target_id = ?1
             ORDER BY at_ms DESC, id DESC LIMIT 1",
            [target],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((at_ms, duration_ms, error)) = last else {
        return Ok(None);
    };
    let ok = conn
        .query_row(
            "SELECT goroutines, heap_alloc FROM samples
             WHERE target_id = ?1 AND error IS NULL ORDER BY at_ms DESC, id DESC LIMIT 1",
            [target],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(Some(LastSample {
        at_ms,
        duration_ms,
        error,
        goroutines: ok.and_then(|o| u(o.0)),
        heap_alloc: ok.and_then(|o| u(o.1)),
    }))
}

fn last_ok_sample(conn: &Connection, target: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM samples WHERE target_id = ?1 AND error IS NULL
             ORDER BY at_ms DESC, id DESC LIMIT 1",
            [target],
            |r| r.get(0),
        )
        .optional()?)
}

/// The target's successful samples from `from_ms` on, thinned to `MAX_POINTS`.
pub fn series(conn: &Connection, target: i64, from_ms: i64) -> Result<Vec<SeriesPoint>> {
    let mut stmt = conn.prepare(
        "SELECT at_ms, goroutines, heap_alloc FROM samples
         WHERE target_id = ?1 AND at_ms >= ?2 AND error IS NULL ORDER BY at_ms, id",
    )?;
    let all: Vec<SeriesPoint> = stmt
        .query_map(params![target, from_ms], |r| {
            Ok(SeriesPoint {
                at_ms: r.get(0)?,
                goroutines: u(r.get(1)?),
                heap_alloc: u(r.get(2)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(thin(all, MAX_POINTS))
}

/// At most `max` points, evenly spaced, the last one kept.
pub fn thin<T: Copy>(all: Vec<T>, max: usize) -> Vec<T> {
    if all.len() <= max || max < 2 {
        return all;
    }
    let step = (all.len() - 1) as f64 / (max - 1) as f64;
    (0..max)
        .map(|i| all[((i as f64 * step).round() as usize).min(all.len() - 1)])
        .collect()
}

/// The findings of the target's latest successful sample.
pub fn suspects(conn: &Connection, target: i64) -> Result<(Option<i64>, Vec<Suspect>)> {
    let Some(sample) = last_ok_sample(conn, target)? else {
        return Ok((None, Vec::new()));
    };
    let at: i64 = conn.query_row("SELECT at_ms FROM samples WHERE id = ?1", [sample], |r| {
        r.get(0)
    })?;
    let mut stmt = conn.prepare(
        "SELECT f.record, f.site_id,
           (SELECT MIN(s.at_ms) FROM findings f2 JOIN samples s ON s.id = f2.sample_id
            WHERE f2.site_id = f.site_id AND f2.code = f.code)
         FROM findings f WHERE f.sample_id = ?1 ORDER BY f.id",
    )?;
    let rows = stmt
        .query_map([sample], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (record, site_id, first_seen_ms) in rows {
        out.push(Suspect {
            finding: serde_json::from_str(&record)?,
            site_id,
            first_seen_ms,
        });
    }
    Ok((Some(at), out))
}

fn place(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<Place>> {
    let function: Option<String> = r.get(at)?;
    Ok(match function {
        Some(function) => Some(Place {
            function,
            file: r.get::<_, Option<String>>(at + 1)?.unwrap_or_default(),
            line: r.get::<_, Option<u32>>(at + 2)?.unwrap_or(0),
        }),
        None => None,
    })
}

const SITE_COLUMNS: &str = "sites.id, sites.kind, sites.blocking_function, sites.blocking_file,
    sites.blocking_line, sites.created_function, sites.created_file, sites.created_line,
    sites.background, sites.first_ms";

fn site_row(r: &Row<'_>) -> rusqlite::Result<SiteRow> {
    Ok(SiteRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        blocking: place(r, 2)?,
        created_by: place(r, 5)?,
        background: r.get(8)?,
        first_ms: r.get(9)?,
    })
}

/// A site of the target, with its stack.
pub fn site(conn: &Connection, target: i64, site: i64) -> Result<Option<(SiteRow, Vec<Place>)>> {
    let row = conn
        .query_row(
            &format!(
                "SELECT {SITE_COLUMNS}, sites.stack FROM sites WHERE id = ?1 AND target_id = ?2"
            ),
            params![site, target],
            |r| Ok((site_row(r)?, r.get::<_, String>(10)?)),
        )
        .optional()?;
    Ok(match row {
        Some((s, stack)) => Some((s, serde_json::from_str(&stack)?)),
        None => None,
    })
}

/// A site's goroutine count at each sample that has it, from `from_ms` on.
pub fn site_series(conn: &Connection, site: i64, from_ms: i64) -> Result<Vec<(i64, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT s.at_ms, ss.count FROM sample_sites ss JOIN samples s ON s.id = ss.sample_id
         WHERE ss.site_id = ?1 AND s.at_ms >= ?2 ORDER BY s.at_ms",
    )?;
    let all = stmt
        .query_map(params![site, from_ms], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(thin(all, MAX_POINTS))
}

/// How each site changed between the first successful sample at or after `since_ms` (or
/// the earliest one) and the latest.
pub fn growth(conn: &Connection, target: i64, since_ms: i64) -> Result<Option<Growth>> {
    let first = conn
        .query_row(
            "SELECT id, at_ms, goroutines FROM samples WHERE target_id = ?1 AND error IS NULL
             AND at_ms >= ?2 ORDER BY at_ms, id LIMIT 1",
            params![target, since_ms],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            },
        )
        .optional()?;
    let last = conn
        .query_row(
            "SELECT id, at_ms, goroutines FROM samples WHERE target_id = ?1 AND error IS NULL
             ORDER BY at_ms DESC, id DESC LIMIT 1",
            [target],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            },
        )
        .optional()?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {SITE_COLUMNS},
           COALESCE((SELECT count FROM sample_sites WHERE sample_id = ?1 AND site_id = sites.id), 0),
           COALESCE((SELECT count FROM sample_sites WHERE sample_id = ?2 AND site_id = sites.id), 0)
         FROM sites WHERE target_id = ?3 AND id IN
           (SELECT site_id FROM sample_sites WHERE sample_id IN (?1, ?2))"
    ))?;
    let mut rows: Vec<GrowthRow> = stmt
        .query_map(params![first.0, last.0, target], |r| {
            Ok(GrowthRow {
                site: site_row(r)?,
                before: r.get::<_, i64>(10)?.max(0) as u64,
                after: r.get::<_, i64>(11)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.retain(|r| r.before != r.after);
    rows.sort_by(|a, b| {
        let change = |r: &GrowthRow| r.after as i64 - r.before as i64;
        change(b).cmp(&change(a)).then(a.site.id.cmp(&b.site.id))
    });
    Ok(Some(Growth {
        from_ms: first.1,
        to_ms: last.1,
        from_total: u(first.2).unwrap_or(0),
        to_total: u(last.2).unwrap_or(0),
        rows,
    }))
}

/// The largest sites of the latest successful sample (background excluded).
pub fn top_sites(
    conn: &Connection,
    target: i64,
    limit: usize,
) -> Result<Vec<(SiteRow, u64, String)>> {
    let Some(sample) = last_ok_sample(conn, target)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {SITE_COLUMNS}, ss.count, ss.state FROM sample_sites ss
         JOIN sites ON sites.id = ss.site_id
         WHERE ss.sample_id = ?1 AND sites.background IS NULL
         ORDER BY ss.count DESC, sites.id LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![sample, limit as i64], |r| {
            Ok((site_row(r)?, r.get::<_, i64>(10)?.max(0) as u64, r.get(11)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn captures(conn: &Connection, target: i64) -> Result<Vec<CaptureRow>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, s.at_ms, c.kind, c.url, LENGTH(c.content), s.trigger FROM captures c
         JOIN samples s ON s.id = c.sample_id WHERE s.target_id = ?1
         ORDER BY s.at_ms DESC, c.id LIMIT 200",
    )?;
    let rows = stmt
        .query_map([target], |r| {
            Ok(CaptureRow {
                id: r.get(0)?,
                at_ms: r.get(1)?,
                kind: r.get(2)?,
                url: r.get(3)?,
                bytes: r.get::<_, i64>(4)?.max(0) as u64,
                trigger: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A capture's kind and bytes.
pub fn capture(conn: &Connection, id: i64) -> Result<Option<(String, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT kind, content FROM captures WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn alerts(conn: &Connection, target: i64) -> Result<Vec<AlertRow>> {
    let mut stmt = conn.prepare(
        "SELECT created_ms, status, attempts, last_error, payload FROM alerts
         WHERE target_id = ?1 ORDER BY created_ms DESC, id DESC LIMIT 100",
    )?;
    let rows = stmt
        .query_map([target], |r| {
            Ok(AlertRow {
                created_ms: r.get(0)?,
                status: r.get(1)?,
                attempts: r.get(2)?,
                last_error: r.get(3)?,
                payload: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The heap profile of one sample: when, its in-use total, the functions holding most.
#[derive(Debug, Clone)]
pub struct HeapTop {
    pub at_ms: i64,
    pub total: u64,
    pub functions: Vec<HeapFunction>,
}

/// A function's in-use bytes in two heap profiles (0 where it was not among the
/// largest).
#[derive(Debug, Clone)]
pub struct HeapGrowthRow {
    pub function: String,
    pub file: String,
    pub before: u64,
    pub after: u64,
}

fn heap_at(conn: &Connection, sample: i64, at_ms: i64, total: i64) -> Result<HeapTop> {
    let mut stmt = conn.prepare_cached(
        "SELECT function, file, flat, cum FROM heap_functions WHERE sample_id = ?1 ORDER BY rank",
    )?;
    let functions = stmt
        .query_map([sample], |r| {
            Ok(HeapFunction {
                function: r.get(0)?,
                file: r.get(1)?,
                flat: r.get::<_, i64>(2)?.max(0) as u64,
                cum: r.get::<_, i64>(3)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(HeapTop {
        at_ms,
        total: total.max(0) as u64,
        functions,
    })
}

/// The heap profile of the target's latest sample that has one.
pub fn heap_top(conn: &Connection, target: i64) -> Result<Option<HeapTop>> {
    let row = conn
        .query_row(
            "SELECT id, at_ms, heap_profile_inuse FROM samples WHERE target_id = ?1
             AND heap_profile_inuse IS NOT NULL ORDER BY at_ms DESC, id DESC LIMIT 1",
            [target],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )
        .optional()?;
    row.map(|(id, at, total)| heap_at(conn, id, at, total))
        .transpose()
}

/// How the heap's functions changed between the first heap profile at or after
/// `since_ms` and the latest: (the two profiles, rows by growth, largest first).
pub fn heap_growth(
    conn: &Connection,
    target: i64,
    since_ms: i64,
) -> Result<Option<(HeapTop, HeapTop, Vec<HeapGrowthRow>)>> {
    let first = conn
        .query_row(
            "SELECT id, at_ms, heap_profile_inuse FROM samples WHERE target_id = ?1
             AND heap_profile_inuse IS NOT NULL AND at_ms >= ?2 ORDER BY at_ms, id LIMIT 1",
            params![target, since_ms],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )
        .optional()?;
    let (Some((id, at, total)), Some(last)) = (first, heap_top(conn, target)?) else {
        return Ok(None);
    };
    let first = heap_at(conn, id, at, total)?;
    let mut rows: Vec<HeapGrowthRow> = Vec::new();
    for (f, after) in first
        .functions
        .iter()
        .map(|f| (f, false))
        .chain(last.functions.iter().map(|f| (f, true)))
    {
        let i = match rows.iter().position(|r| r.function == f.function) {
            Some(i) => i,
            None => {
                rows.push(HeapGrowthRow {
                    function: f.function.clone(),
                    file: f.file.clone(),
                    before: 0,
                    after: 0,
                });
                rows.len() - 1
            }
        };
        if after {
            rows[i].after = f.flat;
        } else {
            rows[i].before = f.flat;
        }
    }
    rows.retain(|r| r.before != r.after);
    rows.sort_by(|a, b| {
        let change = |r: &HeapGrowthRow| r.after as i64 - r.before as i64;
        change(b).cmp(&change(a)).then(a.function.cmp(&b.function))
    });
    Ok(Some((first, last, rows)))
}

/// The target's latest failed polls: (when, error).
pub fn recent_errors(conn: &Connection, target: i64, limit: usize) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT at_ms, error FROM samples WHERE target_id = ?1 AND error IS NOT NULL
         ORDER BY at_ms DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![target, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::thin;

    #[test]
    fn thinning_keeps_the_ends() {
        let all: Vec<u32> = (0..1000).collect();
        let t = thin(all, 10);
        assert_eq!(t.len(), 10);
        assert_eq!((t[0], t[9]), (0, 999));
        assert_eq!(thin(vec![1, 2, 3], 10), vec![1, 2, 3]);
    }
}
