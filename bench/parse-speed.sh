#!/usr/bin/env bash
# Compares goguard's parser with go/parser on the same Go trees, one thread each.
#
#   bench/parse-speed.sh TREE...
#
# For every tree it runs `goguard debug parse -j1` (release build) and
# bench/goparser-speed (go/parser with ParseComments|SkipObjectResolution,
# GOMAXPROCS=1) ROUNDS times (default 3) and keeps the fastest round of each. Both
# time the parser alone, not the reading of files, and skip vendor/, testdata/ and
# hidden entries. Peak memory (max RSS of the whole process) comes from
# /usr/bin/time -v when it is there. MB are 10^6 bytes. Prints a Markdown table.
set -euo pipefail

if [[ $# -eq 0 ]]; then
	echo "usage: $0 TREE..." >&2
	exit 2
fi
for tree in "$@"; do
	[[ -d $tree ]] || { echo "$0: not a directory: $tree" >&2; exit 2; }
done
rounds=${ROUNDS:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Peak memory needs GNU time; install it where we can, else report n/a.
if [[ ! -x /usr/bin/time ]] && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
	apt-get install -y -qq time >/dev/null 2>&1 || true
fi
have_time=false
if /usr/bin/time -v true >/dev/null 2>&1; then
	have_time=true
fi

echo "building goguard (release) and goparser-speed..." >&2
(cd "$repo" && cargo build --release --quiet -p goguard)
goguard="${CARGO_TARGET_DIR:-$repo/target}/release/goguard"
(cd "$repo/bench/goparser-speed" && go build -o "$work/goparser-speed" .)

# run OUT_FILE CMD...: runs CMD, stdout to OUT_FILE, prints its max RSS in MB (or n/a).
run() {
	local out=$1
	shift
	if $have_time; then
		/usr/bin/time -v -o "$work/time" "$@" >"$out" 2>"$work/stderr" || true
		awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$work/time"
	else
		"$@" >"$out" 2>"$work/stderr" || true
		printf 'n/a'
	fi
}

printf '| tree | files | MB | goguard s | goguard MB/s | go/parser s | go/parser MB/s | ratio | goguard peak RSS MB | go/parser peak RSS MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for tree in "$@"; do
	best_secs="" best_rate=0 files="" bytes="" gg_rss=0
	for _ in $(seq "$rounds"); do
		rss=$(run "$work/goguard.out" "$goguard" debug parse -j1 "$tree")
		line=$(tail -n 1 "$work/goguard.out")
		# "N files, B bytes, ... parsing alone: S s summed over threads, R MB/s per thread"
		files=$(sed -E 's/^([0-9]+) files.*/\1/' <<<"$line")
		bytes=$(sed -E 's/^[0-9]+ files, ([0-9]+) bytes.*/\1/' <<<"$line")
		secs=$(sed -E 's/.*parsing alone: ([0-9.]+)s.*/\1/' <<<"$line")
		rate=$(sed -E 's/.* ([0-9.]+) MB\/s per thread$/\1/' <<<"$line")
		if awk -v a="$rate" -v b="$best_rate" 'BEGIN { exit !(a > b) }'; then
			best_rate=$rate best_secs=$secs
		fi
		[[ $rss == n/a ]] || gg_rss=$(( rss > gg_rss ? rss : gg_rss ))
		[[ $rss == n/a ]] && gg_rss=n/a
	done
	go_rss=$(GOMAXPROCS=1 run "$work/go.out" "$work/goparser-speed" -rounds "$rounds" "$tree")
	result=$(grep '^RESULT' "$work/go.out") || { cat "$work/stderr" >&2; exit 1; }
	go_files=$(sed -E 's/.*files=([0-9]+).*/\1/' <<<"$result")
	go_secs=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$result")
	go_rate=$(sed -E 's/.*mbps_per_thread=([0-9.]+).*/\1/' <<<"$result")
	if [[ $go_files != "$files" ]]; then
		echo "warning: $tree: goguard parsed $files files, go/parser $go_files (.gitignore or unreadable files)" >&2
	fi
	ratio=$(awk -v a="$best_rate" -v b="$go_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
	mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s× | %s | %s |\n' \
		"$tree" "$files" "$mb" "$best_secs" "$best_rate" "$go_secs" "$go_rate" "$ratio" "$gg_rss" "$go_rss"
done
