#!/usr/bin/env bash
# Regenerates the real goroutine dump samples in this directory with the Go toolchain on
# PATH (see README.md for the version used). Output varies with the machine (addresses,
# paths, wait times); the tests check structure, not exact bytes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$here/gen"
# Source paths of the program read /samples/..., wherever this checkout lives (also
# inside the protobuf profile, which sed below cannot rewrite).
trim="-trimpath=$here/gen=>/samples"
go build -gcflags="$trim" -o "$tmp/samples" .
"$tmp/samples" stack >"$here/go126_stack.txt"
GODEBUG=tracebacklabels=1 "$tmp/samples" stack >"$here/go126_stack_labels.txt"
"$tmp/samples" debug1 >"$here/go126_debug1.txt"
"$tmp/samples" debug0 >"$here/go126_debug0.pb.gz"
GOTRACEBACK=system "$tmp/samples" panic 2>"$here/go126_panic_system.txt" || true
GOTRACEBACK=crash "$tmp/samples" sigquit 2>"$here/go126_sigquit_crash.txt" || true
GOEXPERIMENT=goroutineleakprofile go build -gcflags="$trim" -o "$tmp/samples-leak" .
"$tmp/samples-leak" leak >"$here/go126_goroutineleak.txt"
SAMPLES_OUT="$here/go126_synctest.txt" go test -gcflags="$trim" -count=1 -run TestBubble . >/dev/null
# In case a path escaped the rewriting; GOROOT paths are kept.
sed -i "s#$here/gen#/samples#g" "$here"/go126_*.txt
