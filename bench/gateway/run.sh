#!/usr/bin/env bash
# Gateway benchmarks on loopback (about three minutes): added latency at concurrency 1
# beside nginx and a bare httputil.ReverseProxy, throughput at concurrency
# 32, a fixed 2000 req/s load, resident memory, and a scripted outage of the
# primary under constant load. nginx is optional: without it the run says
# so and goes on. Flags are passed to the program (go run ./bench/gateway -h).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/gateway-bench" ./bench/gateway
"$tmp/gateway-bench" "$@"
