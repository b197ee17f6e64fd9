package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"switchboard/monitor"
)

// snapshotDescs describe the gauges read from a Snapshot.
type snapshotDescs struct {
	active, state, mode, dropped *prometheus.Desc
}

func newSnapshotDescs() snapshotDescs {
	return snapshotDescs{
		active: prometheus.NewDesc("switchboard_active_backend",
			"1 for the backend the gateway sends new requests to, 0 for every other provider.",
			[]string{"provider"}, nil),
		state: prometheus.NewDesc("switchboard_provider_state",
			"1 for the provider's current health state, 0 for each of its other states.",
			[]string{"provider", "state"}, nil),
		mode: prometheus.NewDesc("switchboard_mode",
			"1 for who chooses the active backend now (auto, pinned, forced; panic: nothing is routable), 0 for the others.",
			[]string{"mode"}, nil),
		dropped: prometheus.NewDesc("switchboard_monitor_reports_dropped_total",
			"Gateway reports (passive results, request records) the monitor dropped because it was busy.",
			nil, nil),
	}
}

// snapshotCollector reads the monitor's latest Snapshot at scrape time,
// so the gauges need no goroutine and are never staler than the monitor.
// It also exposes the failover counter, after bringing it up to the same
// Snapshot's events: one scrape never shows a new active backend without
// the failover that made it.
type snapshotCollector struct {
	m     *Metrics
	src   Source
	descs snapshotDescs
}

// Describe sends the descriptions of every metric Collect sends.
func (c *snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.descs.active
	ch <- c.descs.state
	ch <- c.descs.mode
	ch <- c.descs.dropped
	c.m.failovers.Describe(ch)
	c.m.missed.Describe(ch)
}

// Collect sends the gauges of the latest Snapshot and the event counters.
func (c *snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Snapshot()
	if s != nil {
		c.m.count(s)
		c.collect(ch, s)
	}
	c.m.failovers.Collect(ch)
	c.m.missed.Collect(ch)
}

func (c *snapshotCollector) collect(ch chan<- prometheus.Metric, s *monitor.Snapshot) {
	for i := range s.Providers {
		p := &s.Providers[i]
		ch <- prometheus.MustNewConstMetric(c.descs.active, prometheus.GaugeValue, one(p.Name == s.Active), p.Name)
		known := false
		for _, st := range states {
			known = known || st == p.State
			ch <- prometheus.MustNewConstMetric(c.descs.state, prometheus.GaugeValue, one(st == p.State), p.Name, string(st))
		}
		if !known { // a state this package does not list yet is still shown
			ch <- prometheus.MustNewConstMetric(c.descs.state, prometheus.GaugeValue, 1, p.Name, string(p.State))
		}
	}
	for _, md := range modes {
		ch <- prometheus.MustNewConstMetric(c.descs.mode, prometheus.GaugeValue, one(md == s.Mode), modeLabel(md))
	}
	ch <- prometheus.MustNewConstMetric(c.descs.dropped, prometheus.CounterValue, float64(s.Dropped))
}

func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
