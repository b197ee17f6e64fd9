package monitor

import (
	"context"
	"time"
)

// decider is the one goroutine that owns the core: it applies results,
// commands and deadlines in arrival order and publishes after each change.
func (m *Monitor) decider(ctx context.Context) {
	dl := deadlineTimer{clock: m.clock}
	defer dl.stop()
	// Samples, traffic and passive successes are published at most once a
	// second, on the whole second, when the dashboard draws its frame and
	// the store flushes: one wake of the process for all three. State,
	// routing and operator changes are published at once.
	var publishAt time.Time
	for {
		now := m.clock.Now()
		next := m.core.nextDeadline(now)
		if !publishAt.IsZero() && (next.IsZero() || publishAt.Before(next)) {
			next = publishAt
		}
		select {
		case <-ctx.Done():
			return
		case d := <-m.results:
			if m.scheds[d.result.Provider] != d.sched {
				continue // from a prober a reload stopped: its provider is gone or changed
			}
			m.core.changed = false
			at := m.clock.Now()
			m.core.observe(d.result, at)
			m.journalSample(Sample{At: at, Latency: d.result.Latency, Class: d.result.Class}, d.result.Provider)
			d.sched.next <- m.reschedule(d.result.Provider)
			if !m.core.changed { // a new sample only: shown within a second, like traffic
				publishAt = routine(publishAt, at)
				continue
			}
		case r := <-m.passive:
			if m.core.following {
				continue // a follower's traffic is the leader's to judge (fleet.go)
			}
			if m.core.observe(r, m.clock.Now()) {
				m.kick(r.Provider)
			}
			m.storeRetryAfter(r.Provider)
			if r.OK() { // a success on real traffic never changes a state: no need to publish at once
				publishAt = routine(publishAt, m.clock.Now())
				continue
			}
		case rec := <-m.records:
			m.core.recordRequest(rec)
			publishAt = routine(publishAt, m.clock.Now())
			continue
		case req := <-m.cmds:
			if m.core.following {
				req.reply <- cmdReply{err: ErrFollowing}
				continue
			}
			err := m.command(req.order)
			m.publish() // before replying: Send's caller sees the effect at once
			publishAt = time.Time{}
			req.reply <- cmdReply{ack: Ack{Active: m.core.active, Seq: m.core.seq}, err: err}
			continue
		case sd := <-m.status:
			if m.scheds[sd.provider] != sd.sched {
				continue
			}
			m.core.official(sd.provider, sd.word, m.clock.Now())
		case call := <-m.calls:
			call.err = call.fn()
			m.publish() // before replying, as for a command
			publishAt = time.Time{}
			close(call.done)
			continue
		case req := <-m.reloads:
			m.reload(req.cfg)
			m.publish() // before replying, as for a command
			publishAt = time.Time{}
			req.reply <- nil
			continue
		case <-dl.wait(next, now):
			dl.stop() // fired: the next deadline needs a new timer
			m.core.tick(m.clock.Now())
			m.rescheduleAll()
		}
		publishAt = time.Time{}
		m.publish()
	}
}

func (m *Monitor) command(o Order) error {
	now := m.clock.Now()
	if err := m.core.validateOrder(o, now); err != nil {
		return err
	}
	names, err := m.applyDurably(o, now)
	for _, name := range names {
		m.kick(name)
	}
	m.rescheduleAll()
	return err
}

func (m *Monitor) kick(name string) {
	if s := m.scheds[name]; s != nil {
		s.poke()
	}
}

// reschedule stores the provider's next timeout and Retry-After and
// returns its jittered interval.
func (m *Monitor) reschedule(name string) time.Duration {
	p, now := m.core.byName[name], m.clock.Now()
	m.scheds[name].timeout.Store(int64(m.core.timeoutFor(p, now)))
	m.storeRetryAfter(name)
	return jitter(m.scheds[name].rng, m.core.intervalFor(p, now))
}

// storeRetryAfter tells the provider's prober when its Retry-After window ends.
// A 429 seen on real traffic starts one while the prober sleeps on a wait
// chosen before it.
func (m *Monitor) storeRetryAfter(name string) {
	p, s := m.core.byName[name], m.scheds[name]
	if p == nil || s == nil {
		return
	}
	var until int64
	if p.rateLimitedTill.After(m.clock.Now()) {
		until = p.rateLimitedTill.UnixNano()
	}
	s.until.Store(until)
}

func (m *Monitor) rescheduleAll() {
	for name := range m.scheds {
		m.reschedule(name)
	}
}

// deadlineTimer keeps one clock timer armed for the core's next deadline,
// re-arming only when the deadline moves.
type deadlineTimer struct {
	clock Clock
	at    time.Time
	t     Timer
}

func (d *deadlineTimer) wait(at, now time.Time) <-chan time.Time {
	if at.IsZero() {
		d.stop()
		return nil
	}
	if d.t == nil || !at.Equal(d.at) {
		d.stop()
		d.at, d.t = at, d.clock.NewTimer(at.Sub(now))
	}
	return d.t.C()
}

func (d *deadlineTimer) stop() {
	if d.t != nil {
		d.t.Stop()
		d.t = nil
	}
}

// routine is when a routine change (a sample, traffic) is published: with
// the one already pending, else at the start of the next second. now is
// the time it came, not the time the decider began to wait (which may be
// long before, and would publish it at once).
func routine(pending, now time.Time) time.Time {
	if !pending.IsZero() {
		return pending
	}
	return now.Truncate(time.Second).Add(time.Second)
}
