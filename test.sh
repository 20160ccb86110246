#!/usr/bin/env bash
# The project's one test command (also what CI runs): format, lints, then every test.
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
