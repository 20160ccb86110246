//! What `goguard watch` runs with: watch.toml (config.rs) under the command-line flags,
//! checked and turned into the settings of each part (polling, retention, triggers,
//! alerts, discovery).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use goguard_diagnostics::Confidence;
use goguard_runtime::analysis::diagnose::Options;
use goguard_runtime::analysis::source::SourceTree;

use super::alert::{AlertSettings, BodyFormat};
use super::config::{duration, ConfigFile};
use super::discover::DiscoverySettings;
use super::poll::PollSettings;
use super::store::Retention;
use super::trigger::TriggerSettings;
use super::WatchArgs;
use crate::commands::fetch::FetchOptions;

/// Everything `watch` runs with, from the file and the flags.
pub struct Settings {
    pub db: PathBuf,
    pub listen: Option<String>,
    pub targets: Vec<(String, String, &'static str)>,
    pub poll: PollSettings,
    pub retention: Retention,
    pub alerts: Option<AlertSettings>,
    pub discovery: Option<DiscoverySettings>,
}

pub fn settings(args: WatchArgs) -> anyhow::Result<Settings> {
    let file = match &args.config {
        Some(p) => ConfigFile::load(p)?,
        None => ConfigFile::default(),
    };
    let pick = |flag: &Option<String>, key: &Option<String>, default: &str| -> String {
        flag.clone()
            .or_else(|| key.clone())
            .unwrap_or_else(|| default.to_string())
    };
    let every = duration(&pick(&args.every, &file.every, "1m"), "--every")?;
    let timeout = duration(&pick(&args.timeout, &file.timeout, "30s"), "--timeout")?;
    let max_backoff = duration(
        &pick(&args.max_backoff, &file.max_backoff, "10m"),
        "--max-backoff",
    )?;
    let jitter = args.jitter.or(file.jitter).unwrap_or(0.1);
    if !(0.0..=0.5).contains(&jitter) {
        anyhow::bail!("--jitter: {jitter} is not between 0 and 0.5");
    }
    let mut targets = Vec::new();
    for url in &args.targets {
        targets.push((url.clone(), name_of(url), "command line"));
    }
    for t in &file.targets {
        let name = t.name.clone().unwrap_or_else(|| name_of(&t.url));
        targets.push((t.url.clone(), name, "config"));
    }
    for (url, _, _) in &targets {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            anyhow::bail!("{url}: a target is an http:// or https:// URL");
        }
    }
    let mut seen = BTreeSet::new();
    targets.retain(|t| seen.insert(t.0.clone()));

    let r = file.retention.unwrap_or_default();
    let retain = duration(&pick(&args.retain, &r.max_age, "7d"), "--retain")?;
    let retention = Retention {
        max_age_ms: retain.as_millis() as i64,
        max_bytes: args.max_db_size.or(r.max_size_mb).unwrap_or(1024) << 20,
    };

    let t = file.triggers.unwrap_or_default();
    let d = TriggerSettings::default();
    let ms = |text: &Option<String>, what: &str, default: i64| -> anyhow::Result<i64> {
        Ok(match text {
            Some(s) => duration(s, what)?.as_millis() as i64,
            None => default,
        })
    };
    let triggers = TriggerSettings {
        heap_factor: t.heap_factor.unwrap_or(d.heap_factor),
        heap_for_ms: ms(&t.heap_for, "triggers.heap_for", d.heap_for_ms)?,
        baseline_samples: t.baseline_samples.unwrap_or(d.baseline_samples),
        growth_samples: t.growth_samples.unwrap_or(d.growth_samples),
        cooldown_ms: ms(&t.cooldown, "triggers.cooldown", d.cooldown_ms)?,
    };
    if triggers.heap_factor <= 1.0 {
        anyhow::bail!("triggers.heap_factor must be above 1");
    }

    let source = args.source.as_deref().map(scan_source).transpose()?;

    let a = file.alerts.unwrap_or_default();
    let listen = if args.no_listen {
        None
    } else {
        Some(pick(&args.listen, &file.listen, "127.0.0.1:7060"))
    };
    let alerts = match args.webhook.clone().or(a.webhook) {
        None => None,
        Some(webhook) => {
            let format = match pick(&args.webhook_format, &a.format, "json").as_str() {
                "json" => BodyFormat::Json,
                "slack" => BodyFormat::Slack,
                other => anyhow::bail!("alerts.format: `{other}` (expected json or slack)"),
            };
            let level = pick(&args.alert_on, &a.min_confidence, "high");
            let min_confidence = Confidence::parse(&level).ok_or_else(|| {
                anyhow::anyhow!(
                    "--alert-on: unknown level `{level}` (expected certain, high, medium or low)"
                )
            })?;
            Some(AlertSettings {
                webhook,
                format,
                min_confidence,
                // None: the address the dashboard is bound to, once it is.
                dashboard: a.dashboard_url,
                timeout,
                attempts: 5,
            })
        }
    };

    let p = file.prometheus.unwrap_or_default();
    let discovery = match args.prometheus.clone().or(p.server) {
        None => None,
        Some(server) => Some(DiscoverySettings {
            server,
            selector: p.selector.unwrap_or_else(|| "go_goroutines".into()),
            window: pick(&args.prometheus_window, &p.window, "15m"),
            min_growth: args.prometheus_min_growth.or(p.min_growth).unwrap_or(50.0),
            target_url: pick(
                &args.prometheus_target_url,
                &p.target_url,
                "http://{instance}",
            ),
            refresh: duration(
                &pick(&args.prometheus_refresh, &p.refresh, "5m"),
                "--prometheus-refresh",
            )?,
            max_targets: p.max_targets.unwrap_or(20),
            forget_after: duration(
                &pick(&args.prometheus_forget_after, &p.forget_after, "1h"),
                "--prometheus-forget-after",
            )?,
            timeout,
        }),
    };
    if targets.is_empty() && discovery.is_none() {
        anyhow::bail!(
            "nothing to watch: give service URLs, [[target]] entries in --config, or --prometheus"
        );
    }

    Ok(Settings {
        db: args
            .db
            .clone()
            .or(file.db.map(PathBuf::from))
            .unwrap_or_else(|| "goguard.db".into()),
        listen,
        targets,
        poll: PollSettings {
            every,
            jitter,
            max_backoff,
            fetch: FetchOptions {
                timeout,
                max_bytes: args.max_size.or(file.max_size).unwrap_or(256 << 20),
            },
            options: Options::default(),
            source,
            triggers,
            count: args.count,
        },
        retention,
        alerts,
        discovery,
    })
}

pub fn scan_source(dir: &Path) -> anyhow::Result<Arc<SourceTree>> {
    let tree = SourceTree::scan(dir)
        .with_context(|| format!("cannot read source directory {}", dir.display()))?;
    Ok(Arc::new(tree))
}

/// `host:port` of a URL, as a default name.
fn name_of(url: &str) -> String {
    let (base, _) = crate::commands::fetch::split_url(url);
    base.split_once("://")
        .map_or(base, |(_, rest)| rest)
        .to_string()
}
