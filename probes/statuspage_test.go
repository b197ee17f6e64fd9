package probes

import (
	"net/http"
	"net/http/httptest"
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
	p := resolved(config.Provider{Name: "openai", StatusPage: page.URL(), StatusComponent: " api "})
	w := StatusPage(t.Context(), client, p)
	if w.Indicator != "minor" || w.Component != "degraded_performance" || w.Err != "" || w.At.IsZero() {
		t.Fatalf("got %+v", w)
	}
	// Unknown words pass through.
	page.Set("maintenance", map[string]string{"API": "exploded"})
	if w := StatusPage(t.Context(), client, p); w.Indicator != "maintenance" || w.Component != "exploded" {
		t.Fatalf("got %+v", w)
	}
}

// A component that is not on the page is an error, not the page-wide word:
// on a page covering several products another one's outage would
// otherwise take this provider out of rotation.
func TestStatusPageMissingComponent(t *testing.T) {
	page := fakes.StartStatusPage("major", map[string]string{"API": "operational", "ChatGPT": "major_outage"})
	defer page.Close()
	client := NewClient()
	defer client.CloseIdleConnections()
	w := StatusPage(t.Context(), client, resolved(config.Provider{Name: "openai", StatusPage: page.URL(), StatusComponent: "APIs"}))
	if w.Indicator != "" || w.Component != "" || w.Err != `status page: no component named "APIs"` {
		t.Fatalf("got %+v, want an error naming the missing component and no words", w)
	}
}

// A status page that moved (http to https, a new host) is followed, a few
// hops at most.
func TestStatusPageFollowsRedirects(t *testing.T) {
	page := fakes.StartStatusPage("none", map[string]string{"API": "operational"})
	defer page.Close()
	moved := httptest.NewServer(http.RedirectHandler(page.URL(), http.StatusMovedPermanently))
	defer moved.Close()
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/again", http.StatusFound)
	}))
	defer loop.Close()
	client := NewClient()
	defer client.CloseIdleConnections()
	if w := StatusPage(t.Context(), client, resolved(config.Provider{Name: "p", StatusPage: moved.URL})); w.Err != "" || w.Indicator != "none" {
		t.Errorf("moved page: %+v", w)
	}
	if w := StatusPage(t.Context(), client, resolved(config.Provider{Name: "p", StatusPage: loop.URL})); !strings.Contains(w.Err, "redirects") {
		t.Errorf("redirect loop: %+v, want an error about redirects", w)
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
		w := StatusPage(t.Context(), client, resolved(config.Provider{Name: "p", StatusPage: u}))
		if w.Err != want || w.Indicator != "" || w.At.IsZero() {
			t.Errorf("%q: got %+v, want Err %q", u, w, want)
		}
	}
	offline := testClient()
	defer offline.CloseIdleConnections()
	if w := StatusPage(t.Context(), offline, resolved(config.Provider{StatusPage: "http://x.invalid/s?token=abc123"})); strings.Contains(w.Err, "abc123") || w.Err == "" {
		t.Errorf("token shown: %q", w.Err)
	}
}

// TestStatusPageTextIsCleaned: words from a status page are someone else's
// text on the operator's screen. Escape sequences (an OSC that retitles
// the terminal, a CSI that clears it, the one-byte C1 CSI) lose their
// control characters, and a word is bounded in length.
func TestStatusPageTextIsCleaned(t *testing.T) {
	client := NewClient()
	defer client.CloseIdleConnections()
	long := "degraded_" + strings.Repeat("x", 200)
	page := rawServer(t, http.StatusOK, "application/json", `{
		"status": {"indicator": "\u001b]0;pwned\u0007major", "description": "\u001b[2JAll Systems Operational"},
		"components": [
			{"name": "API", "status": "\u001b[2J\u009b31mpartial_outage\r\n"},
			{"name": "Long", "status": "`+long+`"},
			{"name": "Blank", "status": "\u001b\u0007"}
		]}`)
	cases := []struct{ component, indicator, status string }{
		{"API", "]0;pwnedmajor", "[2J31mpartial_outage"},
		{"Long", "]0;pwnedmajor", long[:maxStatusWord-len("…")] + "…"},
		{"Blank", "]0;pwnedmajor", ""},
	}
	for _, tc := range cases {
		w := StatusPage(t.Context(), client, resolved(config.Provider{Name: "p", StatusPage: page.URL, StatusComponent: tc.component}))
		if w.Err != "" || w.Indicator != tc.indicator || w.Component != tc.status {
			t.Errorf("%s: got %+v, want indicator %q component %q", tc.component, w, tc.indicator, tc.status)
		}
		if len(w.Component) > maxStatusWord || len(w.Indicator) > maxStatusWord {
			t.Errorf("%s: a word longer than %d bytes: %+v", tc.component, maxStatusWord, w)
		}
	}
	// A page-wide indicator that is nothing but control characters says nothing.
	blank := rawServer(t, http.StatusOK, "application/json", `{"status": {"indicator": "\u001b\u009b"}, "components": []}`)
	if w := StatusPage(t.Context(), client, resolved(config.Provider{Name: "p", StatusPage: blank.URL})); w.Indicator != "unknown" {
		t.Errorf("blank indicator: got %+v, want unknown", w)
	}
}
