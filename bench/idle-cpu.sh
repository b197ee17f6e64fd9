#!/usr/bin/env bash
# Idle CPU of the dashboard: 10 local fake providers probed every second,
# the dashboard open in a tmux pane for 60 s, CPU time read from /proc.
# A minimal Bubble Tea clock runs beside it in the same run as the baseline.
# Loopback only; stops by itself. Needs tmux (apt-get install -y tmux).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-60}
command -v tmux >/dev/null || { echo "tmux is required: apt-get install -y tmux" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'tmux kill-session -t sbidle 2>/dev/null || true; tmux kill-session -t sbbase 2>/dev/null || true; kill $fakes 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/switchboard" .
go build -o "$tmp/fakeproviders" ./bench/fakeproviders
go build -o "$tmp/teabaseline" ./bench/teabaseline
"$tmp/fakeproviders" -n 10 -interval 1s -config "$tmp/bench.yaml" -for $((secs + 60))s >/dev/null &
fakes=$!
sleep 1
tmux new-session -d -s sbidle -x 160 -y 50 "$tmp/switchboard --config $tmp/bench.yaml"
tmux new-session -d -s sbbase -x 160 -y 50 "$tmp/teabaseline"
sleep 10 # let both settle (first probes, first full render)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sb=$(tmux list-panes -t sbidle -F '#{pane_pid}')
base=$(tmux list-panes -t sbbase -F '#{pane_pid}')
tick=$(getconf CLK_TCK)
sb0=$(cpu "$sb"); base0=$(cpu "$base")
sleep "$secs"
sb1=$(cpu "$sb"); base1=$(cpu "$base")
awk -v a="$sb0" -v b="$sb1" -v c="$base0" -v d="$base1" -v t="$tick" -v s="$secs" 'BEGIN {
  printf "dashboard, 10 providers probed every 1s: %.2f%% of one core over %ds\n", 100*(b-a)/t/s, s
  printf "bubble tea 1 s clock (baseline):          %.2f%% of one core over %ds\n", 100*(d-c)/t/s, s
}'
echo "screen after ${secs}s:"
tmux capture-pane -p -t sbidle | head -20
