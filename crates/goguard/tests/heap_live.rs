//! `goguard heap` against a real Go service built and started by the test on 127.0.0.1:
//! its heap profile over HTTP, repeated profiles of a service that keeps 64 KiB per
//! request (`--every`), the gate, and the errors a user meets.

use std::process::Output;

mod common;
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

use common::{get, json, Service};

fn start(name: &str) -> Service {
    let dir = common::temp_dir("heap-live", name);
    common::start(&common::build_go(&dir, "example.com/keeper", SERVICE, None))
}

fn goguard(args: &[&str]) -> Output {
    let mut all = vec!["heap"];
    all.extend_from_slice(args);
    common::goguard_in(&std::env::temp_dir(), &all)
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
