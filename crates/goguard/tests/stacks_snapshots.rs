//! Whole `goguard stacks` reports on real dumps, as insta snapshots (the
//! counterpart of the check rules' fixture snapshots): what a user reads, in
//! the human format and in JSON.

use std::path::Path;
use std::process::Command;

/// The report on stdout, run from the dumps directory so paths are relative.
fn report(args: &[&str]) -> String {
    let dumps = Path::new(env!("CARGO_MANIFEST_DIR")).join("../goguard_runtime/tests/dumps");
    let o = Command::new(env!("CARGO_BIN_EXE_goguard"))
        .current_dir(&dumps)
        .args(["stacks", "--no-source", "--color", "never"])
        .args(args)
        .output()
        .expect("run goguard");
    String::from_utf8(o.stdout).expect("UTF-8 report")
}

#[test]
fn hung_test() {
    insta::assert_snapshot!(report(&["hungtest.timeout.txt"]));
}

#[test]
fn lock_order_deadlock() {
    insta::assert_snapshot!(report(&["mutex_deadlock.debug2.txt"]));
}

#[test]
fn leak_profile() {
    insta::assert_snapshot!(report(&[
        "abandoned_send_one.goroutineleak.go127.debug2.txt"
    ]));
}

#[test]
fn orphaned_sender_in_a_busy_service() {
    insta::assert_snapshot!(report(&["busy_service_with_leak.debug2.txt"]));
}

#[test]
fn healthy_busy_service() {
    insta::assert_snapshot!(report(&["http_load.debug2.txt"]));
}

#[test]
fn json_of_a_whole_program_deadlock() {
    insta::assert_snapshot!(report(&["--format", "json", "deadlock.crash.txt"]));
}

#[test]
fn diff_of_two_snapshots() {
    insta::assert_snapshot!(report(&[
        "diff",
        "growth_100.debug2.txt",
        "growth_400.debug2.txt",
        "--interval",
        "5m"
    ]));
}
