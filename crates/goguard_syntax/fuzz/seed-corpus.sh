#!/usr/bin/env bash
# Copies the parser test inputs into the fuzz corpus (corpus/ is not committed).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/parse
find ../tests/testdata -name "*.go" -exec cp {} corpus/parse/ \;
