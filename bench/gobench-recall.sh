#!/usr/bin/env bash
# GoBench recall: runs goguard over the 68 blocking kernels of GoBench and
# prints how many it reports at the bug's lines (see gobench-recall/main.go
# for how the bug lines are read from each kernel's public description).
#
#   bench/gobench-recall.sh GOKER_BLOCKING_DIR [-v]
#   bench/gobench-recall.sh --goroot [-v]
#
# GOKER_BLOCKING_DIR: a checkout of github.com/timmyyuan/gobench, directory
# gobench/goker/blocking; the bug lines come from each kernel's description.
# --goroot: the copies of the kernels that ship with Go, scored against the
# leaks the Go runtime's own goroutine-leak-profile test expects (see
# gobench-recall/leakprofile.go). GOGUARD overrides the binary (default:
# target/release/goguard, built if missing); SELECT the rules (default
# GR,CH,SY, preview rules included).
set -euo pipefail
if [[ $# -lt 1 ]]; then
	echo "usage: $0 GOKER_BLOCKING_DIR|--goroot [-v]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
goguard=${GOGUARD:-$repo/target/release/goguard}
if [[ ! -x $goguard ]]; then
	(cd "$repo" && cargo build --release --quiet)
fi
extra=()
if [[ $1 == --goroot ]]; then
	goroot=$(go env GOROOT)
	dir=$goroot/src/runtime/testdata/testgoroutineleakprofile/goker
	extra=(-leak-test "$goroot/src/runtime/goroutineleakprofile_test.go")
else
	dir=$(cd "$1" && pwd)
fi
shift
cd "$here/gobench-recall"
go run . -goguard "$goguard" -select "${SELECT:-GR,CH,SY}" "${extra[@]}" "$@" "$dir"
