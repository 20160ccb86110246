#!/usr/bin/env bash
# goguard watch against the test service (crates/goguard/tests/watch_target) holding N
# leaked goroutines: time per poll (fetch + parse + diagnose + store), store bytes per
# sample, peak RSS of the watcher. Everything runs on 127.0.0.1.
#
#   bench/watch-store.sh [N=10000] [POLLS=30]      (GOGUARD=path to a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
polls=${2:-30}
goguard=${GOGUARD:-${CARGO_TARGET_DIR:-target}/release/goguard}
dir=$(mktemp -d)
svc=
cleanup() {
    if [ -n "$svc" ]; then kill "$svc" 2>/dev/null || true; fi
    rm -rf "$dir"
}
trap cleanup EXIT

(cd crates/goguard/tests/watch_target && go build -o "$dir/svc" .)
"$dir/svc" >"$dir/addr" &
svc=$!
while [ ! -s "$dir/addr" ]; do sleep 0.1; done
addr=$(head -1 "$dir/addr")
seq "$n" | xargs -P 8 -I{} curl -sf -o /dev/null "http://$addr/leak"

/usr/bin/time -v "$goguard" watch "http://$addr" --db "$dir/g.db" --every 200ms --jitter 0 \
    --count "$polls" --no-listen 2>"$dir/time"
python3 - "$dir/g.db" "$dir/time" "$n" "$polls" <<'PY'
import os, re, sqlite3, sys
db, timefile, n, polls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
c = sqlite3.connect(db)
rows = c.execute("SELECT duration_ms, dump_bytes, goroutines FROM samples WHERE error IS NULL").fetchall()
d = sorted(r[0] for r in rows)
size = os.path.getsize(db) + sum(os.path.getsize(db + s) for s in ("-wal",) if os.path.exists(db + s))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(timefile).read()).group(1))
print(f"leaked goroutines: {n}, polls: {len(rows)}/{polls}, goroutines per dump: {rows[-1][2]}")
print(f"dump size: {rows[-1][1] / 1e6:.2f} MB")
print(f"poll time ms: median {d[len(d) // 2]}, max {d[-1]}")
print(f"store: {size / 1e6:.2f} MB, {size / len(rows) / 1e3:.1f} KB per sample")
print(f"watcher peak RSS: {rss / 1024:.0f} MB")
PY
