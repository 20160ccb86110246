//! `goguard watch URL...`: poll live Go services on a schedule, diagnose every goroutine
//! dump, keep samples and diagnoses in a SQLite store, capture full profile sets when a
//! trigger fires, raise webhook alerts for new suspects, and serve a dashboard and
//! `/metrics`. `goguard serve --db FILE` serves a stored database alone. See docs/watch.md.

mod alert;
mod capture;
mod chart;
pub mod config;
mod dashboard;
mod discover;
mod heap_profile;
mod html;
mod memstats;
mod metrics;
mod poll;
mod queries;
mod record;
mod schedule;
mod schema;
mod server;
mod settings;
mod stats;
mod store;
mod trigger;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;

use alert::Alerter;
use discover::{Discovered, DiscoverySettings};
use poll::{Poller, Target};
use server::Dashboard;
use settings::{scan_source, settings};
use stats::Stats;
use store::{Retention, Store};

#[derive(clap::Args)]
pub struct WatchArgs {
    /// Services to watch: their pprof base URL (`http://127.0.0.1:6060`).
    #[arg(value_name = "URL")]
    pub targets: Vec<String>,
    /// Settings and targets from this file (see docs/watch.md); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The store (created if missing). Default: goguard.db.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Serve the dashboard and /metrics here. Default: 127.0.0.1:7060 (port 0: any free port).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Do not serve the dashboard and /metrics.
    #[arg(long)]
    pub no_listen: bool,
    /// Time between polls of a target. Default: 1m.
    #[arg(long, value_name = "DURATION")]
    pub every: Option<String>,
    /// Give up a request after this long. Default: 30s.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Refuse responses larger than this many bytes. Default: 256 MiB.
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
    /// Spread each delay by up to this fraction (0 to 0.5). Default: 0.1.
    #[arg(long, value_name = "FRACTION")]
    pub jitter: Option<f64>,
    /// Longest delay between polls of a failing target. Default: 10m.
    #[arg(long, value_name = "DURATION")]
    pub max_backoff: Option<String>,
    /// Stop after this many polls of each target.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Map dump paths onto this source tree to show code in suspects.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
    /// Keep samples this long. Default: 7d.
    #[arg(long, value_name = "DURATION")]
    pub retain: Option<String>,
    /// Keep the store under this many megabytes. Default: 1024.
    #[arg(long, value_name = "MB")]
    pub max_db_size: Option<u64>,
    /// POST an alert (JSON) here when a new suspect appears.
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// The alert body: json (goguard's) or slack (`{"text": ...}`).
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "slack"])]
    pub webhook_format: Option<String>,
    /// Alert on suspects of at least this confidence. Default: high.
    #[arg(long, value_name = "LEVEL")]
    pub alert_on: Option<String>,
    /// Also watch the instances whose go_goroutines grows on this Prometheus server.
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// The pprof URL of a discovered instance, from its labels. Default: http://{instance}.
    #[arg(long, value_name = "TEMPLATE")]
    pub prometheus_target_url: Option<String>,
    /// The window growth is measured over (PromQL range). Default: 15m.
    #[arg(long, value_name = "RANGE")]
    pub prometheus_window: Option<String>,
    /// Goroutines an instance must gain over the window. Default: 50.
    #[arg(long, value_name = "N")]
    pub prometheus_min_growth: Option<f64>,
    /// Time between questions to the Prometheus server. Default: 5m.
    #[arg(long, value_name = "DURATION")]
    pub prometheus_refresh: Option<String>,
    /// Stop polling a discovered instance not found growing for this long. Default: 1h.
    #[arg(long, value_name = "DURATION")]
    pub prometheus_forget_after: Option<String>,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The store written by `goguard watch`.
    #[arg(long, value_name = "FILE", default_value = "goguard.db")]
    pub db: PathBuf,
    /// Serve the dashboard and /metrics here (port 0: any free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7060")]
    pub listen: String,
    /// Map dump paths onto this source tree to show the code of each site's stack.
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `goguard serve`: the dashboard and /metrics of a store, until killed.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if !args.db.is_file() {
        anyhow::bail!("{}: no such store", args.db.display());
    }
    // Opening it once checks it is a goguard store this version reads.
    drop(Store::open(&args.db)?);
    let source = args.source.as_deref().map(scan_source).transpose()?;
    let dashboard = Dashboard::bind(&args.listen, args.db.clone(), None, source)?;
    eprintln!("goguard: dashboard at http://{}/", dashboard.address());
    let stop = stop_on_signals()?;
    for h in dashboard.spawn(stop) {
        let _ = h.join();
    }
    Ok(ExitCode::SUCCESS)
}

/// A flag set on Ctrl-C, SIGTERM or SIGHUP: threads finish what they are doing and end.
fn stop_on_signals() -> anyhow::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || {
        if !flag.swap(true, Ordering::Relaxed) {
            eprintln!("goguard: stopping");
        }
    })
    .context("cannot handle signals")?;
    Ok(stop)
}

pub fn run(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let s = settings(args)?;
    let store = Arc::new(Store::open(&s.db)?);
    let removed = store.retain(s.retention, now_ms())?;
    if removed.samples > 0 {
        eprintln!("goguard: retention removed {} old samples", removed.samples);
    }
    let stats = Arc::new(Stats::default());
    let stop = stop_on_signals()?;

    let mut http = Vec::new();
    let mut dashboard_url = None;
    if let Some(listen) = &s.listen {
        let dashboard = Dashboard::bind(
            listen,
            s.db.clone(),
            Some(stats.clone()),
            s.poll.source.clone(),
        )?;
        eprintln!("goguard: dashboard at http://{}/", dashboard.address());
        dashboard_url = Some(format!("http://{}", dashboard.address()));
        http = dashboard.spawn(stop.clone());
    }
    let (alerter, delivery) = match s.alerts {
        Some(mut a) => {
            a.dashboard = a.dashboard.or(dashboard_url);
            let (alerter, thread) = Alerter::start(a, store.clone(), stats.clone(), stop.clone())?;
            (Some(alerter), Some(thread))
        }
        None => (None, None),
    };
    let poller = Arc::new(Poller {
        store: store.clone(),
        settings: Arc::new(s.poll),
        stats: stats.clone(),
        alerter,
    });
    // Targets given on the command line or in the config: discovery leaves them alone.
    let given: BTreeSet<String> = s.targets.iter().map(|t| t.0.clone()).collect();
    let mut pollers: Vec<JoinHandle<()>> = Vec::new();
    for (url, name, origin) in &s.targets {
        let id = store.add_target(url, name, origin, now_ms())?;
        pollers.push(spawn_poller(
            &poller,
            Target {
                id,
                url: url.clone(),
                name: name.clone(),
            },
            &stop,
        ));
    }
    eprintln!(
        "goguard: watching {} targets, store {}",
        s.targets.len(),
        s.db.display()
    );

    let retention = spawn_retention(store.clone(), s.retention, stop.clone());
    let discovery = s.discovery.map(|d| {
        let (poller, store, stop) = (poller.clone(), store.clone(), stop.clone());
        let once = poller.settings.count.is_some();
        std::thread::Builder::new()
            .name("goguard-discovery".into())
            .spawn(move || discover_loop(&d, &poller, &store, &given, &stop, once))
            .expect("cannot start a thread")
    });

    // With --count, the process ends when every target has had its polls; otherwise it
    // runs until a signal (or a kill: every sample is committed as it is taken).
    if let Some(d) = discovery {
        for h in d.join().unwrap_or_default() {
            let _ = h.join();
        }
    }
    for h in pollers {
        let _ = h.join();
    }
    stop.store(true, Ordering::Relaxed);
    // The last holder of the alert queue: once it goes, the delivery thread makes one
    // attempt at each alert still queued and ends.
    drop(poller);
    if let Some(d) = delivery {
        let _ = d.join();
    }
    let _ = retention.join();
    for h in http {
        let _ = h.join();
    }
    Ok(ExitCode::SUCCESS)
}

fn spawn_poller(poller: &Arc<Poller>, target: Target, stop: &Arc<AtomicBool>) -> JoinHandle<()> {
    let (poller, stop) = (poller.clone(), stop.clone());
    std::thread::Builder::new()
        .name(format!("goguard-poll-{}", target.id))
        .spawn(move || poller.run(&target, &stop))
        .expect("cannot start a thread")
}

/// Asks Prometheus for growing instances every `refresh`, starts polling new ones and
/// stops polling those not found growing for `forget_after`. With `once` (--count), one
/// question, and the pollers it started are returned to be waited for.
fn discover_loop(
    d: &DiscoverySettings,
    poller: &Arc<Poller>,
    store: &Store,
    given: &BTreeSet<String>,
    stop: &Arc<AtomicBool>,
    once: bool,
) -> Vec<JoinHandle<()>> {
    let mut started = Vec::new();
    let mut discovered = Discovered::default();
    let mut flags: std::collections::BTreeMap<String, Arc<AtomicBool>> = Default::default();
    loop {
        let now = now_ms();
        match d.discover() {
            Ok(found) => {
                for f in found {
                    if given.contains(&f.url) || !discovered.seen(&f.url, now, d.max_targets) {
                        continue;
                    }
                    match store.add_target(&f.url, &f.name, "prometheus", now) {
                        Ok(id) => {
                            eprintln!(
                                "goguard: {} gained {} goroutines over {}: watching {}",
                                f.name, f.growth, d.window, f.url
                            );
                            // Its own stop flag, to be forgotten; with --count it stops
                            // only with the whole process.
                            let flag = if once {
                                stop.clone()
                            } else {
                                Arc::new(AtomicBool::new(false))
                            };
                            flags.insert(f.url.clone(), flag.clone());
                            let target = Target {
                                id,
                                url: f.url,
                                name: f.name,
                            };
                            started.push(spawn_poller(poller, target, &flag));
                        }
                        Err(e) => {
                            discovered.forget(&f.url);
                            eprintln!("goguard: warning: adding {}: {e:#}", f.url);
                        }
                    }
                }
            }
            Err(e) => eprintln!("goguard: warning: Prometheus discovery: {e}"),
        }
        if once {
            return started;
        }
        for url in discovered.expired(now, d.forget_after.as_millis() as i64) {
            eprintln!(
                "goguard: {url} has not grown for {:?}: no longer watching it",
                d.forget_after
            );
            if let Some(flag) = flags.remove(&url) {
                flag.store(true, Ordering::Relaxed);
            }
        }
        if poll::sleep(d.refresh, stop) {
            for flag in flags.values() {
                flag.store(true, Ordering::Relaxed);
            }
            return started;
        }
    }
}

/// Applies retention every minute.
fn spawn_retention(store: Arc<Store>, policy: Retention, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("goguard-retention".into())
        .spawn(move || {
            while !poll::sleep(Duration::from_secs(60), &stop) {
                if let Err(e) = store.retain(policy, now_ms()) {
                    eprintln!("goguard: warning: retention: {e:#}");
                }
            }
        })
        .expect("cannot start a thread")
}
