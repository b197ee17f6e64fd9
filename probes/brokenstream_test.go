package probes

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/config"
)

// halfLineStream writes the start of a token's data line, then stalls
// until the probe gives up or, with cut, drops the connection.
func halfLineStream(t *testing.T, cut bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, `data: {"choices":[{"delta":{"content":"po`)
		http.NewResponseController(w).Flush()
		if cut {
			panic(http.ErrAbortHandler)
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A stream broken in the middle of a line is the break, not the provider
// sending bad JSON: a stall is a timeout, a dropped connection a connect
// failure, as they are anywhere else in the answer.
func TestStreamBrokenMidLine(t *testing.T) {
	cases := []struct {
		name    string
		cut     bool
		timeout time.Duration
		want    Class
	}{
		{"stalls", false, 300 * time.Millisecond, ClassTimeout},
		{"cut", true, 5 * time.Second, ClassConnect},
	}
	for _, tc := range cases {
		p := config.Provider{Name: "p", Kind: "openai", BaseURL: halfLineStream(t, tc.cut), APIKey: "sk-test-key", Probe: "stream", Model: "m"}
		r := probe(t, p, tc.timeout)
		if r.Class != tc.want || strings.Contains(r.Err, "JSON") {
			t.Errorf("%s: class %s (%q), want %s", tc.name, r.Class, r.Err, tc.want)
		}
	}
}

// An OpenAI-style stream from Gemini that ends after a finished chunk but
// without [DONE] (its OpenAI layer is not documented to send one) is a
// whole answer; one that ends before any finish_reason is still cut short,
// and so is one from OpenAI without [DONE], as the gateway has it.
func TestStreamEndsWithoutDone(t *testing.T) {
	chunk := func(finish string) string {
		return `data: {"choices":[{"index":0,"delta":{"content":"po"},"finish_reason":` + finish + "}]}\n\n"
	}
	cases := map[string]struct {
		kind, body string
		want       Class
	}{
		"finished":          {"gemini", chunk("null") + chunk(`"stop"`), ClassOK},
		"unfinished":        {"gemini", chunk("null"), ClassBadResponse},
		"openai, no [DONE]": {"openai", chunk(`"stop"`), ClassBadResponse},
	}
	for name, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, tc.body)
		}))
		r := probe(t, config.Provider{Name: "g", Kind: tc.kind, BaseURL: srv.URL, APIKey: "AIza-test", Probe: "stream", Model: "m"}, 5*time.Second)
		srv.Close()
		if r.Class != tc.want {
			t.Errorf("%s: class %s (%q), want %s", name, r.Class, r.Err, tc.want)
		}
	}
}
