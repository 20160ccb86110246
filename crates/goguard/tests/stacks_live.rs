//! `goguard stacks http://...` against real Go services built and started by
//! the test on 127.0.0.1: one with the goroutine profile only, one built with
//! the goroutine leak profile (Go 1.26 `GOEXPERIMENT=goroutineleakprofile`),
//! each leaking one goroutine per request to `/leak`; repeated snapshots;
//! and the errors a user meets (nothing listening, no pprof there).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("goguard-live-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the service with the toolchain on PATH; `experiment` sets GOEXPERIMENT.
fn build(dir: &Path, experiment: Option<&str>) -> PathBuf {
    std::fs::write(dir.join("main.go"), SERVICE).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/leaky\n\ngo 1.22\n").unwrap();
    let bin = dir.join("leaky");
    let mut cmd = Command::new("go");
    cmd.args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(dir);
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

fn start(bin: &Path) -> Service {
    let mut child = Command::new(bin)
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
        .arg("stacks")
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
