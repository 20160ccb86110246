#!/usr/bin/env bash
# Checks the test inputs against the reference parser (go/parser, through gofmt):
# every file in valid/ must parse, every file in errors/ must be rejected, and
# valid/ must be gofmt-formatted except the files listed in valid/NOT_GOFMTED,
# which keep forms that gofmt would rewrite (a BOM, CRLF, explicit semicolons...).
set -euo pipefail
cd "$(dirname "$0")"
status=0
for f in valid/*.go; do
	if ! gofmt -e "$f" >/dev/null; then
		echo "valid file rejected by go/parser: $f"
		status=1
	fi
done
for f in errors/*.go; do
	if gofmt -e "$f" >/dev/null 2>&1; then
		echo "error file accepted by go/parser: $f"
		status=1
	fi
done
while read -r f; do
	if ! grep -qx "$(basename "$f")" valid/NOT_GOFMTED; then
		echo "not gofmt-formatted (run gofmt -w, or list it in valid/NOT_GOFMTED): $f"
		status=1
	fi
done < <(gofmt -l valid)
exit "$status"
