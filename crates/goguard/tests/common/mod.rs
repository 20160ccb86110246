//! Helpers shared by the CLI test binaries (included with `mod common;`): running the
//! goguard binary, reading its output, fresh temporary directories, and small Go
//! services built and started on 127.0.0.1 by the tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Runs the goguard binary in `dir`.
pub fn goguard_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goguard"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run goguard")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON report on standard output; what was printed when it is not JSON.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), stderr(o)))
}

/// An empty directory `goguard-PREFIX-PID-NAME` under the system's temporary directory.
pub fn temp_dir(prefix: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("goguard-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the Go program `source` as module `module` in `dir` with the toolchain on
/// PATH; `experiment` sets GOEXPERIMENT.
pub fn build_go(dir: &Path, module: &str, source: &str, experiment: Option<&str>) -> PathBuf {
    std::fs::write(dir.join("main.go"), source).unwrap();
    std::fs::write(dir.join("go.mod"), format!("module {module}\n\ngo 1.22\n")).unwrap();
    let bin = dir.join(module.rsplit('/').next().unwrap_or("service"));
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

/// A service process, killed when dropped.
pub struct Service {
    pub child: Child,
    /// The address it printed on its first line.
    pub addr: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a service that prints its listening address on its first line.
pub fn start(bin: &Path) -> Service {
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

/// One plain HTTP/1.0 GET that must answer 200, so the tests need no client library.
pub fn get(addr: &str, path: &str) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200"), "{body}");
}
