package probes

import (
	"net/http"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/internal/fakes"
)

func TestStatusPage(t *testing.T) {
	page := fakes.StartStatusPage("minor", map[string]string{"API": "degraded_performance", "ChatGPT": "operational"})
	defer page.Close()
	client := NewClient()
	defer client.CloseIdleConnections()
	p := config.Provider{Name: "openai", StatusPage: page.URL(), StatusComponent: " api "}
	w := StatusPage(t.Context(), client, p)
	if w.Indicator != "minor" || w.Component != "degraded_performance" || w.Err != "" || w.At.IsZero() {
		t.Fatalf("got %+v", w)
	}
	// Unknown words pass through; an unmatched component is "".
	page.Set("maintenance", map[string]string{"API": "exploded"})
	if w := StatusPage(t.Context(), client, p); w.Indicator != "maintenance" || w.Component != "exploded" {
		t.Fatalf("got %+v", w)
	}
	p.StatusComponent = "Embeddings"
	if w := StatusPage(t.Context(), client, p); w.Component != "" || w.Err != "" {
		t.Fatalf("unmatched component: %+v", w)
	}
}

func TestStatusPageErrors(t *testing.T) {
	client := NewClient()
	defer client.CloseIdleConnections()
	down := rawServer(t, http.StatusServiceUnavailable, "text/html", "<h1>down</h1>")
	html := rawServer(t, http.StatusOK, "text/html", "<h1>status</h1>")
	other := rawServer(t, http.StatusOK, "application/json", `{"page":{}}`)
	cases := map[string]string{
		"":                                       "no status page configured",
		down.URL:                                 "status page: HTTP 503",
		html.URL:                                 "status page: not a Statuspage summary",
		other.URL:                                "status page: not a Statuspage summary",
		"http://127.0.0.1:1/api/v2/summary.json": "status page: connection refused",
	}
	for u, want := range cases {
		w := StatusPage(t.Context(), client, config.Provider{Name: "p", StatusPage: u})
		if w.Err != want || w.Indicator != "" || w.At.IsZero() {
			t.Errorf("%q: got %+v, want Err %q", u, w, want)
		}
	}
	if w := StatusPage(t.Context(), client, config.Provider{StatusPage: "http://x.invalid/s?token=abc123"}); strings.Contains(w.Err, "abc123") {
		t.Errorf("token shown: %q", w.Err)
	}
}
