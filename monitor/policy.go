package monitor

import (
	"fmt"
	"time"

	"switchboard/config"
)

// choose returns the backend that should be active now and the mode. It is
// pure: the caller records the change.
func (c *core) choose(now time.Time) (string, Mode) {
	if c.pinned != "" {
		return c.pinned, ModePinned
	}
	mode := ModeAuto
	if c.anyDrained(now) {
		mode = ModeForced
	}
	var cands []*provider
	for _, p := range c.provs {
		if p.routable(now) {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		// A drained but healthy backend beats PANIC: the drain was a preference.
		for _, p := range c.provs {
			if p.eligible() {
				return p.cfg.Name, mode
			}
		}
		return c.leastBad(), ModePanic
	}
	cur := c.byName[c.active]
	if cur != nil && cur.routable(now) {
		for _, p := range cands {
			if p == cur {
				return cur.cfg.Name, mode
			}
			if c.mayFailBackTo(p, now) {
				return p.cfg.Name, mode
			}
		}
		return cur.cfg.Name, mode
	}
	// The active backend has left rotation: go where a force failover goes.
	return c.failoverTarget(now), mode
}

// failoverTarget is the backend that takes over when the active one leaves
// rotation, by failure or by force failover: the first routable provider
// in failover order. The snapshot names it as Next, so the prompt "fail
// over to X?" and the move it confirms come from this one function.
func (c *core) failoverTarget(now time.Time) string {
	target := ""
	c.standbys(now, func(p *provider) bool {
		target = p.cfg.Name
		return false
	})
	return target
}

// route is the published order in which the gateway tries backends: the
// active one, then the standbys. In PANIC nothing is routable and the
// least-bad active backend stands alone. A pinned backend heads the route
// whatever its probes say: the operator's pin wins, and its failures are
// still retried on the standbys before the first byte.
func (c *core) route(now time.Time) []string {
	if c.following {
		return c.adopted
	}
	out := make([]string, 0, len(c.provs))
	if c.active != "" {
		out = append(out, c.active)
	}
	if c.mode == ModePanic {
		return out
	}
	c.standbys(now, func(p *provider) bool {
		out = append(out, p.cfg.Name)
		return true
	})
	return out
}

// standbys calls visit with every routable provider other than the active
// one, in failover order, until visit returns false: by priority, those
// out of hold-down before those in it (a provider in hold-down has just
// recovered from an outage and may flap, so it is the last resort). The
// policy's failover target and the published route both walk it, so they
// cannot disagree.
func (c *core) standbys(now time.Time, visit func(p *provider) bool) {
	for _, lastResort := range [2]bool{false, true} {
		for _, p := range c.provs {
			if p.inHolddown(now) != lastResort || p.cfg.Name == c.active || !p.routable(now) {
				continue
			}
			if !visit(p) {
				return
			}
		}
	}
}

// mayFailBackTo says whether a higher-priority provider may take over from a
// healthy active one: only after its hold-down, and only automatically unless
// the operator asked (Auto) under failback: manual.
func (c *core) mayFailBackTo(p *provider, now time.Time) bool {
	if c.reselect {
		return true
	}
	return c.pol.Failback != config.FailbackManual && !p.inHolddown(now)
}

func (c *core) anyDrained(now time.Time) bool {
	for _, p := range c.provs {
		if p.drained(now) {
			return true
		}
	}
	return false
}

// badness ranks non-routable states: the soonest to come back is least bad.
var badness = map[State]int{
	StateRateLimited: 0, StateDegraded: 1, StateUp: 1, StateUnknown: 2,
	StateDown: 3, StateMisconfigured: 4,
}

// leastBad keeps something active when nothing is routable, preferring the
// current active at equal badness so PANIC does not churn.
func (c *core) leastBad() string {
	var best *provider
	for _, p := range c.provs {
		if !p.enabled || !p.carries {
			continue
		}
		if best == nil || badness[p.state] < badness[best.state] ||
			(badness[p.state] == badness[best.state] && p.cfg.Name == c.active) {
			best = p
		}
	}
	if best == nil {
		return ""
	}
	return best.cfg.Name
}

// decide re-evaluates the active backend and records the change, if any.
func (c *core) decide(now time.Time, actor Actor, hint string) {
	if c.following {
		return // the fleet's leader decides
	}
	name, mode := c.choose(now)
	c.reselect = false
	c.changed = c.changed || mode != c.mode
	// The mode event goes first: an order's Ack names the newest event,
	// which stays the active change the order caused.
	c.modeChanged(c.mode, mode, name, now, actor)
	c.mode = mode
	if name == c.active {
		return
	}
	cause := c.explain(name, mode, now, hint)
	c.event(Event{At: now, Kind: EventActive, Provider: name, From: c.active, To: name, Cause: cause, Actor: actor})
	c.active, c.activeSince, c.activeCause = name, now, cause
}

// explain says in a few words why the active backend changed.
func (c *core) explain(name string, mode Mode, now time.Time, hint string) string {
	if hint != "" {
		return hint
	}
	old := c.byName[c.active]
	switch {
	case mode == ModePanic:
		return "PANIC: nothing routable, least-bad stays active"
	case old == nil:
		return "highest-priority routable backend"
	case !old.enabled:
		return old.cfg.Name + " disabled by operator"
	case old.officialDown:
		return old.cfg.Name + " down: official status " + old.official.Component
	case !old.state.Routable():
		return fmt.Sprintf("%s %s: %s", old.cfg.Name, old.state, old.cause)
	case old.drained(now):
		return "forced failover"
	case c.byName[name].priority < old.priority:
		return "failback: " + name + " recovered"
	}
	return "policy"
}
