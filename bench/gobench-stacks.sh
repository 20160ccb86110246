#!/usr/bin/env bash
# Development benchmark of `goguard stacks` on GoBench's 68 blocking kernels (not run in
# CI). Generates, for each kernel, what a new user would have, then scores goguard's
# accusations against public ground truth (bench/gobench-stacks/truth.go):
#
#   hung-go126, hung-go119  each kernel's test built with Go 1.26 / Go 1.19 and run with
#                           a high -test.count and -test.timeout=10s until the timeout
#                           fires while one iteration is stuck; the `panic: test timed
#                           out` output is kept (kernels that never hang are recorded)
#   snapshots               each kernel's test (Go 1.26) with a TestMain written into a
#                           temporary copy: 100 iterations or the hang, then two debug=2
#                           snapshots of the process 3 min 10 s apart; all kernels run at
#                           once, so this costs minutes
#   leak-go127              GOROOT's copies of the kernels (Go 1.27.4, runtime/testdata/
#                           testgoroutineleakprofile/goker), each printing its
#                           goroutineleak profile at debug=2 (`(leaked)` marks)
#   score                   `goguard stacks --format json` on every dump; tables to
#                           stdout and OUT/results.md, details in OUT/results.json
#
#   bench/gobench-stacks.sh GOBENCH_CHECKOUT [OUT]
#
# GOBENCH_CHECKOUT is a checkout of github.com/timmyyuan/gobench; nothing from it is
# copied anywhere but OUT. OUT defaults to ${TMPDIR:-/tmp}/goguard-gobench-stacks. A
# step whose OUT/<step>/results.json exists is not run again (delete it to redo); score
# always runs. Environment: GOBENCH_JOBS (kernels run at once, default 4),
# GOBENCH_BUDGET (time given to a kernel to hang, default 60s), GOBENCH_GOGUARD (a
# goguard binary; default: build the workspace's release binary). Toolchains other than
# the one on PATH are fetched by GOTOOLCHAIN (go1.19.13, go1.27.4). Takes about 40
# minutes on 2 cores, most of it kernels that never hang using their budget.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 GOBENCH_CHECKOUT [OUT]" >&2
	exit 2
fi
gobench="$(cd "$1" && pwd)"
out="${2:-${TMPDIR:-/tmp}/goguard-gobench-stacks}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
repo="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${GOBENCH_JOBS:-4}"
budget="${GOBENCH_BUDGET:-60s}"

tool="$out/gobench-stacks"
(cd "$repo/bench/gobench-stacks" && go build -o "$tool" .)

step() { # name command...
	if [ -f "$out/$1/results.json" ]; then
		echo "== $1: kept from an earlier run ($out/$1)" >&2
		return
	fi
	echo "== $1" >&2
	shift
	"$@"
}
step hung-go126 "$tool" hung -gobench "$gobench" -out "$out" -tag go126 -jobs "$jobs" -budget "$budget"
step hung-go119 "$tool" hung -gobench "$gobench" -out "$out" -tag go119 -toolchain go1.19.13 -jobs "$jobs" -budget "$budget"
step leak-go127 "$tool" leak -out "$out" -toolchain go1.27.4
step snapshots "$tool" snapshots -gobench "$gobench" -out "$out"

goguard="${GOBENCH_GOGUARD:-}"
if [ -z "$goguard" ]; then
	export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
	(cd "$repo" && cargo build --quiet --release -p goguard)
	goguard="$CARGO_TARGET_DIR/release/goguard"
fi
echo "== score ($goguard)" >&2
"$tool" score -gobench "$gobench" -out "$out" -goguard "$goguard"
