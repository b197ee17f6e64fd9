package fakes

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/internal/waitfor"
)

var modelsAuth = map[string]string{"Authorization": "Bearer k"}

func openAIFake(t *testing.T, f Fault) *Server {
	t.Helper()
	s := Start(Options{Kind: kindOpenAI, APIKey: "k"})
	t.Cleanup(s.Close)
	s.Handler().SetFault(f)
	return s
}

func TestFaultStatusUsesProviderShape(t *testing.T) {
	cases := []struct {
		name   string
		opts   Options
		path   string
		header map[string]string
		status int
		field  string
		want   any
	}{
		{"openai 503 default", Options{Kind: kindOpenAI, APIKey: "k"}, "/v1/models", modelsAuth, 0, "error.type", "server_error"},
		{"anthropic 529", Options{Kind: kindAnthropic, APIKey: "k"}, "/v1/models", nil, 529, "error.type", "overloaded_error"},
		{"gemini 500", Options{Kind: kindGemini, APIKey: "k"}, "/v1beta/models", nil, 500, "error.status", "INTERNAL"},
		{"gemini compat 503", Options{Kind: kindGemini, APIKey: "k"}, "/v1beta/openai/models", nil, 503, "0.error.status", "UNAVAILABLE"},
		{"azure 500", Options{Kind: kindAzure, APIKey: "k"}, "/openai/models", nil, 500, "error.code", "500"},
		{"ollama 500", Options{Kind: kindOllama}, "/api/tags", nil, 500, "error",
			"The server had an error while processing your request. Sorry about that!"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(tc.opts)
			defer s.Close()
			s.Handler().SetFault(Fault{Kind: FaultStatus, Status: tc.status})
			a := call(t, "GET", s.URL()+tc.path, tc.header, "")
			if want := or503(tc.status); a.status != want {
				t.Fatalf("status %d, want %d", a.status, want)
			}
			if got := field(t, a.body, tc.field); got != tc.want {
				t.Fatalf("%s = %v, want %v: %s", tc.field, got, tc.want, a.body)
			}
		})
	}
}

func TestFaultRateLimitRetryAfter(t *testing.T) {
	for _, ra := range []string{"2", "Wed, 21 Oct 2026 07:28:00 GMT", ""} {
		s := openAIFake(t, Fault{Kind: FaultRateLimit, RetryAfter: ra})
		a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, "")
		if a.status != 429 || a.header.Get("Retry-After") != ra || field(t, a.body, "error.code") != "rate_limit_exceeded" {
			t.Fatalf("Retry-After %q: got %d %q %s", ra, a.status, a.header.Get("Retry-After"), a.body)
		}
	}
}

func TestFaultHangUntilClientGivesUp(t *testing.T) {
	s := openAIFake(t, Fault{Kind: FaultHang})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/v1/models", nil)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the client's deadline, got %v", err)
	}
}

func TestFaultHangReleasedByClose(t *testing.T) {
	s := Start(Options{Kind: kindOpenAI, APIKey: "k"})
	t.Cleanup(s.Close) // releases the hang if the test gives up early
	s.Handler().SetFault(Fault{Kind: FaultHang})
	done := make(chan answer, 1)
	go func() { done <- call(t, "GET", s.URL()+"/v1/models", modelsAuth, "") }()
	waitfor.Cond(t, "the request to reach the hanging fake", func() bool { return s.Handler().Count() > 0 })
	s.Close()
	if a := <-done; a.err == nil {
		t.Fatalf("a released hang must drop the connection, got %d %s", a.status, a.body)
	}
}

func TestFaultResetAndRefuse(t *testing.T) {
	s := openAIFake(t, Fault{Kind: FaultReset})
	if a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, ""); a.err == nil {
		t.Fatalf("reset: got %d", a.status)
	}
	s.Handler().SetFault(Fault{Kind: FaultRefuse})
	if a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, ""); !errors.Is(a.err, syscall.ECONNREFUSED) {
		t.Fatalf("refuse: want connection refused, got %v", a.err)
	}
	s.Handler().SetFault(Fault{})
	if a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, ""); a.status != 200 {
		t.Fatalf("after refuse: got %d %v", a.status, a.err)
	}
	s.Refuse(true)
	if a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, ""); !errors.Is(a.err, syscall.ECONNREFUSED) {
		t.Fatalf("Refuse(true): %v", a.err)
	}
	s.Refuse(false)
	if a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, ""); a.status != 200 {
		t.Fatalf("Refuse(false): %d %v", a.status, a.err)
	}
}

// TestRefuseDropsKeptAliveConnections: a pooled connection must not keep a
// "down" server reachable.
func TestRefuseDropsKeptAliveConnections(t *testing.T) {
	s := openAIFake(t, Fault{})
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	get := func() error {
		req, _ := http.NewRequest("GET", s.URL()+"/v1/models", nil)
		req.Header.Set("Authorization", "Bearer k")
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	s.Refuse(true)
	if err := get(); err == nil {
		t.Fatal("request succeeded on a refusing server")
	}
}

func TestFaultBodies(t *testing.T) {
	cases := []struct {
		kind  FaultKind
		ctype string
		check func([]byte) bool
	}{
		{FaultHTML200, "text/html", func(b []byte) bool { return strings.Contains(string(b), "<h1>502 Bad Gateway</h1>") }},
		{FaultBadJSON, "application/json", func(b []byte) bool { return string(b) == badJSON }},
		{FaultHuge, "application/json", func(b []byte) bool {
			return len(b) == HugeSize && strings.HasPrefix(string(b), `{"object":"list","data":[{"id":`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.kind.String(), func(t *testing.T) {
			s := openAIFake(t, Fault{Kind: tc.kind})
			a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, "")
			if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), tc.ctype) || !tc.check(a.body) {
				t.Fatalf("got %d %q, %d bytes: %.100s", a.status, a.header.Get("Content-Type"), len(a.body), a.body)
			}
		})
	}
}

func TestFaultBreakBody(t *testing.T) {
	s := openAIFake(t, Fault{Kind: FaultBreakBody})
	a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, "")
	if a.status != 200 || !errors.Is(a.err, io.ErrUnexpectedEOF) {
		t.Fatalf("want 200 then a body cut short, got %d %v", a.status, a.err)
	}
	if full := a.header.Get("Content-Length"); len(a.body) == 0 || full == "" || strings.Contains(string(a.body), "]}") {
		t.Fatalf("body %q of declared %s", a.body, full)
	}
}

func TestFaultBreakStream(t *testing.T) {
	s := openAIFake(t, Fault{Kind: FaultBreakStream, After: 2})
	stream := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"stream":true}`
	a := call(t, "POST", s.URL()+"/v1/chat/completions", jsonHeaders("Authorization", "Bearer k"), stream)
	if a.status != 200 || !errors.Is(a.err, io.ErrUnexpectedEOF) || len(events(a.body)) != 2 {
		t.Fatalf("want 2 events then a break, got %d %v %q", a.status, a.err, a.body)
	}
	// A request that is not streamed is answered normally.
	a = call(t, "GET", s.URL()+"/v1/models", modelsAuth, "")
	if a.status != 200 || a.err != nil {
		t.Fatalf("non-stream request: %d %v", a.status, a.err)
	}
}

func TestDelayRequestsAndReset(t *testing.T) {
	s := openAIFake(t, Fault{})
	h := s.Handler()
	h.SetDelay(30 * time.Millisecond)
	start := time.Now()
	call(t, "GET", s.URL()+"/v1/models?x=1", modelsAuth, "")
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("answered before the delay")
	}
	reqs := h.Requests()
	if h.Count() != 1 || len(reqs) != 1 || reqs[0].RawQuery != "x=1" || reqs[0].Header.Get("Authorization") != "Bearer k" {
		t.Fatalf("recorded %d %+v", h.Count(), reqs)
	}
	h.SetFault(Fault{Kind: FaultStatus})
	h.Reset()
	if a := call(t, "GET", s.URL()+"/v1/models", modelsAuth, ""); a.status != 200 || h.Count() != 1 {
		t.Fatalf("after Reset: %d, count %d", a.status, h.Count())
	}
}

func TestRequestLogIsBounded(t *testing.T) {
	h := NewHandler(Options{Kind: kindOllama})
	for range keptRequests + 10 {
		req, _ := http.NewRequest("GET", "/api/version", nil)
		h.ServeHTTP(discard{}, req)
	}
	if h.Count() != keptRequests+10 || len(h.Requests()) != keptRequests {
		t.Fatalf("count %d, kept %d", h.Count(), len(h.Requests()))
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
