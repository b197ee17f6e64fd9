package gateway

import (
	"context"
	"errors"
	"sync"

	"switchboard/monitor"
)

// errRescued is the cancel cause of an attempt moved off a backend that the
// monitor marked non-routable while the attempt waited for it.
var errRescued = errors.New("provider marked down while waiting; moved to the next backend")

// errAttemptTimeout is the cancel cause of an attempt that got no response
// within upstream_timeout.
var errAttemptTimeout = errors.New("no response within upstream_timeout")

// rescuer knows which attempts are waiting on which backend, so a snapshot
// that marks a backend down can cancel them at once. Attempts register
// cheaply (one map insert) instead of each watching snapshots themselves.
type rescuer struct {
	mu      sync.Mutex
	waiting map[string]map[*waiter]struct{}
}

type waiter struct {
	cancel context.CancelCauseFunc
}

func newRescuer(backends map[string]*backend) *rescuer {
	r := &rescuer{waiting: make(map[string]map[*waiter]struct{}, len(backends))}
	for name := range backends {
		r.waiting[name] = map[*waiter]struct{}{}
	}
	return r
}

func (r *rescuer) add(backend string, w *waiter) {
	r.mu.Lock()
	r.waiting[backend][w] = struct{}{}
	r.mu.Unlock()
}

func (r *rescuer) remove(backend string, w *waiter) {
	r.mu.Lock()
	delete(r.waiting[backend], w)
	r.mu.Unlock()
}

// apply cancels the attempts waiting on backends that snap says must be
// left, and reports how many it cancelled.
func (r *rescuer) apply(snap *monitor.Snapshot) int {
	n := 0
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, ws := range r.waiting {
		if len(ws) == 0 || !shouldLeave(snap, name) {
			continue
		}
		for w := range ws {
			w.cancel(errRescued)
			delete(ws, w)
			n++
		}
	}
	return n
}

// shouldLeave reports whether traffic waiting on backend should move: the
// monitor no longer considers it routable (down, rate-limited,
// misconfigured, disabled) and another backend is in the route. A merely
// drained backend keeps its in-flight requests: a slow answer is not a
// failure, and cancelling it would waste the tokens already spent.
func shouldLeave(snap *monitor.Snapshot, backend string) bool {
	p, ok := snap.Provider(backend)
	if !ok || (p.Enabled && p.State.Routable()) {
		return false
	}
	for _, name := range snap.Route() {
		if name != backend {
			return true
		}
	}
	return false
}

// Run follows the monitor's snapshots and rescues in-flight attempts until
// ctx is done. ListenAndServe runs it; call it yourself only when serving
// Handler() some other way.
func (g *Gateway) Run(ctx context.Context) {
	snaps, unsubscribe := g.src.Subscribe()
	defer unsubscribe()
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-snaps:
			if !ok {
				return
			}
			g.rescue.apply(s)
		}
	}
}
