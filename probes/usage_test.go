package probes

import (
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// TestProbeTokensByKind: every kind and style against its fake, which
// answers with usage in the provider's own shape (1 prompt token and 1
// completion token, so a parsed usage reads 2). Streams that were not asked
// for their usage report none and count 1; requests that generate nothing
// count 0, and so does a failure, which providers do not bill.
func TestProbeTokensByKind(t *testing.T) {
	cases := []struct {
		name   string
		fake   fakes.Options
		p      config.Provider
		tokens int64
		fault  fakes.Fault
	}{
		{"openai models", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai"}, 0, fakes.Fault{}},
		{"openai chat", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai", Probe: "chat", Model: "gpt-4o-mini"}, 2, fakes.Fault{}},
		{"openai stream asks for usage", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai", Probe: "stream", Model: "gpt-4o-mini"}, 2, fakes.Fault{}},
		{"openai chat 500", fakes.Options{Kind: "openai"}, config.Provider{Kind: "openai", Probe: "chat", Model: "gpt-4o-mini"}, 0,
			fakes.Fault{Kind: fakes.FaultStatus, Status: 500}},
		{"compatible chat", fakes.Options{Kind: "openai-compatible", Models: []string{"qwen"}},
			config.Provider{Kind: "openai-compatible", Probe: "chat", Model: "qwen"}, 2, fakes.Fault{}},
		{"compatible stream without usage", fakes.Options{Kind: "openai-compatible", Models: []string{"qwen"}},
			config.Provider{Kind: "openai-compatible", Probe: "stream", Model: "qwen"}, 1, fakes.Fault{}},
		{"azure chat", fakes.Options{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-10-21"},
			config.Provider{Kind: "azure-openai", Probe: "chat", Deployment: "prod", APIVersion: "2024-10-21"}, 2, fakes.Fault{}},
		{"azure stream without usage", fakes.Options{Kind: "azure-openai", Deployment: "prod", APIVersion: "2024-10-21"},
			config.Provider{Kind: "azure-openai", Probe: "stream", Deployment: "prod", APIVersion: "2024-10-21"}, 1, fakes.Fault{}},
		{"anthropic models", fakes.Options{Kind: "anthropic"}, config.Provider{Kind: "anthropic"}, 0, fakes.Fault{}},
		{"anthropic chat", fakes.Options{Kind: "anthropic", Models: []string{"claude-a"}},
			config.Provider{Kind: "anthropic", Probe: "chat", Model: "claude-a"}, 2, fakes.Fault{}},
		{"anthropic stream", fakes.Options{Kind: "anthropic", Models: []string{"claude-a"}},
			config.Provider{Kind: "anthropic", Probe: "stream", Model: "claude-a"}, 2, fakes.Fault{}},
		{"gemini chat", fakes.Options{Kind: "gemini", Models: []string{"gemini-2.0-flash"}},
			config.Provider{Kind: "gemini", Probe: "chat", Model: "gemini-2.0-flash"}, 2, fakes.Fault{}},
		{"gemini stream without usage", fakes.Options{Kind: "gemini", Models: []string{"gemini-2.0-flash"}},
			config.Provider{Kind: "gemini", Probe: "stream", Model: "gemini-2.0-flash"}, 1, fakes.Fault{}},
		{"ollama chat lists tags", fakes.Options{Kind: "ollama", Models: []string{"llama3.2:latest"}},
			config.Provider{Kind: "ollama", Probe: "chat", Model: "llama3.2"}, 0, fakes.Fault{}},
		{"ollama stream without usage", fakes.Options{Kind: "ollama", Models: []string{"llama3.2:latest"}},
			config.Provider{Kind: "ollama", Probe: "stream", Model: "llama3.2:latest"}, 1, fakes.Fault{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fake.Kind != "ollama" {
				tc.fake.APIKey, tc.p.APIKey = "KEY", "KEY"
			}
			s := fakes.Start(tc.fake)
			defer s.Close()
			s.Handler().SetFault(tc.fault)
			tc.p.Name, tc.p.BaseURL = "p", s.BaseURL()
			r := probe(t, tc.p, 5*time.Second)
			if tc.fault.Kind == fakes.FaultNone {
				wantClass(t, r, ClassOK)
			}
			if r.Tokens != tc.tokens {
				t.Fatalf("tokens %d, want %d (class %s, err %q)", r.Tokens, tc.tokens, r.Class, r.Err)
			}
		})
	}
}

// TestUsageShapes reads each provider's documented usage shape, with
// counts that tell the fields apart: a meter that added the wrong ones, or
// summed a stream's running totals, reads another number.
func TestUsageShapes(t *testing.T) {
	cases := []struct {
		name string
		docs []string // one answer, or a stream's data lines in order
		want int64
	}{
		{"openai chat", []string{`{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"length"}],` +
			`"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0}}}`}, 9},
		{"openai total wins", []string{`{"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":12}}`}, 12},
		{"openai stream usage chunk", []string{
			`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}`,
			`{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}`,
			`{"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}`,
			`[DONE]`}, 9},
		{"anthropic message", []string{`{"type":"message","content":[{"type":"text","text":"Hi"}],` +
			`"usage":{"input_tokens":8,"output_tokens":1,"cache_creation_input_tokens":2,"cache_read_input_tokens":3}}`}, 14},
		{"anthropic stream: running totals", []string{
			`{"type":"message_start","message":{"type":"message","usage":{"input_tokens":8,"output_tokens":1}}}`,
			`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`,
			`{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":3}}`,
			`{"type":"message_stop"}`}, 11},
		{"anthropic stream: input counted at the end", []string{
			`{"type":"message_start","message":{"usage":{"input_tokens":0,"output_tokens":1}}}`,
			`{"type":"message_delta","usage":{"input_tokens":9,"output_tokens":1}}`}, 10},
		{"gemini native", []string{`{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],` +
			`"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"totalTokenCount":5}}`}, 5},
		{"gemini native stream", []string{
			`{"candidates":[],"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4}}`,
			`{"candidates":[],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6}}`}, 6},
		{"gemini without total", []string{`{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2}}`}, 6},
		{"ollama native", []string{`{"model":"llama3.2","done":true,"total_duration":5043500667,"prompt_eval_count":26,"eval_count":1}`}, 27},
		{"no usage", []string{`{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}]}`}, 1},
		{"zero usage still cost the token", []string{`{"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`}, 1},
		{"not json", []string{`<html>`}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m usageMeter
			for _, d := range tc.docs {
				m.see([]byte(d))
			}
			if got := m.tokens(); got != tc.want {
				t.Fatalf("tokens %d, want %d", got, tc.want)
			}
		})
	}
}
