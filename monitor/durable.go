package monitor

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotRecorded is wrapped by the error of an order the Journal could not
// record: the order is undone, so what is acknowledged is what is kept.
var ErrNotRecorded = errors.New("decision not recorded")

// checkpoint is what an order may change, kept to undo it when it cannot
// be recorded.
type checkpoint struct {
	state    *Persisted
	mode     Mode
	events   []Event
	reselect bool
}

func (c *core) checkpoint(now time.Time) checkpoint {
	return checkpoint{state: c.persisted(now), mode: c.mode, events: c.events, reselect: c.reselect}
}

// rollback undoes everything since cp: the operator's decisions, the
// providers' saved parts, the events and their sequence numbers.
func (c *core) rollback(cp checkpoint) {
	st := cp.state
	c.active, c.activeSince, c.activeCause = st.Active, st.ActiveSince, st.ActiveCause
	c.pinned, c.pinnedUntil, c.mode, c.reselect = st.Pinned, st.PinnedUntil, cp.mode, cp.reselect
	for _, pp := range st.Providers {
		if p := c.byName[pp.Name]; p != nil {
			p.enabled = pp.Enabled
			p.state, p.since, p.cause = pp.State, pp.Since, pp.Cause
			p.rateLimitedTill, p.drainedUntil, p.holddownUntil = pp.RateLimitedUntil, pp.DrainedUntil, pp.HolddownUntil
			p.ejections, p.rejoining, p.dirty = pp.Ejections, pp.Rejoining, true
		}
	}
	c.events, c.seq, c.eventsCache = cp.events, st.Seq, nil
}

// commitPending records the events not yet recorded and the state they
// left. Nothing to record, or no Journal, is no work.
func (m *Monitor) commitPending() error { return m.commitOrder("") }

// commitOrder is commitPending for the order id ("" for none): an
// OrderJournal records the order in the same transaction. A change of
// mode or route is recorded even without an event (a drain that ends),
// because a fleet's followers route by the recorded one.
func (m *Monitor) commitOrder(id string) error {
	j := m.journal
	if j == nil {
		return nil
	}
	now := m.clock.Now()
	route := string(m.core.mode) + " " + strings.Join(m.core.route(now), ",")
	if m.core.seq == m.committed && route == m.committedRoute && id == "" {
		return nil
	}
	var fresh []Event
	for _, e := range m.core.events {
		if e.Seq > m.committed {
			fresh = append(fresh, e)
		}
	}
	st := m.core.persisted(now)
	var err error
	if oj, ok := j.(OrderJournal); ok && id != "" {
		err = oj.CommitOrder(id, st, fresh)
	} else {
		err = j.Commit(st, fresh)
	}
	if err != nil {
		m.journalErr = err.Error()
		return err
	}
	m.committed, m.committedRoute, m.journalErr = m.core.seq, route, ""
	return nil
}

// applyDurably applies an order and records it before it is acknowledged;
// an order that cannot be recorded is undone and refused.
func (m *Monitor) applyDurably(o Order, now time.Time) ([]string, error) {
	var cp checkpoint
	if m.journal != nil {
		cp = m.core.checkpoint(now)
	}
	m.core.via = o.Replica
	names := m.core.apply(o, now)
	m.core.via = ""
	if err := m.commitOrder(o.ID); err != nil {
		m.core.rollback(cp)
		return nil, fmt.Errorf("%w: %v", ErrNotRecorded, err)
	}
	return names, nil
}

// journalSample hands a probe's sample to the Journal for the charts.
func (m *Monitor) journalSample(r Sample, provider string) {
	if j := m.journal; j != nil {
		j.Samples(provider, []Sample{r})
	}
}
