package monitor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// sched is the hand-off between one prober goroutine and the decider.
type sched struct {
	timeout atomic.Int64       // next probe's timeout, set by the decider
	until   atomic.Int64       // unix nanos of a Retry-After's end, 0 for none; set by the decider
	next    chan time.Duration // decider → prober: wait this long before the next probe
	kick    chan struct{}      // probe now (buffer 1: kicks coalesce)
	rng     *rand.Rand         // jitter; used by the decider only
}

func newSched(timeout time.Duration, rng *rand.Rand) *sched {
	s := &sched{next: make(chan time.Duration, 1), kick: make(chan struct{}, 1), rng: rng}
	s.timeout.Store(int64(timeout))
	return s
}

func (s *sched) poke() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// retryAfterLeft is how long the provider has told us not to come back.
func (s *sched) retryAfterLeft(now time.Time) time.Duration {
	if u := s.until.Load(); u != 0 {
		return time.Unix(0, u).Sub(now)
	}
	return 0
}

type probeDone struct {
	result probes.Result
	sched  *sched
}

// prober probes one provider forever, one probe at a time, waiting between
// probes for as long as the decider says.
func (m *Monitor) prober(ctx context.Context, p config.Provider, s *sched) {
	for {
		if !m.waitOutRetryAfter(ctx, s) {
			return
		}
		// A kick that came before this probe starts is answered by it;
		// left in the channel it would cut the next wait short for nothing.
		select {
		case <-s.kick:
		default:
		}
		start := m.clock.Now()
		pctx, cancel := m.clock.WithTimeout(ctx, time.Duration(s.timeout.Load()))
		r := m.safeProbe(pctx, p)
		cancel()
		if ctx.Err() != nil {
			return // shutting down: a cancelled probe is not a provider failure
		}
		r.Provider, r.Source = p.Name, probes.SourceProbe
		select {
		case m.results <- probeDone{result: r, sched: s}:
		case <-ctx.Done():
			return
		}
		var wait time.Duration
		select {
		case wait = <-s.next:
		case <-ctx.Done():
			return
		}
		// Probes start at a fixed rate: a probe that timed out is followed
		// at once when its timeout already used up the interval.
		if !m.sleep(ctx, wait-m.clock.Now().Sub(start), s.kick) {
			return
		}
	}
}

// waitOutRetryAfter keeps every probe, scheduled or asked for, out of a
// Retry-After window: the probe would spend the quota the traffic needs
// and earn another 429. false means the context ended.
func (m *Monitor) waitOutRetryAfter(ctx context.Context, s *sched) bool {
	for {
		d := s.retryAfterLeft(m.clock.Now())
		if d <= 0 {
			return ctx.Err() == nil
		}
		if !m.sleep(ctx, d, nil) {
			return false
		}
	}
}

// safeProbe runs one probe; a panic in it (a bug, or a provider answer the
// probe code never imagined) becomes a failed result instead of taking the
// dashboard and the gateway down with it.
func (m *Monitor) safeProbe(ctx context.Context, p config.Provider) (r probes.Result) {
	defer func() {
		if v := recover(); v != nil {
			r = probes.Result{Class: probes.ClassBadResponse, Err: probes.Redact(fmt.Sprintf("probe failed internally: %v", v), p.APIKey)}
		}
	}()
	return m.opts.Probe(ctx, p)
}

// safeStatus is safeProbe for the status page reader.
func (m *Monitor) safeStatus(ctx context.Context, p config.Provider) (w probes.StatusWord) {
	defer func() {
		if v := recover(); v != nil {
			w = probes.StatusWord{Indicator: "unknown", Err: fmt.Sprintf("status page read failed internally: %v", v)}
		}
	}()
	return m.opts.Status(ctx, p)
}

// sleep waits d on the monitor's clock, or less when kicked; false means
// the context ended.
func (m *Monitor) sleep(ctx context.Context, d time.Duration, kick <-chan struct{}) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := m.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-kick:
		return true
	case <-ctx.Done():
		return false
	}
}

// jitter spreads probes ±10% so providers never fall into lockstep; rng
// is the decider's own (Options.Seed makes a run reproducible).
func jitter(rng *rand.Rand, d time.Duration) time.Duration {
	return d + time.Duration((rng.Float64()*0.2-0.1)*float64(d))
}

// statusPoller reads a provider's official status page slowly.
func (m *Monitor) statusPoller(ctx context.Context, p config.Provider) {
	for {
		sctx, cancel := m.clock.WithTimeout(ctx, m.cfg.Timeout.D())
		w := m.safeStatus(sctx, p)
		cancel()
		if ctx.Err() != nil {
			return
		}
		select {
		case m.status <- statusDone{provider: p.Name, word: w}:
		case <-ctx.Done():
			return
		}
		if !m.sleep(ctx, m.cfg.StatusInterval.D(), nil) {
			return
		}
	}
}

// decider is the one goroutine that owns the core: it applies results,
// commands and deadlines in arrival order and publishes after each change.
func (m *Monitor) decider(ctx context.Context) {
	dl := deadlineTimer{clock: m.clock}
	defer dl.stop()
	// Samples, traffic and passive successes are published at most once a
	// second; state, routing and operator changes at once.
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
			m.core.changed = false
			m.core.observe(d.result, m.clock.Now())
			d.sched.next <- m.reschedule(d.result.Provider)
			if !m.core.changed { // a new sample only: shown within a second, like traffic
				if publishAt.IsZero() {
					publishAt = now.Add(time.Second)
				}
				continue
			}
		case r := <-m.passive:
			if m.core.observe(r, m.clock.Now()) {
				m.kick(r.Provider)
			}
			m.storeRetryAfter(r.Provider)
			if r.OK() { // a success on real traffic never changes a state: no need to publish at once
				if publishAt.IsZero() {
					publishAt = now.Add(time.Second)
				}
				continue
			}
		case rec := <-m.records:
			m.core.recordRequest(rec)
			if publishAt.IsZero() {
				publishAt = now.Add(time.Second)
			}
			continue
		case req := <-m.cmds:
			err := m.command(req.cmd)
			m.publish() // before replying: Send's caller sees the effect at once
			publishAt = time.Time{}
			req.reply <- err
			continue
		case sd := <-m.status:
			m.core.official(sd.provider, sd.word, m.clock.Now())
		case <-dl.wait(next, now):
			dl.stop() // fired: the next deadline needs a new timer
			m.core.tick(m.clock.Now())
			m.rescheduleAll()
		}
		publishAt = time.Time{}
		m.publish()
	}
}

func (m *Monitor) command(cmd Command) error {
	now := m.clock.Now()
	if err := m.core.validate(cmd, now); err != nil {
		return err
	}
	for _, name := range m.core.apply(cmd, now) {
		m.kick(name)
	}
	m.rescheduleAll()
	return nil
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
