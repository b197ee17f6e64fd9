package probes

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// sent is what a probe must put on the wire.
type sent struct {
	method, path, query string
	header              map[string]string
	body                string // JSON, compared as values; "" = no body
}

// TestEveryKindAndStyle probes each kind in each style against a fake that
// enforces the real API, and checks the exact request the probe sent.
func TestEveryKindAndStyle(t *testing.T) {
	const ping = `"messages":[{"role":"user","content":"ping"}]`
	bearer := map[string]string{"Authorization": "Bearer KEY"}
	azureKey := map[string]string{"api-key": "KEY", "Authorization": ""}
	ant := map[string]string{"x-api-key": "KEY", "anthropic-version": "2023-06-01", "Authorization": ""}
	cases := []struct {
		name string
		fake fakes.Options
		p    config.Provider
		want sent
	}{
		{"openai models", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai"},
			sent{"GET", "/v1/models", "", bearer, ""}},
		{"openai chat", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai", Probe: "chat", Model: "gpt-4o-mini"},
			sent{"POST", "/v1/chat/completions", "", bearer, `{"model":"gpt-4o-mini",` + ping + `,"max_completion_tokens":1}`}},
		{"openai stream", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai", Probe: "stream", Model: "gpt-4o-mini"},
			sent{"POST", "/v1/chat/completions", "", bearer, `{"model":"gpt-4o-mini",` + ping + `,"max_completion_tokens":1,"stream":true,"stream_options":{"include_usage":true}}`}},
		{"compatible models", fakes.Options{Kind: "openai-compatible"}, config.Provider{Kind: "openai-compatible"},
			sent{"GET", "/v1/models", "", bearer, ""}},
		{"compatible chat uses max_tokens", fakes.Options{Kind: "openai-compatible", Models: []string{"qwen"}},
			config.Provider{Kind: "openai-compatible", Probe: "chat", Model: "qwen"},
			sent{"POST", "/v1/chat/completions", "", bearer, `{"model":"qwen",` + ping + `,"max_tokens":1}`}},
		{"compatible stream", fakes.Options{Kind: "openai-compatible", Models: []string{"qwen"}},
			config.Provider{Kind: "openai-compatible", Probe: "stream", Model: "qwen"},
			sent{"POST", "/v1/chat/completions", "", bearer, `{"model":"qwen",` + ping + `,"max_tokens":1,"stream":true}`}},
		{"azure classic models", fakes.Options{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-10-21"},
			config.Provider{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-10-21"},
			sent{"GET", "/openai/models", "api-version=2024-10-21", azureKey, ""}},
		{"azure classic chat", fakes.Options{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-10-21"},
			config.Provider{Kind: "azure-openai", Probe: "chat", Deployment: "prod", APIVersion: "2024-10-21"},
			sent{"POST", "/openai/deployments/prod/chat/completions", "api-version=2024-10-21", azureKey, `{` + ping + `,"max_completion_tokens":1}`}},
		{"azure classic old version", fakes.Options{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-06-01"},
			config.Provider{Kind: "azure-openai", Probe: "chat", Deployment: "prod", APIVersion: "2024-06-01"},
			sent{"POST", "/openai/deployments/prod/chat/completions", "api-version=2024-06-01", azureKey, `{` + ping + `,"max_tokens":1}`}},
		{"azure classic stream", fakes.Options{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-10-21"},
			config.Provider{Kind: "azure-openai", Probe: "stream", Deployment: "prod", APIVersion: "2024-10-21"},
			sent{"POST", "/openai/deployments/prod/chat/completions", "api-version=2024-10-21", azureKey, `{` + ping + `,"max_completion_tokens":1,"stream":true}`}},
		{"azure v1 models", fakes.Options{Kind: "azure-openai", Deployment: "prod"},
			config.Provider{Kind: "azure-openai", APIVersion: "v1"}, sent{"GET", "/openai/v1/models", "", azureKey, ""}},
		{"azure v1 chat", fakes.Options{Kind: "azure-openai", Deployment: "prod"},
			config.Provider{Kind: "azure-openai", Probe: "chat", APIVersion: "v1", Deployment: "prod"},
			sent{"POST", "/openai/v1/chat/completions", "", azureKey, `{"model":"prod",` + ping + `,"max_completion_tokens":1}`}},
		{"anthropic models", fakes.Options{Kind: "anthropic"}, config.Provider{Kind: "anthropic"},
			sent{"GET", "/v1/models", "limit=1", ant, ""}},
		{"anthropic chat", fakes.Options{Kind: "anthropic", Models: []string{"claude-a"}},
			config.Provider{Kind: "anthropic", Probe: "chat", Model: "claude-a"},
			sent{"POST", "/v1/messages", "", ant, `{"model":"claude-a",` + ping + `,"max_tokens":1}`}},
		{"anthropic stream", fakes.Options{Kind: "anthropic", Models: []string{"claude-a"}},
			config.Provider{Kind: "anthropic", Probe: "stream", Model: "claude-a"},
			sent{"POST", "/v1/messages", "", ant, `{"model":"claude-a",` + ping + `,"max_tokens":1,"stream":true}`}},
		{"gemini models", fakes.Options{Kind: "gemini"}, config.Provider{Kind: "gemini"},
			sent{"GET", "/v1beta/models", "pageSize=1", map[string]string{"x-goog-api-key": "KEY", "Authorization": ""}, ""}},
		{"gemini chat", fakes.Options{Kind: "gemini", Models: []string{"gemini-2.0-flash"}},
			config.Provider{Kind: "gemini", Probe: "chat", Model: "gemini-2.0-flash"},
			sent{"POST", "/v1beta/openai/chat/completions", "", bearer, `{"model":"gemini-2.0-flash",` + ping + `,"max_tokens":1}`}},
		{"gemini stream", fakes.Options{Kind: "gemini", Models: []string{"gemini-2.0-flash"}},
			config.Provider{Kind: "gemini", Probe: "stream", Model: "gemini-2.0-flash"},
			sent{"POST", "/v1beta/openai/chat/completions", "", bearer, `{"model":"gemini-2.0-flash",` + ping + `,"max_tokens":1,"stream":true}`}},
		{"ollama version", fakes.Options{Kind: "ollama"}, config.Provider{Kind: "ollama"}, sent{"GET", "/api/version", "", nil, ""}},
		{"ollama model installed", fakes.Options{Kind: "ollama", Models: []string{"llama3.2:latest"}},
			config.Provider{Kind: "ollama", Probe: "chat", Model: "llama3.2"}, sent{"GET", "/api/tags", "", nil, ""}},
		{"ollama stream", fakes.Options{Kind: "ollama", Models: []string{"llama3.2:latest"}},
			config.Provider{Kind: "ollama", Probe: "stream", Model: "llama3.2:latest"},
			sent{"POST", "/v1/chat/completions", "", nil, `{"model":"llama3.2:latest",` + ping + `,"max_tokens":1,"stream":true}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fake.Kind != "ollama" {
				tc.fake.APIKey, tc.p.APIKey = "KEY", "KEY"
			}
			s := fakes.Start(tc.fake)
			defer s.Close()
			tc.p.Name, tc.p.BaseURL = "p", s.BaseURL()
			r := probe(t, tc.p, 5*time.Second)
			wantClass(t, r, ClassOK)
			if r.Status != http.StatusOK || r.Phases.FirstByte <= 0 || r.Latency < r.Phases.FirstByte || r.Provider != "p" {
				t.Fatalf("result %+v", r)
			}
			if stream := tc.p.Probe == "stream"; stream != (r.TTFT > 0) || r.TTFT > r.Latency {
				t.Fatalf("TTFT %v with latency %v (stream %v)", r.TTFT, r.Latency, stream)
			}
			reqs := s.Handler().Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			checkSent(t, reqs[0], tc.want)
		})
	}
}

func checkSent(t *testing.T, got fakes.Request, want sent) {
	t.Helper()
	if got.Method != want.method || got.Path != want.path || got.RawQuery != want.query {
		t.Fatalf("sent %s %s?%s, want %s %s?%s", got.Method, got.Path, got.RawQuery, want.method, want.path, want.query)
	}
	for k, v := range want.header {
		if got.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
		}
	}
	if want.body == "" {
		if len(got.Body) != 0 {
			t.Fatalf("unexpected body %s", got.Body)
		}
		return
	}
	if got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", got.Header.Get("Content-Type"))
	}
	var g, w any
	if json.Unmarshal(got.Body, &g) != nil || json.Unmarshal([]byte(want.body), &w) != nil || !reflect.DeepEqual(g, w) {
		t.Fatalf("body %s, want %s", got.Body, want.body)
	}
}
