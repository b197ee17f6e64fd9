package main

import (
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// An instant upstream answers like OpenAI with fixed bodies and no work,
// so every microsecond measured above it belongs to the proxy in front.
const (
	chatAnswer = `{"id":"chatcmpl-bench","object":"chat.completion","created":1721172741,"model":"gpt-4o-mini",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?",` +
		`"refusal":null},"logprobs":null,"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}`
	modelsAnswer = `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]}`
	chatRequest  = `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},` +
		`{"role":"user","content":"Say hello in one short sentence, please."}],"temperature":0.2}`
)

// startUpstream serves the instant upstream on loopback until stop.
func startUpstream() (addr string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("upstream: %v", err)
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(instant),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() { _ = srv.Close() }
}

func instant(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	body := chatAnswer
	if r.URL.Path == "/v1/models" {
		body = modelsAnswer
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}
