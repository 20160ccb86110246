#!/usr/bin/env bash
# The project's one test command (also what CI runs): format, lints, then every test.
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# What the tests need beyond Rust and Go (Prometheus, Chromium), by Debian package name.
.ci/setup
cargo test --workspace --locked
