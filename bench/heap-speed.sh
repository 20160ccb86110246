#!/usr/bin/env bash
# `goguard heap top` and `goguard heap diff` against `go tool pprof -top` (and
# `-diff_base`) on the same large real heap profile.
#
#   bench/heap-speed.sh [STACKS] [RUNS]     (defaults: 900000 distinct stacks, best of 3)
#
# Generates the profile with bench/bigheap (Go, stdlib only: a heap profile written by
# runtime/pprof with STACKS distinct allocation stacks about 40 frames deep), keeps it as
# Go writes it (gzipped) and decompressed, builds goguard (release), then prints a
# markdown table: command, input, seconds (best of RUNS, whole process, wall clock), CPU
# seconds of that run, peak RSS, and pprof's time over goguard's. Both tools print their
# default top table. Needs go and cargo; /usr/bin/time for CPU and RSS.
set -euo pipefail

stacks="${1:-900000}"
runs="${2:-3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${TMPDIR:-/tmp}/goguard-heap-speed"
mkdir -p "$work/bin"

log() { echo "$*" >&2; }

gz="$work/bigheap-$stacks.pb.gz"
raw="$work/bigheap-$stacks.pb"
if [ ! -s "$gz" ]; then
    log "generating $gz"
    (cd "$repo/bench/bigheap" && go build -o "$work/bin/bigheap" .)
    "$work/bin/bigheap" -stacks "$stacks" -o "$gz"
fi
[ -s "$raw" ] || gunzip -c "$gz" >"$raw"

log "building goguard (release)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
(cd "$repo" && cargo build --quiet --release -p goguard)
goguard="$CARGO_TARGET_DIR/release/goguard"

mb() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# time_best COMMAND...: "seconds cpu-seconds rss-MB" of the fastest of $runs runs.
time_best() {
    local best="" line=""
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/stderr.out" || {
            # goguard heap diff exits 1 when a site grew: not a failure here.
            [ $? -eq 1 ] || { cat "$work/stderr.out" >&2; exit 1; }
        }
        read -r secs user sys kb <"$work/time.out"
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$secs"
            line="$secs $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $((kb / 1024))"
        fi
    done
    echo "$line"
}

row() { # label input goguard-command... -- pprof-command...
    local label="$1" input="$2"
    shift 2
    local ours=() theirs=()
    while [ "$1" != "--" ]; do ours+=("$1"); shift; done
    shift
    theirs=("$@")
    read -r gs gc gr <<<"$(time_best "${ours[@]}")"
    read -r ps pc pr <<<"$(time_best "${theirs[@]}")"
    local ratio
    ratio=$(awk -v p="$ps" -v g="$gs" 'BEGIN { printf "%.1f", p / g }')
    echo "| $label | $input | $gs | $gc | $gr MB | $ps | $pc | $pr MB | ${ratio}× |"
}

echo "Profile: $stacks distinct stacks; $gz $(mb "$gz") MB gzipped, $(mb "$raw") MB decompressed."
echo "Best of $runs runs, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| command | input | goguard s | goguard CPU s | goguard RSS | pprof s | pprof CPU s | pprof RSS | pprof / goguard |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for input in "$raw" "$gz"; do
    name="$(basename "$input") ($(mb "$input") MB)"
    row "top" "$name" "$goguard" heap top --color never "$input" -- \
        go tool pprof -top "$input"
    row "diff" "$name" "$goguard" heap diff --color never "$input" "$input" -- \
        go tool pprof -top -diff_base "$input" "$input"
done
