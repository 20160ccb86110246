#!/usr/bin/env bash
# Real fixes: runs goguard on the code before and after each concurrency bug
# fix in the history of the given repositories (chosen by the commit subject
# and size, see realfix-recall/main.go) and prints how many fixes it reports
# on the changed lines before the fix, and how many of those findings the fix
# removes.
#
#   bench/realfix-recall.sh GIT_DIR... [-v]
#
# GIT_DIR: a git directory with history (a clone's .git, or a bare mirror).
# GOGUARD overrides the binary (default: target/release/goguard, built if
# missing); SELECT the rules (default GR,CH,SY, preview rules included).
set -euo pipefail
if [[ $# -lt 1 ]]; then
	echo "usage: $0 GIT_DIR... [-v]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
goguard=${GOGUARD:-$repo/target/release/goguard}
if [[ ! -x $goguard ]]; then
	(cd "$repo" && cargo build --release --quiet)
fi
flags=()
dirs=()
for a in "$@"; do
	case $a in
	-*) flags+=("$a") ;;
	*) dirs+=("$(cd "$a" && pwd)") ;;
	esac
done
cd "$here/realfix-recall"
go run . -goguard "$goguard" -select "${SELECT:-GR,CH,SY}" "${flags[@]}" "${dirs[@]}"
