package monitor

import (
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// core holds every provider's state and the routing decision. It has no
// goroutines and no clock of its own: the decider goroutine feeds it results,
// commands and the time, which is what makes the policy testable.
type core struct {
	cfg    *config.Config
	pol    config.Policy
	window time.Duration
	provs  []*provider
	byName map[string]*provider

	active      string
	activeSince time.Time
	activeCause string
	mode        Mode
	pinned      string
	pinnedUntil time.Time
	reselect    bool   // one-shot: Auto under failback: manual
	by          Actor  // who gave the order being applied: its events name them
	seq         uint64 // sequence number of the newest event

	events      []Event
	maxEvents   int
	eventsCache []Event // shared by snapshots until the next event
	traffic     *trafficLog
	demo        bool
	// changed is set by every event and mode change: the decider publishes
	// those at once and lets sample-only updates wait for the next second.
	changed bool
	// A fleet's follower (fleet.go) neither decides nor records events of
	// its own: it takes the leader's state, events and route (adopted).
	following bool
	adopted   []string
	replica   string // this replica's name in a fleet: its events name it
	via       string // the replica the order being applied came through
}

// historyCap bounds each provider's ring: enough for the whole window at the
// suspect interval, never more than 2048 samples.
func historyCap(cfg *config.Config) int {
	n := int(cfg.Window.D()/max(cfg.SuspectInterval.D(), 100*time.Millisecond)) + 16
	return max(64, min(n, 2048))
}

func newCore(cfg *config.Config, now time.Time, maxEvents int, demo bool) *core {
	c := &core{cfg: cfg, pol: cfg.Policy, window: cfg.Window.D(), byName: map[string]*provider{},
		mode: ModeAuto, maxEvents: maxEvents, demo: demo, traffic: newTrafficLog(cfg.Window.D(), len(cfg.Providers))}
	capacity := historyCap(cfg)
	for i, pc := range cfg.Providers {
		p := newProvider(pc, i, now, capacity, "not probed yet")
		c.provs = append(c.provs, p)
		c.byName[pc.Name] = p
	}
	c.decide(now, ActorPolicy, "")
	return c
}

// newProvider is a provider as the monitor first knows it: unknown (and so
// routable, to serve before the first probe), or disabled when the config
// says so. cause says why it is unknown.
func newProvider(pc config.Provider, priority int, now time.Time, capacity int, cause string) *provider {
	p := &provider{cfg: pc, priority: priority, enabled: pc.IsEnabled(), carries: pc.CarriesTraffic(), state: StateUnknown,
		since: now, cause: cause, hist: newRing(capacity), dirty: true, routableSince: now}
	if !p.enabled {
		p.state, p.cause = StateDisabled, "disabled in config"
	}
	return p
}

// observe applies one result; it reports whether the provider should be
// probed again at once.
func (c *core) observe(r probes.Result, now time.Time) (reprobe bool) {
	p := c.byName[r.Provider]
	if p == nil {
		return false
	}
	wasRoutable := p.state.Routable()
	ch := p.observe(r, now, c.pol, c.window)
	if ch != nil {
		if wasRoutable && !ch.to.Routable() && ch.to != StateRateLimited {
			p.ejections++
		}
		c.event(Event{At: now, Kind: EventState, Provider: p.cfg.Name, From: string(ch.from), To: string(ch.to), Cause: ch.cause, Actor: actorOf(r)})
	}
	c.forgive(p, now)
	c.decide(now, actorOf(r), "")
	if r.Source != probes.SourcePassive {
		c.probed(p, now)
		return false
	}
	return c.passiveReprobe(p, r, now)
}

// passiveReprobe says whether a failure on real traffic should have p
// probed at once. The probe rate must not follow the request rate (in
// PANIC every request goes to the least-bad provider and fails), so it
// grants at most one re-probe per suspect interval: the fastest rate the
// design probes a suspect provider at, and the default 1 s matches the
// gateway's own stall nudge. Never inside a Retry-After window (the probe
// spends the same quota as the traffic), nor for the client's own errors.
func (c *core) passiveReprobe(p *provider, r probes.Result, now time.Time) bool {
	if r.OK() || r.Class == probes.ClassAuth || r.Class == probes.ClassClientError {
		return false
	}
	if now.Before(p.rateLimitedTill) || now.Before(p.reprobeAfter) {
		return false
	}
	p.reprobeAfter = now.Add(c.suspectInterval(p))
	return true
}

// probed notes a probe's answer. While p is already probed at the suspect
// interval, each answer is as fresh as a passive re-probe would make it,
// so it starts the interval again rather than letting a re-probe double
// the schedule's rate.
func (c *core) probed(p *provider, now time.Time) {
	if suspect := c.suspectInterval(p); c.intervalFor(p, now) <= suspect {
		p.reprobeAfter = later(p.reprobeAfter, now.Add(suspect))
	}
}

// suspectInterval is the probe interval of p while it is suspect: never
// slower than p's normal interval.
func (c *core) suspectInterval(p *provider) time.Duration {
	return min(c.cfg.SuspectInterval.D(), c.normalInterval(p))
}

// normalInterval is p's probe interval while all is well: its own, else
// the global one.
func (c *core) normalInterval(p *provider) time.Duration {
	if p.cfg.Interval > 0 {
		return p.cfg.Interval.D()
	}
	return c.cfg.Interval.D()
}

func actorOf(r probes.Result) Actor {
	if r.Source == probes.SourcePassive {
		return ActorGateway
	}
	return ActorPolicy
}

// forgive resets the ejection count of a provider that has stayed up long.
func (c *core) forgive(p *provider, now time.Time) {
	if p.ejections > 0 && p.state == StateUp && now.Sub(p.since) >= forgiveAfterCaps*c.pol.HolddownMax.D() {
		p.ejections = 0
	}
}

// official records a status-page reading; authoritative pages can take a
// provider out of rotation.
func (c *core) official(name string, w probes.StatusWord, now time.Time) {
	p := c.byName[name]
	if p == nil {
		return
	}
	p.official, p.dirty = &w, true
	bad := p.cfg.StatusPageAuthoritative && officialOutage(w)
	if bad != p.officialDown {
		p.officialDown = bad
		cause := "official status clear"
		if bad {
			cause = "official status: " + w.Indicator + " " + w.Component
		}
		c.event(Event{At: now, Kind: EventState, Provider: name, From: string(p.state), To: string(p.state), Cause: cause, Actor: ActorPolicy})
	}
	c.decide(now, ActorPolicy, "")
}

func officialOutage(w probes.StatusWord) bool {
	if w.Component != "" {
		return w.Component == "major_outage"
	}
	return w.Indicator == "major" || w.Indicator == "critical"
}

// tick applies time-based transitions: rate limits, pins and drains expiring,
// hold-downs ending.
func (c *core) tick(now time.Time) {
	for _, p := range c.provs {
		// A window the operator cleared (zero) ends with the next probe's
		// answer instead: the provider takes no traffic on a guess.
		if p.state == StateRateLimited && !p.rateLimitedTill.IsZero() && !now.Before(p.rateLimitedTill) {
			if ch := p.set(StateUp, now, "Retry-After elapsed", true); ch != nil {
				c.event(Event{At: now, Kind: EventState, Provider: p.cfg.Name, From: string(ch.from), To: string(ch.to), Cause: ch.cause, Actor: ActorPolicy})
			}
		}
		if !p.drainedUntil.IsZero() && !now.Before(p.drainedUntil) {
			p.drainedUntil, p.dirty = time.Time{}, true
		}
	}
	if c.pinned != "" && !c.pinnedUntil.IsZero() && !now.Before(c.pinnedUntil) {
		c.event(Event{At: now, Kind: EventOperator, Provider: c.pinned, Cause: "pin expired", Actor: ActorPolicy})
		c.pinned, c.pinnedUntil = "", time.Time{}
	}
	c.decide(now, ActorPolicy, "")
}

// nextDeadline is the earliest future instant at which tick would change
// something; zero when there is none.
func (c *core) nextDeadline(now time.Time) time.Time {
	var next time.Time
	if c.following {
		return next // the leader's clock ends windows and drains
	}
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, p := range c.provs {
		if p.state == StateRateLimited {
			consider(p.rateLimitedTill)
		}
		consider(p.drainedUntil)
		consider(p.holddownUntil)
	}
	consider(c.pinnedUntil)
	return next
}

// event appends to the bounded event log.
func (c *core) event(e Event) {
	if c.following {
		c.changed = true // the leader's log is the fleet's: a follower adds nothing to it
		return
	}
	if e.Replica == "" {
		e.Replica = c.replica
		if c.via != "" {
			e.Replica = c.via
		}
	}
	c.seq++
	e.Seq = c.seq
	c.changed = true
	c.events = append(c.events, e)
	if len(c.events) > c.maxEvents {
		c.events = append(c.events[:0:0], c.events[len(c.events)-c.maxEvents:]...)
	}
	c.eventsCache = nil
}
