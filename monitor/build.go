package monitor

import (
	"maps"
	"slices"
	"time"

	"switchboard/probes"
)

// intervalFor is how long to wait before probing p again: the suspect
// interval while anything is wrong, the normal one otherwise.
func (c *core) intervalFor(p *provider, now time.Time) time.Duration {
	normal, suspect := c.normalInterval(p), c.suspectInterval(p)
	switch {
	case p.state == StateRateLimited:
		return max(suspect, p.rateLimitedTill.Sub(now))
	case p.state == StateMisconfigured || p.state == StateDisabled:
		return normal // a bad key is not fixed by asking faster
	case p.state == StateDown || p.consecFail > 0 || p.state == StateUnknown && p.hasLast:
		return suspect
	}
	return normal
}

// timeoutFor is the probe timeout: min(timeout, max(1s, 4×p95 of recent
// successes)), so a provider that starts hanging is caught in about a second
// instead of after full configured timeouts.
func (c *core) timeoutFor(p *provider, now time.Time) time.Duration {
	base := c.cfg.Timeout.D()
	if p.cfg.Timeout > 0 {
		base = p.cfg.Timeout.D()
	}
	if !p.cfg.UsesAdaptiveTimeout() {
		return base
	}
	var lat []time.Duration
	p.hist.each(now.Add(-c.window), func(s Sample) {
		if s.Class == probes.ClassOK {
			lat = append(lat, s.Latency)
		}
	})
	if len(lat) < degradedMinSamples {
		return base
	}
	_, p95 := percentiles(lat)
	return min(base, max(time.Second, 4*p95))
}

// snapshot builds an immutable Snapshot; unchanged providers and the event
// log are shared with the previous one rather than copied.
func (c *core) snapshot(now time.Time, seq uint64) *Snapshot {
	tr, per, app := c.traffic.summary(now)
	if c.cfg.Gateway != nil {
		tr.Enabled, tr.Listen = true, c.cfg.Gateway.Listen
	}
	s := &Snapshot{Seq: seq, At: now, Active: c.active, ActiveSince: c.activeSince, ActiveCause: c.activeCause,
		Mode: c.mode, Pinned: c.pinned, PinnedUntil: c.pinnedUntil, Traffic: tr, Demo: c.demo,
		Providers: make([]ProviderSnapshot, len(c.provs)), Window: c.window}
	s.Route = c.route(now)
	if len(s.Route) > 1 {
		s.Next = s.Route[1]
	}
	for i, p := range c.provs {
		if p.dirty {
			p.cached, p.dirty = c.providerSnapshot(p, now), false
		}
		ps := &s.Providers[i]
		*ps = p.cached
		ps.Traffic, ps.App = per[i], app[i]
		// These follow the active backend and the clock (drains end), not
		// only the provider's own changes, so they are set on every copy.
		ps.InRotation = slices.Contains(s.Route, p.cfg.Name)
		ps.OutOfService = !p.eligible() && p.cfg.Name != c.active
	}
	if c.eventsCache == nil {
		c.eventsCache = append([]Event(nil), c.events...)
	}
	s.Events = c.eventsCache
	return s
}

func (c *core) providerSnapshot(p *provider, now time.Time) ProviderSnapshot {
	from := now.Add(-c.window)
	st := p.hist.windowStats(from)
	st.LastError = p.lastError
	ps := ProviderSnapshot{Name: p.cfg.Name, Kind: p.cfg.Kind, Priority: p.priority, Enabled: p.enabled,
		State: p.state, Since: p.since, Cause: p.cause, Last: p.last, HasLast: p.hasLast, Stats: st,
		Samples: p.hist.since(from), RateLimitedUntil: p.rateLimitedTill, DrainedUntil: p.drainedUntil,
		HolddownUntil: p.holddownUntil, Interval: c.intervalFor(p, now), Timeout: c.timeoutFor(p, now),
		OfficialDown: p.officialDown, CarriesTraffic: p.carries,
		ProbeCalls: p.cost.calls, ProbeTokens: p.cost.tokens}
	if p.state != StateRateLimited {
		ps.RateLimitedUntil = time.Time{}
	}
	if p.official != nil {
		w := *p.official
		ps.Official = &w
	}
	ps.Stats.ByClass = maps.Clone(st.ByClass)
	return ps
}

// recordRequest counts one gateway request.
func (c *core) recordRequest(rec RequestRecord) {
	idx := -1
	if p := c.byName[rec.Backend]; p != nil {
		idx = p.priority
	}
	c.traffic.add(rec, idx)
}
