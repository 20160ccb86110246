//! The HTTP side of `goguard watch` and `goguard serve`: the dashboard, `/metrics`,
//! captured profiles and `/healthz`, on a small blocking server (tiny_http). Each request
//! reads the store on its own read-only connection, so a page never holds up polling.
//! Only GET and HEAD; pages are sent with a Content-Security-Policy that forbids scripts.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use goguard_runtime::analysis::source::SourceTree;
use tiny_http::{Header, Method, Request, Response, Server};

use super::stats::Stats;
use super::store::open_reader;
use super::{dashboard, metrics, now_ms, queries};

/// Threads answering requests: a dashboard and a scrape at the same time.
const WORKERS: usize = 2;

pub struct Dashboard {
    server: Arc<Server>,
    db: PathBuf,
    stats: Option<Arc<Stats>>,
    source: Option<Arc<SourceTree>>,
}

impl Dashboard {
    /// Binds `listen` (`127.0.0.1:7060`; port 0 picks a free one).
    /// `source`: the tree dump paths are mapped onto, for code on site pages.
    pub fn bind(
        listen: &str,
        db: PathBuf,
        stats: Option<Arc<Stats>>,
        source: Option<Arc<SourceTree>>,
    ) -> anyhow::Result<Dashboard> {
        let server =
            Server::http(listen).map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
        Ok(Dashboard {
            server: Arc::new(server),
            db,
            stats,
            source,
        })
    }

    /// The address bound, `127.0.0.1:7060`.
    pub fn address(&self) -> String {
        match self.server.server_addr() {
            tiny_http::ListenAddr::IP(a) => a.to_string(),
            #[allow(unreachable_patterns)]
            _ => "?".into(),
        }
    }

    /// Answers requests on worker threads until `stop` is set.
    pub fn spawn(self, stop: Arc<AtomicBool>) -> Vec<std::thread::JoinHandle<()>> {
        let this = Arc::new(self);
        (0..WORKERS)
            .map(|i| {
                let this = this.clone();
                let stop = stop.clone();
                std::thread::Builder::new()
                    .name(format!("goguard-http-{i}"))
                    .spawn(move || {
                        while !stop.load(Ordering::Relaxed) {
                            match this.server.recv_timeout(Duration::from_millis(200)) {
                                Ok(Some(request)) => this.answer(request),
                                Ok(None) => {}
                                Err(e) => {
                                    eprintln!("goguard: warning: dashboard: {e}");
                                    std::thread::sleep(Duration::from_millis(200));
                                }
                            }
                        }
                    })
                    .expect("cannot start a thread")
            })
            .collect()
    }

    fn answer(&self, request: Request) {
        let reply = if matches!(request.method(), Method::Get | Method::Head) {
            self.route(request.url())
        } else {
            Ok(Reply::text(405, "only GET and HEAD\n"))
        };
        let reply = reply.unwrap_or_else(|e| Reply::text(500, &format!("{e:#}\n")));
        let mut response = Response::from_data(reply.body).with_status_code(reply.status);
        for (k, v) in reply.headers {
            if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                response.add_header(h);
            }
        }
        // The client may have gone; nothing to do about it.
        let _ = request.respond(response);
    }

    fn route(&self, url: &str) -> anyhow::Result<Reply> {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if parts == ["healthz"] {
            return Ok(Reply::text(200, "ok\n"));
        }
        let conn = open_reader(&self.db)?;
        let now = now_ms();
        let page = |html: Option<String>, what: &str| match html {
            Some(h) => Reply::html(200, h),
            None => Reply::html(404, dashboard::not_found(what)),
        };
        Ok(match parts.as_slice() {
            [] => Reply::html(200, dashboard::overview(&conn, now)?),
            ["metrics"] => Reply {
                status: 200,
                headers: vec![(
                    "Content-Type",
                    "text/plain; version=0.0.4; charset=utf-8".into(),
                )],
                body: metrics::render(&conn, self.stats.as_deref())?.into_bytes(),
            },
            ["target", id] => match id.parse() {
                Ok(id) => page(
                    dashboard::target(&conn, id, query_value(query, "since").as_deref(), now)?,
                    "no such target",
                ),
                Err(_) => Reply::html(404, dashboard::not_found("no such target")),
            },
            ["target", id, "site", site] => match (id.parse(), site.parse()) {
                (Ok(id), Ok(site)) => page(
                    dashboard::site(&conn, id, site, now, self.source.as_deref())?,
                    "no such site",
                ),
                _ => Reply::html(404, dashboard::not_found("no such site")),
            },
            ["capture", id] => match id
                .parse()
                .ok()
                .map(|id| queries::capture(&conn, id))
                .transpose()?
                .flatten()
            {
                Some((kind, content)) => Reply {
                    status: 200,
                    headers: vec![
                        ("Content-Type", "application/octet-stream".into()),
                        (
                            "Content-Disposition",
                            format!("attachment; filename=\"{}\"", capture_file_name(id, &kind)),
                        ),
                    ],
                    body: content,
                },
                None => Reply::html(404, dashboard::not_found("no such capture")),
            },
            _ => Reply::html(404, dashboard::not_found("no such page")),
        })
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            headers: vec![
                ("Content-Type", "text/html; charset=utf-8".into()),
                (
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'".into(),
                ),
                ("X-Content-Type-Options", "nosniff".into()),
                ("Referrer-Policy", "no-referrer".into()),
            ],
            body: body.into_bytes(),
        }
    }

    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// `12-heap.pb.gz`; goroutine dumps are gzipped text.
fn capture_file_name(id: &str, kind: &str) -> String {
    let kind: String = kind.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let id: String = id.chars().filter(|c| c.is_ascii_digit()).collect();
    match kind.as_str() {
        "goroutine" | "goroutineleak" => format!("{id}-{kind}.txt.gz"),
        _ => format!("{id}-{kind}.pb.gz"),
    }
}

/// The decoded value of `key` in a query string.
fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(
            query_value("since=2026-12-05+01%3A30&x=1", "since").as_deref(),
            Some("2026-12-05 01:30")
        );
        assert_eq!(query_value("x=1", "since"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41"), "A");
        assert_eq!(percent_decode("%é"), "%é");
    }
}
