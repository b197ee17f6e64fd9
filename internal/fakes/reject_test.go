package fakes

import (
	"net/http"
	"testing"
)

// TestRejectsWrongRequests checks that a request the real API refuses is
// refused with that API's status and error body, so a client bug fails.
func TestRejectsWrongRequests(t *testing.T) {
	openai := Options{Kind: kindOpenAI, APIKey: "sk-right-key-123"}
	azure := Options{Kind: kindAzure, APIKey: "az", Deployment: "prod", APIVersion: "2024-10-21"}
	anthropic := Options{Kind: kindAnthropic, APIKey: "sk-ant", Models: []string{"claude-a"}}
	gemini := Options{Kind: kindGemini, APIKey: "AIza", Models: []string{"gemini-2.0-flash"}}
	ollama := Options{Kind: kindOllama, Models: []string{"llama3.2:latest"}}
	bearer := jsonHeaders("Authorization", "Bearer sk-right-key-123")
	ant := jsonHeaders("x-api-key", "sk-ant", "anthropic-version", "2023-06-01")
	cases := []struct {
		name         string
		opts         Options
		method, path string
		header       map[string]string
		body         string
		status       int
		field        string
		want         any
	}{
		{"openai no key", openai, "GET", "/v1/models", nil, "", 401, "error.type", "invalid_request_error"},
		{"openai no key when none set", Options{Kind: kindOpenAI}, "GET", "/v1/models", nil, "", 401, "error.code", nil},
		{"openai wrong key is masked", openai, "GET", "/v1/models", map[string]string{"Authorization": "Bearer sk-wrong-key-999"},
			"", 401, "error.message", "Incorrect API key provided: sk-*********-999. You can find your API key at https://platform.openai.com/account/api-keys."},
		{"openai key in x-api-key", openai, "GET", "/v1/models", map[string]string{"x-api-key": "sk-right-key-123"}, "", 401, "error.param", nil},
		{"openai unknown path", openai, "GET", "/v1/model", bearer, "", 404, "error.message", "Invalid URL (GET /v1/model)"},
		{"openai wrong method", openai, "GET", "/v1/chat/completions", bearer, "", 405, "error.type", "invalid_request_error"},
		{"openai not json", openai, "POST", "/v1/chat/completions", bearer, `{"model":`, 400, "error.type", "invalid_request_error"},
		{"openai form content type", openai, "POST", "/v1/chat/completions", map[string]string{"Authorization": "Bearer sk-right-key-123",
			"Content-Type": "application/x-www-form-urlencoded"}, chatBody, 400, "error.type", "invalid_request_error"},
		{"openai no model", openai, "POST", "/v1/chat/completions", bearer, `{"messages":[{"role":"user","content":"x"}]}`,
			400, "error.param", "model"},
		{"openai no messages", openai, "POST", "/v1/chat/completions", bearer, `{"model":"gpt-4o-mini"}`, 400, "error.code", "missing_required_parameter"},
		{"openai empty messages", openai, "POST", "/v1/chat/completions", bearer, `{"model":"gpt-4o-mini","messages":[]}`, 400, "error.code", "empty_array"},
		{"openai bad role", openai, "POST", "/v1/chat/completions", bearer, `{"model":"gpt-4o-mini","messages":[{"role":"bot","content":"x"}]}`,
			400, "error.param", "messages[0].role"},
		{"openai unknown field", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"max_token":1}`, 400, "error.message", "Unrecognized request argument supplied: max_token"},
		// Fields other providers document on their own endpoints are still
		// unknown to OpenAI, whose spec lists every field it takes.
		{"openai refuses thinking", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"thinking":{"type":"enabled","budget_tokens":2000}}`,
			400, "error.message", "Unrecognized request argument supplied: thinking"},
		{"openai refuses extra_body", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"extra_body":{}}`,
			400, "error.message", "Unrecognized request argument supplied: extra_body"},
		{"openai refuses data_sources", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"data_sources":[]}`,
			400, "error.message", "Unrecognized request argument supplied: data_sources"},
		{"openai zero tokens", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"max_completion_tokens":0}`, 400, "error.code", "integer_below_min_value"},
		{"openai stream_options without stream", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}`, 400, "error.param", "stream_options"},
		{"openai unknown model", openai, "POST", "/v1/chat/completions", bearer,
			`{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}`, 404, "error.code", "model_not_found"},
		{"compatible with key needs it", Options{Kind: kindCompatible, APIKey: "k"}, "GET", "/v1/models", nil, "", 401, "error.type", "invalid_request_error"},
		{"azure no api-version", azure, "POST", "/openai/deployments/prod/chat/completions", jsonHeaders("api-key", "az"),
			`{"messages":[{"role":"user","content":"x"}]}`, 404, "error.message", "Resource not found"},
		{"azure other api-version", azure, "GET", "/openai/models?api-version=2024-06-01", map[string]string{"api-key": "az"}, "", 400, "error.code", "BadRequest"},
		{"azure bearer on classic", azure, "GET", "/openai/models?api-version=2024-10-21", map[string]string{"Authorization": "Bearer az"}, "", 401, "error.code", "401"},
		{"azure unknown deployment", azure, "POST", "/openai/deployments/dev/chat/completions?api-version=2024-10-21",
			jsonHeaders("api-key", "az"), `{"messages":[{"role":"user","content":"x"}]}`, 404, "error.code", "DeploymentNotFound"},
		{"azure old version rejects max_completion_tokens", Options{Kind: kindAzure, APIKey: "az", Deployment: "prod"}, "POST",
			"/openai/deployments/prod/chat/completions?api-version=2024-06-01", jsonHeaders("api-key", "az"),
			`{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":1}`, 400, "error.param", "max_completion_tokens"},
		{"azure classic still refuses unknown fields", azure, "POST", "/openai/deployments/prod/chat/completions?api-version=2024-10-21",
			jsonHeaders("api-key", "az"), `{"messages":[{"role":"user","content":"x"}],"max_token":1}`,
			400, "error.message", "Unrecognized request argument supplied: max_token"},
		{"azure v1 model must be a deployment", azure, "POST", "/openai/v1/chat/completions", jsonHeaders("api-key", "az"),
			`{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`, 404, "error.code", "DeploymentNotFound"},
		{"azure v1 dated version", azure, "GET", "/openai/v1/models?api-version=2024-10-21", map[string]string{"api-key": "az"}, "", 400, "error.code", "BadRequest"},
		{"anthropic no key", anthropic, "GET", "/v1/models", map[string]string{"anthropic-version": "2023-06-01"}, "", 401, "error.type", "authentication_error"},
		{"anthropic bearer key", anthropic, "GET", "/v1/models", map[string]string{"Authorization": "Bearer sk-ant", "anthropic-version": "2023-06-01"},
			"", 401, "type", "error"},
		{"anthropic no version", anthropic, "GET", "/v1/models", map[string]string{"x-api-key": "sk-ant"}, "", 400, "error.message", "anthropic-version: header is required"},
		{"anthropic no max_tokens", anthropic, "POST", "/v1/messages", ant, `{"model":"claude-a","messages":[{"role":"user","content":"x"}]}`,
			400, "error.message", "max_tokens: Field required"},
		{"anthropic openai field", anthropic, "POST", "/v1/messages", ant,
			`{"model":"claude-a","max_tokens":1,"max_completion_tokens":1,"messages":[{"role":"user","content":"x"}]}`,
			400, "error.message", "max_completion_tokens: Extra inputs are not permitted"},
		{"anthropic system role", anthropic, "POST", "/v1/messages", ant,
			`{"model":"claude-a","max_tokens":1,"messages":[{"role":"system","content":"x"}]}`, 400, "error.type", "invalid_request_error"},
		{"anthropic unknown model", anthropic, "POST", "/v1/messages", ant,
			`{"model":"claude-z","max_tokens":1,"messages":[{"role":"user","content":"x"}]}`, 404, "error.type", "not_found_error"},
		{"anthropic unknown version", anthropic, "GET", "/v1/models", map[string]string{"x-api-key": "sk-ant", "anthropic-version": "2024-01-01"},
			"", 400, "error.message", `anthropic-version: invalid version "2024-01-01"`},
		{"anthropic 2026-10-21 refuses temperature", anthropic, "POST", "/v1/messages",
			jsonHeaders("x-api-key", "sk-ant", "anthropic-version", "2026-10-21"),
			`{"model":"claude-a","max_tokens":1,"temperature":1.0,"messages":[{"role":"user","content":"x"}]}`,
			400, "error.message", "temperature: Extra inputs are not permitted"},
		{"anthropic compat n=3", anthropic, "POST", "/v1/chat/completions", jsonHeaders("Authorization", "Bearer sk-ant"),
			`{"model":"claude-a","messages":[{"role":"user","content":"x"}],"n":3}`, 400, "error.param", "n"},
		{"anthropic limit 0", anthropic, "GET", "/v1/models?limit=0", ant, "", 400, "error.type", "invalid_request_error"},
		{"gemini no key", gemini, "GET", "/v1beta/models", nil, "", 403, "error.status", "PERMISSION_DENIED"},
		{"gemini wrong key", gemini, "GET", "/v1beta/models", map[string]string{"x-goog-api-key": "nope"}, "", 400, "error.details.0.reason", "API_KEY_INVALID"},
		{"gemini key in query", gemini, "GET", "/v1beta/models?key=AIza", nil, "", 403, "error.code", float64(403)},
		{"gemini compat wrong key is a list", gemini, "POST", "/v1beta/openai/chat/completions", jsonHeaders("Authorization", "Bearer nope"),
			`{"model":"gemini-2.0-flash","messages":[{"role":"user","content":"x"}]}`, 400, "0.error.status", "INVALID_ARGUMENT"},
		{"gemini compat unknown model", gemini, "POST", "/v1beta/openai/chat/completions", jsonHeaders("Authorization", "Bearer AIza"),
			`{"model":"gemini-9","messages":[{"role":"user","content":"x"}]}`, 404, "0.error.status", "NOT_FOUND"},
		{"gemini compat still refuses unknown fields", gemini, "POST", "/v1beta/openai/chat/completions", jsonHeaders("Authorization", "Bearer AIza"),
			`{"model":"gemini-2.0-flash","messages":[{"role":"user","content":"x"}],"google":{}}`, 400, "0.error.status", "INVALID_ARGUMENT"},
		{"ollama unknown model", ollama, "POST", "/v1/chat/completions", jsonHeaders(),
			`{"model":"llama3","messages":[{"role":"user","content":"x"}]}`, 404, "error.message", `model "llama3" not found, try pulling it first`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(tc.opts)
			defer s.Close()
			a := call(t, tc.method, s.URL()+tc.path, tc.header, tc.body)
			if a.err != nil || a.status != tc.status {
				t.Fatalf("status %d (err %v), want %d: %s", a.status, a.err, tc.status, a.body)
			}
			if got := field(t, a.body, tc.field); got != tc.want {
				t.Fatalf("%s = %#v, want %#v in %s", tc.field, got, tc.want, a.body)
			}
		})
	}
}

// TestOllamaUnknownRouteIsPlainText matches Ollama's router, which answers
// unknown paths with a text 404 rather than JSON.
func TestOllamaUnknownRouteIsPlainText(t *testing.T) {
	s := Start(Options{Kind: kindOllama})
	defer s.Close()
	a := call(t, "GET", s.URL()+"/api/nothing", nil, "")
	if a.status != http.StatusNotFound || string(a.body) != "404 page not found\n" {
		t.Fatalf("got %d %q", a.status, a.body)
	}
}
