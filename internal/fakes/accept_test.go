package fakes

import (
	"net/http"
	"strings"
	"testing"
)

const chatBody = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}],"max_completion_tokens":1}`

// TestAcceptsRealRequests sends each endpoint the request its real API
// documents and checks the answer has the real response's shape.
func TestAcceptsRealRequests(t *testing.T) {
	cases := []struct {
		name   string
		opts   Options
		method string
		path   string
		header map[string]string
		body   string
		field  string // a field of the real response
		want   any
	}{
		{"openai models", Options{Kind: kindOpenAI, APIKey: "sk-1"}, "GET", "/v1/models",
			map[string]string{"Authorization": "Bearer sk-1"}, "", "data.0.id", "gpt-4o-mini"},
		{"openai any key when none set", Options{Kind: kindOpenAI}, "GET", "/v1/models",
			map[string]string{"Authorization": "Bearer whatever"}, "", "object", "list"},
		{"openai chat", Options{Kind: kindOpenAI, APIKey: "sk-1"}, "POST", "/v1/chat/completions",
			jsonHeaders("Authorization", "Bearer sk-1"), chatBody, "choices.0.finish_reason", "length"},
		{"openai completions", Options{Kind: kindOpenAI, APIKey: "sk-1"}, "POST", "/v1/completions",
			jsonHeaders("Authorization", "Bearer sk-1"), `{"model":"gpt-4o-mini","prompt":"hi","max_tokens":2}`,
			"choices.0.text", "Hello!"},
		{"openai embeddings", Options{Kind: kindOpenAI, APIKey: "sk-1"}, "POST", "/v1/embeddings",
			jsonHeaders("Authorization", "Bearer sk-1"), `{"model":"gpt-4o-mini","input":["a","b"]}`,
			"data.1.object", "embedding"},
		{"compatible without key", Options{Kind: kindCompatible, Models: []string{"qwen"}}, "POST",
			"/v1/chat/completions", jsonHeaders(), `{"model":"qwen","messages":[{"role":"user","content":"x"}],"max_tokens":1,"top_k":5}`,
			"object", "chat.completion"},
		{"azure classic chat", Options{Kind: kindAzure, APIKey: "az", Deployment: "prod", APIVersion: "2024-10-21"},
			"POST", "/openai/deployments/prod/chat/completions?api-version=2024-10-21", jsonHeaders("api-key", "az"),
			`{"messages":[{"role":"user","content":"ping"}],"max_completion_tokens":1}`, "model", "prod"},
		// On Your Data's data_sources is a documented field of the classic chat body.
		{"azure classic chat on your data", Options{Kind: kindAzure, APIKey: "az", Deployment: "prod"}, "POST",
			"/openai/deployments/prod/chat/completions?api-version=2024-10-21", jsonHeaders("api-key", "az"),
			`{"messages":[{"role":"user","content":"ping"}],"data_sources":[{"type":"azure_search","parameters":` +
				`{"endpoint":"https://s.search.windows.net","index_name":"docs","authentication":{"type":"api_key","key":"k"}}}]}`,
			"model", "prod"},
		{"azure classic models", Options{Kind: kindAzure, APIKey: "az"}, "GET", "/openai/models?api-version=2024-06-01",
			map[string]string{"api-key": "az"}, "", "data.0.status", "succeeded"},
		{"azure v1 chat with bearer", Options{Kind: kindAzure, APIKey: "az", Deployment: "prod"}, "POST",
			"/openai/v1/chat/completions", jsonHeaders("Authorization", "Bearer az"),
			`{"model":"prod","messages":[{"role":"user","content":"ping"}],"max_completion_tokens":1}`, "model", "prod"},
		{"azure v1 models", Options{Kind: kindAzure, APIKey: "az"}, "GET", "/openai/v1/models",
			map[string]string{"api-key": "az"}, "", "object", "list"},
		{"anthropic models", Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a", "claude-b"}},
			"GET", "/v1/models?limit=1", map[string]string{"x-api-key": "sk-ant", "anthropic-version": "2023-06-01"},
			"", "has_more", true},
		{"anthropic messages", Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a"}}, "POST",
			"/v1/messages", jsonHeaders("x-api-key", "sk-ant", "anthropic-version", "2023-06-01"),
			`{"model":"claude-a","max_tokens":1,"messages":[{"role":"user","content":"ping"}]}`, "stop_reason", "max_tokens"},
		{"anthropic openai compat", Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a"}}, "POST",
			"/v1/chat/completions", jsonHeaders("Authorization", "Bearer sk-ant"),
			`{"model":"claude-a","messages":[{"role":"user","content":"ping"}]}`, "choices.0.message.role", "assistant"},
		// Anthropic's compatibility layer ignores fields it does not support
		// and documents a thinking field; n is allowed when it is 1.
		{"anthropic openai compat ignores thinking", Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a"}},
			"POST", "/v1/chat/completions", jsonHeaders("Authorization", "Bearer sk-ant"),
			`{"model":"claude-a","messages":[{"role":"user","content":"ping"}],"n":1,` +
				`"thinking":{"type":"enabled","budget_tokens":2000}}`, "choices.0.message.role", "assistant"},
		{"anthropic messages version 2026-10-21", Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a"}},
			"POST", "/v1/messages", jsonHeaders("x-api-key", "sk-ant", "anthropic-version", "2026-10-21"),
			`{"model":"claude-a","max_tokens":1,"messages":[{"role":"user","content":"ping"}]}`, "stop_reason", "max_tokens"},
		{"anthropic 2023-06-01 keeps temperature", Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a"}},
			"POST", "/v1/messages", jsonHeaders("x-api-key", "sk-ant", "anthropic-version", "2023-06-01"),
			`{"model":"claude-a","max_tokens":1,"temperature":0.2,"messages":[{"role":"user","content":"ping"}]}`,
			"stop_reason", "max_tokens"},
		{"gemini models", Options{Kind: kindGemini, APIKey: "AIza", Models: []string{"gemini-2.0-flash", "g2"}}, "GET",
			"/v1beta/models?pageSize=1", map[string]string{"x-goog-api-key": "AIza"}, "", "nextPageToken", "1"},
		{"gemini openai chat", Options{Kind: kindGemini, APIKey: "AIza", Models: []string{"gemini-2.0-flash"}}, "POST",
			"/v1beta/openai/chat/completions", jsonHeaders("Authorization", "Bearer AIza"),
			`{"model":"gemini-2.0-flash","messages":[{"role":"user","content":"ping"}],"max_tokens":1}`, "model", "gemini-2.0-flash"},
		// Gemini's documented way to pass its own settings, such as thoughts.
		{"gemini openai chat with extra_body", Options{Kind: kindGemini, APIKey: "AIza", Models: []string{"gemini-2.0-flash"}},
			"POST", "/v1beta/openai/chat/completions", jsonHeaders("Authorization", "Bearer AIza"),
			`{"model":"gemini-2.0-flash","messages":[{"role":"user","content":"ping"}],` +
				`"extra_body":{"google":{"thinking_config":{"include_thoughts":true}}}}`, "model", "gemini-2.0-flash"},
		{"gemini openai models", Options{Kind: kindGemini, APIKey: "AIza", Models: []string{"gemini-2.0-flash"}}, "GET",
			"/v1beta/openai/models", map[string]string{"Authorization": "Bearer AIza"}, "", "data.0.id", "models/gemini-2.0-flash"},
		{"ollama version", Options{Kind: kindOllama}, "GET", "/api/version", nil, "", "version", ollamaVersion},
		{"ollama tags", Options{Kind: kindOllama, Models: []string{"llama3.2:latest"}}, "GET", "/api/tags", nil, "",
			"models.0.name", "llama3.2:latest"},
		{"ollama openai chat short name", Options{Kind: kindOllama, Models: []string{"llama3.2:latest"}}, "POST",
			"/v1/chat/completions", jsonHeaders(), `{"model":"llama3.2","messages":[{"role":"user","content":"x"}]}`,
			"choices.0.finish_reason", "stop"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(tc.opts)
			defer s.Close()
			a := call(t, tc.method, s.URL()+tc.path, tc.header, tc.body)
			if a.err != nil || a.status != http.StatusOK {
				t.Fatalf("status %d, err %v: %s", a.status, a.err, a.body)
			}
			if got := field(t, a.body, tc.field); got != tc.want {
				t.Fatalf("%s = %v, want %v in %s", tc.field, got, tc.want, a.body)
			}
			if n := s.Handler().Count(); n != 1 {
				t.Fatalf("count %d, want 1", n)
			}
			req := s.Handler().Requests()[0]
			if req.Method != tc.method || !strings.HasPrefix(tc.path, req.Path) || string(req.Body) != tc.body {
				t.Fatalf("recorded %s %s %q", req.Method, req.Path, req.Body)
			}
		})
	}
}
