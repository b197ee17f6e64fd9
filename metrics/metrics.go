// Package metrics exports switchboard to Prometheus: gauges read from the
// monitor's latest Snapshot at scrape time (Watch), counters of failovers
// taken from its event log, probe counters and histograms fed by a
// wrapper around the monitor's probe function (WrapProbe), and gateway
// counters fed by the gateway as its Observer (gateway.Options.Observer).
// Every label value is a name from the config or one of a fixed set, so
// the number of series is bounded by the config.
package metrics

import (
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"switchboard/config"
	"switchboard/monitor"
)

// Source is what the metrics read from the monitor; *monitor.Monitor
// satisfies it.
type Source interface {
	Snapshot() *monitor.Snapshot
	Subscribe() (<-chan *monitor.Snapshot, func())
}

var _ Source = (*monitor.Monitor)(nil)

// Histogram buckets, in seconds. Probes answer in tens to hundreds of
// milliseconds when well, and the default degraded_latency is 2 s; a
// first token can take tens of seconds from a loaded model.
var (
	probeBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30}
	ttftBuckets  = []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60}
)

// Metrics holds switchboard's collectors on a registry of its own. It is
// safe for concurrent use.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler
	actors  map[string]bool // allowed values of the actor label

	// Failovers are counted from src's event log, each event once: seen
	// is the sequence number of the newest event looked at.
	mu        sync.Mutex
	src       Source // set by Watch
	seen      uint64
	failovers *prometheus.CounterVec
	missed    prometheus.Counter

	attempts    *prometheus.CounterVec
	requests    *prometheus.CounterVec
	ttft        *prometheus.HistogramVec
	probeTime   *prometheus.HistogramVec
	probeResult *prometheus.CounterVec
	probeTokens *prometheus.CounterVec

	// Each name's series, set up once so that the hot paths only look
	// them up.
	backends  cache[backendSeries]
	outcomes  cache[requestSeries]
	providers cache[probeSeries]
}

// New builds the metrics of cfg's providers: the probe and gateway
// series, each there from the start at zero so that a rate over its first
// increment is not lost, and the Go and process collectors. The gauges
// and the failover counter come with Watch.
func New(cfg *config.Config) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), actors: actorSet(cfg)}
	m.failovers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_failovers_total",
		Help: "Changes of the active backend, by the backend left, the backend taken and who caused it.",
	}, []string{"from", "to", "actor"})
	m.missed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_metrics_events_missed_total",
		Help: "Monitor events that left its bounded log before the metrics read them; failovers among them are not counted.",
	})
	m.attempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_gateway_attempts_total",
		Help: "Gateway attempts at an upstream backend, by backend and what the attempt came to.",
	}, []string{"backend", "class"})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_gateway_requests_total",
		Help: "Client requests through the gateway by the last backend tried (none: no backend) and final outcome.",
	}, []string{"backend", "outcome"})
	m.ttft = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_gateway_ttft_seconds",
		Help:    "Time from the start of the attempt that served a streamed answer to its first event.",
		Buckets: ttftBuckets,
	}, []string{"backend"})
	m.probeTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_probe_duration_seconds",
		Help:    "Duration of successful probes, request start to body read.",
		Buckets: probeBuckets,
	}, []string{"provider"})
	m.probeResult = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_probe_results_total",
		Help: "Probes by provider and outcome class.",
	}, []string{"provider", "class"})
	m.probeTokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_probe_tokens_total",
		Help: "Tokens the probes spent, by provider.",
	}, []string{"provider"})
	m.backends.make = m.newBackendSeries
	m.outcomes.make = m.newRequestSeries
	m.providers.make = m.newProbeSeries

	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.attempts, m.requests, m.ttft, m.probeTime, m.probeResult, m.probeTokens,
	)
	for _, p := range cfg.Providers {
		m.providers.get(p.Name)
		if p.CarriesTraffic() {
			m.backends.get(p.Name)
			m.outcomes.get(p.Name)
		}
	}
	m.outcomes.get(none)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// Watch reads src's Snapshots from now on: its gauges at each scrape,
// and its event log for the failover counter. Events already in the log
// are history (a restart restores them) and are not counted. Call it
// once, with the monitor whose probes WrapProbe wraps.
func (m *Metrics) Watch(src Source) {
	m.mu.Lock()
	m.src = src
	if s := src.Snapshot(); s != nil && len(s.Events) > 0 {
		m.seen = s.Events[len(s.Events)-1].Seq
	}
	m.mu.Unlock()
	m.reg.MustRegister(&snapshotCollector{m: m, src: src, descs: newSnapshotDescs()})
}

// Handler serves the exposition (GET /metrics); the API mounts it behind
// its viewer token.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Registry is the registry the metrics are on, for a package that adds
// collectors of its own (a notifier's drop counter, say).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }
