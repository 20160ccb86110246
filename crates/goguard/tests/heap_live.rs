//! `goguard heap` against a real Go service built and started by the test on 127.0.0.1:
//! its heap profile over HTTP, repeated profiles of a service that keeps 64 KiB per
//! request (`--every`), the gate, and the errors a user meets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const SERVICE: &str = r#"package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime"
)

var kept [][]byte

// remember keeps what every request brings.
func remember() {
	kept = append(kept, make([]byte, 64<<10))
}

func main() {
	runtime.MemProfileRate = 4096
	http.HandleFunc("/leak", func(w http.ResponseWriter, r *http.Request) {
		remember()
		fmt.Fprintln(w, len(kept))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr())
	http.Serve(ln, nil)
}
"#;

/// The service process, killed when dropped.
struct Service {
    child: Child,
    addr: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(name: &str) -> Service {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("goguard-heap-live-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.go"), SERVICE).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/keeper\n\ngo 1.22\n").unwrap();
    let bin = dir.join("keeper");
    let out = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(&dir)
        .output()
        .expect("the tests need the Go toolchain on PATH");
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = Command::new(&bin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Service {
        child,
        addr: line.trim().to_string(),
    }
}

/// One plain HTTP/1.0 GET, so the test needs no client library.
fn get(addr: &str, path: &str) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200"), "{body}");
}

fn goguard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .current_dir(std::env::temp_dir())
        .arg("heap")
        .args(args)
        .output()
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn a_live_service_profiled_over_http() {
    let service = start("profiled");
    let base = format!("http://{}", service.addr);
    for _ in 0..20 {
        get(&service.addr, "/leak");
    }

    // A service address means its heap profile after a collection.
    let o = goguard(&["top", "--format", "json", &base]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert!(v["profile"]["path"]
        .as_str()
        .unwrap()
        .ends_with("/debug/pprof/heap?gc=1"));
    assert_eq!(v["profile"]["kind"], "heap");
    assert_eq!(v["top"]["rows"][0]["function"], "main.remember");

    // A URL naming a profile is fetched as given.
    let o = goguard(&[
        "top",
        "--format",
        "json",
        &format!("{base}/debug/pprof/allocs"),
    ]);
    assert_eq!(json(&o)["profile"]["kind"], "allocs");

    // Three profiles a second apart while requests keep coming: main.remember grows.
    let running = Arc::new(AtomicBool::new(true));
    let load = {
        let running = Arc::clone(&running);
        let addr = service.addr.clone();
        std::thread::spawn(move || {
            while running.load(Ordering::Relaxed) {
                get(&addr, "/leak");
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let o = goguard(&[
        "diff",
        "--format",
        "json",
        "--every",
        "1s",
        "--snapshots",
        "3",
        "--fail-on-growth",
        "1MB",
        &base,
    ]);
    running.store(false, Ordering::Relaxed);
    load.join().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["profiles"].as_array().unwrap().len(), 3);
    assert_eq!(v["gate"]["exceeded"], true);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "RT005");
    assert_eq!(f["confidence"], "medium");
    assert_eq!(f["sites"][0]["function"], "main.remember");
    assert!(v["seconds"].as_f64().unwrap() >= 1.5);
}

#[test]
fn unreachable_services_and_missing_profiles_are_named() {
    // Nothing listens on a port just released.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let o = goguard(&["top", "--timeout", "5s", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&url));

    let service = start("missing");
    let missing = format!("http://{}/debug/pprof/nothing", service.addr);
    let o = goguard(&["top", &missing]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&missing) && err.contains("404"), "{err}");
    // --every takes one URL.
    let o = goguard(&["diff", "--every", "1s", "--snapshots", "2", "a.pb.gz"]);
    assert_eq!(o.status.code(), Some(2));
}
