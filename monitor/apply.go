package monitor

import (
	"errors"
	"fmt"
	"time"

	"switchboard/config"
)

// ErrNoAlternative is returned by a force failover with nowhere to go.
var ErrNoAlternative = errors.New("force failover: no other routable backend")

// ErrUnknownProvider is wrapped by the error of a command that names a
// provider the config does not have.
var ErrUnknownProvider = errors.New("unknown provider")

// StaleError refuses a command given on a view that no longer holds: the
// operator expected one backend active (or next) and another is.
type StaleError struct{ Msg string }

func (e *StaleError) Error() string { return e.Msg }

// validateOrder checks an order's expectation, then its command.
func (c *core) validateOrder(o Order, now time.Time) error {
	if o.ExpectActive != "" && o.ExpectActive != c.active {
		return &StaleError{Msg: fmt.Sprintf("expected %s active, but the active backend is now %s", o.ExpectActive, orNone(c.active))}
	}
	return c.validate(o.Command, now)
}

// validate checks a command against the current state without applying it,
// so Send can answer the operator at once.
func (c *core) validate(cmd Command, now time.Time) error {
	switch cmd := cmd.(type) {
	case ForceFailover:
		return c.validateFailover(cmd, now)
	case Pin:
		p, err := c.known(cmd.Provider)
		switch {
		case err != nil:
		case !p.carries:
			err = fmt.Errorf("pin %s: a kind %s provider only reports health and cannot carry traffic", cmd.Provider, p.cfg.Kind)
		case !p.enabled:
			err = fmt.Errorf("pin %s: provider is disabled", cmd.Provider)
		}
		return err
	case SetEnabled:
		_, err := c.known(cmd.Provider)
		return err
	case ProbeNow:
		if cmd.Provider == "" {
			return nil
		}
		_, err := c.known(cmd.Provider)
		return err
	case Auto:
		return nil
	}
	return fmt.Errorf("unknown command %T", cmd)
}

// validateFailover refuses a force failover with nowhere to go, or one
// asked for on a screen that no longer holds: the active backend or the
// target changed since the operator read the prompt.
func (c *core) validateFailover(cmd ForceFailover, now time.Time) error {
	target := c.failoverTarget(now)
	switch {
	case cmd.From != "" && cmd.From != c.active:
		return &StaleError{Msg: fmt.Sprintf("force failover from %s refused: the active backend is now %s", cmd.From, orNone(c.active))}
	case target == "":
		return ErrNoAlternative
	case cmd.To != "" && cmd.To != target:
		return &StaleError{Msg: fmt.Sprintf("force failover to %s refused: the next backend is now %s", cmd.To, target)}
	}
	return nil
}

func orNone(name string) string {
	if name == "" {
		return "none"
	}
	return name
}

func (c *core) known(name string) (*provider, error) {
	if p := c.byName[name]; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownProvider, name)
}

// apply carries out an operator order; it returns the providers to probe
// at once (nil for none).
func (c *core) apply(o Order, now time.Time) []string {
	c.by = o.Actor
	if c.by == "" {
		c.by = ActorOperator
	}
	if err := c.validateOrder(o, now); err != nil {
		c.event(Event{At: now, Kind: EventOperator, Cause: "ignored: " + err.Error(), Actor: c.by})
		return nil
	}
	switch cmd := o.Command.(type) {
	case ForceFailover:
		c.forceFailover(now)
	case Pin:
		c.pin(cmd, now)
		return []string{cmd.Provider} // what the operator now relies on: know it at once
	case Auto:
		c.auto(now)
	case SetEnabled:
		return c.setEnabled(cmd, now)
	case ProbeNow:
		return c.probeNow(cmd, now)
	}
	return nil
}

// probeNow names the providers to probe at once. The operator asking is
// also the word that ends a Retry-After window: the probe is sent now, and
// its answer says whether the provider is still rate limited.
func (c *core) probeNow(cmd ProbeNow, now time.Time) []string {
	var names []string
	for _, p := range c.provs {
		if cmd.Provider == "" || cmd.Provider == p.cfg.Name {
			if !cmd.Stalled {
				c.clearRateLimit(p, now)
			}
			names = append(names, p.cfg.Name)
		}
	}
	return names
}

// clearRateLimit ends p's Retry-After window at the operator's word, with
// an event when there was one.
func (c *core) clearRateLimit(p *provider, now time.Time) {
	if p.clearRateLimit() {
		c.event(Event{At: now, Kind: EventOperator, Provider: p.cfg.Name,
			Cause: "Retry-After window cleared: probing now", Actor: c.by})
	}
}

func (c *core) forceFailover(now time.Time) {
	from := c.active
	if p := c.byName[from]; p != nil {
		p.drainedUntil, p.dirty = now.Add(c.pol.DrainFor.D()), true
	}
	c.pinned, c.pinnedUntil = "", time.Time{}
	c.event(Event{At: now, Kind: EventOperator, Provider: from, Cause: fmt.Sprintf("force failover: %s drained for %s", from, human(c.pol.DrainFor.D())), Actor: c.by})
	c.decide(now, c.by, "forced failover from "+from)
}

func (c *core) pin(cmd Pin, now time.Time) {
	c.pinned, c.pinnedUntil = cmd.Provider, time.Time{}
	c.clearRateLimit(c.byName[cmd.Provider], now)
	cause := "pinned by operator"
	if cmd.For > 0 {
		c.pinnedUntil = now.Add(cmd.For)
		cause += " for " + human(cmd.For)
	}
	c.event(Event{At: now, Kind: EventOperator, Provider: cmd.Provider, Cause: cause, Actor: c.by})
	c.decide(now, c.by, cause)
}

func (c *core) auto(now time.Time) {
	c.pinned, c.pinnedUntil = "", time.Time{}
	for _, p := range c.provs {
		if !p.drainedUntil.IsZero() {
			p.drainedUntil, p.dirty = time.Time{}, true
		}
	}
	// Only under failback: manual is Auto the operator's failback; under
	// failback: auto the policy already fails back, after the hold-down
	// that reselect would skip.
	c.reselect = c.pol.Failback == config.FailbackManual
	c.event(Event{At: now, Kind: EventOperator, Cause: "back to automatic routing", Actor: c.by})
	c.decide(now, c.by, "")
}

func (c *core) setEnabled(cmd SetEnabled, now time.Time) []string {
	p := c.byName[cmd.Provider]
	if p.enabled == cmd.Enabled {
		return nil
	}
	p.enabled, p.dirty = cmd.Enabled, true
	word := "disabled"
	if cmd.Enabled {
		word = "enabled"
	}
	c.event(Event{At: now, Kind: EventOperator, Provider: p.cfg.Name, Cause: word + " by operator", Actor: c.by})
	var ch *stateChange
	if cmd.Enabled {
		c.clearRateLimit(p, now)
		ch = p.rejoin(now)
	} else {
		ch = p.set(StateDisabled, now, "disabled by operator", false)
		if c.pinned == p.cfg.Name {
			c.pinned, c.pinnedUntil = "", time.Time{}
		}
	}
	if ch != nil {
		c.event(Event{At: now, Kind: EventState, Provider: p.cfg.Name, From: string(ch.from), To: string(ch.to), Cause: ch.cause, Actor: c.by})
	}
	c.decide(now, c.by, "")
	if cmd.Enabled {
		return []string{p.cfg.Name}
	}
	return nil
}
