package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"switchboard/notify"
)

// WatchNotifier exports what the notifier's destinations did: deliveries,
// failures and drops as counters, the queue as a gauge, at each scrape.
// A destination is labelled by its place in the config and its kind and
// host ("2 webhook hooks.slack.com"): two webhooks to one host stay apart,
// and the secret part of a URL is never a label.
func (m *Metrics) WatchNotifier(n *notify.Notifier) {
	m.reg.MustRegister(&notifyCollector{n: n,
		results: prometheus.NewDesc("switchboard_notify_notifications_total",
			"Notifications by destination and result: delivered, failed (given up on) or dropped (queue full).",
			[]string{"destination", "result"}, nil),
		attempts: prometheus.NewDesc("switchboard_notify_attempts_total",
			"Delivery attempts by destination, retries included.", []string{"destination"}, nil),
		queued: prometheus.NewDesc("switchboard_notify_queued",
			"Notifications waiting to be sent, by destination.", []string{"destination"}, nil),
	})
}

type notifyCollector struct {
	n                         *notify.Notifier
	results, attempts, queued *prometheus.Desc
}

func (c *notifyCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.results
	ch <- c.attempts
	ch <- c.queued
}

func (c *notifyCollector) Collect(ch chan<- prometheus.Metric) {
	for i, s := range c.n.Stats() {
		dest := strconv.Itoa(i+1) + " " + s.Destination
		ch <- prometheus.MustNewConstMetric(c.results, prometheus.CounterValue, float64(s.Delivered), dest, "delivered")
		ch <- prometheus.MustNewConstMetric(c.results, prometheus.CounterValue, float64(s.Failed), dest, "failed")
		ch <- prometheus.MustNewConstMetric(c.results, prometheus.CounterValue, float64(s.Dropped), dest, "dropped")
		ch <- prometheus.MustNewConstMetric(c.attempts, prometheus.CounterValue, float64(s.Attempts), dest)
		ch <- prometheus.MustNewConstMetric(c.queued, prometheus.GaugeValue, float64(s.Queued), dest)
	}
}
