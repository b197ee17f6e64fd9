package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/probes"
)

// tpmTooLarge is OpenAI's 429 for a request that alone exceeds the
// organization's tokens-per-minute limit.
const tpmTooLarge = `{"error":{"message":"Request too large for gpt-4o-mini in organization org-abc123 on tokens per min (TPM): ` +
	`Limit 30000, Requested 36278. The input or output tokens must be reduced in order to run successfully. ` +
	`Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`

// tooLargeUpstream answers every request with that 429 (and a
// Retry-After, which is beside the point for such a request).
func tooLargeUpstream(t *testing.T, name string) config.Provider {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, tpmTooLarge)
	}))
	t.Cleanup(s.Close)
	return config.Provider{Name: name, Kind: config.KindOpenAI, BaseURL: s.URL + "/v1", APIKey: upstreamKey}
}

// A 429 that says the request itself is too large for the provider's
// limit is the request's problem: it is reported as a client error with no
// Retry-After, so the provider is neither rate-limited nor counted down,
// and the request may still go to a backend with a higher limit.
func TestRequestTooLargeIsTheRequestsFault(t *testing.T) {
	secondary, secondaryN := countingUpstream(t, "secondary", []byte(instantAnswer))
	h := start(t, newConfig(tooLargeUpstream(t, "primary"), secondary), newFakeSource("primary", "secondary"))
	status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	if status != http.StatusOK || hdr.Get("X-Switchboard-Backend") != "secondary" || secondaryN.Load() != 1 {
		t.Fatalf("status %d from %q: %s; want secondary's answer", status, hdr.Get("X-Switchboard-Backend"), body)
	}
	rs := h.src.ReportsAfter(2)
	if len(rs) != 2 || rs[0].Provider != "primary" || rs[0].Status != http.StatusTooManyRequests ||
		rs[0].Class != probes.ClassClientError || rs[0].RetryAfter != 0 {
		t.Fatalf("reports %+v; want primary's 429 as a client error without Retry-After", rs)
	}
}

// When every backend finds the request too large, the client gets their
// 429 and reason, without a Retry-After that would have it wait and send
// the same request again.
func TestRequestTooLargeEverywhere(t *testing.T) {
	cfg := newConfig(tooLargeUpstream(t, "primary"), tooLargeUpstream(t, "secondary"))
	h := start(t, cfg, newFakeSource("primary", "secondary"))
	status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	msg, _, _ := openAIError(t, body)
	if status != http.StatusTooManyRequests || hdr.Get("Retry-After") != "" || !strings.Contains(msg, "Request too large") {
		t.Errorf("status %d, Retry-After %q, message %q; want 429 with the reason and no Retry-After",
			status, hdr.Get("Retry-After"), msg)
	}
	for _, r := range h.src.ReportsAfter(2) {
		if r.Class != probes.ClassClientError || r.RetryAfter != 0 {
			t.Errorf("reported %s %s after %s, want a client error", r.Provider, r.Class, r.RetryAfter)
		}
	}
}
