package fakes

import (
	"net/http"
	"strings"
	"testing"
)

// TestAnthropicCompatServesOneChoice: Anthropic's OpenAI compatibility
// layer documents that n "must be exactly 1", so its fake refuses any other
// n with an OpenAI-shaped 400 naming the parameter, while OpenAI's own
// endpoint takes it. A client that asks the Anthropic backend for several
// choices therefore fails here as it would against the real API.
func TestAnthropicCompatServesOneChoice(t *testing.T) {
	anthropic := Options{Kind: kindAnthropic, APIKey: "k", Models: []string{"c"}}
	openai := Options{Kind: kindOpenAI, APIKey: "k", Models: []string{"c"}}
	cases := []struct {
		name string
		opts Options
		n    string // the body's "n" member, "" for none
		// want400 is the message of the refusal; "" means a normal answer.
		want400 string
	}{
		{"anthropic n 3", anthropic, `"n":3,`, "Invalid 'n': only 1 is supported, got 3."},
		{"anthropic n 0", anthropic, `"n":0,`, "Invalid 'n': only 1 is supported, got 0."},
		{"anthropic n as a string", anthropic, `"n":"1",`, `Invalid 'n': only 1 is supported, got "1".`},
		{"anthropic n 1", anthropic, `"n":1,`, ""},
		{"anthropic n 1.0", anthropic, `"n":1.0,`, ""},
		{"anthropic n null", anthropic, `"n":null,`, ""},
		{"anthropic no n", anthropic, "", ""},
		{"openai n 3", openai, `"n":3,`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Start(tc.opts)
			defer s.Close()
			body := `{"model":"c",` + tc.n + `"messages":[{"role":"user","content":"x"}]}`
			a := call(t, "POST", s.URL()+"/v1/chat/completions", jsonHeaders("Authorization", "Bearer k"), body)
			if a.err != nil {
				t.Fatal(a.err)
			}
			if tc.want400 == "" {
				if a.status != http.StatusOK || field(t, a.body, "choices.0.message.role") != "assistant" ||
					field(t, a.body, "choices.1") != nil {
					t.Fatalf("got %d %s, want 200 with one assistant choice", a.status, a.body)
				}
				return
			}
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", a.status, a.body)
			}
			for path, want := range map[string]any{"error.message": tc.want400, "error.type": "invalid_request_error",
				"error.param": "n", "choices": nil} {
				if got := field(t, a.body, path); got != want {
					t.Errorf("%s = %#v, want %#v in %s", path, got, want, a.body)
				}
			}
			if !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q, want JSON", a.header.Get("Content-Type"))
			}
		})
	}
}
