//! Targets from the fleet's Prometheus: the instances whose goroutine count grows.
//!
//! goguard asks the server's HTTP API (`/api/v1/query`) for
//! `delta(SELECTOR[WINDOW]) >= MIN_GROWTH` — by default `go_goroutines`, the gauge every
//! Go client library exports — and turns each series' labels into a pprof URL with a
//! template (`http://{instance}` by default; `{host}`, `{port}` and any label name can be
//! used, e.g. `http://{host}:6060`). Label values come from the server, so a URL is only
//! made from values that are plain host names, addresses and ports.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct DiscoverySettings {
    /// The Prometheus server (`http://127.0.0.1:9090`).
    pub server: String,
    pub selector: String,
    /// A PromQL range (`10m`).
    pub window: String,
    pub min_growth: f64,
    pub target_url: String,
    pub refresh: Duration,
    pub max_targets: usize,
    /// A discovered instance not found growing for this long is no longer polled.
    pub forget_after: Duration,
    pub timeout: Duration,
}

/// An instance that grew.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub url: String,
    /// `job/instance`, or the URL.
    pub name: String,
    /// Goroutines gained over the window.
    pub growth: f64,
}

#[derive(Deserialize)]
struct ApiAnswer {
    status: String,
    #[serde(default)]
    data: Option<ApiData>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct ApiData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<VectorSample>,
}

#[derive(Deserialize)]
struct VectorSample {
    metric: BTreeMap<String, String>,
    value: (f64, String),
}

impl DiscoverySettings {
    /// The PromQL query.
    pub fn query(&self) -> String {
        format!(
            "delta({}[{}]) >= {}",
            self.selector, self.window, self.min_growth
        )
    }

    /// Asks the server; the instances that grew, most growth first, at most
    /// `max_targets`.
    pub fn discover(&self) -> Result<Vec<Found>, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}/api/v1/query", self.server.trim_end_matches('/'));
        let query = self.query();
        let mut response = agent
            .get(&url)
            .query("query", &query)
            .call()
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(|e| format!("{url}: reading the answer: {e}"))?;
        let found = self
            .read_answer(&body)
            .map_err(|e| format!("{url} ({query}): {e}"))?;
        if status != 200 && found.is_empty() {
            return Err(format!("{url}: HTTP {status}"));
        }
        Ok(found)
    }

    fn read_answer(&self, body: &[u8]) -> Result<Vec<Found>, String> {
        let answer: ApiAnswer = serde_json::from_slice(body)
            .map_err(|e| format!("not a Prometheus API answer: {e}"))?;
        if answer.status != "success" {
            return Err(answer.error.unwrap_or_else(|| answer.status.clone()));
        }
        let data = answer.data.ok_or("no data in the answer")?;
        if data.result_type != "vector" {
            return Err(format!("expected a vector, got a {}", data.result_type));
        }
        let mut found: Vec<Found> = data
            .result
            .into_iter()
            .filter_map(|s| {
                let growth: f64 = s.value.1.parse().ok()?;
                let url = fill(&self.target_url, &s.metric)?;
                let name = match (s.metric.get("job"), s.metric.get("instance")) {
                    (Some(j), Some(i)) => format!("{j}/{i}"),
                    (None, Some(i)) => i.clone(),
                    _ => url.clone(),
                };
                Some(Found { url, name, growth })
            })
            .collect();
        found.sort_by(|a, b| b.growth.total_cmp(&a.growth).then(a.url.cmp(&b.url)));
        found.dedup_by(|a, b| a.url == b.url);
        found.truncate(self.max_targets);
        Ok(found)
    }
}

/// The instances discovery is watching, with when each was last found growing.
#[derive(Debug, Default)]
pub struct Discovered {
    last_seen_ms: BTreeMap<String, i64>,
}

impl Discovered {
    /// `url` was found growing at `now_ms`: true when it is new and there is room for it
    /// (at most `max` at once); it is then counted as watched.
    pub fn seen(&mut self, url: &str, now_ms: i64, max: usize) -> bool {
        if let Some(t) = self.last_seen_ms.get_mut(url) {
            *t = now_ms;
            return false;
        }
        if self.last_seen_ms.len() >= max {
            return false;
        }
        self.last_seen_ms.insert(url.to_string(), now_ms);
        true
    }

    pub fn forget(&mut self, url: &str) {
        self.last_seen_ms.remove(url);
    }

    /// The instances not found growing for `after_ms`, which are forgotten.
    pub fn expired(&mut self, now_ms: i64, after_ms: i64) -> Vec<String> {
        let old: Vec<String> = self
            .last_seen_ms
            .iter()
            .filter(|(_, &t)| now_ms - t >= after_ms)
            .map(|(u, _)| u.clone())
            .collect();
        for u in &old {
            self.last_seen_ms.remove(u);
        }
        old
    }
}

/// Fills `{name}` placeholders from the labels (`{host}` and `{port}` split from
/// `instance`). None when a placeholder has no value or a value is not safe in a URL's
/// authority.
fn fill(template: &str, labels: &BTreeMap<String, String>) -> Option<String> {
    let mut values = labels.clone();
    if let Some(instance) = labels.get("instance") {
        let (host, port) = match instance.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, p),
            _ => (instance.as_str(), ""),
        };
        values.insert("host".into(), host.to_string());
        values.insert("port".into(), port.to_string());
    }
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let value = values.get(&rest[open + 1..close])?;
        let safe = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c));
        if !safe {
            return None;
        }
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (out.starts_with("http://") || out.starts_with("https://")).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> DiscoverySettings {
        DiscoverySettings {
            server: "http://127.0.0.1:9090".into(),
            selector: "go_goroutines".into(),
            window: "10m".into(),
            min_growth: 10.0,
            target_url: "http://{instance}".into(),
            refresh: Duration::from_secs(60),
            max_targets: 2,
            forget_after: Duration::from_secs(3600),
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn the_query_and_the_answer() {
        let s = settings();
        assert_eq!(s.query(), "delta(go_goroutines[10m]) >= 10");
        let body = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"instance":"127.0.0.1:7001","job":"api"},"value":[1700000000.1,"12"]},
            {"metric":{"instance":"127.0.0.1:7002","job":"api"},"value":[1700000000.1,"250.5"]},
            {"metric":{"instance":"evil/<x>:1","job":"api"},"value":[1700000000.1,"999"]},
            {"metric":{"instance":"127.0.0.1:7003","job":"db"},"value":[1700000000.1,"11"]}]}}"#;
        let found = s.read_answer(body).unwrap();
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(urls, vec!["http://127.0.0.1:7002", "http://127.0.0.1:7001"]);
        assert_eq!(found[0].name, "api/127.0.0.1:7002");
        let err = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert_eq!(s.read_answer(err).unwrap_err(), "parse error");
        assert!(s.read_answer(b"<html>").is_err());
    }

    #[test]
    fn instances_are_kept_while_they_grow_and_forgotten_after() {
        let mut d = Discovered::default();
        assert!(d.seen("http://a", 0, 2));
        assert!(!d.seen("http://a", 10, 2), "already watched");
        assert!(d.seen("http://b", 10, 2));
        assert!(!d.seen("http://c", 10, 2), "no room");
        assert!(d.expired(50, 60).is_empty());
        d.seen("http://b", 55, 2);
        // a was last seen at 10, b at 55.
        assert_eq!(d.expired(70, 60), vec!["http://a".to_string()]);
        assert!(d.seen("http://c", 70, 2), "room again");
        assert_eq!(
            d.expired(200, 60),
            vec!["http://b".to_string(), "http://c".to_string()]
        );
    }

    #[test]
    fn templates() {
        let labels: BTreeMap<String, String> = [("instance", "10.0.0.5:9100"), ("job", "api")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            fill("http://{host}:6060", &labels).as_deref(),
            Some("http://10.0.0.5:6060")
        );
        assert_eq!(fill("http://{nothing}", &labels), None);
        assert_eq!(fill("ftp://{instance}", &labels), None);
    }
}
