package monitor

import (
	"time"

	"switchboard/config"
)

// reload applies a new config to the core at now. A provider is known by
// its name: one that stays keeps its history, state and the operator's
// decisions, one that is new starts unknown as at startup (in hold-down),
// one that is gone leaves with an event. The policy and the global settings are replaced, and the
// policy decides again (the active or pinned provider may be gone).
func (c *core) reload(cfg *config.Config, now time.Time) {
	capacity := historyCap(cfg)
	provs := make([]*provider, 0, len(cfg.Providers))
	byName := make(map[string]*provider, len(cfg.Providers))
	moved := make([]int, len(c.provs)) // old priority → new, -1 when removed
	for i := range moved {
		moved[i] = -1
	}
	for i, pc := range cfg.Providers {
		p := c.byName[pc.Name]
		if p == nil {
			p = newProvider(pc, i, now, capacity, "added to config: not probed yet")
			// Unknown is routable, as at startup, so that it can serve when
			// nothing else can; but traffic that is flowing is not moved to
			// a provider no probe has answered: it is failed back to like a
			// recovered one, after the hold-down.
			p.holddownUntil = now.Add(cfg.Policy.Holddown.D())
			c.event(Event{At: now, Kind: EventOperator, Provider: pc.Name, Cause: "added to config", Actor: ActorConfig})
		} else {
			moved[p.priority] = i
			p = c.keep(p, pc, i, now, capacity)
		}
		provs = append(provs, p)
		byName[pc.Name] = p
	}
	hint := "config reloaded" // a new order or a disabled provider moved it
	for _, p := range c.provs {
		if byName[p.cfg.Name] != nil {
			continue
		}
		c.event(Event{At: now, Kind: EventOperator, Provider: p.cfg.Name,
			Cause: "removed from config (was " + string(p.state) + ")", Actor: ActorConfig})
		if p.cfg.Name == c.pinned {
			c.event(Event{At: now, Kind: EventOperator, Provider: p.cfg.Name, Cause: "pin ended: removed from config", Actor: ActorConfig})
			c.pinned, c.pinnedUntil = "", time.Time{}
		}
		if p.cfg.Name == c.active {
			hint = c.active + " removed from config"
		}
	}
	c.cfg, c.pol, c.window = cfg, cfg.Policy, cfg.Window.D()
	c.provs, c.byName = provs, byName
	c.traffic = c.traffic.remap(c.window, len(provs), moved)
	c.changed = true
	c.decide(now, ActorConfig, hint)
}

// keep carries a staying provider p over to its new config pc at priority
// i and returns it (or, when its endpoint changed, its successor).
//
// A new kind or base_url is another endpoint: the old history and health
// say nothing about it, so it starts afresh, unknown, as an added provider
// does; the operator's drain stays with the name. Any other change (a key,
// the probe, intervals, models) keeps history and state: the next probe,
// which the monitor sends at once, tells whether the change helped.
//
// enabled: a value changed in the file is the operator's new word and
// applies; an unchanged one leaves whatever the operator toggled since.
func (c *core) keep(p *provider, pc config.Provider, i int, now time.Time, capacity int) *provider {
	enabled := p.enabled
	if pc.IsEnabled() != p.cfg.IsEnabled() {
		enabled = pc.IsEnabled()
	}
	if pc.Kind != p.cfg.Kind || pc.BaseURL != p.cfg.BaseURL {
		what := "base_url"
		if pc.Kind != p.cfg.Kind {
			what = "kind"
		}
		cause := what + " changed in config: history cleared"
		fresh := newProvider(pc, i, now, capacity, cause+", not probed yet")
		fresh.drainedUntil, fresh.enabled = p.drainedUntil, enabled
		if fresh.state, fresh.cause = StateUnknown, cause+", not probed yet"; !enabled {
			fresh.state, fresh.cause = StateDisabled, cause+"; disabled"
		}
		c.event(Event{At: now, Kind: EventState, Provider: pc.Name, From: string(p.state), To: string(fresh.state),
			Cause: fresh.cause, Actor: ActorConfig})
		return fresh
	}
	p.cfg, p.priority, p.carries, p.dirty = pc, i, pc.CarriesTraffic(), true
	p.hist = p.hist.resized(capacity)
	if enabled == p.enabled {
		return p
	}
	p.enabled = enabled
	var ch *stateChange
	if enabled {
		// As when the operator re-enables it: routable only once probes
		// succeed, since whatever it was before is stale.
		if ch = p.rejoin(now); ch != nil {
			ch.cause = "enabled in config: routable once probes succeed"
			p.cause = ch.cause
		}
	} else {
		ch = p.set(StateDisabled, now, "disabled in config", false)
	}
	if ch != nil {
		c.event(Event{At: now, Kind: EventState, Provider: pc.Name, From: string(ch.from), To: string(ch.to),
			Cause: ch.cause, Actor: ActorConfig})
	}
	return p
}

// resized returns the ring with room for capacity samples, keeping the
// newest ones; the same ring when its size is already right.
func (r *ring) resized(capacity int) *ring {
	if capacity == len(r.buf) {
		return r
	}
	nr := newRing(capacity)
	r.each(time.Time{}, nr.add)
	return nr
}
