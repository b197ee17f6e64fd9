package gateway_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/probes"
)

func TestAllFailStatus(t *testing.T) {
	cases := []struct {
		name       string
		faults     [2]fakes.Fault
		wantStatus int
		wantCode   string
		retryAfter string
	}{
		{"all 429 keeps the shortest Retry-After", [2]fakes.Fault{
			{Kind: fakes.FaultRateLimit, RetryAfter: "7"}, {Kind: fakes.FaultRateLimit, RetryAfter: "3"}},
			http.StatusTooManyRequests, "rate_limit_exceeded", "3"},
		{"last timed out", [2]fakes.Fault{{Kind: fakes.FaultReset}, {Kind: fakes.FaultHang}},
			http.StatusGatewayTimeout, "upstream_timeout", ""},
		{"connection errors and 5xx", [2]fakes.Fault{{Kind: fakes.FaultRefuse}, {Kind: fakes.FaultStatus, Status: 500}},
			http.StatusBadGateway, "upstream_error", ""},
		{"bad answers", [2]fakes.Fault{{Kind: fakes.FaultHTML200}, {Kind: fakes.FaultBreakBody}},
			http.StatusBadGateway, "upstream_error", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := twoOpenAI(t)
			h.fakes["primary"].Handler().SetFault(tc.faults[0])
			h.fakes["secondary"].Handler().SetFault(tc.faults[1])
			status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tc.wantStatus, body)
			}
			if _, _, code := openAIError(t, body); code != tc.wantCode {
				t.Errorf("code %q, want %q", code, tc.wantCode)
			}
			if hdr.Get("Retry-After") != tc.retryAfter || hdr.Get("X-Switchboard-Attempts") != "2" {
				t.Errorf("Retry-After %q attempts %q", hdr.Get("Retry-After"), hdr.Get("X-Switchboard-Attempts"))
			}
			recs := h.src.RecordsAfter(1)
			if len(recs) != 1 || recs[0].OK || recs[0].Attempts != 2 || recs[0].Backend != "secondary" {
				t.Errorf("records %+v, want one failed request, 2 attempts, ending on secondary", recs)
			}
		})
	}
}

// A 429 is reported to the monitor with its Retry-After, so the provider
// is held out of rotation for as long as it asked.
func TestRateLimitReportedWithRetryAfter(t *testing.T) {
	h := twoOpenAI(t)
	h.fakes["primary"].Handler().SetFault(fakes.Fault{Kind: fakes.FaultRateLimit, RetryAfter: "7"})
	if status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	rs := h.src.ReportsAfter(2)
	if len(rs) != 2 || rs[0].Class != probes.ClassRateLimited || rs[0].RetryAfter != 7*time.Second || rs[0].Status != 429 {
		t.Fatalf("reports %+v, want primary rate_limited 7s then secondary ok", rs)
	}
	if rs[1].Provider != "secondary" || rs[1].Class != probes.ClassOK || rs[1].Latency <= 0 || rs[1].Phases.FirstByte <= 0 {
		t.Errorf("success report %+v lacks class or latency", rs[1])
	}
}

// A client error is the client's: passed through as is, never retried.
func TestClientErrorNotRetried(t *testing.T) {
	h := twoOpenAI(t)
	status, hdr, body := h.do("POST", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[]}`, nil)
	if status != http.StatusBadRequest || hdr.Get("X-Switchboard-Attempts") != "1" {
		t.Fatalf("status %d attempts %q: %s", status, hdr.Get("X-Switchboard-Attempts"), body)
	}
	if _, _, code := openAIError(t, body); code != "empty_array" {
		t.Errorf("provider's error not passed through: %s", body)
	}
	if n := h.fakes["secondary"].Handler().Count(); n != 0 {
		t.Errorf("secondary got %d requests", n)
	}
}

func TestNoRoutableBackend(t *testing.T) {
	s := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	h := start(t, newConfig(provider("p", config.KindOpenAI, s)), newFakeSource()) // nothing active
	status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	if status != http.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", status, body)
	}
	if _, _, code := openAIError(t, body); code != "no_backend" {
		t.Errorf("code %q", code)
	}
}

// In a total outage the retry budget keeps upstream attempts near
// (1 + retry_budget) per client request instead of max_attempts.
func TestRetryBudgetCapsUpstreamLoad(t *testing.T) {
	h := twoOpenAI(t)
	for _, s := range h.fakes {
		s.Handler().SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
	}
	const requests = 100
	for range requests {
		if status, _, _ := h.do("POST", "/v1/chat/completions", chatBody, nil); status != http.StatusBadGateway {
			t.Fatalf("status %d, want 502", status)
		}
	}
	attempts := h.fakes["primary"].Handler().Count() + h.fakes["secondary"].Handler().Count()
	// ratio 0.2 of requests plus a floor of 10 retries per window.
	if limit := requests + requests/5 + 10; attempts > limit || attempts <= requests {
		t.Errorf("%d upstream attempts for %d requests; want more than %d (some retries) and at most %d",
			attempts, requests, requests, limit)
	}
}

// An answer without Content-Length or chunks ends where the connection
// closes, so one cut short by a broken connection reads as a clean end. On
// a JSON route the gateway checks the JSON is whole, and retries if not.
func TestCloseDelimitedAnswerCutShortIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var served sync.WaitGroup
	t.Cleanup(func() { ln.Close(); served.Wait() })
	served.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"+
					`{"id":"c1","object":"chat.completion","choi`)
			}
			conn.Close()
		}
	})
	secondary := startFake(t, fakes.Options{Kind: "openai", APIKey: upstreamKey})
	cut := config.Provider{Name: "primary", Kind: config.KindOpenAI, BaseURL: "http://" + ln.Addr().String() + "/v1", APIKey: upstreamKey}
	h := start(t, newConfig(cut, provider("secondary", config.KindOpenAI, secondary)), newFakeSource("primary", "secondary"))
	status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	if status != http.StatusOK || hdr.Get("X-Switchboard-Backend") != "secondary" || !json.Valid([]byte(body)) {
		t.Fatalf("status %d from %q: %s; want the secondary's whole answer", status, hdr.Get("X-Switchboard-Backend"), body)
	}
	if rs := h.src.ReportsAfter(2); len(rs) != 2 || rs[0].Class != probes.ClassBadResponse {
		t.Errorf("reports %+v, want the primary's cut answer as a bad response", rs)
	}
}

// Gemini answers a wrong key with 400 API_KEY_INVALID, not 401, in a list
// on its OpenAI endpoint. It is the provider's key that is wrong (the
// client's never leaves), so the request goes on to the next backend.
func TestGeminiBadKeyFailsOver(t *testing.T) {
	gemini := startFake(t, fakes.Options{Kind: config.KindGemini, APIKey: "AIza-the-right-key", Models: []string{model}})
	secondary := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey})
	cfg := newConfig(provider("gemini", config.KindGemini, gemini), provider("secondary", config.KindOpenAI, secondary))
	h := start(t, cfg, newFakeSource("gemini", "secondary"))
	status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	if status != http.StatusOK || hdr.Get("X-Switchboard-Backend") != "secondary" || hdr.Get("X-Switchboard-Attempts") != "2" {
		t.Fatalf("status %d from %q after %s attempts: %s; want the secondary's answer after 2",
			status, hdr.Get("X-Switchboard-Backend"), hdr.Get("X-Switchboard-Attempts"), body)
	}
	rs := h.src.ReportsAfter(2)
	if len(rs) != 2 || rs[0].Class != probes.ClassAuth || !strings.Contains(rs[0].Err, "API key not valid") {
		t.Errorf("reports %+v, want gemini's bad key as auth with its own message", rs)
	}
}
