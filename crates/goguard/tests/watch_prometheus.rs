//! `goguard watch` with a real Prometheus server (Debian's `prometheus` package, installed
//! by .ci/setup): the server scrapes goguard's /metrics, goguard finds the instance whose
//! go_goroutines grows through the server's HTTP API and diagnoses it, and the alert rules
//! and the Grafana dashboard in contrib/ check out against what goguard exports.

mod watch_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use watch_common::*;

fn contrib(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../contrib")
        .join(path)
}

/// The path of a tool from the Debian package, or a failure that says how to get it.
fn tool(name: &str) -> PathBuf {
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .chain(["/usr/bin"])
    {
        let p = Path::new(dir).join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "`{name}` is not installed: run .ci/setup (it installs the Debian package `prometheus`)"
    );
}

#[test]
fn the_alert_rules_are_valid_and_fire_as_their_tests_say() {
    let promtool = tool("promtool");
    for args in [
        vec!["check", "rules", "goguard-rules.yml"],
        vec!["test", "rules", "goguard-rules.test.yml"],
    ] {
        let out = Command::new(&promtool)
            .args(&args)
            .current_dir(contrib("prometheus"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// One instant query: the result vector.
fn query(server: &str, q: &str) -> Vec<serde_json::Value> {
    let mut response = ureq::get(&format!("http://{server}/api/v1/query"))
        .query("query", q)
        .call()
        .unwrap();
    let v: serde_json::Value = serde_json::from_reader(response.body_mut().as_reader()).unwrap();
    assert_eq!(v["status"], "success", "{q}: {v}");
    v["data"]["result"].as_array().cloned().unwrap_or_default()
}

#[test]
fn prometheus_scrapes_goguard_which_examines_the_growing_instance() {
    let prometheus = tool("prometheus");
    let dir = temp_dir("prometheus");
    let leaky = start_service();
    let healthy = start_service();
    let goguard_addr = format!("127.0.0.1:{}", free_port());
    let prometheus_addr = format!("127.0.0.1:{}", free_port());
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {rules}\n\
             scrape_configs:\n\
             \x20 - job_name: services\n    static_configs:\n      - targets: ['{leaky}', '{healthy}']\n\
             \x20 - job_name: goguard\n    static_configs:\n      - targets: ['{goguard_addr}']\n",
            rules = contrib("prometheus/goguard-rules.yml").display(),
            leaky = leaky.addr,
            healthy = healthy.addr,
        ),
    )
    .unwrap();
    let _server = Proc {
        child: Command::new(prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={prometheus_addr}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    };
    wait_for("Prometheus to be ready", Duration::from_secs(60), || {
        std::net::TcpStream::connect(&prometheus_addr).ok()?;
        (get(&prometheus_addr, "/-/ready").0 == 200).then_some(())
    });

    let store = dir.join("g.db");
    let (_watch, _) = goguard_server(&[
        "watch",
        "--prometheus",
        &format!("http://{prometheus_addr}"),
        "--prometheus-window",
        "30s",
        "--prometheus-min-growth",
        "20",
        "--prometheus-refresh",
        "1s",
        "--every",
        "500ms",
        "--db",
        store.to_str().unwrap(),
        "--listen",
        &goguard_addr,
    ]);

    // Load: the leaky instance leaks at each call, the healthy one does not. Bounded: the
    // wait below gives up long before the loop would end by itself.
    let url = leaky.url();
    let found = wait_for(
        "goguard's diagnosis of the leaky instance in Prometheus",
        Duration::from_secs(90),
        || {
            load(&leaky.addr, "/leak", 10);
            load(&healthy.addr, "/work", 10);
            let r = query(
                &prometheus_addr,
                &format!("goguard_suspect_goroutines{{url=\"{url}\"}} > 0"),
            );
            (!r.is_empty()).then_some(r)
        },
    );
    assert_eq!(found[0]["metric"]["job"], "goguard");
    // The healthy instance did not grow: goguard never looked at it.
    assert!(query(
        &prometheus_addr,
        &format!("goguard_target_up{{url=\"{}\"}}", healthy.url())
    )
    .is_empty());
    let conn = rusqlite::Connection::open(&store).unwrap();
    let origin: String = conn
        .query_row("SELECT origin FROM targets WHERE url = ?1", [&url], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(origin, "prometheus");
    let targets: i64 = conn
        .query_row("SELECT COUNT(*) FROM targets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(targets, 1);
    // The site series carries the go statement.
    let sites = query(
        &prometheus_addr,
        "goguard_site_goroutines{function=\"main.lookup\"}",
    );
    assert!(
        sites[0]["metric"]["go_statement"]
            .as_str()
            .unwrap()
            .ends_with("watch_target/main.go:33"),
        "{sites:?}"
    );
    // Every scrape of goguard parsed: the target is healthy in Prometheus's eyes.
    let up = query(&prometheus_addr, "up{job=\"goguard\"}");
    assert_eq!(up[0]["value"][1], "1");
    // The rules loaded and evaluate without errors.
    let mut response = ureq::get(&format!("http://{prometheus_addr}/api/v1/rules"))
        .call()
        .unwrap();
    let rules: serde_json::Value =
        serde_json::from_reader(response.body_mut().as_reader()).unwrap();
    let group = &rules["data"]["groups"][0];
    assert_eq!(group["name"], "goguard");
    for rule in group["rules"].as_array().unwrap() {
        assert_eq!(rule["health"], "ok", "{rule}");
    }

    // Each goguard metric the dashboard and the rules use is one goguard exports.
    let (_, metrics) = get(&goguard_addr, "/metrics");
    let exported: Vec<&str> = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let grafana = std::fs::read_to_string(contrib("grafana/goguard-watch.json")).unwrap();
    let _: serde_json::Value =
        serde_json::from_str(&grafana).expect("the Grafana dashboard is JSON");
    let rules_text = std::fs::read_to_string(contrib("prometheus/goguard-rules.yml")).unwrap();
    for text in [&grafana, &rules_text] {
        for name in metric_names(text) {
            assert!(
                exported.contains(&name.as_str()),
                "{name} is used but not exported:\n{metrics}"
            );
        }
    }
}

/// `goguard_*` names in a text.
fn metric_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .match_indices("goguard_")
        .map(|(i, _)| {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    names.sort();
    names.dedup();
    assert!(names.len() >= 4, "{names:?}");
    names
}
