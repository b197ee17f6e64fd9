package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"switchboard/config"
)

// usageAnswer is instantAnswer with the usage every OpenAI answer carries,
// which the gateway reads for the dashboard's tokens/s.
const usageAnswer = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],` +
	`"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`

// streamAnswer is a short streamed answer ending with the usage chunk that
// stream_options.include_usage asks for, then [DONE].
const streamAnswer = `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}],"usage":null}` + "\n\n" +
	`data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo!"},"finish_reason":"stop"}],"usage":null}` + "\n\n" +
	`data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}` + "\n\n" +
	"data: [DONE]\n\n"

// answering serves body with contentType at once and returns its base URL.
func answering(b *testing.B, contentType, body string) string {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(up.Close)
	return up.URL
}

func benchThrough(b *testing.B, up string) {
	cfg := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"},
		Providers: []config.Provider{{Name: "p", Kind: config.KindOpenAI, BaseURL: up + "/v1", APIKey: upstreamKey}}}
	cfg.ApplyDefaults()
	h := start(b, cfg, newFakeSource("p"))
	benchChat(b, h.url, h.http)
}

// BenchmarkGatewayUsage is BenchmarkGateway with an answer that reports
// its usage: reading it must cost no allocation.
func BenchmarkGatewayUsage(b *testing.B) {
	benchThrough(b, answering(b, "application/json", usageAnswer))
}

// BenchmarkGatewayStream relays a streamed answer with a usage chunk: its
// time to first token and tokens are read as it passes.
func BenchmarkGatewayStream(b *testing.B) {
	benchThrough(b, answering(b, "text/event-stream", streamAnswer))
}
