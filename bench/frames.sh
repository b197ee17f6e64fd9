#!/usr/bin/env bash
# Where an idle dashboard's drawing goes: the dashboard against 10 local
# fake providers probed every second, in a 160×50 tmux pane for SECS
# (60) seconds, built against a copy of Bubble Tea timed at its two
# costly steps: each View() call, and each flush of a changed frame
# (parse the View into cells, diff every cell against the screen, write
# the difference). Prints how many of each and their mean cost in the
# running process, caches cold as they are between frames, which is
# several times what a benchmark loop shows. OLD=<git revision> times
# that revision too, in the same run. Loopback only; stops by itself.
# Needs tmux and the module cache's Bubble Tea (go mod download).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-60}
command -v tmux >/dev/null || { echo "tmux is required: apt-get install -y tmux" >&2; exit 1; }
tmp=$(mktemp -d)
cleanup() {
  tmux kill-session -t sbframes 2>/dev/null || true
  tmux kill-session -t sbframesold 2>/dev/null || true
  kill "${fakes:-}" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

tea=$(go list -m -f '{{.Dir}}' charm.land/bubbletea/v2)
cp -r "$tea" "$tmp/tea"
chmod -R u+w "$tmp/tea"
cat >"$tmp/tea/zz_frames.go" <<'EOF'
package tea

import (
	"sync/atomic"
	"time"
)

// Counters read by the timed build's main.
var ViewCount, ViewNanos, FlushCount, FlushNanos atomic.Int64

func timedView(m Model) View {
	t0 := time.Now()
	v := m.View()
	ViewNanos.Add(int64(time.Since(t0)))
	ViewCount.Add(1)
	return v
}

func timedFlush() func() {
	t0 := time.Now()
	return func() { FlushNanos.Add(int64(time.Since(t0))); FlushCount.Add(1) }
}
EOF
sed -i 's|p.renderer.render(model.View()) // send view to renderer|p.renderer.render(timedView(model))|' "$tmp/tea/tea.go"
sed -i 's|^\ts.starting = false$|\tdefer timedFlush()()\n\ts.starting = false|' "$tmp/tea/cursed_renderer.go"
grep -q timedView "$tmp/tea/tea.go" && grep -q timedFlush "$tmp/tea/cursed_renderer.go" ||
  { echo "Bubble Tea's source changed: update the two sed lines in $0" >&2; exit 1; }

# build REV DIR OUT: the dashboard at REV (or the working tree for "."),
# against the timed Bubble Tea, printing the counters to $FRAMES at exit.
build() {
  mkdir -p "$2"
  if [ "$1" = . ]; then tar -c --exclude=.git . | tar -x -C "$2"; else git archive "$1" | tar -x -C "$2"; fi
  cat >"$2/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"

	"switchboard/internal/cli"
)

func main() {
	cli.LimitProcsFor(os.Args[1:])
	rc := cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	ms := func(n, c int64) float64 { return float64(n) / 1e6 / float64(max(c, 1)) }
	out := fmt.Sprintf("%d Views, %.3f ms each; %d changed frames flushed, %.3f ms each\n",
		tea.ViewCount.Load(), ms(tea.ViewNanos.Load(), tea.ViewCount.Load()),
		tea.FlushCount.Load(), ms(tea.FlushNanos.Load(), tea.FlushCount.Load()))
	_ = os.WriteFile(os.Getenv("FRAMES"), []byte(out), 0o644)
	os.Exit(rc)
}
EOF
  (cd "$2" && go mod edit -replace charm.land/bubbletea/v2="$tmp/tea" && go build -o "$3" .)
}
build . "$tmp/new" "$tmp/switchboard"
[ -z "${OLD:-}" ] || build "$OLD" "$tmp/old" "$tmp/switchboard-old"
go build -o "$tmp/fakeproviders" ./bench/fakeproviders
"$tmp/fakeproviders" -n 10 -interval 1s -config "$tmp/bench.yaml" -for $((secs + 30))s >/dev/null &
fakes=$!
sleep 1
tmux new-session -d -s sbframes -x 160 -y 50 \
  "FRAMES=$tmp/frames.txt $tmp/switchboard --config $tmp/bench.yaml --state-dir $tmp/state"
[ -z "${OLD:-}" ] || tmux new-session -d -s sbframesold -x 160 -y 50 \
  "FRAMES=$tmp/frames-old.txt $tmp/switchboard-old --config $tmp/bench.yaml --state-dir $tmp/oldstate"
sleep "$secs"
tmux send-keys -t sbframes q
[ -z "${OLD:-}" ] || tmux send-keys -t sbframesold q
sleep 2
echo "over ${secs}s, 160×50, 10 providers:"
echo "  this tree: $(cat "$tmp/frames.txt")"
[ -z "${OLD:-}" ] || echo "  at $OLD: $(cat "$tmp/frames-old.txt")"
