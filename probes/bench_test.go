package probes

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// BenchmarkProbeTimingError measures how far a probe's reported latency is
// from the time the server really spent on the request: the error a latency
// sparkline carries. A loopback fake answers after a 20 ms delay and times
// itself with its own stopwatch, so the fake's timer overshoot (large on a
// busy VM) is not counted against the probe; what remains is the request
// and response crossing loopback plus the client's own overhead. It reports
// p50 and p99 of (probe latency − server time) in µs; the target is p99 <
// 2000 µs. The bare-client sub-benchmark does the same for a stopwatch
// around http.Client.Do and a body read, the floor any probe could reach.
func BenchmarkProbeTimingError(b *testing.B) {
	const delay = 20 * time.Millisecond
	fake := fakes.NewHandler(fakes.Options{Kind: "openai", APIKey: "sk-bench"})
	fake.SetDelay(delay)
	served := make(chan time.Duration, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		fake.ServeHTTP(w, r)
		served <- time.Since(start)
	}))
	defer srv.Close()
	p := resolved(config.Provider{Name: "bench", Kind: "openai", BaseURL: srv.URL + "/v1", APIKey: "sk-bench"})

	b.Run("probe", func(b *testing.B) {
		client := NewClient()
		defer client.CloseIdleConnections()
		Probe(context.Background(), client, p) // warm the pool, as a running monitor has
		<-served
		timingErrors(b, served, func() time.Duration {
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
		<-served
		timingErrors(b, served, get)
	})
}

// timingErrors runs measure b.N times and reports the p50 and p99 of its
// excess over the server's own time for the same request.
func timingErrors(b *testing.B, served <-chan time.Duration, measure func() time.Duration) {
	errs := make([]time.Duration, 0, b.N)
	for b.Loop() {
		got := measure()
		errs = append(errs, got-<-served)
	}
	slices.Sort(errs)
	at := func(q float64) float64 {
		return float64(errs[min(int(q*float64(len(errs))), len(errs)-1)]) / float64(time.Microsecond)
	}
	b.ReportMetric(at(0.50), "p50-err-µs")
	b.ReportMetric(at(0.99), "p99-err-µs")
}
