package config

import (
	"reflect"
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	c := Default()
	want := &Config{
		Interval: Duration(10 * time.Second), SuspectInterval: Duration(time.Second),
		Timeout: Duration(10 * time.Second), Window: Duration(5 * time.Minute),
		StatusInterval: Duration(60 * time.Second), ShutdownTimeout: Duration(30 * time.Second),
		EventRetention: Duration(720 * time.Hour),
		Policy: Policy{FailAfter: 3, RecoverAfter: 2, DegradedLatency: Duration(2 * time.Second),
			DegradedErrorRate: 0.10, Failback: FailbackAuto, Holddown: Duration(30 * time.Second),
			HolddownMax: Duration(5 * time.Minute), DrainFor: Duration(5 * time.Minute),
			RetryAfterMax: Duration(time.Minute)},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Default() =\n%+v\nwant\n%+v", c, want)
	}
	gw := DefaultGateway()
	wantGW := &Gateway{Listen: "127.0.0.1:8787", MaxAttempts: 3, MaxRequestBody: 10 << 20,
		MaxResponseBuffer: 32 << 20, MaxConcurrentRequests: 1024, RetryBudget: 0.2,
		UpstreamTimeout: Duration(120 * time.Second), BodyTimeout: Duration(30 * time.Second)}
	if !reflect.DeepEqual(gw, wantGW) {
		t.Errorf("DefaultGateway() = %+v, want %+v", gw, wantGW)
	}
	if api := DefaultAPI(); !reflect.DeepEqual(api, &API{Listen: "127.0.0.1:8788"}) {
		t.Errorf("DefaultAPI() = %+v, want loopback 127.0.0.1:8788 without tokens", api)
	}
}

func TestApplyDefaultsKeepsSetValues(t *testing.T) {
	c := &Config{Interval: Duration(time.Minute), Policy: Policy{FailAfter: 7, Failback: FailbackManual},
		Gateway: &Gateway{Listen: "127.0.0.1:9000"}}
	c.ApplyDefaults()
	if c.Interval != Duration(time.Minute) || c.Policy.FailAfter != 7 || c.Policy.Failback != FailbackManual {
		t.Errorf("set values overwritten: %+v", c)
	}
	if c.Timeout != DefaultTimeout || c.Policy.RecoverAfter != 2 {
		t.Errorf("zero values not defaulted: timeout %s, recover_after %d", c.Timeout, c.Policy.RecoverAfter)
	}
	if c.Gateway.Listen != "127.0.0.1:9000" || c.Gateway.MaxAttempts != 3 || c.Gateway.MaxRequestBody != 10<<20 {
		t.Errorf("gateway = %+v", c.Gateway)
	}
}

func TestProviderDefaults(t *testing.T) {
	src := `providers:
  - {name: o, kind: openai, api_key: k}
  - {name: a, kind: anthropic, api_key: k}
  - {name: g, kind: gemini, api_key: k}
  - {name: l, kind: ollama}
  - {name: z, kind: azure-openai, api_key: k, base_url: "https://r.openai.azure.com/", deployment: d, api_version: "2024-10-21"}
  - {name: h, kind: http, base_url: "https://health.example/ok"}
  - {name: c, kind: openai-compatible, base_url: "http://gpu:8000/v1", probe: stream, model: m, interval: 2s}
`
	c, err := Parse("p.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantURL := []string{"https://api.openai.com/v1", "https://api.anthropic.com",
		"https://generativelanguage.googleapis.com", "http://localhost:11434",
		"https://r.openai.azure.com", "https://health.example/ok", "http://gpu:8000/v1"}
	wantProbe := []string{"models", "models", "models", "models", "models", "models", "stream"}
	for i, p := range c.Providers {
		if p.BaseURL != wantURL[i] || p.Probe != wantProbe[i] {
			t.Errorf("%s: base_url %q probe %q, want %q %q", p.Name, p.BaseURL, p.Probe, wantURL[i], wantProbe[i])
		}
		if !p.IsEnabled() || !p.UsesAdaptiveTimeout() {
			t.Errorf("%s: enabled/adaptive default should be true", p.Name)
		}
	}
	// Unset, a provider's interval and timeout are the global ones, so a
	// provider handed to probes alone still carries its deadline.
	if p := c.Providers[6]; p.Interval != Duration(2*time.Second) || p.Timeout != DefaultTimeout {
		t.Errorf("provider c: interval %s timeout %s, want its own 2s and the global 10s", p.Interval, p.Timeout)
	}
	if p := c.Providers[0]; p.Interval != DefaultInterval || p.Timeout != DefaultTimeout {
		t.Errorf("provider o: interval %s timeout %s, want the global 10s and 10s", p.Interval, p.Timeout)
	}
	h := c.Providers[5].HTTP
	if h == nil || h.Method != "GET" || h.URL != "https://health.example/ok" || h.ExpectStatus != 200 {
		t.Errorf("http defaults = %+v", h)
	}
	if c.Gateway != nil {
		t.Errorf("gateway on without a gateway section: %+v", c.Gateway)
	}
	if c.Path != "p.yaml" {
		t.Errorf("Path = %q", c.Path)
	}
}

// TestGatewaySectionTurnsGatewayOn: an empty "gateway:" means on with
// defaults, as the example's comment promises.
func TestGatewaySectionTurnsGatewayOn(t *testing.T) {
	c, err := Parse("g.yaml", []byte("gateway:\n"+okProvider), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Gateway, DefaultGateway()) {
		t.Errorf("gateway = %+v, want defaults", c.Gateway)
	}
	c, err = Parse("g.yaml", []byte("gateway:\n  listen: 0.0.0.0:8787\n  token: t\n"+okProvider), nil)
	if err != nil {
		t.Fatalf("public listen with a token: %v", err)
	}
	if c.Gateway.Listen != "0.0.0.0:8787" {
		t.Errorf("listen = %q", c.Gateway.Listen)
	}
}

// TestProviderDefaultsFollowGlobals: a provider without its own interval
// or timeout takes the global values written in the file, not the
// built-in defaults; an http probe's method is sent in upper case.
func TestProviderDefaultsFollowGlobals(t *testing.T) {
	src := "interval: 30s\ntimeout: 3s\nproviders:\n" +
		"  - {name: a, kind: ollama}\n" +
		"  - {name: b, kind: ollama, timeout: 250ms}\n" +
		"  - {name: h, kind: http, http: {url: \"https://health.example/ok\", method: head}}\n"
	c, err := Parse("g.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ interval, timeout Duration }{
		{Duration(30 * time.Second), Duration(3 * time.Second)},
		{Duration(30 * time.Second), Duration(250 * time.Millisecond)},
		{Duration(30 * time.Second), Duration(3 * time.Second)},
	}
	for i, p := range c.Providers {
		if p.Interval != want[i].interval || p.Timeout != want[i].timeout {
			t.Errorf("%s: interval %s timeout %s, want %s %s", p.Name, p.Interval, p.Timeout, want[i].interval, want[i].timeout)
		}
	}
	if m := c.Providers[2].HTTP.Method; m != "HEAD" {
		t.Errorf("http method %q, want HEAD", m)
	}
}
