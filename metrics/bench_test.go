package metrics_test

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"switchboard/gateway"
	"switchboard/metrics"
	"switchboard/monitor"
	"switchboard/probes"
)

// scraped has n providers, each probed and each having served requests
// of every outcome, and a few failovers: a scrape as large as n makes it.
func scraped(b *testing.B, n int) *metrics.Metrics {
	b.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("provider-%03d", i)
	}
	cfg := testConfig(names)
	src := newBoardSource(cfg)
	met := metrics.New(cfg)
	met.Watch(src)
	for i := range min(n-1, 5) {
		src.set(names[i], monitor.StateDown)
	}
	for _, name := range names {
		met.ObserveProbe(name, probes.Result{Class: probes.ClassOK, Latency: 200 * time.Millisecond})
		met.Attempt(probes.Result{Provider: name, Class: probes.ClassOK, TTFT: time.Second})
		for _, o := range gateway.Outcomes() {
			met.Request(name, 1, o)
		}
	}
	return met
}

// BenchmarkScrape is one scrape of the whole exposition (Go and process
// collectors included), uncompressed, at 10 and 100 providers; it reports
// its size in bytes, and gzipped as Prometheus asks for it.
func BenchmarkScrape(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("providers=%d", n), func(b *testing.B) {
			h := scraped(b, n).Handler()
			size := func(gzip bool) int {
				req := httptest.NewRequest("GET", "/metrics", nil)
				if gzip {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
				return rec.Body.Len()
			}
			gzipped, plain := size(true), 0
			b.ReportAllocs()
			for b.Loop() {
				plain = size(false)
			}
			b.ReportMetric(float64(plain), "bytes/scrape")
			b.ReportMetric(float64(gzipped), "gzip-bytes/scrape")
		})
	}
}

// BenchmarkObserveRequest is what the gateway's Observer costs one
// request of one attempt.
func BenchmarkObserveRequest(b *testing.B) {
	met := scraped(b, 10)
	r := probes.Result{Provider: "provider-003", Class: probes.ClassOK, TTFT: time.Second}
	b.ReportAllocs()
	for b.Loop() {
		met.Attempt(r)
		met.Request("provider-003", 1, gateway.OutcomeOK)
	}
}
