package probes

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/internal/memnet"
)

// resolved is p with config's defaults applied, as every provider a
// program hands to probes comes from config (Parse or ApplyDefaults).
func resolved(p config.Provider) config.Provider {
	c := config.Config{Providers: []config.Provider{p}}
	c.ApplyDefaults()
	return c.Providers[0]
}

// TestDeadlineComesFromConfig: without a deadline from its caller, a probe
// and a status page read stop at the timeout the config file sets (here the
// global one, 300ms), not at a default probes would pick on its own.
func TestDeadlineComesFromConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		l, err := n.Listen("fake.test:80")
		if err != nil {
			t.Fatal(err)
		}
		api := fakes.NewHandler(fakes.Options{Kind: "openai", APIKey: "KEY"})
		api.SetFault(fakes.Fault{Kind: fakes.FaultHang})
		mux := http.NewServeMux()
		mux.Handle("/v1/", api)
		mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		srv := &http.Server{Handler: mux}
		go func() { _ = srv.Serve(l) }()
		defer srv.Close()
		client := n.Client(time.Minute)
		defer client.CloseIdleConnections()

		cfg, err := config.Parse("t.yaml", []byte(`timeout: 300ms
providers:
  - name: p
    kind: openai
    base_url: http://fake.test:80/v1
    api_key: KEY
    status_page: http://fake.test:80/status
`), nil)
		if err != nil {
			t.Fatal(err)
		}
		p := cfg.Providers[0]
		if r := Probe(context.Background(), client, p); r.Class != ClassTimeout || r.Latency != 300*time.Millisecond {
			t.Errorf("probe: %s after %v (%q), want a timeout after the configured 300ms", r.Class, r.Latency, r.Err)
		}
		start := time.Now()
		w := StatusPage(context.Background(), client, p)
		if took := time.Since(start); !strings.Contains(w.Err, "timeout") || took != 300*time.Millisecond {
			t.Errorf("status page: %q after %v, want a timeout after the configured 300ms", w.Err, took)
		}
	})
}

// TestProbeRefusesAnUnresolvedProvider: probes does not guess a default of
// its own (config decides them all); a provider that skipped config's
// defaults is refused, saying so, before anything is sent.
func TestProbeRefusesAnUnresolvedProvider(t *testing.T) {
	s := fakes.Start(fakes.Options{Kind: "openai", APIKey: "KEY"})
	defer s.Close()
	cases := map[string]struct {
		p    config.Provider
		want string
	}{
		"no probe style": {config.Provider{Name: "p", Kind: "openai", BaseURL: s.BaseURL(), APIKey: "KEY"},
			`bad probe config: probe style "" is not models, chat or stream (config defaults not applied)`},
		"no base url": {config.Provider{Name: "p", Kind: "openai", APIKey: "KEY", Probe: "models"},
			"bad probe config: no base_url (config defaults not applied)"},
		"http without its request": {config.Provider{Name: "p", Kind: "http", BaseURL: s.BaseURL() + "/models"},
			"bad probe config: no http request (config defaults not applied)"},
		"http without expect_status": {config.Provider{Name: "p", Kind: "http",
			HTTP: &config.HTTPProbe{Method: "GET", URL: s.BaseURL() + "/models"}},
			"bad probe config: http.expect_status is 0 (config defaults not applied)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			client := testClient()
			defer client.CloseIdleConnections()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r := Probe(ctx, client, tc.p)
			wantClass(t, r, ClassClientError)
			if r.Err != tc.want {
				t.Errorf("err %q, want %q", r.Err, tc.want)
			}
		})
	}
	if n := s.Handler().Count(); n != 0 {
		t.Errorf("%d requests reached the provider", n)
	}
	// Without a deadline from the caller and none in the provider, a probe
	// could wait forever: refused too.
	p := resolved(config.Provider{Name: "p", Kind: "openai", BaseURL: s.BaseURL(), APIKey: "KEY"})
	p.Timeout = 0
	if r := Probe(context.Background(), testClient(), p); r.Class != ClassClientError ||
		r.Err != "bad probe config: no timeout (config defaults not applied)" {
		t.Errorf("no deadline: %s %q", r.Class, r.Err)
	}
}
