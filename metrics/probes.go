package metrics

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// probeSeries are one provider's probe counters, one per class, and its
// probe duration histogram.
type probeSeries struct {
	results  [len(classes)]prometheus.Counter
	duration prometheus.Observer
}

func (m *Metrics) newProbeSeries(name string) *probeSeries {
	s := &probeSeries{duration: m.probeTime.WithLabelValues(name)}
	for i, c := range classes {
		s.results[i] = m.probeResult.WithLabelValues(name, string(c))
	}
	return s
}

// WrapProbe returns probe with every probe it makes counted: use it as
// monitor.Options.Probe, wrapping what the monitor would run, e.g.
//
//	met := metrics.New(cfg)
//	client := probes.NewClient()
//	mon := monitor.New(cfg, monitor.Options{Client: client, Probe: met.WrapProbe(
//		func(ctx context.Context, p config.Provider) probes.Result { return probes.Probe(ctx, client, p) })})
//	met.Watch(mon)
//
// Each call the monitor makes is one probe, observed once as it returns.
// A probe cut short because the monitor is stopping (or a reload stopped
// its prober) is not counted: the monitor drops its result too.
func (m *Metrics) WrapProbe(probe monitor.ProbeFunc) monitor.ProbeFunc {
	if probe == nil {
		panic("metrics: WrapProbe needs the probe function to wrap")
	}
	return func(ctx context.Context, p config.Provider) (r probes.Result) {
		defer func() {
			if v := recover(); v != nil {
				// The monitor turns a panicking probe into a failed one.
				m.ObserveProbe(p.Name, probes.Result{Class: probes.ClassBadResponse})
				panic(v)
			}
		}()
		r = probe(ctx, p)
		if errors.Is(context.Cause(ctx), context.Canceled) {
			return r
		}
		m.ObserveProbe(p.Name, r)
		return r
	}
}

// ObserveProbe counts one probe of the named provider by class and, when
// it succeeded, observes its duration. WrapProbe calls it; it is exported
// for a prober of another shape.
func (m *Metrics) ObserveProbe(provider string, r probes.Result) {
	s := m.providers.get(provider)
	i := classIndex(r.Class)
	if i < 0 {
		m.probeResult.WithLabelValues(provider, other).Inc()
		return
	}
	s.results[i].Inc()
	if r.OK() {
		s.duration.Observe(r.Latency.Seconds())
	}
	// What the probe spent (chat and stream probes bill tokens): the
	// series exists from the first probe on, at 0 for a models probe.
	m.probeTokens.WithLabelValues(provider).Add(float64(max(r.Tokens, 0)))
}
