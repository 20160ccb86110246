#!/usr/bin/env bash
# Compares goguard_syntax's outline with go/parser's (tools/goast-outline) over every .go
# file under the given directories (vendor/ and testdata/ skipped).
#
# Usage: bench/compare-outline.sh [-n N] [-t] DIR...
#   -n N   list at most N differing files (default 20)
#   -t     also include testdata/ directories (where most syntax-error files live)
# Prints: files compared, identical outlines, differing outlines (first differing line of
# each listed file), and for files with syntax errors whether both parsers report one and
# whether the first errors are on the same line.
set -euo pipefail
shown=20
prune=(-name vendor -o -name testdata)
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) shown=$2; shift 2 ;;
    -t) prune=(-name vendor); shift ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [-n N] [-t] DIR..." >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root/tools/goast-outline" && go build -o "$work/goast-outline" .)
cargo build -q --release -p goguard_syntax --example outline --manifest-path "$root/Cargo.toml"
rust_bin="$CARGO_TARGET_DIR/release/examples/outline"

find "$@" \( "${prune[@]}" \) -prune -o -type f -name '*.go' -print | sort > "$work/files"
# Both tools take many files per run; split them into per-file outputs afterwards.
xargs -a "$work/files" -d '\n' "$work/goast-outline" > "$work/go.out"
xargs -a "$work/files" -d '\n' "$rust_bin" > "$work/rust.out"

python3 - "$work/go.out" "$work/rust.out" "$shown" <<'PY'
import sys
def split(path):
    files, cur, name = {}, None, None
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if line.startswith("=== "):
                name = line[4:].rstrip("\n"); cur = files[name] = []
            else:
                cur.append(line.rstrip("\n"))
    return files
go, rs, shown = split(sys.argv[1]), split(sys.argv[2]), int(sys.argv[3])
compared = identical = 0
differing = []
err_files = err_both = err_same_line = err_all_same = 0
err_rows = []
for name, gl in go.items():
    rl = rs.get(name, [])
    compared += 1
    gerr = [l for l in gl if l.startswith("error ")]
    rerr = [l for l in rl if l.startswith("error ")]
    if gerr:
        err_files += 1
        if rerr == gerr:
            err_all_same += 1
        if rerr:
            err_both += 1
            if gerr[0].split()[1].split(":")[0] == rerr[0].split()[1].split(":")[0]:
                err_same_line += 1
            else:
                err_rows.append((name, gerr[0], rerr[0]))
        else:
            err_rows.append((name, gerr[0], "(no error)"))
        continue
    if gl == rl:
        identical += 1
        continue
    i = next((i for i, (a, b) in enumerate(zip(gl, rl)) if a != b), min(len(gl), len(rl)))
    differing.append((name, i + 1, gl[i] if i < len(gl) else "<end>", rl[i] if i < len(rl) else "<end>"))
ok = compared - err_files
print(f"files compared:        {compared}")
print(f"accepted by go/parser: {ok}")
print(f"  identical outlines:  {identical}")
print(f"  differing outlines:  {len(differing)}")
for name, ln, a, b in differing[:shown]:
    print(f"    {name}:{ln}\n      go:   {a}\n      rust: {b}")
print(f"rejected by go/parser: {err_files}")
print(f"  we also report an error:       {err_both}")
print(f"  first error on the same line:  {err_same_line}")
print(f"  identical error lists:         {err_all_same}")
for name, a, b in err_rows[:shown]:
    print(f"    {name}\n      go:   {a}\n      rust: {b}")
PY
