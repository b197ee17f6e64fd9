package gateway

import (
	"sync"
	"time"

	"switchboard/monitor"
)

// nudgeEvery bounds how often real traffic may ask the monitor to probe one
// backend: a thousand stalled requests are one hint, not a thousand.
const nudgeEvery = time.Second

// minStall is the shortest wait that counts as a stall, whatever the
// monitor's current probe timeout for the backend.
const minStall = time.Second

// nudger turns an attempt that waits unusually long for response headers
// into a probe of that backend now. A hanging provider is otherwise found
// only at its next scheduled probe (up to an interval away); with the hint
// it is probed at once, marked down after its probe timeouts, and the
// waiting requests are rescued. A slow but healthy provider (a long
// generation) just answers the probe: the hint costs one cheap request.
type nudger struct {
	src  Source
	mu   sync.Mutex
	last map[string]time.Time // backend → the last nudge; a reload may add names
}

func newNudger(src Source) *nudger {
	return &nudger{src: src, last: map[string]time.Time{}}
}

// stallAfter is how long an attempt on backend may wait for headers before
// it counts as stalled: the monitor's own probe timeout for it, which
// follows the provider's recent latency.
func (n *nudger) stallAfter(backend string) time.Duration {
	if p, ok := n.src.Snapshot().Provider(backend); ok && p.Timeout > minStall {
		return p.Timeout
	}
	return minStall
}

// nudge asks for a probe of backend unless one was asked for recently. It
// runs on a timer goroutine, never on the request's path.
// A mutex is enough: nudges are rare (a stalled attempt), never per request.
func (n *nudger) nudge(backend string) {
	now := time.Now()
	n.mu.Lock()
	if prev, ok := n.last[backend]; ok && now.Sub(prev) < nudgeEvery {
		n.mu.Unlock()
		return
	}
	n.last[backend] = now
	n.mu.Unlock()
	_ = n.src.Send(monitor.ProbeNow{Provider: backend, Stalled: true})
}
