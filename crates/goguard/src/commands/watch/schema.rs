//! The store's schema, as numbered migrations. `PRAGMA user_version` records how many have
//! run; each runs in its own transaction, so a store is always at one version. Add a
//! migration at the end, never change one that shipped.

pub const MIGRATIONS: &[&str] = &[
    // 1: targets, samples, site groups and their counts, findings, captures, alerts.
    r#"
CREATE TABLE targets (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    -- `command line`, `config` or `prometheus`
    origin        TEXT NOT NULL,
    added_ms      INTEGER NOT NULL,
    -- median HeapAlloc of its first samples: what heap triggers compare with
    baseline_heap INTEGER
);
CREATE TABLE samples (
    id          INTEGER PRIMARY KEY,
    target_id   INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    at_ms       INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    -- NULL when the poll succeeded
    error       TEXT,
    profile_url TEXT,
    goroutines  INTEGER,
    heap_alloc  INTEGER,
    heap_inuse  INTEGER,
    sys         INTEGER,
    num_gc      INTEGER,
    dump_bytes  INTEGER,
    -- JSON array of strings
    warnings    TEXT,
    -- why a full set of profiles was captured with this sample
    trigger     TEXT
);
CREATE INDEX samples_target_at ON samples(target_id, at_ms);
CREATE INDEX samples_at ON samples(at_ms);
CREATE TABLE sites (
    id                INTEGER PRIMARY KEY,
    target_id         INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    key               TEXT NOT NULL,
    kind              TEXT NOT NULL,
    blocking_function TEXT,
    blocking_file     TEXT,
    blocking_line     INTEGER,
    created_function  TEXT,
    created_file      TEXT,
    created_line      INTEGER,
    background        TEXT,
    -- JSON array of {function, file, line}, innermost first
    stack             TEXT NOT NULL,
    first_ms          INTEGER NOT NULL,
    UNIQUE (target_id, key)
);
CREATE TABLE sample_sites (
    sample_id        INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    site_id          INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    count            INTEGER NOT NULL,
    state            TEXT NOT NULL,
    wait_max_minutes INTEGER,
    leaked           INTEGER NOT NULL,
    PRIMARY KEY (sample_id, site_id)
) WITHOUT ROWID;
CREATE INDEX sample_sites_site ON sample_sites(site_id);
CREATE TABLE findings (
    id         INTEGER PRIMARY KEY,
    sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    -- the site of the group the finding is reported at
    site_id    INTEGER REFERENCES sites(id) ON DELETE SET NULL,
    code       TEXT NOT NULL,
    confidence TEXT NOT NULL,
    accused    INTEGER NOT NULL,
    -- the finding as JSON (record.rs FindingRecord)
    record     TEXT NOT NULL
);
CREATE INDEX findings_sample ON findings(sample_id);
CREATE INDEX findings_site ON findings(site_id);
CREATE TABLE captures (
    id        INTEGER PRIMARY KEY,
    sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    url       TEXT NOT NULL,
    content   BLOB NOT NULL
);
CREATE INDEX captures_sample ON captures(sample_id);
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    target_id  INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    -- rule and site: one alert per suspect, however many samples show it
    dedup_key  TEXT NOT NULL,
    sample_id  INTEGER,
    created_ms INTEGER NOT NULL,
    -- the webhook's JSON body
    payload    TEXT NOT NULL,
    -- `pending`, `sent` or `failed`
    status     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_ms    INTEGER,
    UNIQUE (target_id, dedup_key)
);
"#,
    // 2: the heap profile read with each poll's garbage collection: its in-use total and
    // the functions holding the most of it.
    r#"
ALTER TABLE samples ADD COLUMN heap_profile_inuse INTEGER;
CREATE TABLE heap_functions (
    sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    rank      INTEGER NOT NULL,
    function  TEXT NOT NULL,
    file      TEXT NOT NULL,
    -- in-use bytes allocated in the function itself (flat) and in it and its callees (cum)
    flat      INTEGER NOT NULL,
    cum       INTEGER NOT NULL,
    PRIMARY KEY (sample_id, rank)
) WITHOUT ROWID;
"#,
];
