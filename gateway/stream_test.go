package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"switchboard/config"
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
			client := h.sdk()
			stream := client.Chat.Completions.NewStreaming(context.Background(), chatParams())
			n := 0
			for stream.Next() {
				n++
			}
			err := stream.Err()
			if n != 1 || err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
				t.Fatalf("%d chunks, err %v; want 1 chunk then an error saying %q", n, err, tc.errSubstr)
			}
			if rs := h.src.ReportsAfter(1); len(rs) != 1 || rs[0].Class != tc.class {
				t.Errorf("reports %+v, want one %s", rs, tc.class)
			}
		})
	}
}
