package monitor

import (
	"fmt"
	"time"
)

// persisted is what a restart must not forget, as the core holds it now.
func (c *core) persisted(now time.Time) *Persisted {
	st := &Persisted{SavedAt: now, Seq: c.seq, Active: c.active, ActiveSince: c.activeSince,
		ActiveCause: c.activeCause, Pinned: c.pinned, PinnedUntil: c.pinnedUntil,
		Providers: make([]PersistedProvider, len(c.provs)), Mode: c.mode, Route: c.route(now)}
	for i, p := range c.provs {
		st.Providers[i] = PersistedProvider{Name: p.cfg.Name, Enabled: p.enabled, State: p.state,
			Since: p.since, Cause: p.cause, RateLimitedUntil: p.rateLimitedTill, DrainedUntil: p.drainedUntil,
			HolddownUntil: p.holddownUntil, Ejections: p.ejections, Rejoining: p.rejoining}
	}
	return st
}

// restore brings back what a Journal kept, before the first probe: the
// pinned backend is active at once, a disabled provider stays disabled, a
// provider that was down stays out of rotation until probes say otherwise.
// What the config no longer has is dropped with an event that says so;
// the first probe round then confirms or corrects, each change an event.
func (c *core) restore(r *Restored, now time.Time) { c.restoreAs(r, now, "") }

// restoreAs is restore with a note that heads the event saying so (a
// fleet's new leader names itself).
func (c *core) restoreAs(r *Restored, now time.Time, note string) {
	if r == nil {
		return
	}
	c.restoreEvents(r.Events)
	for name, samples := range r.Samples {
		if p := c.byName[name]; p != nil {
			for _, s := range samples {
				p.hist.add(s)
			}
			p.dirty = true
		}
	}
	st := r.State
	if st == nil {
		return
	}
	c.seq = st.Seq
	for _, pp := range st.Providers {
		p := c.byName[pp.Name]
		if p == nil {
			c.event(Event{At: now, Kind: EventOperator, Provider: pp.Name, Actor: ActorPolicy,
				Cause: "dropped from the saved state: no longer in the config"})
			continue
		}
		p.restore(pp)
	}
	c.restorePin(st, now)
	if c.byName[st.Active] != nil {
		c.active, c.activeSince, c.activeCause = st.Active, st.ActiveSince, st.ActiveCause
	}
	cause := "state restored, saved " + st.SavedAt.Format(time.DateTime) + "; active " + orNone(c.active)
	if note != "" {
		cause = note + ": " + cause
	}
	c.event(Event{At: now, Kind: EventOperator, Provider: c.active, Actor: ActorPolicy, Cause: cause})
	c.decide(now, ActorPolicy, "")
}

// restoreEvents takes back the newest events, up to the log's bound. They
// replace the first choice of an active backend this start has logged:
// nothing could read it before the restore, which supersedes it.
func (c *core) restoreEvents(events []Event) {
	if len(events) == 0 {
		return
	}
	if len(events) > c.maxEvents {
		events = events[len(events)-c.maxEvents:]
	}
	c.events = append(c.events[:0:0], events...)
	c.eventsCache = nil
	c.seq = events[len(events)-1].Seq
}

// restorePin brings the operator's pin back, unless its provider has left
// the config or it ran out while the process was down: each says so.
func (c *core) restorePin(st *Persisted, now time.Time) {
	if st.Pinned == "" {
		return
	}
	p := c.byName[st.Pinned]
	switch {
	case p == nil || !p.carries:
		c.event(Event{At: now, Kind: EventOperator, Provider: st.Pinned, Actor: ActorPolicy,
			Cause: "pin dropped: no longer a provider in the config"})
	case !st.PinnedUntil.IsZero() && !now.Before(st.PinnedUntil):
		c.event(Event{At: now, Kind: EventOperator, Provider: st.Pinned, Actor: ActorPolicy,
			Cause: fmt.Sprintf("pin expired at %s while switchboard was stopped", st.PinnedUntil.Format(time.TimeOnly))})
	case !p.enabled:
		c.event(Event{At: now, Kind: EventOperator, Provider: st.Pinned, Actor: ActorPolicy,
			Cause: "pin dropped: provider disabled"})
	default:
		c.pinned, c.pinnedUntil = st.Pinned, st.PinnedUntil
	}
}

// restore applies a provider's saved part. A provider the config disables
// stays disabled whatever was saved; one the operator disabled stays so.
func (p *provider) restore(pp PersistedProvider) {
	p.dirty = true
	p.rateLimitedTill, p.drainedUntil, p.holddownUntil = pp.RateLimitedUntil, pp.DrainedUntil, pp.HolddownUntil
	p.ejections, p.rejoining = pp.Ejections, pp.Rejoining
	if !p.enabled {
		return
	}
	p.enabled = pp.Enabled
	if pp.State == "" {
		return
	}
	p.state, p.since, p.cause = pp.State, pp.Since, pp.Cause
	if p.enabled && p.state == StateDisabled {
		// Saved while disabled in the config, now enabled there: it
		// rejoins as a re-enabled provider does.
		p.state, p.cause = StateDown, "enabled in the config: routable once probes succeed"
		p.rejoining = true
	}
	if !p.enabled {
		p.state = StateDisabled
	}
}

// restoredSeq is the newest sequence number the Journal already holds.
func restoredSeq(r *Restored) uint64 {
	var seq uint64
	if r.State != nil {
		seq = r.State.Seq
	}
	if n := len(r.Events); n > 0 {
		seq = max(seq, r.Events[n-1].Seq)
	}
	return seq
}
