#!/usr/bin/env bash
# Regenerates the real goroutine dumps under crates/goguard_runtime/tests/dumps/ from the
# scenario programs in this directory. Needs only the Go toolchain (standard library).
# Binaries are built with -trimpath, so dump paths are module paths
# (example.com/goguard/scenarios/leaks.go) and GOROOT-relative stdlib paths.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../tests/dumps"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
mkdir -p "$out"
cd "$here"
go build -trimpath -o "$bin/scenarios" .
go build -trimpath -o "$bin/deadlock" ./deadlock
"$bin/scenarios" -out "$out"
# The whole-program deadlock: the runtime prints `fatal error: all goroutines are asleep -
# deadlock!` and every goroutine to stderr, then exits with status 2.
if GOTRACEBACK=all timeout 60 "$bin/deadlock" 2>"$out/deadlock.crash.txt"; then
	echo "deadlock program exited cleanly; expected a fatal error" >&2
	exit 1
fi
echo "deadlock               crash    ok"
go version >"$out/GO_VERSION"
