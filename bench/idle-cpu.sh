#!/usr/bin/env bash
# Idle CPU of the dashboard: 10 local fake providers probed every second,
# the dashboard open in a tmux pane for 60 s, CPU time read from /proc.
# Baselines in the same run, each in its own pane: the smallest Bubble Tea
# program redrawing a clock every second (Bubble Tea's own idle loop; and
# again at the dashboard's 10 fps), a bare net/http client asking the same
# providers once a second (the floor of the probing), and htop when it is
# installed (apt-get install -y htop). Loopback only; stops by itself.
# Needs tmux. OLD=<git revision> also runs the dashboard built from that
# revision, in the same run, to compare a change with the code before it.
#
# CPU time is the scheduler's own count, in nanoseconds, summed over the
# process's threads (/proc/PID/task/*/schedstat). utime+stime in
# /proc/PID/stat is charged by the 250 Hz tick, and these programs wake on
# whole seconds, in step with it: two panes of the same binary differed by
# 5% that way. Both are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-60}
command -v tmux >/dev/null || { echo "tmux is required: apt-get install -y tmux" >&2; exit 1; }
tmp=$(mktemp -d)
sessions=(sbidle sbold sbbase sbtea10 sbhttp sbhtop)
cleanup() {
  for s in "${sessions[@]}"; do tmux kill-session -t "$s" 2>/dev/null || true; done
  kill "$fakes" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/switchboard" .
go build -o "$tmp/fakeproviders" ./bench/fakeproviders
go build -o "$tmp/teabaseline" ./bench/teabaseline
go build -o "$tmp/httpbaseline" ./bench/httpbaseline
if [ -n "${OLD:-}" ]; then
  mkdir "$tmp/old"
  git archive "$OLD" | tar -x -C "$tmp/old"
  (cd "$tmp/old" && go build -o "$tmp/switchboard-old" .)
fi
"$tmp/fakeproviders" -n 10 -interval 1s -config "$tmp/bench.yaml" -for $((secs + 60))s >/dev/null &
fakes=$!
sleep 1
tmux new-session -d -s sbidle -x 160 -y 50 "$tmp/switchboard --config $tmp/bench.yaml --state-dir $tmp/state"
if [ -n "${OLD:-}" ]; then
  tmux new-session -d -s sbold -x 160 -y 50 "$tmp/switchboard-old --config $tmp/bench.yaml --state-dir $tmp/oldstate"
fi
tmux new-session -d -s sbbase -x 160 -y 50 "$tmp/teabaseline"
tmux new-session -d -s sbtea10 -x 160 -y 50 "$tmp/teabaseline -fps 10"
tmux new-session -d -s sbhttp -x 160 -y 50 "$tmp/httpbaseline -config $tmp/bench.yaml -for $((secs + 30))s"
if command -v htop >/dev/null; then
  tmux new-session -d -s sbhtop -x 160 -y 50 "htop"
fi
sleep 10 # let them settle (first probes, first full render)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Go does not end its threads, so the sum over the live ones is the process's.
nanos() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{n += $1} END {print n}'; }
pane() { tmux list-panes -t "$1" -F '#{pane_pid}' 2>/dev/null || true; }
tick=$(getconf CLK_TCK)
declare -A pid start startns
for s in "${sessions[@]}"; do
  p=$(pane "$s")
  [ -n "$p" ] || continue
  pid[$s]=$p
  start[$s]=$(ticks "$p")
  startns[$s]=$(nanos "$p")
done
sleep "$secs"
label() {
  case $1 in
    sbidle) echo "dashboard, 10 providers probed every 1s" ;;
    sbold) echo "the same dashboard at ${OLD:-}" ;;
    sbbase) echo "bubble tea 1 s clock (baseline)" ;;
    sbtea10) echo "the same clock at the dashboard's 10 fps" ;;
    sbhttp) echo "bare net/http, same 10 requests/s" ;;
    sbhtop) echo "htop (baseline)" ;;
  esac
}
for s in "${sessions[@]}"; do
  if [ -z "${pid[$s]:-}" ]; then
    [ "$s" != sbhtop ] || echo "htop: not installed, skipped (apt-get install -y htop)"
    continue
  fi
  end=$(ticks "${pid[$s]}")
  endns=$(nanos "${pid[$s]}")
  awk -v n="$(label "$s")" -v a="${start[$s]}" -v b="$end" -v t="$tick" -v s="$secs" \
    -v na="${startns[$s]}" -v nb="$endns" \
    'BEGIN { printf "%-41s %.3f%% of one core over %ds (by the tick: %.2f%%)\n", n ":", 100*(nb-na)/1e9/s, s, 100*(b-a)/t/s }'
done
echo "screen after ${secs}s:"
tmux capture-pane -p -t sbidle | head -20
