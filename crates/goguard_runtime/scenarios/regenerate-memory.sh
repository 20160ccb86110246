#!/usr/bin/env bash
# Regenerates the real heap profiles, gctrace logs and race detector reports under
# crates/goguard_runtime/tests/{profiles,gctrace,races}/ from the programs in memory/ and
# races/ (standard library only). About a minute.
#
# Toolchains: the Go on PATH (Go 1.26) for everything; GOTOOLCHAIN=go1.19.13 for a
# gctrace log and a race report of an older runtime, GOTOOLCHAIN=go1.27.4 for a newer
# one (GOTOOLCHAIN downloads a missing toolchain through the module proxy). Binaries are
# built with -trimpath, so paths are module paths (example.com/goguard/scenarios/...).
# TOOLCHAINS in each output directory records the `go version` of each toolchain used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tests="$here/../tests"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
cd "$here"

go119=go1.19.13
go127=go1.27.4

go build -trimpath -o "$bin/memory" ./memory
GOTOOLCHAIN=$go119 go build -trimpath -o "$bin/memory-go119" ./memory
GOTOOLCHAIN=$go127 go build -trimpath -o "$bin/memory-go127" ./memory

# Heap, allocs, goroutine, mutex and block profiles of the leaky service; heap profiles of
# the healthy one.
rm -rf "$tests/profiles"
mkdir -p "$tests/profiles"
"$bin/memory" -heap "$tests/profiles"

# gctrace logs: GODEBUG=gctrace=1 makes the runtime print a line per collection on stderr,
# among the program's own log lines.
mkdir -p "$tests/gctrace"
gc() { # output memory-binary workload [VAR=value...]
	local out="$1" binary="$2" workload="$3"
	shift 3
	env GODEBUG=gctrace=1 "$@" "$binary" -gc "$workload" -for 4s 2>"$tests/gctrace/$out"
	echo "gctrace $out: $(grep -c '^gc ' "$tests/gctrace/$out") collections"
}
gc healthy.log "$bin/memory" healthy
gc leaky.log "$bin/memory" leaky
gc storm.log "$bin/memory" storm GOMEMLIMIT=96MiB
gc forced.log "$bin/memory" forced
gc leaky.go119.log "$bin/memory-go119" leaky
gc storm.go119.log "$bin/memory-go119" storm GOMEMLIMIT=96MiB
gc healthy.go127.log "$bin/memory-go127" healthy
# The leaky service's log as docker's json-file driver keeps it.
"$bin/memory" -docker-log <"$tests/gctrace/leaky.log" >"$tests/gctrace/leaky.docker.json"

# Race reports: `go test -race` (plain and -json) of ./races/..., and the race-enabled
# binary ./races/cmd/racy. Each fails (races found), as it should.
mkdir -p "$tests/races"
expect_races() { # output-file command...
	local out="$1"
	shift
	if "$@" >"$out" 2>&1; then
		echo "$* passed; expected data races" >&2
		exit 1
	fi
	echo "races $(basename "$out"): $(grep -c 'WARNING: DATA RACE' "$out") reports"
}
expect_races "$tests/races/go_test_race.txt" go test -race -count=1 -trimpath ./races/...
expect_races "$tests/races/go_test_race.json" go test -race -count=1 -trimpath -json ./races/...
go build -race -trimpath -o "$bin/racy" ./races/cmd/racy
if "$bin/racy" >/dev/null 2>"$tests/races/racy_binary.txt"; then
	echo "racy passed; expected data races" >&2
	exit 1
fi
echo "races racy_binary.txt: $(grep -c 'WARNING: DATA RACE' "$tests/races/racy_binary.txt") reports"
expect_races "$tests/races/go_test_race.go119.txt" env GOTOOLCHAIN=$go119 go test -race -count=1 -trimpath ./races/...

for dir in profiles gctrace races; do
	{
		echo "default $(go version)"
		echo "go119   $(GOTOOLCHAIN=$go119 go version)"
		echo "go127   $(GOTOOLCHAIN=$go127 go version)"
	} >"$tests/$dir/TOOLCHAINS"
done
