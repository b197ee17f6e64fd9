package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"switchboard/monitor"
)

// snapshotDescs describe the gauges read from a Snapshot.
type snapshotDescs struct {
	active, state, mode, dropped          *prometheus.Desc
	fleetLeader, fleetStore, fleetMembers *prometheus.Desc
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
		fleetLeader: prometheus.NewDesc("switchboard_fleet_leader",
			"In a fleet: 1 while this replica leads (probes and decides), 0 while it follows. sum() over replicas is 1 when all is well.",
			[]string{"replica"}, nil),
		fleetStore: prometheus.NewDesc("switchboard_fleet_store_up",
			"In a fleet: 1 while the fleet store (etcd) answers this replica, 0 while it routes on its last route and refuses commands.",
			[]string{"replica"}, nil),
		fleetMembers: prometheus.NewDesc("switchboard_fleet_replicas",
			"In a fleet: the replicas the fleet store lists, as this replica last saw them.",
			[]string{"replica"}, nil),
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
	ch <- c.descs.fleetLeader
	ch <- c.descs.fleetStore
	ch <- c.descs.fleetMembers
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
	if f := s.Fleet; f != nil {
		ch <- prometheus.MustNewConstMetric(c.descs.fleetLeader, prometheus.GaugeValue, one(f.Leading), f.Replica)
		ch <- prometheus.MustNewConstMetric(c.descs.fleetStore, prometheus.GaugeValue, one(f.StoreOK), f.Replica)
		ch <- prometheus.MustNewConstMetric(c.descs.fleetMembers, prometheus.GaugeValue, float64(len(f.Replicas)), f.Replica)
	}
}

func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
