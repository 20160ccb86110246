#!/usr/bin/env bash
# Peak memory and time of `goguard stacks` and of the parser alone on large real dumps.
#
#   bench/stacks-memory.sh [RUNS] [GOROUTINES...]     (defaults: 3 runs; 100000 460000)
#
# Generates each dump with bench/bigdump (Go, stdlib only; 460,000 goroutines make
# 885 MB), builds goguard and the parse_dump example (release), then prints a markdown
# row per tool and dump: the best wall time of RUNS runs, its user CPU seconds, and the
# largest peak RSS of all runs, from /usr/bin/time. Set GOGUARD and PARSE_DUMP to other
# binaries (an older build) to measure those instead.
set -euo pipefail

runs="${1:-3}"
shift || true
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(100000 460000); fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${TMPDIR:-/tmp}/goguard-stacks-memory"
mkdir -p "$work"

log() { echo "$*" >&2; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
if [ -z "${GOGUARD:-}" ] || [ -z "${PARSE_DUMP:-}" ]; then
    log "building goguard and the parse_dump example"
    (cd "$repo" && cargo build --quiet --release -p goguard --bin goguard \
        && cargo build --quiet --release -p goguard_runtime --example parse_dump)
fi
goguard="${GOGUARD:-$CARGO_TARGET_DIR/release/goguard}"
parse_dump="${PARSE_DUMP:-$CARGO_TARGET_DIR/release/examples/parse_dump}"

(cd "$repo/bench/bigdump" && go build -o "$work/bigdump" .)

# measure NAME COMMAND...: best wall time (and its user CPU) of $runs runs, largest RSS.
measure() {
    local name="$1"
    shift
    local best="" user="" rss=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/stderr.out" || true
        local secs cpu kb
        read -r secs cpu kb <"$work/time.out"
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$secs"
            user="$cpu"
        fi
        if [ "$kb" -gt "$rss" ]; then rss="$kb"; fi
    done
    echo "| $name | $best | $user | $((rss / 1024)) MB |"
}

echo "Best of $runs runs, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| what | dump | wall s | user s | peak RSS |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    dump="$work/bigdump-$n.txt"
    if [ ! -s "$dump" ]; then
        log "generating $dump"
        "$work/bigdump" -n "$n" -o "$dump"
    fi
    mb=$(awk -v b="$(wc -c <"$dump")" 'BEGIN { printf "%.0f MB", b / 1e6 }')
    measure "goguard stacks --no-source | $n goroutines, $mb" "$goguard" stacks --no-source "$dump"
    measure "parse_dump (read + parse) | $n goroutines, $mb" "$parse_dump" "$dump"
done
