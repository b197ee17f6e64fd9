package monitor

import (
	"errors"
	"reflect"

	"switchboard/config"
)

type reloadRequest struct {
	cfg   *config.Config
	reply chan error
}

// Reload applies cfg (validated, defaults applied) to the running monitor
// and returns once the decider has applied it and published the result.
// Providers are known by name: one that stays keeps its history, state and
// the operator's decisions (a pin, a drain, enabled or disabled), unless
// its kind or base_url changed, which makes it another endpoint that
// starts afresh; one that is new starts unknown, as at startup, with its
// prober running; one that is gone stops being probed and leaves with an
// event (cause "removed from config"), taking its pin with it. The policy
// and global settings are replaced and the policy decides again. Every
// provider whose settings changed is probed at once.
func (m *Monitor) Reload(cfg *config.Config) error {
	if cfg == nil {
		return errors.New("monitor: reload without a config")
	}
	if !m.running.Load() {
		return ErrNotRunning
	}
	req := reloadRequest{cfg: cfg, reply: make(chan error, 1)}
	select {
	case m.reloads <- req:
	case <-m.done:
		return ErrNotRunning
	}
	select {
	case err := <-req.reply:
		return err
	case <-m.done:
		return ErrNotRunning
	}
}

// reload runs on the decider: it applies cfg to the core, then stops the
// goroutines of providers that are gone or changed and starts those of
// providers that are new or changed.
func (m *Monitor) reload(cfg *config.Config) {
	m.core.reload(cfg, m.clock.Now())
	old := m.cfg
	m.cfg = cfg
	for name, s := range m.scheds {
		if m.core.byName[name] == nil {
			s.halt()
			delete(m.scheds, name)
		}
	}
	statusChanged := old.Timeout != cfg.Timeout || old.StatusInterval != cfg.StatusInterval
	for _, p := range m.core.provs {
		s := m.scheds[p.cfg.Name]
		switch {
		case s == nil:
			s = m.newSched(p, m.nextRNG())
		case !reflect.DeepEqual(s.cfg, p.cfg) || statusChanged && p.cfg.StatusPage != "":
			// The old goroutines end; anything they still send names
			// the old sched, which the decider no longer listens to.
			s.halt()
			s = m.newSched(p, s.rng)
		default:
			continue
		}
		m.scheds[p.cfg.Name] = s
		m.storeRetryAfter(p.cfg.Name) // a changed provider still owes its Retry-After
		if !m.core.following {
			m.start(s) // probes at once: a new or changed provider is news
		}
	}
	m.rescheduleAll()
}
