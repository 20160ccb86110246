//! What the tests of `goguard watch` share: the test service (tests/watch_target, built
//! once per test binary), a bounded load loop on 127.0.0.1, goguard processes that are
//! killed when dropped, and a plain HTTP GET.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const GOGUARD: &str = env!("CARGO_BIN_EXE_goguard");

/// A scratch directory, empty, removed by the next run.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("goguard-watch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The test service, built with the Go toolchain on PATH.
pub fn target_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build_target("plain", None))
}

/// The test service built with the goroutine leak profile (Go 1.26
/// `GOEXPERIMENT=goroutineleakprofile`; Go 1.27 has it always).
pub fn leak_profile_target_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build_target("leakprofile", Some("goroutineleakprofile")))
}

fn build_target(name: &str, experiment: Option<&str>) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/watch_target");
    let bin = temp_dir(&format!("target-bin-{name}")).join("watchtarget");
    let mut cmd = Command::new("go");
    cmd.args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(&src);
    if let Some(e) = experiment {
        cmd.env("GOEXPERIMENT", e);
    }
    let out = cmd
        .output()
        .expect("the tests need the Go toolchain on PATH");
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// A child process, killed (SIGKILL) when dropped.
pub struct Proc {
    pub child: Child,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running test service and its address.
pub struct Service {
    pub proc: Proc,
    pub addr: String,
}

impl Service {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

pub fn start_service() -> Service {
    start_service_at("127.0.0.1:0")
}

pub fn start_service_at(addr: &str) -> Service {
    start_binary(target_binary(), addr)
}

/// Starts a build of the test service on `addr`.
pub fn start_binary(bin: &Path, addr: &str) -> Service {
    let mut child = Command::new(bin)
        .args(["-addr", addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(!line.trim().is_empty(), "the test service did not start");
    Service {
        proc: Proc { child },
        addr: line.trim().to_string(),
    }
}

/// `n` requests to `path`, one after another (a bounded load loop).
pub fn load(addr: &str, path: &str, n: usize) {
    for _ in 0..n {
        let (status, _) = get(addr, path);
        assert_eq!(status, 200, "GET {path}");
    }
}

/// One HTTP/1.0 GET: (status, body).
pub fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status from {addr}{path}: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

/// Runs goguard to completion; panics with its stderr when it fails.
pub fn goguard(args: &[&str]) -> String {
    let out = Command::new(GOGUARD).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "goguard {args:?}: {stderr}");
    stderr
}

/// Starts a long-running goguard (watch or serve) and waits for its dashboard address.
pub fn goguard_server(args: &[&str]) -> (Proc, String) {
    let mut child = Command::new(GOGUARD)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("goguard: dashboard at http://") {
            addr = Some(rest.trim_end_matches('/').to_string());
            break;
        }
    }
    // Keep draining stderr so the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let addr = addr.unwrap_or_else(|| panic!("goguard {args:?} printed no dashboard address"));
    (Proc { child }, addr)
}

/// Calls `f` until it gives Some, or panics after `limit` (a deadline for a test that
/// waits on other processes, not a measurement).
pub fn wait_for<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < end, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A free port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A request a `FakeServer` received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub body: String,
}

/// A small HTTP/1.1 server on 127.0.0.1 for what is not a Go service: a hostile target,
/// an alert receiver, a target that never answers. It answers each request with
/// `handler(method, path)` = (status, body), or holds the connection open without a word
/// when the handler gives None, and records what it received.
pub struct FakeServer {
    pub addr: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl FakeServer {
    pub fn start(handler: fn(&str, &str) -> Option<(u16, String)>) -> FakeServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let received: std::sync::Arc<std::sync::Mutex<Vec<Received>>> = Default::default();
        let log = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = log.clone();
                std::thread::spawn(move || serve_one(stream, handler, &log));
            }
        });
        FakeServer { addr, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve_one(
    stream: TcpStream,
    handler: fn(&str, &str) -> Option<(u16, String)>,
    log: &std::sync::Mutex<Vec<Received>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    log.lock().unwrap().push(Received {
        method: method.clone(),
        path: path.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    match handler(&method, &path) {
        Some((status, body)) => {
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        // Say nothing until the client gives up.
        None => {
            let mut s = stream;
            let mut sink = [0u8; 64];
            while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
        }
    }
}
