#!/usr/bin/env bash
# Installs the linters goguard check is compared against (bench/check-vs-peers.sh),
# by name and pinned version, with `go install`. go vet ships with Go.
#
#   bench/install-peers.sh [BINDIR]        BINDIR defaults to $(go env GOPATH)/bin
#
# Idempotent: a tool already installed at the pinned version is left alone.
# Override the pins with STATICCHECK_VERSION / GOLANGCI_LINT_VERSION.
set -euo pipefail

STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}
GOLANGCI_LINT_VERSION=${GOLANGCI_LINT_VERSION:-v2.15.0}
BINDIR=${1:-$(go env GOPATH)/bin}
mkdir -p "$BINDIR"
BINDIR=$(cd "$BINDIR" && pwd)

# The version a binary was built from, read from its embedded module info.
installed_version() {
    local bin=$1
    [ -x "$bin" ] || return 0
    go version -m "$bin" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

install() {
    local name=$1 pkg=$2 version=$3
    local have
    have=$(installed_version "$BINDIR/$name")
    if [ "$have" = "$version" ]; then
        echo "$name $version already in $BINDIR"
        return
    fi
    echo "installing $pkg@$version into $BINDIR (was: ${have:-absent})"
    # GOFLAGS from the caller (e.g. -mod=vendor for a tree) must not leak into the install.
    GOBIN=$BINDIR GOFLAGS= go install "$pkg@$version"
}

install staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION"
install golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint "$GOLANGCI_LINT_VERSION"

echo
echo "go:            $(go version)"
echo "go vet:        ships with $(go env GOVERSION)"
echo "staticcheck:   $("$BINDIR/staticcheck" -version)"
echo "golangci-lint: $("$BINDIR/golangci-lint" version 2>&1 | head -1)"
