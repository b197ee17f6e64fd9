package probes

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// BenchmarkProbeTimingError measures how far a probe's reported latency is
// from the delay a loopback fake injects before answering: the error a
// latency sparkline carries. It reports p50 and p99 of (latency − delay) in
// µs; the target is p99 < 2000 µs. The bare-client sub-benchmark times the
// same request with a stopwatch around http.Client.Do and a body read, to
// separate the probe's own overhead from the machine's scheduling noise
// (the fake's timer overshoot and CPU contention are in both).
func BenchmarkProbeTimingError(b *testing.B) {
	const delay = 20 * time.Millisecond
	s := fakes.Start(fakes.Options{Kind: "openai", APIKey: "sk-bench"})
	defer s.Close()
	s.Handler().SetDelay(delay)
	p := config.Provider{Name: "bench", Kind: "openai", BaseURL: s.BaseURL(), APIKey: "sk-bench"}

	b.Run("probe", func(b *testing.B) {
		client := NewClient()
		defer client.CloseIdleConnections()
		Probe(context.Background(), client, p) // warm the pool, as a running monitor has
		timingErrors(b, delay, func() time.Duration {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r := Probe(ctx, client, p)
			if !r.OK() {
				b.Fatalf("probe failed: %s %s", r.Class, r.Err)
			}
			return r.Latency
		})
	})
	b.Run("bare-client", func(b *testing.B) {
		client := NewClient()
		defer client.CloseIdleConnections()
		get := func() time.Duration {
			req, _ := http.NewRequest(http.MethodGet, p.BaseURL+"/models", nil)
			req.Header.Set("Authorization", "Bearer sk-bench")
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return time.Since(start)
		}
		get()
		timingErrors(b, delay, get)
	})
}

// timingErrors runs measure b.N times and reports the p50 and p99 of its
// excess over delay.
func timingErrors(b *testing.B, delay time.Duration, measure func() time.Duration) {
	errs := make([]time.Duration, 0, b.N)
	for b.Loop() {
		errs = append(errs, measure()-delay)
	}
	slices.Sort(errs)
	at := func(q float64) float64 {
		return float64(errs[min(int(q*float64(len(errs))), len(errs)-1)]) / float64(time.Microsecond)
	}
	b.ReportMetric(at(0.50), "p50-err-µs")
	b.ReportMetric(at(0.99), "p99-err-µs")
}
