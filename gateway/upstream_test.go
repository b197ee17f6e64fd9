package gateway_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/fakes"
)

// writeCounter counts the writes on every connection it dialed.
type writeCounter struct{ writes atomic.Int64 }

func (wc *writeCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return countedConn{Conn: c, wc: wc}, nil
}

type countedConn struct {
	net.Conn
	wc *writeCounter
}

func (c countedConn) Write(p []byte) (int, error) {
	c.wc.writes.Add(1)
	return c.Conn.Write(p)
}

// An upstream request leaves in one write, headers and body together, with
// or without the model spliced: a second write would wake the provider
// twice and cost a syscall on every request.
func TestUpstreamRequestLeavesInOneWrite(t *testing.T) {
	for _, tc := range []struct {
		name   string
		models map[string]string
		want   string
	}{
		{name: "body as sent", want: model},
		{name: "model mapped", models: map[string]string{model: "gpt-4.1-mini"}, want: "gpt-4.1-mini"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey, Models: []string{tc.want}})
			prov := provider("primary", config.KindOpenAI, fake)
			prov.Models = tc.models
			var wc writeCounter
			tr := &http.Transport{DialContext: wc.dial}
			t.Cleanup(tr.CloseIdleConnections)
			h := startWith(t, newConfig(prov), newFakeSource("primary"), gateway.Options{Client: &http.Client{Transport: tr}})

			const requests = 5
			for range requests {
				if status, _, body := h.do("POST", "/v1/chat/completions", chatBody, nil); status != http.StatusOK {
					t.Fatalf("status %d: %s", status, body)
				}
			}
			if got := wc.writes.Load(); got != requests {
				t.Errorf("%d upstream writes for %d requests, want one each", got, requests)
			}
			reqs := fake.Handler().Requests()
			if len(reqs) != requests {
				t.Fatalf("upstream got %d requests, want %d", len(reqs), requests)
			}
			if wantModel := `"model":"` + tc.want + `"`; !strings.Contains(string(reqs[0].Body), wantModel) {
				t.Errorf("upstream body %s, want %s", reqs[0].Body, wantModel)
			}
		})
	}
}

// A body past the copy threshold is spliced from the pooled buffer instead;
// it must arrive byte for byte, with the mapped model.
func TestLargeBodyArrivesWhole(t *testing.T) {
	fake := startFake(t, fakes.Options{Kind: config.KindOpenAI, APIKey: upstreamKey, Models: []string{"gpt-4.1-mini"}})
	prov := provider("primary", config.KindOpenAI, fake)
	prov.Models = map[string]string{model: "gpt-4.1-mini"}
	h := start(t, newConfig(prov), newFakeSource("primary"))

	content := strings.Repeat("a", 200<<10)
	body := `{"model":"` + model + `","messages":[{"role":"user","content":"` + content + `"}]}`
	if status, _, answer := h.do("POST", "/v1/chat/completions", body, nil); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, answer)
	}
	reqs := fake.Handler().Requests()
	want := strings.Replace(body, model, "gpt-4.1-mini", 1)
	if len(reqs) != 1 || string(reqs[0].Body) != want {
		t.Fatalf("upstream got %d requests; body intact: %v", len(reqs), len(reqs) == 1 && string(reqs[0].Body) == want)
	}
}

// A keyless provider whose base_url carries credentials (a local server
// behind basic auth) gets them as basic auth, as probes send them, and the
// password is as secret as a key: an error that echoes it is redacted.
func TestBaseURLCredentialsSentAsBasicAuth(t *testing.T) {
	const password = "s3cret-0123456789"
	got := make(chan string, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"message":"no such model for `+password+`","type":"invalid_request_error"}}`)
	}))
	t.Cleanup(up.Close)
	base := strings.Replace(up.URL, "http://", "http://local:"+password+"@", 1) + "/v1"
	prov := config.Provider{Name: "local", Kind: config.KindOpenAICompatible, BaseURL: base}
	h := start(t, newConfig(prov), newFakeSource("local"))

	status, _, body := h.do("POST", "/v1/chat/completions", chatBody, map[string]string{"Authorization": "Bearer " + clientKey})
	if status != http.StatusNotFound || strings.Contains(body, password) || !strings.Contains(body, "REDACTED") {
		t.Fatalf("status %d, body %s: want the 404 with the base_url password redacted", status, body)
	}
	if auth := <-got; auth != "Basic bG9jYWw6czNjcmV0LTAxMjM0NTY3ODk=" { // base64("local:" + password)
		t.Errorf("upstream Authorization %q, want basic auth for local:%s", auth, password)
	}
}
