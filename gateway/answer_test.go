package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"switchboard/config"
)

const streamBody = `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello"}]}`

// fixedUpstream answers every request with status and body, as JSON, or
// as an event stream when the request asks to stream.
func fixedUpstream(t *testing.T, name, kind, key string, status int, answer, events string) config.Provider {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Request-Id", "req-x-1")
		if bytes.Contains(req, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, events)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(s.Close)
	base := s.URL
	if kind != config.KindOllama {
		base += "/v1"
	}
	return config.Provider{Name: name, Kind: kind, BaseURL: base, APIKey: key}
}

// chatAnswer and chatEvents are a provider's answer naming model and
// saying content, whole and streamed.
func chatAnswer(model, content string) string {
	return `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"` + model + `",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"` + content + `"},"finish_reason":"stop"}]}`
}

func chatEvents(model, content string) string {
	chunk := func(delta, finish string) string {
		return `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"` + model + `",` +
			`"choices":[{"index":0,"delta":{` + delta + `},"finish_reason":` + finish + `}]}` + "\n\n"
	}
	return chunk(`"content":"`+content+`"`, "null") + chunk("", `"stop"`) + "data: [DONE]\n\n"
}

// A successful answer is the model's: the client gets the provider's bytes
// exactly, buffered or streamed, whatever the provider's key. A placeholder
// key ("ollama", "x") is also a word of the answer, and a real key in an
// answer was put there by the client's own prompt; replacing either would
// only corrupt the answer ("REDACTED-llama3.2", "indeREDACTED").
func TestSuccessfulAnswersPassUnchanged(t *testing.T) {
	cases := []struct {
		name, kind, key, model, content string
	}{
		{"ollama placeholder", config.KindOllama, "ollama", "ollama-llama3.2", "ollama says hi"},
		{"one-letter placeholder", config.KindOpenAICompatible, "x", "gpt-4o-mini", "x marks the index"},
		{"real key echoed", config.KindOpenAI, upstreamKey, "gpt-4o-mini", "you wrote " + upstreamKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answer, events := chatAnswer(tc.model, tc.content), chatEvents(tc.model, tc.content)
			p := fixedUpstream(t, "p", tc.kind, tc.key, http.StatusOK, answer, events)
			h := start(t, newConfig(p), newFakeSource("p"))
			for _, c := range []struct{ req, want string }{{chatBody, answer}, {streamBody, events}} {
				status, _, body := h.do("POST", "/v1/chat/completions", c.req, nil)
				if status != http.StatusOK || body != c.want {
					t.Errorf("status %d, the client got\n%s\nthe provider sent\n%s", status, body, c.want)
				}
			}
		})
	}
}

// Redaction keeps to errors and headers, and to secrets long enough to be
// secrets: a one-letter placeholder key leaves an error body that the
// client gets (and its headers) as the provider sent them too.
func TestPlaceholderKeyLeavesErrorsAlone(t *testing.T) {
	const notFound = `{"error":{"message":"index x not found","type":"invalid_request_error","param":"x","code":null}}`
	p := fixedUpstream(t, "p", config.KindOpenAICompatible, "x", http.StatusNotFound, notFound, "")
	h := start(t, newConfig(p), newFakeSource("p"))
	status, hdr, body := h.do("POST", "/v1/chat/completions", chatBody, nil)
	if status != http.StatusNotFound || body != notFound || hdr.Get("X-Request-Id") != "req-x-1" {
		t.Errorf("status %d, X-Request-Id %q, body %s: want the provider's 404 unchanged", status, hdr.Get("X-Request-Id"), body)
	}
}
