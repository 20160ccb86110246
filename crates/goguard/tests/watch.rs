//! `goguard watch` and `goguard serve` against real Go services (tests/watch_target) and
//! small servers the tests run, all on 127.0.0.1: a leak reaches the store, the
//! dashboard and /metrics; slow and dead targets do not hold up the others; kill -9 never
//! damages the store; strings from a hostile service are escaped; alerts are sent once;
//! a growing goroutine count captures a full set of profiles.

mod watch_common;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use watch_common::*;

fn db(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_leak_reaches_the_store_the_dashboard_and_the_metrics() {
    let dir = temp_dir("leak");
    let leaky = start_service();
    let healthy = start_service();
    load(&leaky.addr, "/leak", 40);
    load(&healthy.addr, "/work", 40);
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/watch_target");
    goguard(&[
        "watch",
        &leaky.url(),
        &healthy.url(),
        "--db",
        store_arg,
        "--every",
        "300ms",
        "--count",
        "3",
        "--no-listen",
        "--source",
        source.to_str().unwrap(),
    ]);

    let conn = db(&store);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM targets"), 2);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM samples WHERE error IS NULL"),
        6
    );
    // Memory statistics came from expvar.
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM samples WHERE heap_alloc > 0"),
        6
    );
    let leaked: (String, i64, String) = conn
        .query_row(
            "SELECT f.code, f.accused, s.created_function FROM findings f JOIN sites s ON s.id = f.site_id
             JOIN targets t ON t.id = s.target_id WHERE t.url = ?1 ORDER BY f.id DESC LIMIT 1",
            [leaky.url()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(leaked, ("RT001".into(), 40, "main.fetchWithTimeout".into()));
    let healthy_findings = count(
        &conn,
        &format!(
            "SELECT COUNT(*) FROM findings f JOIN samples s ON s.id = f.sample_id JOIN targets t
             ON t.id = s.target_id WHERE t.url = '{}'",
            healthy.url()
        ),
    );
    assert_eq!(healthy_findings, 0, "a healthy service has no suspects");

    // The stored database alone, served.
    let (_serve, addr) = goguard_server(&[
        "serve",
        "--db",
        store_arg,
        "--listen",
        "127.0.0.1:0",
        "--source",
        source.to_str().unwrap(),
    ]);
    let (status, overview) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(
        overview.contains(&leaky.addr) && overview.contains(&healthy.addr),
        "{overview}"
    );
    let leaky_id: i64 = conn
        .query_row(
            "SELECT id FROM targets WHERE url = ?1",
            [leaky.url()],
            |r| r.get(0),
        )
        .unwrap();
    let (status, page) = get(&addr, &format!("/target/{leaky_id}"));
    assert_eq!(status, 200);
    assert!(
        page.contains("main.fetchWithTimeout"),
        "the go statement's function"
    );
    assert!(page.contains("class=\"go-statement\""), "{page}");
    assert!(
        page.contains("watch_target/main.go:33"),
        "the go statement's line"
    );
    assert!(page.contains("class=\"badge medium\""), "{page}");
    // The code of the go statement, from --source, marked.
    assert!(
        page.contains("<span class=\"mark\">   33 \tgo lookup(ch)</span>"),
        "{page}"
    );
    assert_eq!(
        page.matches("<polyline").count(),
        2,
        "two charts with lines"
    );
    let (status, _) = get(
        &addr,
        &format!("/target/{leaky_id}?since=2000-01-01+00%3A00"),
    );
    assert_eq!(status, 200);
    let site: i64 = conn
        .query_row("SELECT MAX(site_id) FROM findings", [], |r| r.get(0))
        .unwrap();
    let (status, site_page) = get(&addr, &format!("/target/{leaky_id}/site/{site}"));
    assert_eq!(status, 200);
    assert!(
        site_page.contains("main.lookup") && site_page.contains("created by main.fetchWithTimeout")
    );
    // The code of the stack's frames, from serve's --source: the blocked send, marked.
    assert!(
        site_page.contains("<span class=\"mark\">   28 \tch &lt;- 42"),
        "{site_page}"
    );
    assert_eq!(get(&addr, "/target/999").0, 404);
    assert_eq!(get(&addr, "/nothing").0, 404);

    let (status, metrics) = get(&addr, "/metrics");
    assert_eq!(status, 200);
    let leaky_label = format!("url=\"{}\"", leaky.url());
    let line = |name: &str, extra: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name) && l.contains(&leaky_label) && l.contains(extra))
            .unwrap_or_else(|| panic!("no {name} {extra} in\n{metrics}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(line("goguard_target_up{", ""), "1");
    assert_eq!(line("goguard_suspect_goroutines{", ""), "40");
    assert_eq!(line("goguard_suspects{", "confidence=\"medium\""), "1");
    assert_eq!(
        line("goguard_site_goroutines{", "function=\"main.lookup\""),
        "40"
    );
}

#[test]
fn slow_and_dead_targets_do_not_hold_up_the_others() {
    let dir = temp_dir("slow");
    let healthy = start_service();
    // Accepts and never answers.
    let silent = FakeServer::start(|_, _| None);
    // Nothing listens there.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let store = dir.join("g.db");
    goguard(&[
        "watch",
        &healthy.url(),
        &format!("http://{}", silent.addr),
        &dead,
        "--db",
        store.to_str().unwrap(),
        "--every",
        "200ms",
        "--jitter",
        "0",
        "--timeout",
        "4s",
        "--max-backoff",
        "10s",
        "--count",
        "4",
        "--no-listen",
    ]);
    let conn = db(&store);
    let times = |url: &str| -> Vec<(i64, i64, Option<String>)> {
        let mut stmt = conn
            .prepare(
                "SELECT s.at_ms, s.duration_ms, s.error FROM samples s JOIN targets t ON t.id = s.target_id
                 WHERE t.url = ?1 ORDER BY s.at_ms",
            )
            .unwrap();
        stmt.query_map([url], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let ok = times(&healthy.url());
    let slow = times(&format!("http://{}", silent.addr));
    let gone = times(&dead);
    assert_eq!(ok.len(), 4);
    assert!(ok.iter().all(|s| s.2.is_none()), "{ok:?}");
    assert_eq!(slow.len(), 4);
    assert!(
        slow.iter().all(|s| s
            .2
            .as_deref()
            .is_some_and(|e| e.contains("no answer within 4s"))),
        "{slow:?}"
    );
    // Every poll of the healthy service was done before the silent target's first poll
    // gave up: the two never waited for each other.
    let slow_first_end = slow[0].0 + slow[0].1;
    assert!(
        ok[3].0 + ok[3].1 < slow_first_end,
        "healthy {ok:?}, silent {slow:?}"
    );
    // The dead target is backed off: each wait is longer than the one before.
    assert_eq!(gone.len(), 4);
    assert!(gone.iter().all(|s| s.2.is_some()));
    let gaps: Vec<i64> = gone.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(gaps.windows(2).all(|g| g[1] > g[0]), "{gaps:?}");
}

#[test]
fn kill_9_never_damages_the_store() {
    let dir = temp_dir("kill9");
    let service = start_service();
    load(&service.addr, "/leak", 15);
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    let mut before = 0i64;
    for round in 0..8u64 {
        let (proc, _) = goguard_server(&[
            "watch",
            &service.url(),
            "--db",
            store_arg,
            "--every",
            "50ms",
            "--jitter",
            "0.5",
            "--listen",
            "127.0.0.1:0",
        ]);
        // Different moments of the poll cycle in each round.
        std::thread::sleep(Duration::from_millis(300 + 97 * round));
        drop(proc); // SIGKILL
        let conn = db(&store);
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let samples = count(&conn, "SELECT COUNT(*) FROM samples");
        assert!(
            samples >= before,
            "round {round}: {samples} samples after {before}: committed samples lost"
        );
        before = samples;
        // No half-written sample: each successful one has all its site groups, adding up
        // to its goroutine count, and its finding.
        let incomplete = count(
            &conn,
            "SELECT COUNT(*) FROM samples s WHERE s.error IS NULL AND s.goroutines !=
               (SELECT COALESCE(SUM(count), 0) FROM sample_sites WHERE sample_id = s.id)",
        );
        assert_eq!(incomplete, 0, "round {round}");
        let without_finding = count(
            &conn,
            "SELECT COUNT(*) FROM samples s WHERE s.error IS NULL AND NOT EXISTS
               (SELECT 1 FROM findings f WHERE f.sample_id = s.id)",
        );
        assert_eq!(without_finding, 0, "round {round}");
    }
    assert!(before >= 8, "only {before} samples in 8 rounds");
    // And the store goes on.
    goguard(&[
        "watch",
        &service.url(),
        "--db",
        store_arg,
        "--every",
        "50ms",
        "--count",
        "1",
        "--no-listen",
    ]);
    assert_eq!(
        count(&db(&store), "SELECT COUNT(*) FROM samples"),
        before + 1
    );
}

const HOSTILE_DUMP: &str = "goroutine 1 [running]:
main.main()
\t/src/app/main.go:5 +0x1
";

fn hostile(_: &str, path: &str) -> Option<(u16, String)> {
    Some(match path {
        "/debug/pprof/heap?gc=1" => (200, String::new()),
        "/debug/pprof/goroutine?debug=2" => {
            let mut dump = HOSTILE_DUMP.to_string();
            for id in 2..30 {
                dump.push_str(&format!(
                    "\ngoroutine {id} [chan send, 20 minutes]:\n\
                     main.Evil<script>alert(1)</script>(0x0)\n\
                     \t/src/\"><img src=x onerror=alert(2)>/x.go:10 +0x1\n\
                     created by main.Start<b>&amp;</b> in goroutine 1\n\
                     \t/src/\"><img src=x onerror=alert(2)>/x.go:20 +0x2\n"
                ));
            }
            (200, dump)
        }
        _ => (404, "<script>alert(3)</script> not here".into()),
    })
}

fn broken(_: &str, _: &str) -> Option<(u16, String)> {
    Some((500, "<script>alert(4)</script>".into()))
}

#[test]
fn strings_from_a_hostile_service_are_escaped() {
    let dir = temp_dir("hostile");
    let evil = FakeServer::start(hostile);
    let failing = FakeServer::start(broken);
    let config = dir.join("watch.toml");
    std::fs::write(
        &config,
        format!(
            "[[target]]\nurl = \"http://{}\"\nname = \"<svg onload=alert(5)>\"\n\
             [[target]]\nurl = \"http://{}\"\nname = \"x\\\" onmouseover=\\\"alert(6)\"\n",
            evil.addr, failing.addr
        ),
    )
    .unwrap();
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    goguard(&[
        "watch",
        "--config",
        config.to_str().unwrap(),
        "--db",
        store_arg,
        "--every",
        "100ms",
        "--count",
        "2",
        "--no-listen",
    ]);
    let conn = db(&store);
    assert!(
        count(&conn, "SELECT COUNT(*) FROM findings") > 0,
        "the hostile dump was diagnosed"
    );
    let (_serve, addr) = goguard_server(&["serve", "--db", store_arg, "--listen", "127.0.0.1:0"]);
    let mut pages = vec![
        "/".to_string(),
        "/target/1".into(),
        "/target/2".into(),
        "/target/1?since=%3Cscript%3E".into(),
    ];
    let site: i64 = conn
        .query_row("SELECT MAX(site_id) FROM findings", [], |r| r.get(0))
        .unwrap();
    pages.push(format!("/target/1/site/{site}"));
    for page in &pages {
        let (status, html) = get(&addr, page);
        assert_eq!(status, 200, "{page}");
        for raw in ["<script", "<img", "<svg onload", "<b>&", "\" onmouseover"] {
            assert!(!html.contains(raw), "{page} carries {raw:?}:\n{html}");
        }
    }
    let (_, target) = get(&addr, "/target/1");
    assert!(
        target.contains("main.Evil&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{target}"
    );
    assert!(target.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"));
    let (_, failing_page) = get(&addr, "/target/2");
    assert!(
        failing_page.contains("&lt;script&gt;alert(4)&lt;/script&gt;"),
        "the error is shown, escaped"
    );
    let (_, metrics) = get(&addr, "/metrics");
    assert!(
        metrics.contains("target=\"x\\\" onmouseover=\\\"alert(6)\""),
        "{metrics}"
    );
}

fn receiver(_: &str, _: &str) -> Option<(u16, String)> {
    Some((200, "ok".into()))
}

#[test]
fn alerts_are_sent_once_per_suspect() {
    let dir = temp_dir("alerts");
    let service = start_service();
    load(&service.addr, "/leak", 25);
    let hook = FakeServer::start(receiver);
    let slack = FakeServer::start(receiver);
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    let watch = |hook: &str, format: &str, count: &str| {
        goguard(&[
            "watch",
            &service.url(),
            "--db",
            store_arg,
            "--every",
            "100ms",
            "--count",
            count,
            "--no-listen",
            "--webhook",
            hook,
            "--webhook-format",
            format,
            "--alert-on",
            "medium",
        ])
    };
    watch(&format!("http://{}/hook", hook.addr), "json", "3");
    let sent = wait_for("the alert", Duration::from_secs(20), || {
        let r = hook.received();
        (!r.is_empty()).then_some(r)
    });
    assert_eq!(sent.len(), 1, "three samples, one suspect: one alert");
    assert_eq!(sent[0].method, "POST");
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["code"], "RT001");
    assert_eq!(body["confidence"], "medium");
    assert_eq!(body["goroutines"], 25);
    assert_eq!(body["go_statement"]["function"], "main.fetchWithTimeout");
    // A restart on the same store does not alert again.
    watch(&format!("http://{}/hook", hook.addr), "json", "2");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(hook.received().len(), 1);
    let status: String = db(&store)
        .query_row("SELECT status FROM alerts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "sent");

    // Slack's message format, for a new store.
    let store2 = dir.join("slack.db");
    goguard(&[
        "watch",
        &service.url(),
        "--db",
        store2.to_str().unwrap(),
        "--every",
        "100ms",
        "--count",
        "1",
        "--no-listen",
        "--webhook",
        &format!("http://{}/slack", slack.addr),
        "--webhook-format",
        "slack",
        "--alert-on",
        "medium",
    ]);
    let sent = wait_for("the Slack alert", Duration::from_secs(20), || {
        let r = slack.received();
        (!r.is_empty()).then_some(r)
    });
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(
        text.contains("RT001") && text.contains("main.fetchWithTimeout"),
        "{text}"
    );
}

#[test]
fn growing_goroutines_capture_a_full_set_of_profiles() {
    let dir = temp_dir("capture");
    let service = start_service();
    let config = dir.join("watch.toml");
    std::fs::write(&config, "[triggers]\ngrowth_samples = 2\n").unwrap();
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    // The load runs while goguard polls, so the count grows between samples.
    let addr = service.addr.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 5000 {
                load(&addr, "/leak", 1);
                n += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    goguard(&[
        "watch",
        &service.url(),
        "--config",
        config.to_str().unwrap(),
        "--db",
        store_arg,
        "--every",
        "300ms",
        "--count",
        "4",
        "--no-listen",
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    loader.join().unwrap();
    let conn = db(&store);
    let trigger: String = conn
        .query_row(
            "SELECT trigger FROM samples WHERE trigger IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a sample with a trigger");
    assert!(
        trigger.contains("goroutines grew at each of the last 2 samples"),
        "{trigger}"
    );
    let mut stmt = conn
        .prepare("SELECT kind FROM captures ORDER BY kind")
        .unwrap();
    let kinds: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        kinds,
        vec!["allocs", "goroutine", "heap"],
        "the leak profile is absent from this Go"
    );
    // Each is whole: gzip, as pprof serves them.
    let mut stmt = conn.prepare("SELECT content FROM captures").unwrap();
    for content in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        assert_eq!(&content.unwrap()[..2], &[0x1f, 0x8b]);
    }
    // Only once: the cooldown holds further triggers.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM samples WHERE trigger IS NOT NULL"
        ),
        1
    );
    // Downloaded from the dashboard as they were captured.
    let (_serve, addr) = goguard_server(&["serve", "--db", store_arg, "--listen", "127.0.0.1:0"]);
    let (id, stored): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT id, content FROM captures WHERE kind = 'heap'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut response = ureq::get(&format!("http://{addr}/capture/{id}"))
        .call()
        .unwrap();
    let disposition = response
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{id}-heap.pb.gz\"")
    );
    let body = response.body_mut().read_to_vec().unwrap();
    assert_eq!(body, stored);
}

#[test]
fn a_heap_above_its_baseline_captures_a_full_set_of_profiles() {
    let dir = temp_dir("heap");
    let service = start_service();
    let config = dir.join("watch.toml");
    std::fs::write(
        &config,
        "[triggers]\nheap_factor = 1.5\nheap_for = \"500ms\"\nbaseline_samples = 2\ngrowth_samples = 0\n",
    )
    .unwrap();
    let store = dir.join("g.db");
    let store_arg = store.to_str().unwrap();
    let watch = |count: &str| {
        goguard(&[
            "watch",
            &service.url(),
            "--config",
            config.to_str().unwrap(),
            "--db",
            store_arg,
            "--every",
            "200ms",
            "--count",
            count,
            "--no-listen",
        ])
    };
    watch("2");
    let conn = db(&store);
    let baseline: i64 = conn
        .query_row("SELECT baseline_heap FROM targets", [], |r| r.get(0))
        .unwrap();
    assert!(baseline > 0);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM captures"),
        0,
        "no trigger at the baseline"
    );
    // Retain twice the baseline more, then poll: above 1.5x for 500 ms fires.
    let grow = (baseline as usize * 2) / (256 << 10) + 1;
    load(&service.addr, "/grow", grow.min(400));
    watch("5");
    let trigger: String = conn
        .query_row(
            "SELECT trigger FROM samples WHERE trigger IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("a heap trigger");
    assert!(
        trigger.starts_with("HeapAlloc") && trigger.contains("1.5× its baseline"),
        "{trigger}"
    );
    let kinds = count(&conn, "SELECT COUNT(DISTINCT kind) FROM captures");
    assert_eq!(kinds, 3, "goroutine, heap and allocs");

    // The heap profile of each poll: the function holding the retained buffers leads.
    let (function, flat): (String, i64) = conn
        .query_row(
            "SELECT function, flat FROM heap_functions WHERE rank = 0
             AND sample_id = (SELECT MAX(id) FROM samples)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(function, "main.grow");
    // A sampled estimate (one sample per 512 KiB allocated on average): only that it is
    // there is certain.
    assert!(flat > 0, "{flat}");
    let (_serve, addr) = goguard_server(&["serve", "--db", store_arg, "--listen", "127.0.0.1:0"]);
    let (_, page) = get(&addr, "/target/1?since=2000-01-01+00%3A00");
    let heap_top = page.split("id=\"heap-top\"").nth(1).expect("a heap table");
    assert!(heap_top.contains("<code>main.grow</code>"), "{page}");
    let growth = page
        .split("id=\"heap-growth\"")
        .nth(1)
        .expect("a heap growth table");
    let first_row = growth.split("<tr>").nth(2).unwrap();
    assert!(
        first_row.contains("main.grow") && first_row.contains("class=\"num down\">+"),
        "{first_row}"
    );
    let (_, metrics) = get(&addr, "/metrics");
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("goguard_heap_function_inuse_bytes{")
                && l.contains("function=\"main.grow\"")),
        "{metrics}"
    );
}

#[test]
fn the_leak_profile_is_used_when_the_service_has_it() {
    let dir = temp_dir("leakprofile");
    let service = start_binary(leak_profile_target_binary(), "127.0.0.1:0");
    load(&service.addr, "/leak", 12);
    let hook = FakeServer::start(receiver);
    let store = dir.join("g.db");
    // The default alert level (high): the runtime's own proof is `certain`.
    goguard(&[
        "watch",
        &service.url(),
        "--db",
        store.to_str().unwrap(),
        "--every",
        "100ms",
        "--count",
        "2",
        "--listen",
        "127.0.0.1:0",
        "--webhook",
        &format!("http://{}/hook", hook.addr),
    ]);
    let conn = db(&store);
    let url: String = conn
        .query_row("SELECT profile_url FROM samples LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert!(url.ends_with("/debug/pprof/goroutineleak?debug=2"), "{url}");
    let (confidence, accused): (String, i64) = conn
        .query_row(
            "SELECT confidence, accused FROM findings WHERE code = 'RT001' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((confidence.as_str(), accused), ("certain", 12));
    // Delivered before goguard exited (--count).
    let sent = hook.received();
    assert_eq!(sent.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["confidence"], "certain");
    // A link to the target's page on the dashboard, at the port it was given.
    let link = body["dashboard"].as_str().unwrap();
    assert!(
        link.starts_with("http://127.0.0.1:") && link.ends_with("/target/1"),
        "{link}"
    );
    assert!(!link.contains(":0/"), "{link}");
}

/// goguard's exit status and stderr.
fn goguard_fails(args: &[&str]) -> String {
    let out = std::process::Command::new(GOGUARD)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "goguard {args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    let dir = temp_dir("bad");
    let db = dir.join("g.db");
    let db = db.to_str().unwrap();
    let err = goguard_fails(&["watch", "--db", db]);
    assert!(err.contains("nothing to watch"), "{err}");
    let err = goguard_fails(&["watch", "127.0.0.1:6060", "--db", db]);
    assert!(
        err.contains("127.0.0.1:6060: a target is an http:// or https:// URL"),
        "{err}"
    );
    let err = goguard_fails(&[
        "watch",
        "http://127.0.0.1:1",
        "--every",
        "often",
        "--db",
        db,
    ]);
    assert!(err.contains("--every: bad duration \"often\""), "{err}");
    let err = goguard_fails(&["watch", "http://127.0.0.1:1", "--jitter", "0.9", "--db", db]);
    assert!(err.contains("--jitter"), "{err}");
    let config = dir.join("watch.toml");
    std::fs::write(&config, "[triggers]\nheap_facter = 2\n").unwrap();
    let err = goguard_fails(&["watch", "--config", config.to_str().unwrap(), "--db", db]);
    assert!(
        err.contains("watch.toml") && err.contains("heap_facter"),
        "{err}"
    );
    let err = goguard_fails(&["serve", "--db", dir.join("none.db").to_str().unwrap()]);
    assert!(err.contains("none.db: no such store"), "{err}");
    std::fs::write(
        dir.join("junk.db"),
        "not a database at all, not even close".repeat(200),
    )
    .unwrap();
    let err = goguard_fails(&["serve", "--db", dir.join("junk.db").to_str().unwrap()]);
    assert!(err.contains("junk.db"), "{err}");
}

#[test]
fn an_answer_over_the_size_limit_is_refused_not_read() {
    let dir = temp_dir("size");
    let service = start_service();
    load(&service.addr, "/leak", 50);
    let store = dir.join("g.db");
    goguard(&[
        "watch",
        &service.url(),
        "--db",
        store.to_str().unwrap(),
        "--max-size",
        "2000",
        "--count",
        "1",
        "--no-listen",
    ]);
    let error: String = db(&store)
        .query_row("SELECT error FROM samples", [], |r| r.get(0))
        .unwrap();
    assert!(error.contains("larger than 2000 bytes"), "{error}");
}

#[test]
fn sigterm_stops_watching_cleanly() {
    let dir = temp_dir("sigterm");
    let service = start_service();
    let store = dir.join("g.db");
    let (mut proc, addr) = goguard_server(&[
        "watch",
        &service.url(),
        "--db",
        store.to_str().unwrap(),
        "--every",
        "100ms",
        "--listen",
        "127.0.0.1:0",
    ]);
    wait_for("two samples", Duration::from_secs(30), || {
        let n = count(&db(&store), "SELECT COUNT(*) FROM samples");
        (n >= 2).then_some(())
    });
    assert_eq!(get(&addr, "/healthz").0, 200);
    // Counters and the watched flag exist while watch runs.
    let (_, metrics) = get(&addr, "/metrics");
    let watched = format!(
        "goguard_target_watched{{target=\"{}\",url=\"{}\"}} 1",
        service.addr,
        service.url()
    );
    assert!(metrics.contains(&watched), "{metrics}");
    assert!(metrics.contains("goguard_polls_total{"), "{metrics}");
    let pid = proc.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_for("goguard to exit", Duration::from_secs(30), || {
        proc.child.try_wait().unwrap()
    });
    assert!(status.success(), "{status:?}");
    // The last connection closed: SQLite folded the WAL into the file and removed it.
    assert!(!dir.join("g.db-wal").exists());
}
