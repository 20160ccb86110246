//! `goguard debug concurrency` as a user runs it: the built binary on packages
//! written to a temporary directory.

mod common;

use common::{goguard_in, stderr, stdout, temp_dir};

/// A goroutine left blocked on an unbuffered send (reported), and one whose
/// channel is handed to code the model does not see (silent: the channel
/// escapes, so a receiver may exist).
const PKG: &str = "package p

func sink(c chan int)

func leak() {
	c := make(chan int)
	go func() {
		c <- 1
	}()
}

func handedOver() {
	d := make(chan int)
	sink(d)
	go func() {
		d <- 1
	}()
}

func counted(n int) {
	e := make(chan int)
	for i := 0; i < n; i++ {
		go func() { e <- i }()
	}
	for i := 0; i < n; i++ {
		if i > 3 {
			break
		}
		<-e
	}
}
";

#[test]
fn shows_ops_findings_and_why_blocked_operations_are_silent() {
    let dir = temp_dir("debug-concurrency", "explain");
    std::fs::write(dir.join("p.go"), PKG).unwrap();
    let out = goguard_in(&dir, &["debug", "concurrency", "p.go"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // One section per explored function, with its lowered ops.
    assert!(text.contains("root p.go:5:1: "), "{text}");
    assert!(text.contains("root p.go:12:1: "), "{text}");
    assert!(text.contains("MakeChan"), "{text}");
    // The leak is a finding; the send on the escaped channel is not even
    // blocked (anyone may receive it), so the model says nothing of line 16.
    assert!(text.contains("finding BlockedSend at p.go:8:3"), "{text}");
    assert!(!text.contains("p.go:16:3"), "{text}");
    // The receive loop left on a test of its counter is a guess: the
    // goroutines blocked after it are explained, not reported.
    assert!(
        text.contains("blocked here, not reported: a guess on the way"),
        "{text}"
    );
    assert!(text.contains("package: 3 models, 0 given up"), "{text}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = temp_dir("debug-concurrency", "missing");
    let out = goguard_in(&dir, &["debug", "concurrency", "nope.go"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot access nope.go"),
        "{}",
        stderr(&out)
    );
}
