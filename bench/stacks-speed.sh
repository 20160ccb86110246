#!/usr/bin/env bash
# Goroutine dump parsing speed: goguard_runtime against panicparse (pp) and gostackparse
# (gostack2json) on the same large real dump.
#
#   bench/stacks-speed.sh [GOROUTINES] [RUNS]     (defaults: 100000 goroutines, best of 3)
#
# Generates the dump with bench/bigdump (Go, stdlib only), installs pp and gostack2json
# with `go install` if they are not on PATH, builds the parse_dump example, then prints a
# markdown table: tool, MB, seconds (best of RUNS, whole process: read + parse + output),
# MB/s, peak RSS. Needs go and cargo; /usr/bin/time for RSS (else "n/a").
set -euo pipefail

goroutines="${1:-100000}"
runs="${2:-3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${TMPDIR:-/tmp}/goguard-stacks-speed"
mkdir -p "$work/bin"
export PATH="$work/bin:$PATH"

log() { echo "$*" >&2; }

install_tool() { # name module
    if ! command -v "$1" >/dev/null 2>&1; then
        log "installing $1 ($2)"
        GOBIN="$work/bin" go install "$2@latest"
    fi
}
install_tool pp github.com/maruel/panicparse/v2/cmd/pp
install_tool gostack2json github.com/DataDog/gostackparse/cmd/gostack2json

dump="$work/bigdump-$goroutines.txt"
if [ ! -s "$dump" ]; then
    log "generating $dump"
    (cd "$repo/bench/bigdump" && go build -o "$work/bin/bigdump" .)
    "$work/bin/bigdump" -n "$goroutines" -o "$dump"
fi

log "building the parse_dump example"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
(cd "$repo" && cargo build --quiet --release -p goguard_runtime --example parse_dump)
parse_dump="$CARGO_TARGET_DIR/release/examples/parse_dump"

bytes=$(wc -c <"$dump")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

# measure NAME COMMAND...: best wall time of $runs runs and the peak RSS of that run.
measure() {
    local name="$1"
    shift
    local best="" rss="n/a"
    for _ in $(seq "$runs"); do
        local secs kb
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/stderr.out" || true
            read -r secs kb <"$work/time.out"
        else
            local start end
            start=$(date +%s.%N)
            "$@" >/dev/null 2>"$work/stderr.out" || true
            end=$(date +%s.%N)
            secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
            kb=""
        fi
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$secs"
            if [ -n "$kb" ]; then rss="$((kb / 1024)) MB"; fi
        fi
    done
    local rate
    rate=$(awk -v m="$mb" -v s="$best" 'BEGIN { if (s > 0) printf "%.0f", m / s; else print "inf" }')
    echo "| $name | $mb | $best | $rate | $rss |"
}

echo "Dump: $dump ($goroutines goroutines, $mb MB), best of $runs runs, $(nproc) cores"
echo
echo "| tool | MB | seconds | MB/s | peak RSS |"
echo "|---|---|---|---|---|"
measure "goguard_runtime (parse_dump example: read + parse)" "$parse_dump" "$dump"
measure "goguard_runtime (parse_dump --json: read + parse + JSON)" "$parse_dump" --json "$dump"
measure "gostackparse (gostack2json: parse + JSON)" sh -c 'exec gostack2json <"$0"' "$dump"
measure "panicparse (pp -parse=false: parse + aggregate + print)" sh -c 'exec pp -parse=false "$0"' "$dump"
echo
echo "goguard_runtime parse only (in-process timer, best of 3, wall and CPU time):"
"$parse_dump" --repeat 3 "$dump" | sed 's/^/    /'
