package monitor

import (
	"errors"
	"slices"
	"time"
)

// A fleet (several serve replicas acting as one, package fleet) runs one
// Monitor per replica. The leader's monitor probes and decides as a lone
// one does, recording into the fleet's Journal; every other replica's
// monitor follows: it neither probes nor decides, and takes the state,
// events and route the leader recorded (Adopt), so its Snapshot, and the
// gateway reading it, route as the leader decided. The route stays the
// monitor's decision: a follower's is the leader's, never re-derived.

// ErrFollowing refuses an order given to a following monitor: in a fleet
// the leader applies orders, and the fleet brings them to it.
var ErrFollowing = errors.New("this replica follows the fleet's leader, which applies orders")

// errLeading refuses an adoption by a monitor that decides for itself.
var errLeading = errors.New("monitor: leading, it adopts no one's state")

// FleetStatus is what a replica knows of its fleet, shown with every
// Snapshot (the dashboard's header, the API's state).
type FleetStatus struct {
	Replica  string         // this replica
	Leader   string         // the replica that leads, "" while none does (or it is not known)
	Leading  bool           // this replica leads
	Replicas []FleetReplica // every replica the fleet store lists, by name
	// StoreOK says the fleet store (etcd) answers; Since is when that
	// last changed, so a header can say "unreachable since ...", and
	// StoreErr why the last request to it failed.
	StoreOK  bool
	Since    time.Time
	StoreErr string
}

// FleetReplica is one replica of a fleet.
type FleetReplica struct {
	Name   string
	API    string    // the address its API is advertised at
	Joined time.Time // when its current session began
}

// deciderCall is a function run on the decider goroutine, which owns the
// core; the decider publishes after it.
type deciderCall struct {
	fn   func() error
	err  error
	done chan struct{}
}

// call runs fn on the decider and returns its error once the result is
// published.
func (m *Monitor) call(fn func() error) error {
	if !m.running.Load() {
		return ErrNotRunning
	}
	c := &deciderCall{fn: fn, done: make(chan struct{})}
	select {
	case m.calls <- c:
	case <-m.done:
		return ErrNotRunning
	}
	select {
	case <-c.done:
		return c.err
	case <-m.done:
		return ErrNotRunning
	}
}

// Following reports whether the monitor follows a fleet's leader.
func (m *Monitor) Following() bool { return m.following.Load() }

// Lead makes a following monitor decide for the fleet: it restores r
// (what the fleet store holds; nil keeps what it has), records into j
// from now on, and starts probing. note heads the event that says so
// ("replica b leads the fleet"). A monitor that leads already is left as
// it is.
func (m *Monitor) Lead(r *Restored, j Journal, note string) error {
	return m.call(func() error {
		if !m.core.following {
			return nil
		}
		now := m.clock.Now()
		m.following.Store(false)
		m.core.following, m.core.adopted = false, nil
		m.journal = j
		if r != nil && (r.State != nil || len(r.Events) > 0) {
			m.core.forgetAdopted()
			m.core.restoreAs(r, now, note)
			m.committed = restoredSeq(r)
		} else {
			m.core.event(Event{At: now, Kind: EventOperator, Provider: m.core.active, Actor: ActorPolicy,
				Cause: note + ": the fleet store holds no state yet; this replica's own carries on"})
			m.core.decide(now, ActorPolicy, "")
		}
		m.committedRoute = "" // the route is recorded with the first commit
		for _, s := range m.scheds {
			m.start(s)
		}
		m.rescheduleAll()
		return nil
	})
}

// Follow makes a leading monitor follow again (its leadership ended, or
// the fleet store is out of reach): it stops probing and deciding,
// records into Options.Journal only, and keeps routing as it did until
// Adopt says otherwise.
func (m *Monitor) Follow() error {
	return m.call(func() error {
		m.follow()
		return nil
	})
}

// follow is Follow on the decider (or in New, before Run).
func (m *Monitor) follow() {
	if m.core.following {
		return
	}
	m.core.adopted = m.core.route(m.clock.Now())
	m.core.following = true
	m.following.Store(true)
	m.journal = m.opts.Journal
	for name, s := range m.scheds {
		if s.stop != nil {
			s.halt()
			// What the stopped prober still sends names the old sched,
			// which the decider no longer listens to.
			m.scheds[name] = m.newSched(m.core.byName[name], s.rng)
		}
	}
}

// Adopt takes the state and the events the fleet's leader recorded. The
// events that follow the ones the monitor holds are appended; when they
// do not follow on (the follower missed some, or the fleet's log started
// again) they replace its log. A leading monitor refuses.
func (m *Monitor) Adopt(st *Persisted, events []Event) error {
	return m.call(func() error {
		if !m.core.following {
			return errLeading
		}
		if m.core.adoptEvents(events, st) {
			m.committed = 0 // the log was replaced: keep the new one locally, whole
		}
		if st != nil {
			m.core.adopt(st)
		}
		return nil
	})
}

// SetFleet shows f with every Snapshot from now on.
func (m *Monitor) SetFleet(f FleetStatus) error {
	f.Replicas = slices.Clone(f.Replicas)
	return m.call(func() error {
		m.fleet = &f
		return nil
	})
}

// adoptEvents appends or, when they do not follow on, takes events as the
// log; it reports whether it replaced the log.
func (c *core) adoptEvents(events []Event, st *Persisted) (replaced bool) {
	last := c.seq
	if len(events) == 0 {
		if st != nil && st.Seq < last {
			// The fleet's log went back (a new store): start it again.
			c.events, c.eventsCache, c.seq = nil, nil, st.Seq
			return true
		}
		return false
	}
	newest := events[len(events)-1].Seq
	i := 0
	for i < len(events) && events[i].Seq <= last {
		i++
	}
	switch {
	case newest < last || i < len(events) && events[i].Seq != last+1:
		c.events = append([]Event(nil), events...)
		replaced = true
	case i == len(events):
		return false
	default:
		c.events = append(c.events, events[i:]...)
	}
	if len(c.events) > c.maxEvents {
		c.events = append(c.events[:0:0], c.events[len(c.events)-c.maxEvents:]...)
	}
	c.seq, c.eventsCache, c.changed = c.events[len(c.events)-1].Seq, nil, true
	return replaced
}

// adopt takes the leader's state as its own. A provider this replica's
// config does not have is skipped, and so is its place in the route.
func (c *core) adopt(st *Persisted) {
	for _, pp := range st.Providers {
		if p := c.byName[pp.Name]; p != nil {
			p.setSaved(pp)
		}
	}
	c.active, c.activeSince, c.activeCause = st.Active, st.ActiveSince, st.ActiveCause
	c.pinned, c.pinnedUntil = st.Pinned, st.PinnedUntil
	if st.Mode != "" {
		c.mode = st.Mode
	}
	route := make([]string, 0, len(st.Route))
	for _, name := range st.Route {
		if p := c.byName[name]; p != nil && p.carries {
			route = append(route, name)
		}
	}
	if c.byName[c.active] == nil {
		c.active = ""
		if len(route) > 0 {
			c.active = route[0]
		}
	}
	c.adopted, c.changed = route, true
	if st.Seq > c.seq {
		c.seq = st.Seq
	}
}

// forgetAdopted makes the core what restore expects to start from: each
// provider enabled or disabled as the config says, and no pin. What the
// fleet store holds is then restored over it, not over what this replica
// last adopted, which may be older.
func (c *core) forgetAdopted() {
	for _, p := range c.provs {
		p.enabled, p.dirty = p.cfg.IsEnabled(), true
		if !p.enabled {
			p.state, p.cause = StateDisabled, "disabled in config"
		}
	}
	c.pinned, c.pinnedUntil = "", time.Time{}
}

// setSaved makes p what pp says, as a rollback or a leader's state does.
func (p *provider) setSaved(pp PersistedProvider) {
	p.enabled = pp.Enabled
	p.state, p.since, p.cause = pp.State, pp.Since, pp.Cause
	p.rateLimitedTill, p.drainedUntil, p.holddownUntil = pp.RateLimitedUntil, pp.DrainedUntil, pp.HolddownUntil
	p.ejections, p.rejoining, p.dirty = pp.Ejections, pp.Rejoining, true
}

// halt stops s's goroutines, if they were started.
func (s *sched) halt() {
	if s.stop != nil {
		s.stop()
	}
}
