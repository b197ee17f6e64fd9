package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"switchboard/probes"
)

// backendSeries are one backend's attempt counters, one per class, and
// its time-to-first-token histogram.
type backendSeries struct {
	attempts [len(classes)]prometheus.Counter
	ttft     prometheus.Observer
}

// requestSeries are one backend's request counters, one per outcome; nil
// where the outcome cannot happen with that backend (see noneOutcome).
type requestSeries [len(outcomes)]prometheus.Counter

func (m *Metrics) newBackendSeries(name string) *backendSeries {
	s := &backendSeries{ttft: m.ttft.WithLabelValues(name)}
	for i, c := range classes {
		s.attempts[i] = m.attempts.WithLabelValues(name, string(c))
	}
	return s
}

func (m *Metrics) newRequestSeries(name string) *requestSeries {
	var s requestSeries
	for i, o := range outcomes {
		if name != none || noneOutcome(o) {
			s[i] = m.requests.WithLabelValues(name, o)
		}
	}
	return &s
}

// Attempt counts one gateway attempt by backend and class, and observes
// its time to first token when it streamed one; it implements
// gateway.Observer and does not allocate for a configured backend and a
// known class.
func (m *Metrics) Attempt(r probes.Result) {
	s := m.backends.get(orNone(r.Provider))
	if i := classIndex(r.Class); i >= 0 {
		s.attempts[i].Inc()
	} else {
		m.attempts.WithLabelValues(orNone(r.Provider), other).Inc()
	}
	if r.TTFT > 0 {
		s.ttft.Observe(r.TTFT.Seconds())
	}
}

// Request counts one client request by the last backend tried and its
// outcome (one of the gateway's Outcome constants); it implements
// gateway.Observer.
func (m *Metrics) Request(backend string, _ int, outcome string) {
	name := orNone(backend)
	i := outcomeIndex(outcome)
	if i < 0 {
		outcome = other
	} else if c := m.outcomes.get(name)[i]; c != nil {
		c.Inc()
		return
	}
	m.requests.WithLabelValues(name, outcome).Inc()
}
