//! Alerts: a webhook POST (JSON) when a suspect of at least the configured confidence
//! (default high) appears at a target. One alert per target, rule and site (blocking line
//! and `go` statement), however many samples show it: the store's `alerts` table is the
//! deduplication, so a restart does not alert again. Delivery runs on its own thread with
//! retries and backoff; an alert not delivered when the process stops is sent after the
//! next start.
//!
//! Bodies: goguard's JSON (`format = "json"`), or Slack's incoming-webhook message
//! (`format = "slack"`: `{"text": ...}`, which Mattermost and others accept too).

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use goguard_diagnostics::Confidence;
use serde_json::json;

use super::now_ms;
use super::record::FindingRecord;
use super::stats::Stats;
use super::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Slack,
}

#[derive(Debug, Clone)]
pub struct AlertSettings {
    pub webhook: String,
    pub format: BodyFormat,
    pub min_confidence: Confidence,
    /// The dashboard's address, for links in alerts.
    pub dashboard: Option<String>,
    pub timeout: Duration,
    /// Delivery attempts before an alert is marked failed.
    pub attempts: u32,
}

/// Hands alerts to the delivery thread.
#[derive(Clone)]
pub struct Alerter {
    settings: Arc<AlertSettings>,
    queue: Sender<(i64, String, u32)>,
}

/// What a target is, for the alert text.
pub struct TargetInfo<'a> {
    pub id: i64,
    pub name: &'a str,
    pub url: &'a str,
}

impl Alerter {
    /// Starts the delivery thread, queueing the alerts a previous run left undelivered.
    /// The thread ends once every `Alerter` is dropped and the queue is empty; after
    /// `stop`, an alert whose delivery fails is not retried but left for the next start.
    pub fn start(
        settings: AlertSettings,
        store: Arc<Store>,
        stats: Arc<Stats>,
        stop: Arc<AtomicBool>,
    ) -> anyhow::Result<(Alerter, JoinHandle<()>)> {
        let settings = Arc::new(settings);
        let (queue, rx) = channel();
        for pending in store.pending_alerts()? {
            let _ = queue.send(pending);
        }
        let s = settings.clone();
        let thread = std::thread::Builder::new()
            .name("goguard-alerts".into())
            .spawn(move || deliver(rx, &s, &store, &stats, &stop))?;
        Ok((Alerter { settings, queue }, thread))
    }

    /// Raises an alert for each finding sure enough, unless already raised.
    pub fn consider(
        &self,
        store: &Store,
        target: &TargetInfo<'_>,
        sample: i64,
        findings: &[FindingRecord],
    ) -> anyhow::Result<()> {
        for f in findings {
            let sure = Confidence::parse(&f.confidence)
                .is_some_and(|c| c.at_least(self.settings.min_confidence));
            if !sure {
                continue;
            }
            let site = f.primary().map(|g| g.key.text()).unwrap_or_default();
            let key = format!("{}\u{1d}{site}", f.code);
            let body = payload(&self.settings, target, f);
            if let Some(id) = store.claim_alert(target.id, &key, sample, &body, now_ms())? {
                let _ = self.queue.send((id, body, 0));
            }
        }
        Ok(())
    }
}

/// The webhook body for a finding.
pub fn payload(settings: &AlertSettings, target: &TargetInfo<'_>, f: &FindingRecord) -> String {
    let primary = f.primary();
    let link = settings
        .dashboard
        .as_ref()
        .map(|d| format!("{}/target/{}", d.trim_end_matches('/'), target.id));
    match settings.format {
        BodyFormat::Json => json!({
            "source": "goguard",
            "target": {"name": target.name, "url": target.url},
            "code": f.code,
            "rule": f.rule,
            "confidence": f.confidence,
            "message": f.message,
            "evidence": f.evidence,
            "goroutines": f.accused(),
            "go_statement": primary.and_then(|g| g.key.created_by.as_ref()),
            "blocking": primary.and_then(|g| g.key.blocking.as_ref()),
            "dashboard": link,
        })
        .to_string(),
        BodyFormat::Slack => {
            // Slack reads `<...>` as links and mentions (`<!channel>`): text from a
            // service is escaped as its message format asks.
            let mut text = format!(
                "goguard: {} ({}) at {}: {} [{}]",
                f.code,
                f.rule,
                slack_escape(target.name),
                slack_escape(&f.message),
                f.confidence
            );
            if let Some(c) = primary.and_then(|g| g.key.created_by.as_ref()) {
                text.push_str(&format!(
                    "\n`go` statement: {} ({}:{})",
                    slack_escape(&c.function),
                    slack_escape(&c.file),
                    c.line
                ));
            }
            for e in &f.evidence {
                text.push_str(&format!("\n• {}", slack_escape(e)));
            }
            if let Some(l) = link {
                text.push_str(&format!("\n<{}>", slack_escape(&l)));
            }
            json!({ "text": text }).to_string()
        }
    }
}

/// `&`, `<` and `>` as Slack's message format wants them.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn deliver(
    rx: Receiver<(i64, String, u32)>,
    settings: &AlertSettings,
    store: &Store,
    stats: &Stats,
    stop: &AtomicBool,
) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    while let Ok((id, body, done)) = rx.recv() {
        let mut attempts = done;
        loop {
            attempts += 1;
            let result = post(&agent, &settings.webhook, &body);
            let give_up = result.is_err() && attempts >= settings.attempts.max(1);
            if let Err(e) = store.alert_attempt(id, &result, give_up, now_ms()) {
                eprintln!("goguard: warning: recording alert {id}: {e:#}");
            }
            match &result {
                Ok(()) => {
                    stats.alert(true);
                    break;
                }
                Err(e) if give_up => {
                    stats.alert(false);
                    eprintln!(
                        "goguard: warning: alert {id} not delivered after {attempts} attempts: {e}"
                    );
                    break;
                }
                Err(_) => {
                    // 1 s, 2 s, 4 s... up to a minute; none once stopping (it stays
                    // pending in the store).
                    let wait = Duration::from_secs(1u64 << (attempts - 1).min(6))
                        .min(Duration::from_secs(60));
                    if super::poll::sleep(wait, stop) {
                        break;
                    }
                }
            }
        }
    }
}

fn post(agent: &ureq::Agent, url: &str, body: &str) -> Result<(), String> {
    let response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| format!("{url}: {e}"))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("{url}: HTTP {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::watch::record::{FindingGroup, Place, SiteKey};

    fn finding() -> FindingRecord {
        FindingRecord {
            code: "RT001".into(),
            rule: "leaked-goroutine-group".into(),
            confidence: "high".into(),
            message: "3 goroutines blocked in <!channel>".into(),
            help: String::new(),
            evidence: vec!["a & b".into()],
            groups: vec![FindingGroup {
                role: "accused".into(),
                count: 3,
                ids: vec![1, 2, 3],
                state: "chan send".into(),
                key: SiteKey {
                    kind: "chan send".into(),
                    blocking: None,
                    created_by: Some(Place {
                        function: "main.<@U123>".into(),
                        file: "/m.go".into(),
                        line: 9,
                    }),
                },
                wait_max_minutes: None,
            }],
            code_excerpts: vec![],
        }
    }

    fn settings(format: BodyFormat) -> AlertSettings {
        AlertSettings {
            webhook: "http://127.0.0.1:9/".into(),
            format,
            min_confidence: Confidence::High,
            dashboard: Some("http://127.0.0.1:7060".into()),
            timeout: Duration::from_secs(1),
            attempts: 1,
        }
    }

    #[test]
    fn slack_bodies_escape_what_slack_would_read_as_markup() {
        let target = TargetInfo {
            id: 4,
            name: "api<!here>",
            url: "http://a",
        };
        let body: serde_json::Value =
            serde_json::from_str(&payload(&settings(BodyFormat::Slack), &target, &finding()))
                .unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(!text.contains("<!") && !text.contains("<@"), "{text}");
        assert!(
            text.contains("api&lt;!here&gt;") && text.contains("a &amp; b"),
            "{text}"
        );
        assert!(text.ends_with("<http://127.0.0.1:7060/target/4>"), "{text}");
    }

    #[test]
    fn json_bodies_carry_the_finding() {
        let target = TargetInfo {
            id: 4,
            name: "api",
            url: "http://a",
        };
        let body: serde_json::Value =
            serde_json::from_str(&payload(&settings(BodyFormat::Json), &target, &finding()))
                .unwrap();
        assert_eq!(body["goroutines"], 3);
        assert_eq!(body["go_statement"]["line"], 9);
        assert_eq!(body["dashboard"], "http://127.0.0.1:7060/target/4");
    }
}
