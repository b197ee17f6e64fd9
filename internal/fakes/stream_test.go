package fakes

import (
	"strings"
	"testing"
)

// events splits an SSE body into its events.
func events(body []byte) []string {
	return strings.Split(strings.TrimSuffix(string(body), "\n\n"), "\n\n")
}

func TestOpenAIStreamFraming(t *testing.T) {
	s := Start(Options{Kind: kindOpenAI, APIKey: "k"})
	defer s.Close()
	a := call(t, "POST", s.URL()+"/v1/chat/completions", jsonHeaders("Authorization", "Bearer k"),
		`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"max_completion_tokens":2,"stream":true,`+
			`"stream_options":{"include_usage":true}}`)
	if a.err != nil || a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d %v %q", a.status, a.err, a.header.Get("Content-Type"))
	}
	ev := events(a.body)
	// role chunk, 2 tokens, finish chunk, usage chunk, [DONE]
	if len(ev) != 6 || ev[5] != "data: [DONE]" {
		t.Fatalf("events: %q", ev)
	}
	for i, want := range map[int]string{0: "choices.0.delta.role", 1: "choices.0.delta.content", 3: "choices.0.finish_reason", 4: "usage.completion_tokens"} {
		if v := field(t, []byte(strings.TrimPrefix(ev[i], "data: ")), want); v == nil {
			t.Errorf("event %d lacks %s: %s", i, want, ev[i])
		}
	}
	if got := field(t, []byte(strings.TrimPrefix(ev[3], "data: ")), "choices.0.finish_reason"); got != "length" {
		t.Fatalf("finish_reason %v", got)
	}
}

func TestAnthropicStreamFraming(t *testing.T) {
	s := Start(Options{Kind: kindAnthropic, APIKey: "k", Models: []string{"claude-a"}})
	defer s.Close()
	a := call(t, "POST", s.URL()+"/v1/messages", jsonHeaders("x-api-key", "k", "anthropic-version", "2023-06-01"),
		`{"model":"claude-a","max_tokens":1,"stream":true,"messages":[{"role":"user","content":"x"}]}`)
	if a.err != nil || a.status != 200 {
		t.Fatalf("status %d %v", a.status, a.err)
	}
	var names []string
	for _, e := range events(a.body) {
		name, _, _ := strings.Cut(strings.TrimPrefix(e, "event: "), "\n")
		names = append(names, name)
	}
	want := "message_start content_block_start ping content_block_delta content_block_stop message_delta message_stop"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
}
