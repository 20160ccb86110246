//! `goguard stacks http://...` against real Go services built and started by
//! the test on 127.0.0.1: one with the goroutine profile only, one built with
//! the goroutine leak profile (Go 1.26 `GOEXPERIMENT=goroutineleakprofile`),
//! each leaking one goroutine per request to `/leak`; repeated snapshots;
//! and the errors a user meets (nothing listening, no pprof there).

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

const SERVICE: &str = r#"package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"time"
)

// lookup answers too late for its caller.
func lookup(ch chan int) {
	time.Sleep(20 * time.Millisecond)
	ch <- 42 // blocks forever: nobody receives once the caller gave up
}

func fetch() (int, bool) {
	ch := make(chan int)
	go lookup(ch)
	select {
	case v := <-ch:
		return v, true
	case <-time.After(time.Millisecond):
		return 0, false
	}
}

func main() {
	http.HandleFunc("/leak", func(w http.ResponseWriter, r *http.Request) {
		_, ok := fetch()
		fmt.Fprintln(w, ok)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr())
	http.Serve(ln, nil)
}
"#;

/// A service process, killed when dropped.
use common::{get, json, start};

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("live", name)
}

/// Builds the service with the toolchain on PATH; `experiment` sets GOEXPERIMENT.
fn build(dir: &Path, experiment: Option<&str>) -> PathBuf {
    common::build_go(dir, "example.com/leaky", SERVICE, experiment)
}

fn goguard(args: &[&str]) -> Output {
    let mut all = vec!["stacks"];
    all.extend_from_slice(args);
    common::goguard_in(&std::env::temp_dir(), &all)
}

/// The leaked sender: blocked in main.lookup, started by main.fetch.
fn leaked_sender(v: &serde_json::Value) -> Option<&serde_json::Value> {
    v["findings"]
        .as_array()?
        .iter()
        .find(|f| f["goroutines"]["groups"][0]["blocking_frame"]["function"] == "main.lookup")
}

#[test]
fn a_live_service_with_and_without_the_leak_profile() {
    let dir = temp_dir("svc");
    let plain = start(&build(&dir, None));
    for _ in 0..3 {
        get(&plain.addr, "/leak");
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let url = format!("http://{}", plain.addr);

    // No leak profile on a plain build: the goroutine dump is used, and the
    // leak is an orphaned sender (medium): not failing by default.
    let o = goguard(&["--format", "json", &url]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert!(v["inputs"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/debug/pprof/goroutine?debug=2"));
    let f = leaked_sender(&v).unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(f["confidence"], "medium");
    assert_eq!(f["goroutines"]["count"], 3);
    assert_eq!(
        goguard(&["--fail-on", "medium", &url]).status.code(),
        Some(1)
    );

    // Repeated snapshots of the live service.
    let o = goguard(&["--format", "json", "--every", "1s", "--count", "2", &url]);
    let v = json(&o);
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(v["inputs"][1]["snapshots"][0]["diagnosed"], true);
    assert!(leaked_sender(&v).is_some());

    // Errors a user meets: no pprof at that path, nothing listening.
    let o = goguard(&[&format!("http://{}/debug/pprof/nothing", plain.addr)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("HTTP 404"));
    drop(plain);
    let o = goguard(&["--timeout", "5s", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&url));

    // Built with the leak profile: the runtime proves the leak; certain.
    let leaky = start(&build(&dir, Some("goroutineleakprofile")));
    for _ in 0..2 {
        get(&leaky.addr, "/leak");
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let o = goguard(&["--format", "json", &format!("http://{}", leaky.addr)]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert!(v["inputs"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("/debug/pprof/goroutineleak?debug=2"));
    let f = leaked_sender(&v).unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(f["confidence"], "certain");
    assert_eq!(f["goroutines"]["count"], 2);
    drop(leaky);
    std::fs::remove_dir_all(dir).unwrap();
}
