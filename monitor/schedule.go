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

	// What the prober and status poller run with; fixed for their life.
	// A reload that changes any of it starts new ones on a new sched.
	cfg           config.Provider
	statusTimeout time.Duration
	statusEvery   time.Duration
	stop          context.CancelFunc // ends the goroutines; nil before start
}

// newSched is the hand-off for provider p, whose goroutines m.start starts.
func (m *Monitor) newSched(p *provider, rng *rand.Rand) *sched {
	s := &sched{next: make(chan time.Duration, 1), kick: make(chan struct{}, 1), rng: rng,
		cfg: p.cfg, statusTimeout: m.cfg.Timeout.D(), statusEvery: m.cfg.StatusInterval.D()}
	s.timeout.Store(int64(m.core.timeoutFor(p, m.clock.Now())))
	return s
}

// start runs s's prober, and its status poller when it has a status page,
// until Run ends or s.stop is called.
func (m *Monitor) start(s *sched) {
	ctx, cancel := context.WithCancel(m.runCtx)
	s.stop = cancel
	m.workers.Go(func() { m.prober(ctx, s.cfg, s) })
	if s.cfg.StatusPage != "" {
		m.workers.Go(func() { m.statusPoller(ctx, s) })
	}
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
		// A kick wakes it: the operator's probe now ends the window.
		if !m.sleep(ctx, d, s.kick) {
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
			msg := fmt.Sprintf("probe failed internally: %v", v)
			r = probes.Result{Class: probes.ClassBadResponse, Err: probes.Short(probes.Redact(msg, probes.Secrets(p)...))}
		}
	}()
	return m.opts.Probe(ctx, p)
}

// safeStatus is safeProbe for the status page reader.
func (m *Monitor) safeStatus(ctx context.Context, p config.Provider) (w probes.StatusWord) {
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprintf("status page read failed internally: %v", v)
			w = probes.StatusWord{Indicator: "unknown", Err: probes.Short(probes.Redact(msg, probes.Secrets(p)...))}
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
func (m *Monitor) statusPoller(ctx context.Context, s *sched) {
	for {
		sctx, cancel := m.clock.WithTimeout(ctx, s.statusTimeout)
		w := m.safeStatus(sctx, s.cfg)
		cancel()
		if ctx.Err() != nil {
			return
		}
		select {
		case m.status <- statusDone{provider: s.cfg.Name, word: w, sched: s}:
		case <-ctx.Done():
			return
		}
		if !m.sleep(ctx, s.statusEvery, nil) {
			return
		}
	}
}
