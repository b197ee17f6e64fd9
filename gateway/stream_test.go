package gateway_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/probes"
)

const sseChunk = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",` +
	`"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}` + "\n\n"

// sseUpstream sends one chunk, then either ends cleanly without [DONE]
// or goes silent until the request is cancelled.
func sseUpstream(t *testing.T, stall bool) string {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(sseChunk))
		http.NewResponseController(w).Flush()
		if stall {
			<-r.Context().Done()
		}
	}))
	t.Cleanup(up.Close)
	return up.URL + "/v1"
}

// A stream cut short must not look complete: both an upstream that ends
// without [DONE] and one that stalls reach the SDK as errors, and the
// provider is reported as failing.
func TestStreamTruncationIsAnError(t *testing.T) {
	cases := map[string]struct {
		stall     bool
		class     probes.Class
		errSubstr string
	}{
		"clean end without DONE": {false, probes.ClassBadResponse, "without [DONE]"},
		"stalls mid-stream":      {true, probes.ClassTimeout, "stream stalled"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := config.Provider{Name: "sse", Kind: config.KindOpenAI, BaseURL: sseUpstream(t, tc.stall), APIKey: upstreamKey}
			h := start(t, newConfig(p), newFakeSource("sse"))
			n, err := h.streamChat()
			if n != 1 || err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
				t.Fatalf("%d chunks, err %v; want 1 chunk then an error saying %q", n, err, tc.errSubstr)
			}
			if rs := h.src.ReportsAfter(1); len(rs) != 1 || rs[0].Class != tc.class {
				t.Errorf("reports %+v, want one %s", rs, tc.class)
			}
		})
	}
}

// sseBody is an upstream that streams body as its answer and ends cleanly.
func sseBody(t *testing.T, body func() string) string {
	t.Helper()
	return sseStatus(t, http.StatusOK, body)
}

// sseStatus is sseBody with another status: an error sent as a stream.
func sseStatus(t *testing.T, status int, body func() string) string {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body()))
	}))
	t.Cleanup(up.Close)
	return up.URL + "/v1"
}

// An event larger than the relay's buffer reaches the client in pieces cut
// at multiples of the buffer's size; in an error sent as a stream, the
// upstream's key must be redacted even when a cut falls inside it. The key
// is put across each of the first two boundaries of a fresh pooled buffer,
// at every offset.
func TestStreamRedactsKeyAcrossPieces(t *testing.T) {
	const prefix = "data: "
	var at atomic.Int64 // where the key begins in the event
	event := func() string {
		pad := strings.Repeat("x", int(at.Load())-len(prefix))
		return prefix + pad + upstreamKey + "\n\ndata: [DONE]\n\n"
	}
	p := config.Provider{Name: "big", Kind: config.KindOpenAI, BaseURL: sseStatus(t, http.StatusBadRequest, event), APIKey: upstreamKey}
	h := start(t, newConfig(p), newFakeSource("big"))
	for _, cut := range []int{gateway.RelayBuffer, 2 * gateway.RelayBuffer} {
		for s := cut - len(upstreamKey) + 1; s < cut; s++ {
			at.Store(int64(s))
			_, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
			if strings.Contains(body, upstreamKey) || !strings.HasSuffix(body, "REDACTED\n\ndata: [DONE]\n\n") {
				t.Fatalf("key at %d, cut at %d: the client saw %q", s, cut, body[max(0, s-20):])
			}
		}
	}
}

// "data: [DONE]" inside a token (a model explaining SSE) is text, not the
// end of the stream: an upstream that stops after it cut the answer short,
// and only the real [DONE] event ends the stream cleanly.
func TestStreamFakeDoneIsNotTheEnd(t *testing.T) {
	token := func(text string) string {
		return `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",` +
			`"choices":[{"index":0,"delta":{"content":"` + text + `"},"finish_reason":null}]}` + "\n\n"
	}
	cases := map[string]struct {
		body  string
		class probes.Class
	}{
		"spaced in a token":      {token(`end with data: [DONE]\n\n`), probes.ClassBadResponse},
		"tight in a token":       {token(`end with data:[DONE]\n\n`), probes.ClassBadResponse},
		"in a token at its end":  {token(`data: [DONE]`), probes.ClassBadResponse},
		"followed by a real one": {token(`end with data: [DONE]\n\n`) + "data: [DONE]\n\n", probes.ClassOK},
		"tight real one":         {token(`hi`) + "data:[DONE]\r\n\r\n", probes.ClassOK},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := config.Provider{Name: "sse", Kind: config.KindOpenAI, APIKey: upstreamKey,
				BaseURL: sseBody(t, func() string { return tc.body })}
			h := start(t, newConfig(p), newFakeSource("sse"))
			n, err := h.streamChat()
			if tc.class == probes.ClassOK && (n != 1 || err != nil) {
				t.Fatalf("%d chunks, err %v; want 1 chunk and a clean end", n, err)
			}
			if tc.class != probes.ClassOK && (n != 1 || err == nil || !strings.Contains(err.Error(), "without [DONE]")) {
				t.Fatalf("%d chunks, err %v; want 1 chunk then an error saying the stream ended without [DONE]", n, err)
			}
			if rs := h.src.ReportsAfter(1); len(rs) != 1 || rs[0].Class != tc.class {
				t.Errorf("reports %+v, want one %s", rs, tc.class)
			}
		})
	}
}

// A client that stops reading a stream does not hold the gateway forever:
// once nothing it writes is taken for upstream_timeout, the gateway drops
// the client and the upstream call ends, reported as the client's doing.
func TestStreamToStuckClientEnds(t *testing.T) {
	event := "data: " + strings.Repeat("x", 64<<10) + "\n\n"
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, event); err != nil {
				return
			}
		}
	}))
	t.Cleanup(up.Close)
	p := config.Provider{Name: "sse", Kind: config.KindOpenAI, BaseURL: up.URL + "/v1", APIKey: upstreamKey}
	h := start(t, newConfig(p), newFakeSource("sse")) // upstream_timeout 1s
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`
	fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(body), body)
	// Never read. Without a write deadline the gateway would wait here
	// for as long as this connection stays open.
	if rs := h.src.ReportsAfter(1); len(rs) != 1 || rs[0].Provider != "sse" {
		t.Fatalf("reports %+v: the stream to a client that stopped reading did not end", rs)
	}
}

// Anthropic's and Gemini's OpenAI layers are not documented to end a stream
// with [DONE]: from them a clean end after a chunk with a finish_reason is
// a whole answer, and one before any finish_reason is still a cut. An
// OpenAI stream still needs its [DONE].
func TestStreamEndWithoutDone(t *testing.T) {
	chunk := func(finish string) string {
		return `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",` +
			`"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":` + finish + `}]}` + "\n\n"
	}
	cases := []struct {
		name, kind, body string
		whole            bool
	}{
		{"anthropic, finished", config.KindAnthropic, chunk("null") + chunk(`"stop"`), true},
		{"gemini, finished", config.KindGemini, chunk(`"stop"`), true},
		{"anthropic, cut before a finish", config.KindAnthropic, chunk("null"), false},
		{"openai, finished but no DONE", config.KindOpenAI, chunk(`"stop"`), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// sseBody answers on any path, whichever the kind's layer uses.
			p := config.Provider{Name: "sse", Kind: tc.kind, BaseURL: sseBody(t, func() string { return tc.body }), APIKey: upstreamKey}
			h := start(t, newConfig(p), newFakeSource("sse"))
			n, err := h.streamChat()
			if tc.whole && (n == 0 || err != nil) {
				t.Fatalf("%d chunks, err %v; want a clean end", n, err)
			}
			if !tc.whole && (err == nil || !strings.Contains(err.Error(), "without [DONE]")) {
				t.Fatalf("%d chunks, err %v; want an error saying the stream was cut", n, err)
			}
		})
	}
}
