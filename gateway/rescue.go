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
	backends func() *backendSet // the current set: where a request could move
	mu       sync.Mutex
	// waiting holds a set per backend name ever waited on; an emptied set
	// stays, so the next attempt on that backend adds without allocating.
	waiting map[string]map[*waiter]struct{}
}

// waiter is one attempt waiting for headers, with what the rescuer needs
// to tell whether its request has anywhere else to go. The attempt sets
// every field before add and changes none until remove; the rescuer reads
// them only under mu, so add and remove order the two goroutines' access.
type waiter struct {
	cancel context.CancelCauseFunc
	rest   string     // the request's path: not every backend serves it
	tried  []*backend // every backend the request has tried, this one last
	last   bool       // max_attempts allows no attempt after this one
}

func newRescuer(backends func() *backendSet) *rescuer {
	r := &rescuer{backends: backends, waiting: map[string]map[*waiter]struct{}{}}
	r.track(*backends())
	return r
}

// track makes room for every backend of set and forgets the empty sets of
// names no longer in it (a reload removed them).
func (r *rescuer) track(set backendSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, ws := range r.waiting {
		if _, ok := set[name]; !ok && len(ws) == 0 {
			delete(r.waiting, name)
		}
	}
	for name := range set {
		if r.waiting[name] == nil {
			r.waiting[name] = map[*waiter]struct{}{}
		}
	}
}

func (r *rescuer) add(backend string, w *waiter) {
	r.mu.Lock()
	ws := r.waiting[backend]
	if ws == nil { // a backend of a set a reload has since replaced
		ws = map[*waiter]struct{}{}
		r.waiting[backend] = ws
	}
	ws[w] = struct{}{}
	r.mu.Unlock()
}

func (r *rescuer) remove(backend string, w *waiter) {
	r.mu.Lock()
	delete(r.waiting[backend], w)
	r.mu.Unlock()
}

// apply cancels the attempts waiting on backends that snap says must be
// left, when their request can move elsewhere, and reports how many it
// cancelled.
func (r *rescuer) apply(snap *monitor.Snapshot) int {
	n := 0
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, ws := range r.waiting {
		if len(ws) == 0 || !markedDown(snap, name) {
			continue
		}
		for w := range ws {
			if r.canMove(snap, w) {
				w.cancel(errRescued)
				delete(ws, w)
				n++
			}
		}
	}
	return n
}

// recheck cancels w at once when snap, read after w was added, says it
// should move. A snapshot the watcher applied between the request's pick
// and add found no waiter to cancel; without this the attempt would wait
// for the next snapshot, about a second later.
func (r *rescuer) recheck(snap *monitor.Snapshot, backend string, w *waiter) {
	if snap != nil && markedDown(snap, backend) && r.canMove(snap, w) {
		w.cancel(errRescued)
	}
}

// markedDown reports whether the monitor has taken backend out of service
// (down, rate-limited, misconfigured, disabled, or down by its
// authoritative status page) as published in the snapshot. The active
// backend, pinned or least-bad, never is; nor is a merely drained one,
// which keeps its in-flight requests: a slow answer is not a failure, and
// cancelling it would waste the tokens already spent.
func markedDown(snap *monitor.Snapshot, backend string) bool {
	p, ok := snap.Provider(backend)
	return ok && p.OutOfService
}

// canMove reports whether w's request could make its next attempt on a
// backend of the published route that is not out of service. Without
// one, a rescue would only turn a slow answer into the client's 504, so
// the request keeps its chance where it is. The retry budget is not
// asked: a rescued move does not spend it.
func (r *rescuer) canMove(snap *monitor.Snapshot, w *waiter) bool {
	if w.last {
		return false
	}
	set := *r.backends()
	for _, name := range snap.Route {
		if candidate(set[name], w.rest, w.tried) && !markedDown(snap, name) {
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
