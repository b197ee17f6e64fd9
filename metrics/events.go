package metrics

import (
	"context"

	"switchboard/monitor"
)

// count brings the event counters up to s: each event newer than the
// newest seen is counted once, whichever Snapshot or caller shows it
// first, and an older Snapshot read late counts nothing.
func (m *Metrics) count(s *monitor.Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range s.Events {
		e := &s.Events[i]
		if e.Seq <= m.seen {
			continue
		}
		if gap := e.Seq - m.seen - 1; gap > 0 {
			m.missed.Add(float64(gap))
		}
		m.seen = e.Seq
		// In a fleet every replica shows the leader's events; only the
		// leader counts them, so that a sum over replicas counts each once.
		if e.Kind == monitor.EventActive && e.From != "" && (s.Fleet == nil || s.Fleet.Leading) {
			m.failovers.WithLabelValues(e.From, orNone(e.To), m.actor(e.Actor)).Inc()
		}
	}
}

// actor is a as a label value: one of the bounded set, else other.
func (m *Metrics) actor(a monitor.Actor) string {
	if m.actors[string(a)] {
		return string(a)
	}
	return other
}

// Follow counts the events of the watched source as it publishes them,
// until ctx ends; without Watch it returns at once. It is optional: a
// scrape counts the events of the Snapshot it reads. It matters when more
// events than the monitor keeps (200) can happen between two scrapes:
// followed, they are counted as they come.
func (m *Metrics) Follow(ctx context.Context) {
	m.mu.Lock()
	src := m.src
	m.mu.Unlock()
	if src == nil {
		return
	}
	snaps, stop := src.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-snaps:
			if !ok {
				return
			}
			m.count(s)
		}
	}
}
