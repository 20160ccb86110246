#!/usr/bin/env bash
# Regenerates the real goroutine dumps under crates/goguard_runtime/tests/dumps/ from the
# scenario programs in this directory (standard library plus golang.org/x/sync, pinned in
# go.mod/go.sum).
#
#   regenerate.sh              every dump except the repeated snapshots (about a minute)
#   regenerate.sh --snapshots  only the repeated snapshots of one process (about 7 minutes)
#
# Toolchains: the Go on PATH (Go 1.26) for the goroutine profiles, SIGQUIT tracebacks,
# crash and hung test; the same built with GOEXPERIMENT=goroutineleakprofile, and
# GOTOOLCHAIN=go1.27.4, for the goroutineleak profiles; GOTOOLCHAIN=go1.19.13 for the
# old-format dumps. GOTOOLCHAIN downloads a missing toolchain through the module proxy.
# TOOLCHAINS in the output directory records the `go version` of each.
#
# Binaries are built with -trimpath, so dump paths are module paths
# (example.com/goguard/scenarios/leaks.go) and GOROOT-relative stdlib paths.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../tests/dumps"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
mkdir -p "$out"
cd "$here"

go127=go1.27.4
go119=go1.19.13

if [ "${1:-}" = "--snapshots" ]; then
	go build -trimpath -o "$bin/scenarios" .
	"$bin/scenarios" -out "$out" -snapshots
	exit 0
fi
if [ $# -gt 0 ]; then
	echo "usage: $0 [--snapshots]" >&2
	exit 2
fi

# Goroutine profiles (debug=2, 1, 0) of every scenario, SIGQUIT tracebacks of some.
go build -trimpath -o "$bin/scenarios" .
"$bin/scenarios" -out "$out"

# goroutineleak profiles: Go 1.26 behind the experiment, Go 1.27 by default.
GOEXPERIMENT=goroutineleakprofile go build -trimpath -o "$bin/scenarios-leak126" .
"$bin/scenarios-leak126" -out "$out" -leak go126
GOTOOLCHAIN=$go127 go build -trimpath -o "$bin/scenarios-go127" .
"$bin/scenarios-go127" -out "$out" -leak go127

# Go 1.19: `semacquire` for every sync wait, `created by X` without a goroutine id.
GOTOOLCHAIN=$go119 go build -trimpath -o "$bin/scenarios-go119" .
"$bin/scenarios-go119" -out "$out" -old go119

# The whole-program deadlock: the runtime prints `fatal error: all goroutines are asleep -
# deadlock!` and every goroutine to stderr, then exits with status 2.
go build -trimpath -o "$bin/deadlock" ./deadlock
if GOTRACEBACK=all timeout 60 "$bin/deadlock" 2>"$out/deadlock.crash.txt"; then
	echo "deadlock program exited cleanly; expected a fatal error" >&2
	exit 1
fi
echo "deadlock                   crash"

# The hung test: `go test -timeout 5s` prints `panic: test timed out after 5s` and every
# goroutine, then FAIL. Kept as a user sees it (go test's stdout and stderr together).
hung_test() { # output-file [GOTOOLCHAIN]
	if GOTOOLCHAIN="${2:-local}" go test -count=1 -trimpath -timeout 5s ./hungtest >"$1" 2>&1; then
		echo "hungtest passed; expected it to time out" >&2
		exit 1
	fi
	grep -q '^panic: test timed out after 5s' "$1"
	echo "hungtest                   $(basename "$1")"
}
hung_test "$out/hungtest.timeout.txt"
hung_test "$out/hungtest.go119.timeout.txt" "$go119"

{
	echo "default $(go version)"
	echo "go126   $(go version) GOEXPERIMENT=goroutineleakprofile"
	echo "go127   $(GOTOOLCHAIN=$go127 go version)"
	echo "go119   $(GOTOOLCHAIN=$go119 go version)"
} >"$out/TOOLCHAINS"
rm -f "$out/GO_VERSION"
