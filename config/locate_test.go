package config

import "testing"

// TestAt: a parsed config says where each value was written, in the same
// file:line:col form as Parse's messages, including values brought in by a
// merge key (at the anchor that holds them).
func TestAt(t *testing.T) {
	src := `x-key: &key
  api_key: ${KEY}
interval: 5s
providers:
  - name: primary
    kind: openai
    <<: *key
  - name: proxy
    kind: http
    http:
      url: https://proxy.internal/healthz
`
	c, err := Parse("at.yaml", []byte(src), envOf(map[string]string{"KEY": "sk-0123456789abcdef"}))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"interval":              "at.yaml:3:11: x",
		"providers[0].name":     "at.yaml:5:11: x",
		"providers[0].api_key":  "at.yaml:2:12: x",
		"providers[1].http.url": "at.yaml:11:12: x",
	}
	for field, want := range cases {
		e, ok := c.At(field)
		e.Msg = "x"
		if !ok || e.Error() != want {
			t.Errorf("At(%q) = %q, %v; want %q", field, e.Error(), ok, want)
		}
	}
	for _, field := range []string{"timeout", "providers[1].api_key", "providers[2].name", "gateway.token"} {
		if e, ok := c.At(field); ok {
			t.Errorf("At(%q) = %v for a field not written in the file", field, e)
		}
	}
	if _, ok := Default().At("interval"); ok {
		t.Errorf("a config not parsed from a file has positions")
	}
}
