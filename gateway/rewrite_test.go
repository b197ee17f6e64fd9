package gateway_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// clientCreds are every credential header a client might send; none may
// reach a provider.
var clientCreds = map[string]string{
	"Authorization":       "Bearer " + clientKey,
	"Api-Key":             clientKey,
	"X-Api-Key":           clientKey,
	"X-Goog-Api-Key":      clientKey,
	"OpenAI-Organization": "org-" + clientKey,
	"Connection":          "X-Hop",
	"X-Hop":               "hop-by-hop, named by Connection",
	"X-Trace":             "trace-42",
}

type rewriteCase struct {
	name      string
	fake      fakes.Options
	prov      config.Provider // BaseURL filled in from the fake
	method    string
	path      string
	body      string
	wantPath  string
	wantQuery string
	wantAuth  [2]string // header and value; "" value: the header must be absent
	wantModel string    // model in the upstream body; "" when no body
}

func rewriteCases() []rewriteCase {
	embed := `{"model":"text-embedding-3-small","input":"hello"}`
	return []rewriteCase{
		{name: "openai as is", fake: fakes.Options{Kind: "openai", APIKey: upstreamKey},
			prov:   config.Provider{Kind: "openai", APIKey: upstreamKey},
			method: "POST", path: "/v1/chat/completions?access_token=" + clientKey, body: chatBody,
			wantPath: "/v1/chat/completions", wantAuth: [2]string{"Authorization", "Bearer " + upstreamKey}, wantModel: model},
		{name: "openai models map", fake: fakes.Options{Kind: "openai", APIKey: upstreamKey, Models: []string{"gpt-4.1-mini"}},
			prov:   config.Provider{Kind: "openai", APIKey: upstreamKey, Models: map[string]string{model: "gpt-4.1-mini"}},
			method: "POST", path: "/v1/chat/completions", body: chatBody,
			wantPath: "/v1/chat/completions", wantAuth: [2]string{"Authorization", "Bearer " + upstreamKey}, wantModel: "gpt-4.1-mini"},
		{name: "azure classic chat", fake: fakes.Options{Kind: "azure-openai", APIKey: upstreamKey, Models: []string{"prod-4o"}, APIVersion: "2024-10-21"},
			prov:   config.Provider{Kind: "azure-openai", APIKey: upstreamKey, Deployment: "prod-4o", APIVersion: "2024-10-21"},
			method: "POST", path: "/v1/chat/completions?api-version=2023-05-15&api-key=" + clientKey, body: chatBody,
			wantPath: "/openai/deployments/prod-4o/chat/completions", wantQuery: "api-version=2024-10-21",
			wantAuth: [2]string{"Api-Key", upstreamKey}, wantModel: model},
		{name: "azure classic models map embeddings", fake: fakes.Options{Kind: "azure-openai", APIKey: upstreamKey, Models: []string{"embed-dep"}},
			prov: config.Provider{Kind: "azure-openai", APIKey: upstreamKey, Deployment: "prod-4o", APIVersion: "2024-10-21",
				Models: map[string]string{"text-embedding-3-small": "embed-dep"}},
			method: "POST", path: "/v1/embeddings", body: embed,
			wantPath: "/openai/deployments/embed-dep/embeddings", wantQuery: "api-version=2024-10-21",
			wantAuth: [2]string{"Api-Key", upstreamKey}, wantModel: "text-embedding-3-small"},
		{name: "azure classic models list", fake: fakes.Options{Kind: "azure-openai", APIKey: upstreamKey},
			prov:   config.Provider{Kind: "azure-openai", APIKey: upstreamKey, Deployment: "prod-4o", APIVersion: "2024-10-21"},
			method: "GET", path: "/v1/models", wantPath: "/openai/models", wantQuery: "api-version=2024-10-21",
			wantAuth: [2]string{"Api-Key", upstreamKey}},
		{name: "azure v1", fake: fakes.Options{Kind: "azure-openai", APIKey: upstreamKey, Models: []string{"prod-4o"}},
			prov:   config.Provider{Kind: "azure-openai", APIKey: upstreamKey, Deployment: "prod-4o", APIVersion: "v1"},
			method: "POST", path: "/v1/chat/completions", body: chatBody,
			wantPath: "/openai/v1/chat/completions", wantAuth: [2]string{"Api-Key", upstreamKey}, wantModel: "prod-4o"},
		{name: "anthropic compat", fake: fakes.Options{Kind: "anthropic", APIKey: upstreamKey, Models: []string{"claude-haiku-4-5"}},
			prov:   config.Provider{Kind: "anthropic", APIKey: upstreamKey, Models: map[string]string{model: "claude-haiku-4-5"}},
			method: "POST", path: "/v1/chat/completions", body: chatBody,
			wantPath: "/v1/chat/completions", wantAuth: [2]string{"Authorization", "Bearer " + upstreamKey}, wantModel: "claude-haiku-4-5"},
		{name: "gemini compat", fake: fakes.Options{Kind: "gemini", APIKey: upstreamKey, Models: []string{"gemini-2.5-flash"}},
			prov:   config.Provider{Kind: "gemini", APIKey: upstreamKey, Models: map[string]string{model: "gemini-2.5-flash"}},
			method: "POST", path: "/v1/chat/completions", body: chatBody,
			wantPath: "/v1beta/openai/chat/completions", wantAuth: [2]string{"Authorization", "Bearer " + upstreamKey}, wantModel: "gemini-2.5-flash"},
		{name: "gemini models list", fake: fakes.Options{Kind: "gemini", APIKey: upstreamKey},
			prov:   config.Provider{Kind: "gemini", APIKey: upstreamKey},
			method: "GET", path: "/v1/models?key=" + clientKey + "&page_size=5", wantPath: "/v1beta/openai/models",
			wantQuery: "page_size=5", wantAuth: [2]string{"Authorization", "Bearer " + upstreamKey}},
		{name: "ollama no key", fake: fakes.Options{Kind: "ollama", Models: []string{"llama3.2:latest"}},
			prov:   config.Provider{Kind: "ollama", Models: map[string]string{model: "llama3.2"}},
			method: "POST", path: "/v1/chat/completions", body: chatBody,
			wantPath: "/v1/chat/completions", wantAuth: [2]string{"Authorization", ""}, wantModel: "llama3.2"},
	}
}

// Each kind gets its own URL, auth and model, checked by fakes that reject
// anything the real API would; the client's credentials never pass, in
// headers or in the query (?key= is how Gemini's own API takes a key).
func TestRewritePerKind(t *testing.T) {
	for _, tc := range rewriteCases() {
		t.Run(tc.name, func(t *testing.T) {
			s := startFake(t, tc.fake)
			p := tc.prov
			p.Name, p.BaseURL = "only", s.BaseURL()
			h := start(t, newConfig(p), newFakeSource("only"))
			status, hdr, body := h.do(tc.method, tc.path, tc.body, clientCreds)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			if hdr.Get("X-Switchboard-Backend") != "only" {
				t.Errorf("backend header %q", hdr.Get("X-Switchboard-Backend"))
			}
			reqs := s.Handler().Requests()
			if len(reqs) != 1 {
				t.Fatalf("fake got %d requests, want 1", len(reqs))
			}
			checkUpstream(t, tc, reqs[0])
		})
	}
}

func checkUpstream(t *testing.T, tc rewriteCase, r fakes.Request) {
	t.Helper()
	if r.Method != tc.method || r.Path != tc.wantPath || r.RawQuery != tc.wantQuery {
		t.Errorf("upstream %s %s?%s, want %s %s?%s", r.Method, r.Path, r.RawQuery, tc.method, tc.wantPath, tc.wantQuery)
	}
	if got := r.Header.Get(tc.wantAuth[0]); got != tc.wantAuth[1] {
		t.Errorf("upstream %s = %q, want %q", tc.wantAuth[0], got, tc.wantAuth[1])
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, clientKey) {
				t.Errorf("client credential forwarded in %s: %q", k, v)
			}
		}
	}
	if r.Header.Get("X-Hop") != "" || r.Header.Get("Connection") == "X-Hop" {
		t.Errorf("hop-by-hop headers forwarded: %v", r.Header)
	}
	if r.Header.Get("X-Trace") != "trace-42" {
		t.Errorf("end-to-end header X-Trace not forwarded: %v", r.Header)
	}
	if tc.wantModel == "" {
		return
	}
	var b struct{ Model string }
	if err := json.Unmarshal(r.Body, &b); err != nil || b.Model != tc.wantModel {
		t.Errorf("upstream body model %q (%v), want %q; body %s", b.Model, err, tc.wantModel, r.Body)
	}
}
