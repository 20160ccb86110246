#!/usr/bin/env bash
# Runs `goguard check` and the linters it is compared with (go vet, staticcheck,
# golangci-lint) over the same Go module trees, and prints what each run cost.
#
#   bench/check-vs-peers.sh TREE [TREE...]
#
# Every tool runs on `./...` from the tree's root, on the same cores, one after the
# other. go vet, staticcheck and golangci-lint keep a build/analysis cache, so each
# of them runs twice: "cold" with fresh, empty caches of its own (GOCACHE,
# GOLANGCI_LINT_CACHE, STATICCHECK_CACHE, XDG_CACHE_HOME in a temp dir), then "warm"
# with the caches the cold run left. goguard has no cache: it runs GOGUARD_RUNS
# times (default 1) and every run is what a first run costs.
#
# Dependencies must already be on disk: a tree with vendor/modules.txt runs with
# -mod=vendor, any other with -mod=readonly (nothing in the tree is written) after a
# `go list -deps -test ./...` that fills the module cache. With a go.work above the
# tree, peers get one `DIR/...` pattern per used module under the tree (goguard's
# `./...` loads every used module; `go vet ./...` alone would stop at the first
# nested module); set GOWORK=off to compare the root module only.
#
# golangci-lint runs its default ("standard") linter set, ignoring the tree's own
# .golangci.yml (--no-config), with no cap on reported issues.
#
# Measurement: bench/check-vs-peers/measure (built here) reports wall time, CPU
# time (user+sys) of the whole process tree, the largest single process's RSS, and
# the sampled peak of the summed RSS of the process tree (go vet runs a vet
# process per package next to the go command; the tree sum is what the machine
# needs). MB are 2^20 bytes. `uptime`'s 1-minute load is recorded before each run:
# the machine may be shared.
#
# Environment:
#   GOGUARD       goguard binary (default: target/release/goguard, built if missing)
#   GOGUARD_ARGS  arguments before the pattern (default: check -j$JOBS --color never)
#   GOGUARD_RUNS  goguard runs per tree (default 1)
#   JOBS          threads for goguard and golangci-lint (default: nproc)
#   PEER_BIN      where staticcheck and golangci-lint are (default: $(go env GOPATH)/bin,
#                 see bench/install-peers.sh)
#   TOOLS         which to run, in order (default: goguard govet staticcheck golangci-lint);
#                 also: golangci-lint-extra (standard set + bodyclose,contextcheck)
#   OUT           directory for outputs and results (default: a new /tmp/check-vs-peers.*)
#
# Output: a Markdown table per tree on stdout; every tool's output in OUT/<tree>/,
# one line per run appended to OUT/results.tsv.
set -euo pipefail

if [[ $# -eq 0 ]]; then
	echo "usage: $0 TREE [TREE...]" >&2
	exit 2
fi
for tree in "$@"; do
	[[ -f $tree/go.mod ]] || { echo "$0: no go.mod in $tree" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-$(nproc)}
peer_bin=${PEER_BIN:-$(go env GOPATH)/bin}
tools=${TOOLS:-goguard govet staticcheck golangci-lint}
goguard_runs=${GOGUARD_RUNS:-1}
out=${OUT:-$(mktemp -d /tmp/check-vs-peers.XXXXXX)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ $tools == *goguard* ]]; then
	goguard=${GOGUARD:-}
	if [[ -z $goguard ]]; then
		goguard="${CARGO_TARGET_DIR:-$repo/target}/release/goguard"
		echo "building goguard (release)..." >&2
		(cd "$repo" && cargo build --release --quiet -p goguard)
	fi
	goguard=$(realpath "$goguard")
	read -r -a goguard_args <<<"${GOGUARD_ARGS:-check -j$jobs --color never --no-progress}"
fi

measure="$out/measure"
(cd "$repo/bench/check-vs-peers/measure" && GOFLAGS= go build -o "$measure" .)

# A finding is a `path.go:line:col: ` header line, in every tool's text output
# (goguard's code frames and golangci-lint's quoted source lines do not match).
count_findings() {
	grep -cE '^[^[:space:]]+\.go:[0-9]+(:[0-9]+)?: ' "$1" || true
}

load1() {
	cut -d' ' -f1 /proc/loadavg
}

# run TREE_NAME TOOL RUN ENV_DIR CMD...: measures CMD in the current directory,
# appends a result line and prints a table row.
run() {
	local name=$1 tool=$2 kind=$3 cachedir=$4
	shift 4
	local log="$out/$name/$tool.$kind.out" res="$out/$name/$tool.$kind.res"
	local load
	load=$(load1)
	echo "  $tool ($kind): $*" >&2
	local env=()
	if [[ -n $cachedir ]]; then
		mkdir -p "$cachedir"/{go-build,golangci-lint,staticcheck,xdg}
		env=(GOCACHE="$cachedir/go-build" GOLANGCI_LINT_CACHE="$cachedir/golangci-lint"
			STATICCHECK_CACHE="$cachedir/staticcheck" XDG_CACHE_HOME="$cachedir/xdg")
	fi
	env "${env[@]}" "$measure" -o "$res" -- "$@" >"$log" 2>&1 </dev/null || true
	local wall user sys maxrss treepeak code
	read -r wall user sys maxrss treepeak code <"$res"
	local findings
	findings=$(count_findings "$log")
	local cpu
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	local max_mb tree_mb
	max_mb=$(( (maxrss + 512) / 1024 ))
	tree_mb=$(( (treepeak + 512) / 1024 ))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tool" "$kind" "$wall" "$cpu" \
		"$max_mb" "$tree_mb" "$findings" "$code" "$load" >>"$out/results.tsv"
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$tool" "$kind" "$wall" "$cpu" \
		"$max_mb" "$tree_mb" "$findings" "$code" "$load"
}

goflags=${GOFLAGS:-}
for tree in "$@"; do
	tree=$(cd "$tree" && pwd)
	name=$(basename "$tree")
	mkdir -p "$out/$name"
	cd "$tree"

	export GOFLAGS=$goflags
	if [[ $goflags != *-mod=* ]]; then
		if [[ -f vendor/modules.txt ]]; then
			GOFLAGS="$goflags -mod=vendor"
		else
			GOFLAGS="$goflags -mod=readonly"
		fi
	fi

	# Patterns for the peers: every used go.work module under the tree, else ./...
	patterns=(./...)
	gowork=$(go env GOWORK)
	if [[ -n $gowork && $gowork != off ]]; then
		patterns=()
		while read -r dir; do
			case $dir in
			"$tree") patterns+=(./...) ;;
			"$tree"/*) patterns+=("./${dir#"$tree"/}/...") ;;
			esac
		done < <(go list -m -f '{{.Dir}}')
	fi

	echo "== $name ($tree) GOFLAGS=$GOFLAGS GOWORK=${gowork:-none} patterns: ${patterns[*]}" >&2
	if [[ ! -f vendor/modules.txt ]]; then
		echo "  filling the module cache (not measured)..." >&2
		GOCACHE="$out/$name/list-cache" go list -e -deps -test "${patterns[@]}" >/dev/null
		rm -rf "$out/$name/list-cache"
	fi

	echo
	echo "### $name"
	echo
	echo "| tool | run | wall s | CPU s | max RSS MB (1 process) | peak RSS MB (tree) | findings | exit | load |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for tool in $tools; do
		case $tool in
		goguard)
			for ((i = 1; i <= goguard_runs; i++)); do
				run "$name" goguard "run$i" "" "$goguard" "${goguard_args[@]}" ./...
			done
			continue
			;;
		govet) cmd=(go vet "${patterns[@]}") ;;
		staticcheck) cmd=("$peer_bin/staticcheck" "${patterns[@]}") ;;
		golangci-lint | golangci-lint-extra)
			cmd=("$peer_bin/golangci-lint" run --no-config --timeout 30m -j "$jobs"
				--max-issues-per-linter 0 --max-same-issues 0 --output.text.colors=false
				--output.text.print-issued-lines=false --show-stats=false)
			[[ $tool == golangci-lint-extra ]] && cmd+=(--enable bodyclose,contextcheck)
			cmd+=("${patterns[@]}")
			;;
		*)
			echo "$0: unknown tool $tool" >&2
			exit 2
			;;
		esac
		cache="$out/$name/cache-$tool"
		rm -rf "$cache"
		run "$name" "$tool" cold "$cache" "${cmd[@]}"
		run "$name" "$tool" warm "$cache" "${cmd[@]}"
		rm -rf "$cache"
	done
done
echo >&2
echo "outputs and results.tsv in $out" >&2
