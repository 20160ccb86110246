//! The store: one SQLite database holding every sample of every target, its site groups,
//! findings, captured profiles and alerts.
//!
//! Durability: WAL journal with `synchronous=FULL`, one transaction per sample. A process
//! killed at any moment (kill -9) leaves every committed sample readable; the sample being
//! written is lost whole or kept whole, never half. Readers (the dashboard) use their own
//! read-only connections and never block the writer.
//!
//! Retention: samples older than the age limit go, then the oldest samples until the
//! data fits the size limit (each target's newest sample is always kept); site groups no
//! sample refers to any more go with them, and freed pages return to the file system
//! (`auto_vacuum=INCREMENTAL`).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use anyhow::Context as _;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use super::record::{Observed, Sample};
use super::schema::MIGRATIONS;

pub struct Store {
    conn: Mutex<Connection>,
}

/// How much history to keep.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub max_age_ms: i64,
    pub max_bytes: u64,
}

/// What a retention pass removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub samples: u64,
    pub sites: u64,
    pub alerts: u64,
}

/// A sample's figures, for triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub at_ms: i64,
    pub goroutines: Option<u64>,
    pub heap_alloc: Option<u64>,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Store {
    /// Opens (creating it if needed) and migrates the store at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the store {}", path.display()))?;
        prepare(&mut conn)
            .with_context(|| format!("{}: not a usable goguard store", path.display()))?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A poisoned lock only means another thread panicked mid-call; SQLite rolled
        // back whatever transaction it had open.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The id of the target with this URL, adding it if new.
    pub fn add_target(
        &self,
        url: &str,
        name: &str,
        origin: &str,
        now_ms: i64,
    ) -> anyhow::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO targets (url, name, origin, added_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(url) DO UPDATE SET name = excluded.name",
            params![url, name, origin, now_ms],
        )?;
        Ok(conn.query_row("SELECT id FROM targets WHERE url = ?1", [url], |r| r.get(0))?)
    }

    pub fn baseline_heap(&self, target: i64) -> anyhow::Result<Option<u64>> {
        let v: Option<i64> = self
            .conn()
            .query_row(
                "SELECT baseline_heap FROM targets WHERE id = ?1",
                [target],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(v.map(|v| v as u64))
    }

    pub fn set_baseline_heap(&self, target: i64, bytes: u64) -> anyhow::Result<()> {
        self.conn().execute(
            "UPDATE targets SET baseline_heap = ?2 WHERE id = ?1",
            params![target, bytes as i64],
        )?;
        Ok(())
    }

    /// The target's last `n` successful samples, oldest first.
    pub fn recent_points(&self, target: i64, n: usize) -> anyhow::Result<Vec<Point>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at_ms, goroutines, heap_alloc FROM samples
             WHERE target_id = ?1 AND error IS NULL ORDER BY at_ms DESC LIMIT ?2",
        )?;
        let mut points = stmt
            .query_map(params![target, n as i64], |r| {
                Ok(Point {
                    at_ms: r.get(0)?,
                    goroutines: r.get::<_, Option<i64>>(1)?.map(|v| v as u64),
                    heap_alloc: r.get::<_, Option<i64>>(2)?.map(|v| v as u64),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        points.reverse();
        Ok(points)
    }

    /// Writes one sample and everything observed with it, in one transaction.
    pub fn insert_sample(&self, target: i64, sample: &Sample) -> anyhow::Result<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = match &sample.outcome {
            Err(error) => {
                tx.execute(
                    "INSERT INTO samples (target_id, at_ms, duration_ms, error) VALUES (?1, ?2, ?3, ?4)",
                    params![target, sample.at_ms, sample.duration_ms, error],
                )?;
                tx.last_insert_rowid()
            }
            Ok(o) => insert_observed(&tx, target, sample, o)?,
        };
        tx.commit()?;
        Ok(id)
    }

    /// Records an alert for (target, key) unless one exists: the id of the new alert,
    /// or None when it was already raised.
    pub fn claim_alert(
        &self,
        target: i64,
        dedup_key: &str,
        sample: i64,
        payload: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<i64>> {
        let conn = self.conn();
        let n = conn.execute(
            "INSERT INTO alerts (target_id, dedup_key, sample_id, created_ms, payload, status)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending') ON CONFLICT DO NOTHING",
            params![target, dedup_key, sample, now_ms, payload],
        )?;
        Ok((n == 1).then(|| conn.last_insert_rowid()))
    }

    /// Records a delivery attempt: sent, or the error (and `failed` once given up).
    pub fn alert_attempt(
        &self,
        id: i64,
        result: &Result<(), String>,
        give_up: bool,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        let conn = self.conn();
        match result {
            Ok(()) => conn.execute(
                "UPDATE alerts SET status = 'sent', attempts = attempts + 1, sent_ms = ?2,
                 last_error = NULL WHERE id = ?1",
                params![id, now_ms],
            )?,
            Err(e) => conn.execute(
                "UPDATE alerts SET status = ?3, attempts = attempts + 1, last_error = ?2
                 WHERE id = ?1",
                params![id, e, if give_up { "failed" } else { "pending" }],
            )?,
        };
        Ok(())
    }

    /// Alerts not delivered yet (after a restart): (id, payload, attempts).
    pub fn pending_alerts(&self) -> anyhow::Result<Vec<(i64, String, u32)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, payload, attempts FROM alerts WHERE status = 'pending' ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Bytes the data takes (pages in use, free pages not counted).
    pub fn used_bytes(&self) -> anyhow::Result<u64> {
        used_bytes(&self.conn())
    }

    /// Applies the retention policy; see the module documentation.
    pub fn retain(&self, policy: Retention, now_ms: i64) -> anyhow::Result<Removed> {
        let mut removed = Removed::default();
        let cutoff = now_ms.saturating_sub(policy.max_age_ms);
        // Batches keep each transaction short, so pollers are not held up.
        const BATCH: i64 = 500;
        loop {
            let n = self.conn().execute(
                "DELETE FROM samples WHERE id IN (
                   SELECT id FROM samples WHERE at_ms < ?1
                   AND id NOT IN (SELECT MAX(id) FROM samples GROUP BY target_id)
                   ORDER BY at_ms LIMIT ?2)",
                params![cutoff, BATCH],
            )?;
            removed.samples += n as u64;
            if (n as i64) < BATCH {
                break;
            }
        }
        removed.alerts =
            self.conn()
                .execute("DELETE FROM alerts WHERE created_ms < ?1", [cutoff])? as u64;
        // Size: drop the oldest tenth of what is left until the data fits.
        for _ in 0..64 {
            let used = self.used_bytes()?;
            if used <= policy.max_bytes {
                break;
            }
            let conn = self.conn();
            let total: i64 = conn.query_row("SELECT COUNT(*) FROM samples", [], |r| r.get(0))?;
            let n = conn.execute(
                "DELETE FROM samples WHERE id IN (
                   SELECT id FROM samples
                   WHERE id NOT IN (SELECT MAX(id) FROM samples GROUP BY target_id)
                   ORDER BY at_ms LIMIT ?1)",
                [(total / 10).max(1)],
            )?;
            removed.samples += n as u64;
            removed.sites += delete_orphan_sites(&conn)?;
            conn.execute_batch("PRAGMA incremental_vacuum")?;
            if n == 0 {
                break;
            }
        }
        let conn = self.conn();
        removed.sites += delete_orphan_sites(&conn)?;
        conn.execute_batch("PRAGMA incremental_vacuum")?;
        // Keep the WAL file from growing without bound between automatic checkpoints.
        conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)")?;
        Ok(removed)
    }
}

/// Journal, durability and schema of a store just opened.
fn prepare(conn: &mut Connection) -> anyhow::Result<()> {
    configure(conn)?;
    // Must be set before the first table exists; harmless afterwards.
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        anyhow::bail!("the store needs SQLite's WAL journal (got {mode})");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    migrate(conn)
}

/// A read-only connection to the store at `path` (which must exist).
pub fn open_reader(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the store {}", path.display()))?;
    configure(&conn)?;
    Ok(conn)
}

fn used_bytes(conn: &Connection) -> anyhow::Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok(((pages - free).max(0) * size) as u64)
}

fn delete_orphan_sites(conn: &Connection) -> anyhow::Result<u64> {
    Ok(conn.execute(
        "DELETE FROM sites WHERE NOT EXISTS
           (SELECT 1 FROM sample_sites WHERE sample_sites.site_id = sites.id)",
        [],
    )? as u64)
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version as usize > MIGRATIONS.len() {
        anyhow::bail!(
            "the store was written by a newer goguard (schema {version}; this one knows {})",
            MIGRATIONS.len()
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn insert_observed(
    tx: &rusqlite::Transaction<'_>,
    target: i64,
    sample: &Sample,
    o: &Observed,
) -> anyhow::Result<i64> {
    let m = o.memstats;
    let opt = |v: Option<u64>| v.map(|v| v as i64);
    tx.execute(
        "INSERT INTO samples (target_id, at_ms, duration_ms, profile_url, goroutines, heap_alloc,
           heap_inuse, sys, num_gc, dump_bytes, warnings, trigger, heap_profile_inuse)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            target,
            sample.at_ms,
            sample.duration_ms,
            o.profile_url,
            o.goroutines as i64,
            opt(m.map(|m| m.heap_alloc)),
            opt(m.and_then(|m| m.heap_inuse)),
            opt(m.and_then(|m| m.sys)),
            opt(m.and_then(|m| m.num_gc)),
            o.dump_bytes as i64,
            serde_json::to_string(&o.warnings)?,
            o.trigger,
            opt(o.heap_inuse),
        ],
    )?;
    let sample_id = tx.last_insert_rowid();
    {
        let mut add = tx.prepare_cached(
            "INSERT INTO heap_functions (sample_id, rank, function, file, flat, cum)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (rank, f) in o.heap_functions.iter().enumerate() {
            add.execute(params![
                sample_id,
                rank as i64,
                f.function,
                f.file,
                f.flat as i64,
                f.cum as i64
            ])?;
        }
    }
    let mut site_ids = std::collections::HashMap::new();
    {
        let mut find =
            tx.prepare_cached("SELECT id FROM sites WHERE target_id = ?1 AND key = ?2")?;
        let mut add = tx.prepare_cached(
            "INSERT INTO sites (target_id, key, kind, blocking_function, blocking_file,
               blocking_line, created_function, created_file, created_line, background, stack,
               first_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut count = tx.prepare_cached(
            "INSERT INTO sample_sites (sample_id, site_id, count, state, wait_max_minutes, leaked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT DO UPDATE SET count = count + excluded.count",
        )?;
        for g in &o.groups {
            let key = g.key.text();
            let existing: Option<i64> = find
                .query_row(params![target, key], |r| r.get(0))
                .optional()?;
            let site = match existing {
                Some(id) => id,
                None => {
                    let b = g.key.blocking.as_ref();
                    let c = g.key.created_by.as_ref();
                    add.execute(params![
                        target,
                        key,
                        g.key.kind,
                        b.map(|p| &p.function),
                        b.map(|p| &p.file),
                        b.map(|p| p.line),
                        c.map(|p| &p.function),
                        c.map(|p| &p.file),
                        c.map(|p| p.line),
                        g.background,
                        serde_json::to_string(&g.stack)?,
                        sample.at_ms,
                    ])?;
                    tx.last_insert_rowid()
                }
            };
            site_ids.insert(key, site);
            count.execute(params![
                sample_id,
                site,
                g.count as i64,
                g.state,
                opt(g.wait_max_minutes),
                g.leaked,
            ])?;
        }
    }
    {
        let mut add = tx.prepare_cached(
            "INSERT INTO findings (sample_id, site_id, code, confidence, accused, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for f in &o.findings {
            let site = f
                .primary()
                .and_then(|g| site_ids.get(&g.key.text()).copied());
            add.execute(params![
                sample_id,
                site,
                f.code,
                f.confidence,
                f.accused() as i64,
                serde_json::to_string(f)?,
            ])?;
        }
    }
    for c in &o.captures {
        tx.execute(
            "INSERT INTO captures (sample_id, kind, url, content) VALUES (?1, ?2, ?3, ?4)",
            params![sample_id, c.kind, c.url, c.content],
        )?;
    }
    Ok(sample_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::watch::record::{GroupRecord, Observed, Place, SiteKey};

    fn observed(goroutines: u64, site_line: u32) -> Observed {
        Observed {
            profile_url: "http://x/debug/pprof/goroutine?debug=2".into(),
            goroutines,
            groups: vec![GroupRecord {
                key: SiteKey {
                    kind: "chan send".into(),
                    blocking: Some(Place {
                        function: "main.f".into(),
                        file: "/m.go".into(),
                        line: site_line,
                    }),
                    created_by: None,
                },
                state: "chan send".into(),
                count: goroutines,
                wait_max_minutes: None,
                leaked: false,
                background: None,
                stack: vec![],
            }],
            ..Observed::default()
        }
    }

    fn sample(at_ms: i64, o: Observed) -> Sample {
        Sample {
            at_ms,
            duration_ms: 1,
            outcome: Ok(o),
        }
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn migrations_run_once_and_a_newer_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.db");
        let store = Store::open(&path).unwrap();
        let t = store.add_target("http://a", "a", "config", 0).unwrap();
        store.insert_sample(t, &sample(1, observed(3, 1))).unwrap();
        drop(store);
        // Opening again keeps the data.
        let store = Store::open(&path).unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM samples"), 1);
        let version = count(&store, "PRAGMA user_version");
        assert_eq!(version as usize, MIGRATIONS.len());
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        store
            .conn()
            .pragma_update(None, "user_version", version + 1)
            .unwrap();
        drop(store);
        let err = Store::open(&path).err().unwrap();
        assert!(format!("{err:#}").contains("newer goguard"), "{err:#}");
    }

    #[test]
    fn a_store_of_the_first_schema_is_migrated_keeping_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO targets (url, name, origin, added_ms) VALUES ('http://a', 'a', 'config', 0)",
                [],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO samples (target_id, at_ms, duration_ms, goroutines) VALUES (1, 5, 1, 9)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(
            count(&store, "PRAGMA user_version") as usize,
            MIGRATIONS.len()
        );
        assert_eq!(count(&store, "SELECT goroutines FROM samples"), 9);
        let mut o = observed(2, 1);
        o.heap_inuse = Some(4096);
        o.heap_functions = vec![crate::commands::watch::record::HeapFunction {
            function: "main.grow".into(),
            file: "/m.go".into(),
            flat: 4000,
            cum: 4000,
        }];
        store.insert_sample(1, &sample(6, o)).unwrap();
        assert_eq!(count(&store, "SELECT flat FROM heap_functions"), 4000);
    }

    #[test]
    fn sites_are_shared_across_samples() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).unwrap();
        let t = store.add_target("http://a", "a", "config", 0).unwrap();
        for i in 0..3 {
            store
                .insert_sample(t, &sample(i, observed(5 + i as u64, 7)))
                .unwrap();
        }
        store
            .insert_sample(
                t,
                &Sample {
                    at_ms: 9,
                    duration_ms: 1,
                    outcome: Err("refused".into()),
                },
            )
            .unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM sites"), 1);
        assert_eq!(count(&store, "SELECT SUM(count) FROM sample_sites"), 18);
        let history = store.recent_points(t, 10).unwrap();
        assert_eq!(history.len(), 3, "failed polls are not points");
        assert_eq!(history[2].goroutines, Some(7));
    }

    #[test]
    fn retention_by_age_keeps_each_targets_newest_sample() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).unwrap();
        let a = store.add_target("http://a", "a", "config", 0).unwrap();
        let b = store.add_target("http://b", "b", "config", 0).unwrap();
        for i in 0..10 {
            store
                .insert_sample(a, &sample(i * 1000, observed(1, i as u32)))
                .unwrap();
        }
        store
            .insert_sample(b, &sample(500, observed(1, 99)))
            .unwrap();
        let policy = Retention {
            max_age_ms: 3500,
            max_bytes: u64::MAX,
        };
        let removed = store.retain(policy, 10_000).unwrap();
        // a keeps 7000, 8000, 9000; b's only (old) sample stays.
        assert_eq!(removed.samples, 7);
        assert_eq!(removed.sites, 7, "sites no sample refers to go too");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM samples"), 4);
        assert_eq!(
            count(&store, "SELECT MIN(at_ms) FROM samples WHERE target_id = 1"),
            7000
        );
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM samples WHERE target_id = 2"),
            1
        );
    }

    #[test]
    fn retention_by_size_drops_the_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).unwrap();
        let a = store.add_target("http://a", "a", "config", 0).unwrap();
        for i in 0..400 {
            let mut o = observed(1, i);
            o.warnings = vec!["x".repeat(2000)];
            store.insert_sample(a, &sample(i64::from(i), o)).unwrap();
        }
        let before = store.used_bytes().unwrap();
        assert!(before > 800_000, "{before}");
        let policy = Retention {
            max_age_ms: i64::MAX,
            max_bytes: 300_000,
        };
        let removed = store.retain(policy, 1000).unwrap();
        assert!(removed.samples > 200, "{removed:?}");
        assert!(store.used_bytes().unwrap() <= 300_000);
        // What is left is the newest.
        assert_eq!(count(&store, "SELECT MAX(at_ms) FROM samples"), 399);
        let left = count(&store, "SELECT COUNT(*) FROM samples");
        assert_eq!(count(&store, "SELECT MIN(at_ms) FROM samples"), 400 - left);
    }

    #[test]
    fn an_alert_is_claimed_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).unwrap();
        let t = store.add_target("http://a", "a", "config", 0).unwrap();
        let s = store.insert_sample(t, &sample(1, observed(1, 1))).unwrap();
        let first = store.claim_alert(t, "RT001/site", s, "{}", 1).unwrap();
        assert!(first.is_some());
        assert_eq!(
            store.claim_alert(t, "RT001/site", s, "{}", 2).unwrap(),
            None
        );
        assert_eq!(store.pending_alerts().unwrap().len(), 1);
        store
            .alert_attempt(first.unwrap(), &Ok(()), false, 3)
            .unwrap();
        assert!(store.pending_alerts().unwrap().is_empty());
    }
}
