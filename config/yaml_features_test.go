package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAnchorsAndMergeKeys: shared provider settings written once under an
// x- key and merged into each provider; explicit keys win over merged ones.
func TestAnchorsAndMergeKeys(t *testing.T) {
	src := `x-probe: &probe
  interval: 5s
  timeout: 2s
  probe: chat
x-key: &key sk-shared
providers:
  - name: a
    kind: openai
    api_key: *key
    model: gpt-4o-mini
    <<: *probe
  - <<: [*probe]
    name: b
    kind: openai-compatible
    base_url: http://gpu:8000/v1
    model: m
    timeout: 7s
`
	c, err := Parse("m.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.Providers[0], c.Providers[1]
	if a.APIKey != "sk-shared" || a.Interval.D() != 5*time.Second || a.Timeout.D() != 2*time.Second || a.Probe != "chat" {
		t.Errorf("a = %+v", a)
	}
	if b.Interval.D() != 5*time.Second || b.Timeout.D() != 7*time.Second {
		t.Errorf("b: interval %s timeout %s, want 5s and the explicit 7s", b.Interval, b.Timeout)
	}
}

// TestHostileAliases: merge keys that refer to themselves or fan out
// exponentially end with an error, not a hang or a crash.
func TestHostileAliases(t *testing.T) {
	fanOut := "x-0: &a0 {k: v}\n"
	for i := 1; i <= 6; i++ {
		prev := fmt.Sprintf("*a%d", i-1)
		fanOut += fmt.Sprintf("x-%d: &a%d {<<: [%s]}\n", i, i, strings.Repeat(prev+", ", 9)+prev)
	}
	cases := []struct{ name, src, want string }{
		{"self merge", "x-a: &a\n  <<: *a\npolicy: *a\n" + okProvider,
			"h.yaml:2:7: merge keys (<<) nested too deeply"},
		{"fan out", fanOut + "policy: *a6\n" + okProvider,
			"h.yaml:1:11: merge keys (<<) and aliases expand to too many entries"},
		{"alias loop", "providers: &p\n  - *p\n",
			"h.yaml:2:5: providers[0]: expected a provider (a mapping with name, kind, ...), got a list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("h.yaml", []byte(tc.src), nil)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Parse error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// TestYAMLForms: a byte-order mark, CRLF line ends, flow style, quoted
// numbers, numbers from the environment and block scalars all decode.
func TestYAMLForms(t *testing.T) {
	src := "\ufeffinterval: \"4s\"\r\npolicy: {fail_after: \"5\", degraded_error_rate: \"${RATE}\"}\r\n" +
		"providers:\r\n  - name: h\r\n    kind: http\r\n    http:\r\n      method: POST\r\n" +
		"      url: https://h.example/check\r\n      body: |\r\n        {\"ping\": true}\r\n      expect_status: \"204\"\r\n"
	c, err := Parse("f.yaml", []byte(src), envOf(map[string]string{"RATE": "0.25"}))
	if err != nil {
		t.Fatal(err)
	}
	h := c.Providers[0].HTTP
	if c.Interval.D() != 4*time.Second || c.Policy.FailAfter != 5 || c.Policy.DegradedErrorRate != 0.25 {
		t.Errorf("globals: %s %d %v", c.Interval, c.Policy.FailAfter, c.Policy.DegradedErrorRate)
	}
	if h.Method != "POST" || h.Body != "{\"ping\": true}\n" || h.ExpectStatus != 204 {
		t.Errorf("http = %+v", h)
	}
}
