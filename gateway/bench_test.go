package gateway_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/metrics"
	"switchboard/monitor"
)

const instantAnswer = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}]}`

// instantUpstream serves an answer at once and returns its base URL.
func instantUpstream(b *testing.B) string {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, instantAnswer)
	}))
	b.Cleanup(up.Close)
	return up.URL
}

func benchChat(b *testing.B, url string, client *http.Client) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		benchOne(b, url, client)
	}
}

// benchOne makes one chat call and reads its answer.
func benchOne(b *testing.B, url string, client *http.Client) {
	req, _ := http.NewRequest("POST", url+"/v1/chat/completions", strings.NewReader(chatBody))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+clientKey)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d", resp.StatusCode)
	}
}

// BenchmarkDirect is the baseline: the client calling the instant upstream.
func BenchmarkDirect(b *testing.B) {
	url := instantUpstream(b)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	benchChat(b, url, client)
}

// BenchmarkGateway is the same call through the gateway (with a static
// source): its difference from BenchmarkDirect is the gateway's cost.
func BenchmarkGateway(b *testing.B) {
	up := instantUpstream(b)
	cfg := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"},
		Providers: []config.Provider{{Name: "p", Kind: config.KindOpenAI, BaseURL: up + "/v1", APIKey: upstreamKey}}}
	cfg.ApplyDefaults()
	h := start(b, cfg, newFakeSource("p"))
	benchChat(b, h.url, h.http)
}

// BenchmarkGatewayWithMonitor runs the real monitor as the source, so its
// handling of each request's passive report is part of the cost.
func BenchmarkGatewayWithMonitor(b *testing.B) {
	up := instantUpstream(b)
	cfg := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"},
		Providers: []config.Provider{{Name: "p", Kind: config.KindOpenAI, BaseURL: up + "/v1", APIKey: upstreamKey}}}
	cfg.ApplyDefaults()
	m := monitor.New(cfg, monitor.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	gw, err := gateway.New(cfg, m, gateway.Options{})
	if err != nil {
		b.Fatal(err)
	}
	gctx, gcancel := context.WithCancel(context.Background())
	gdone := make(chan error, 1)
	go func() { gdone <- gw.ListenAndServe(gctx) }()
	<-gw.Ready()
	b.Cleanup(func() { gcancel(); <-gdone })
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	benchChat(b, "http://"+gw.Addr(), client)
}

// observedGateway is BenchmarkGateway's gateway, with real metrics as its
// Observer when observed is set.
func observedGateway(b *testing.B, up string, observed bool) *harness {
	cfg := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"},
		Providers: []config.Provider{{Name: "p", Kind: config.KindOpenAI, BaseURL: up + "/v1", APIKey: upstreamKey}}}
	cfg.ApplyDefaults()
	var opts gateway.Options
	if observed {
		opts.Observer = metrics.New(cfg)
	}
	return startWith(b, cfg, newFakeSource("p"), opts)
}

// BenchmarkGatewayObserved is BenchmarkGateway with real metrics as the
// gateway's Observer: the difference is what metrics add to a request.
func BenchmarkGatewayObserved(b *testing.B) {
	h := observedGateway(b, instantUpstream(b), true)
	benchChat(b, h.url, h.http)
}

// BenchmarkObserverMedian alternates requests between two gateways in
// front of one upstream, one observed by real metrics and one not, so
// that machine noise hits both alike, and reports each one's median
// latency and the difference: what metrics add at p50.
func BenchmarkObserverMedian(b *testing.B) {
	up := instantUpstream(b)
	plain, observed := observedGateway(b, up, false), observedGateway(b, up, true)
	var lat [2][]time.Duration
	b.ReportAllocs()
	for b.Loop() {
		for i, h := range []*harness{plain, observed} {
			t0 := time.Now()
			benchOne(b, h.url, h.http)
			lat[i] = append(lat[i], time.Since(t0))
		}
	}
	med := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Nanoseconds()) / 1e3
	}
	p, o := med(lat[0]), med(lat[1])
	b.ReportMetric(p, "plain-p50-us")
	b.ReportMetric(o, "observed-p50-us")
	b.ReportMetric(o-p, "added-p50-us")
}
