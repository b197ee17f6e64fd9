#!/usr/bin/env bash
# The API stream with 100 attached dashboards (issue 12), on loopback, about
# three minutes: serve's extra CPU and RSS with the clients attached, and the
# time from an operator's decision to the last client seeing it. Flags are
# passed to the program (go run ./bench/stream -h).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/switchboard" .
go build -o "$tmp/stream-bench" ./bench/stream
"$tmp/stream-bench" -bin "$tmp/switchboard" "$@"
