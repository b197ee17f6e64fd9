package probes

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/internal/waitfor"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// openAIFake starts an OpenAI fake with key KEY and returns a provider for it.
func openAIFake(t *testing.T, probeStyle string, f fakes.Fault) (*fakes.Server, config.Provider) {
	t.Helper()
	s := fakes.Start(fakes.Options{Kind: "openai", APIKey: "KEY"})
	t.Cleanup(s.Close)
	s.Handler().SetFault(f)
	return s, resolved(config.Provider{Name: "openai", Kind: "openai", BaseURL: s.BaseURL(), APIKey: "KEY",
		Probe: probeStyle, Model: "gpt-4o-mini"})
}

// TestOutcomeClasses drives a probe into every outcome class with a fault
// of the fake and checks the class and what the error text tells the user.
func TestOutcomeClasses(t *testing.T) {
	cases := []struct {
		name    string
		style   string
		fault   fakes.Fault
		class   Class
		errHas  string
		timeout time.Duration
	}{
		{"hang", "models", fakes.Fault{Kind: fakes.FaultHang}, ClassTimeout, "timeout waiting for response headers", 300 * time.Millisecond},
		{"reset", "models", fakes.Fault{Kind: fakes.FaultReset}, ClassConnect, "connection", 0},
		{"refuse", "models", fakes.Fault{Kind: fakes.FaultRefuse}, ClassConnect, "connection refused", 0},
		{"5xx", "models", fakes.Fault{Kind: fakes.FaultStatus, Status: 503}, ClassServerError,
			"HTTP 503: The server is overloaded or not ready yet.", 0},
		{"500 chat", "chat", fakes.Fault{Kind: fakes.FaultStatus, Status: 500}, ClassServerError, "HTTP 500: The server had an error", 0},
		{"401", "models", fakes.Fault{Kind: fakes.FaultStatus, Status: 401}, ClassAuth, "HTTP 401", 0},
		{"403", "models", fakes.Fault{Kind: fakes.FaultStatus, Status: 403}, ClassAuth, "HTTP 403", 0},
		{"404", "models", fakes.Fault{Kind: fakes.FaultStatus, Status: 404}, ClassClientError, "HTTP 404", 0},
		{"html 200", "models", fakes.Fault{Kind: fakes.FaultHTML200}, ClassBadResponse, "not valid JSON (text/html)", 0},
		{"bad json", "chat", fakes.Fault{Kind: fakes.FaultBadJSON}, ClassBadResponse, "no choices", 0},
		{"huge", "models", fakes.Fault{Kind: fakes.FaultHuge}, ClassBadResponse, "exceeds 1 MiB", 0},
		{"body cut", "models", fakes.Fault{Kind: fakes.FaultBreakBody}, ClassConnect, "unexpected EOF", 0},
		{"stream cut", "stream", fakes.Fault{Kind: fakes.FaultBreakStream, After: 1}, ClassConnect, "unexpected EOF", 0},
		{"stream html", "stream", fakes.Fault{Kind: fakes.FaultHTML200}, ClassBadResponse, "expected an event stream (text/html)", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, p := openAIFake(t, tc.style, tc.fault)
			r := probe(t, p, cmpDur(tc.timeout, 5*time.Second))
			wantClass(t, r, tc.class)
			if !strings.Contains(r.Err, tc.errHas) {
				t.Fatalf("err %q lacks %q", r.Err, tc.errHas)
			}
		})
	}
}

func cmpDur(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

func TestRateLimitedRetryAfter(t *testing.T) {
	at := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		header   string
		min, max time.Duration
	}{
		{"2", 2 * time.Second, 2 * time.Second},
		{at, 28 * time.Second, 30 * time.Second},
		{"", 0, 0},
	}
	for _, tc := range cases {
		_, p := openAIFake(t, "models", fakes.Fault{Kind: fakes.FaultRateLimit, RetryAfter: tc.header})
		r := probe(t, p, 5*time.Second)
		wantClass(t, r, ClassRateLimited)
		if r.Status != 429 || r.RetryAfter < tc.min || r.RetryAfter > tc.max {
			t.Fatalf("Retry-After %q: got %v, want %v..%v", tc.header, r.RetryAfter, tc.min, tc.max)
		}
	}
}

// TestHugeBodyIsNotReadWhole counts what the probe reads of a 10 MiB answer.
func TestHugeBodyIsNotReadWhole(t *testing.T) {
	_, p := openAIFake(t, "models", fakes.Fault{Kind: fakes.FaultHuge})
	var read atomic.Int64
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: countingTransport{tr, &read}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wantClass(t, Probe(ctx, client, p), ClassBadResponse)
	if n := read.Load(); n > maxBody+1 {
		t.Fatalf("read %d bytes of a %d byte body", n, fakes.HugeSize)
	}
}

type countingTransport struct {
	http.RoundTripper
	n *atomic.Int64
}

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.RoundTripper.RoundTrip(req)
	if err == nil {
		resp.Body = countingBody{resp.Body, c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func TestUnknownHostIsDNS(t *testing.T) {
	p := config.Provider{Name: "x", Kind: "openai", BaseURL: "http://provider.invalid/v1", APIKey: "KEY"}
	r := probe(t, p, 5*time.Second)
	wantClass(t, r, ClassDNS)
	if !strings.Contains(r.Err, "provider.invalid") {
		t.Fatalf("err %q does not name the host", r.Err)
	}
}

func TestUntrustedCertificateIsTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(fakes.NewHandler(fakes.Options{Kind: "openai", APIKey: "KEY"}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is the point
	srv.StartTLS()
	defer srv.Close()
	r := probe(t, config.Provider{Name: "x", Kind: "openai", BaseURL: srv.URL + "/v1", APIKey: "KEY"}, 5*time.Second)
	wantClass(t, r, ClassTLS)
	if r.Phases.Connect <= 0 || r.Phases.TLS != 0 {
		t.Fatalf("phases %+v: connected, handshake failed", r.Phases)
	}
}

// TestDeadlineCauseIsTimeout: the monitor's fake clock cancels probes with
// cause DeadlineExceeded; that is a timeout, a plain cancel is not.
func TestDeadlineCauseIsTimeout(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause error
		class Class
		text  string
	}{
		{"deadline cause", context.DeadlineExceeded, ClassTimeout, "timeout"},
		{"plain cancel", nil, ClassConnect, "canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, p := openAIFake(t, "models", fakes.Fault{Kind: fakes.FaultHang})
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil) // ends the probe if the test gives up early
			client := testClient()
			defer client.CloseIdleConnections()
			got := make(chan Result, 1)
			go func() { got <- Probe(ctx, client, p) }()
			// Cancel only once the request hangs at the fake, so the cause
			// ends a request in flight rather than one not yet sent.
			waitfor.Cond(t, "the probe to reach the hanging fake", func() bool { return s.Handler().Count() > 0 })
			cancel(tc.cause)
			var r Result
			select {
			case r = <-got:
			case <-time.After(10 * time.Second):
				t.Fatalf("the probe did not return within 10s of its context's %s", tc.name)
			}
			wantClass(t, r, tc.class)
			if !strings.HasPrefix(r.Err, tc.text) {
				t.Fatalf("err %q, want it to start with %q", r.Err, tc.text)
			}
		})
	}
}
