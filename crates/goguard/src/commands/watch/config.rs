//! `watch.toml`: targets, polling, retention, triggers, alerts and Prometheus discovery.
//! Every key is optional; command-line flags override the file. Unknown keys are errors,
//! so a misspelt setting is not silently ignored.

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub db: Option<String>,
    pub listen: Option<String>,
    pub every: Option<String>,
    pub timeout: Option<String>,
    pub jitter: Option<f64>,
    pub max_backoff: Option<String>,
    /// Largest response read from a target, in bytes.
    pub max_size: Option<u64>,
    #[serde(default, rename = "target")]
    pub targets: Vec<TargetEntry>,
    pub retention: Option<RetentionEntry>,
    pub triggers: Option<TriggerEntry>,
    pub alerts: Option<AlertEntry>,
    pub prometheus: Option<PrometheusEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    pub url: String,
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionEntry {
    pub max_age: Option<String>,
    pub max_size_mb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerEntry {
    pub heap_factor: Option<f64>,
    pub heap_for: Option<String>,
    pub baseline_samples: Option<usize>,
    pub growth_samples: Option<usize>,
    pub cooldown: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertEntry {
    pub webhook: Option<String>,
    /// `json` or `slack`.
    pub format: Option<String>,
    pub min_confidence: Option<String>,
    pub dashboard_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusEntry {
    pub server: Option<String>,
    pub selector: Option<String>,
    pub window: Option<String>,
    pub min_growth: Option<f64>,
    pub target_url: Option<String>,
    pub refresh: Option<String>,
    pub max_targets: Option<usize>,
    pub forget_after: Option<String>,
}

impl ConfigFile {
    pub fn load(path: &Path) -> anyhow::Result<ConfigFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// A duration as Go writes it (`500ms`, `30s`, `5m`, `1h30m`) or a number of days (`7d`),
/// in seconds. None when malformed or not positive.
pub fn duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let seconds = match text.strip_suffix('d') {
        Some(days) => days.parse::<f64>().ok()? * 86_400.0,
        None => goguard_runtime::parse::banner::parse_go_duration(text)?,
    };
    (seconds.is_finite() && seconds > 0.0).then_some(seconds)
}

/// `duration_seconds`, or an error naming the setting.
pub fn duration(text: &str, what: &str) -> anyhow::Result<std::time::Duration> {
    duration_seconds(text)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| {
            anyhow::anyhow!("{what}: bad duration {text:?} (use e.g. 500ms, 30s, 5m, 7d)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("500ms"), Some(0.5));
        assert_eq!(duration_seconds("1h30m"), Some(5400.0));
        assert_eq!(duration_seconds("7d"), Some(604_800.0));
        assert_eq!(duration_seconds("0s"), None);
        assert_eq!(duration_seconds("soon"), None);
        assert!(duration("x", "--every")
            .unwrap_err()
            .to_string()
            .contains("--every"));
    }

    #[test]
    fn a_config_file() {
        let c = ConfigFile::parse(
            r#"
every = "30s"
[[target]]
url = "http://127.0.0.1:6060"
name = "api"
[alerts]
webhook = "http://127.0.0.1:9/hook"
format = "slack"
[prometheus]
server = "http://127.0.0.1:9090"
"#,
        )
        .unwrap();
        assert_eq!(c.every.as_deref(), Some("30s"));
        assert_eq!(c.targets[0].name.as_deref(), Some("api"));
        assert_eq!(c.alerts.unwrap().format.as_deref(), Some("slack"));
        let err = ConfigFile::parse("evry = \"30s\"").unwrap_err();
        assert!(err.contains("evry"), "{err}");
    }
}
