package metrics_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
	"switchboard/metrics"
)

const (
	upstreamKey = "sk-upstream-0123456789abcdef"
	chatBody    = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}`
	streamBody  = `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello"}]}`
)

// stand is a real gateway, observed by real metrics, in front of two fake
// OpenAI providers, primary and secondary, on loopback.
type stand struct {
	t     *testing.T
	reg   prometheus.Gatherer
	url   string
	fakes map[string]*fakes.Server
	http  *http.Client
}

func newStand(t *testing.T, slots int) *stand {
	t.Helper()
	s := &stand{t: t, fakes: map[string]*fakes.Server{}, http: &http.Client{Transport: &http.Transport{}}}
	var provs []config.Provider
	for _, name := range []string{"primary", "secondary"} {
		f := fakes.Start(fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
		t.Cleanup(f.Close)
		s.fakes[name] = f
		provs = append(provs, config.Provider{Name: name, Kind: config.KindOpenAI, BaseURL: f.BaseURL(), APIKey: upstreamKey})
	}
	cfg := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"}, Providers: provs}
	cfg.ApplyDefaults()
	cfg.Gateway.UpstreamTimeout = config.Duration(2 * time.Second)
	cfg.Gateway.MaxConcurrentRequests = slots
	src := newBoardSource(cfg)
	met := metrics.New(cfg)
	met.Watch(src)
	s.reg = met.Registry()
	gw, err := gateway.New(cfg, src, gateway.Options{Observer: met})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.ListenAndServe(ctx) }()
	select {
	case <-gw.Ready():
	case err := <-done:
		cancel()
		t.Fatal(err)
	}
	s.url = "http://" + gw.Addr()
	t.Cleanup(func() {
		s.http.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ListenAndServe: %v", err)
		}
	})
	return s
}

// post sends body to the chat endpoint and returns the status, having
// read the whole answer (or as much of it as came).
func (s *stand) post(ctx context.Context, body string) int {
	s.t.Helper()
	req, err := http.NewRequestWithContext(ctx, "POST", s.url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// expect waits (at most 5 s: the gateway counts after the client has its
// answer) until the series has the value want, and fails if it never does.
func (s *stand) expect(want float64, name string, pairs ...string) {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, _ := lookup(s.t, s.reg, name, pairs...)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s%v = %v, want %v", name, pairs, got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGatewayCountersMoveWithRequests sends real requests through a real
// gateway and watches each counter take exactly the step its outcome
// calls for: attempts by backend and class, requests by final backend and
// outcome, and the time to first token of streamed answers.
func TestGatewayCountersMoveWithRequests(t *testing.T) {
	s := newStand(t, 1)
	const req, att = "switchboard_gateway_requests_total", "switchboard_gateway_attempts_total"
	const ttft = "switchboard_gateway_ttft_seconds"
	primary, secondary := s.fakes["primary"].Handler(), s.fakes["secondary"].Handler()

	// Every series is there at zero before the first request.
	s.expect(0, req, "backend", "primary", "outcome", "ok")
	s.expect(0, req, "backend", "none", "outcome", "overloaded")
	s.expect(0, att, "backend", "secondary", "class", "server_error")
	s.expect(0, ttft, "backend", "primary")

	if code := s.post(context.Background(), chatBody); code != 200 {
		t.Fatalf("status %d", code)
	}
	s.expect(1, req, "backend", "primary", "outcome", "ok")
	s.expect(1, att, "backend", "primary", "class", "ok")
	s.expect(0, ttft, "backend", "primary") // not streamed

	primary.SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 500})
	if code := s.post(context.Background(), chatBody); code != 200 {
		t.Fatalf("status %d after a retry", code)
	}
	s.expect(1, att, "backend", "primary", "class", "server_error")
	s.expect(1, att, "backend", "secondary", "class", "ok")
	s.expect(1, req, "backend", "secondary", "outcome", "ok")
	s.expect(1, req, "backend", "primary", "outcome", "ok")

	secondary.SetFault(fakes.Fault{Kind: fakes.FaultReset})
	if code := s.post(context.Background(), chatBody); code < 500 {
		t.Fatalf("status %d with both backends failing", code)
	}
	s.expect(2, att, "backend", "primary", "class", "server_error")
	s.expect(1, att, "backend", "secondary", "class", "connect")
	s.expect(1, req, "backend", "secondary", "outcome", "error")

	primary.SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 400})
	if code := s.post(context.Background(), chatBody); code != 400 {
		t.Fatalf("status %d, want the backend's 400 passed on", code)
	}
	s.expect(1, req, "backend", "primary", "outcome", "client_error")
	s.expect(1, att, "backend", "primary", "class", "client_error")

	primary.SetFault(fakes.Fault{})
	secondary.SetFault(fakes.Fault{})
	if code := s.post(context.Background(), streamBody); code != 200 {
		t.Fatalf("stream status %d", code)
	}
	s.expect(1, ttft, "backend", "primary")
	s.expect(2, req, "backend", "primary", "outcome", "ok")

	primary.SetFault(fakes.Fault{Kind: fakes.FaultBreakStream, After: 2})
	s.post(context.Background(), streamBody)
	s.expect(1, req, "backend", "primary", "outcome", "broken")
	s.expect(2, ttft, "backend", "primary")

	// One request hangs in the only slot; the next is refused at once;
	// the first one's client gives up.
	primary.SetFault(fakes.Fault{Kind: fakes.FaultHang})
	ctx, cancel := context.WithCancel(context.Background())
	hung := make(chan int)
	before := primary.Count()
	go func() { hung <- s.post(ctx, chatBody) }()
	for deadline := time.Now().Add(5 * time.Second); primary.Count() == before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the hanging request never reached primary")
		}
	}
	if code := s.post(context.Background(), chatBody); code != 503 {
		t.Fatalf("status %d with the only slot taken, want 503", code)
	}
	s.expect(1, req, "backend", "none", "outcome", "overloaded")
	cancel()
	<-hung
	s.expect(1, req, "backend", "primary", "outcome", "canceled")

	// Nothing else moved: 8 requests, each counted once.
	total := 0.0
	for _, b := range []string{"primary", "secondary", "none"} {
		for _, o := range gateway.Outcomes() {
			v, _ := lookup(t, s.reg, req, "backend", b, "outcome", o)
			total += v
		}
	}
	if total != 8 {
		t.Errorf("%v requests counted, want 8", total)
	}
}
