package config

import (
	"errors"
	"strings"
	"testing"
)

// okProvider is a valid provider list that cases append to or replace.
const okProvider = `providers:
  - name: openai
    kind: openai
    api_key: sk-test
`

// TestParseErrors feeds malformed configs and checks the exact
// file:line:col messages a user would see, every problem at once.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string
	}{
		{"empty file", "", []string{
			`bad.yaml:1:1: empty config file (see config.example.yaml)`}},
		{"only comments", "# nothing here\n\n", []string{
			`bad.yaml:1:1: empty config file (see config.example.yaml)`}},
		{"yaml syntax", "interval: 5s\nproviders: [\n", []string{
			`bad.yaml:2:12: invalid YAML: sequence end token ']' not found`}},
		{"tab indentation", "policy:\n\tfail_after: 3\n", []string{
			`bad.yaml:2:1: invalid YAML: found character '\t' that cannot start any token`}},
		{"top level is a list", "- name: openai\n", []string{
			`bad.yaml:1:1: the top level must be a mapping of settings (interval, policy, providers, ...), got a list`}},
		{"two documents", okProvider + "---\ninterval: 5s\n", []string{
			`bad.yaml:6:1: a second YAML document starts here; a config file holds one document`}},
		{"no providers", "interval: 5s\n", []string{
			`bad.yaml:1:1: no providers: add at least one under "providers:" (see config.example.yaml)`}},
		{"empty provider list", "interval: 5s\nproviders: []\n", []string{
			`bad.yaml:2:12: providers: the list is empty; add at least one provider`}},
		{"unknown field with suggestion", "intervall: 5s\n" + okProvider, []string{
			`bad.yaml:1:1: unknown field "intervall" (did you mean "interval"?)`}},
		{"unknown field without suggestion", "policy:\n  panic_mode: true\n" + okProvider, []string{
			`bad.yaml:2:3: unknown field "panic_mode" in policy; valid fields: fail_after, recover_after, degraded_latency, degraded_error_rate, failback, holddown, holddown_max, drain_for, retry_after_max`}},
		{"unknown provider field spelled differently", okProvider + "    baseURL: https://example.com\n", []string{
			`bad.yaml:5:5: unknown field "baseURL" in providers[0] (did you mean "base_url"?)`}},
		{"wrong type integer", "policy:\n  fail_after: three\n" + okProvider, []string{
			`bad.yaml:2:15: policy.fail_after: expected an integer, got "three"`}},
		{"wrong type list", "providers:\n  name: openai\n", []string{
			`bad.yaml:2:3: providers: expected a list of providers, got a mapping`}},
		{"wrong type string", okProvider + "    model: [gpt-4o]\n", []string{
			`bad.yaml:5:12: providers[0].model: expected a string, got a list`}},
		{"wrong type boolean", okProvider + "    enabled: maybe\n", []string{
			`bad.yaml:5:14: providers[0].enabled: expected true or false, got "maybe"`}},
		{"bad durations", "interval: 10\ntimeout: 5 minutes\n" + okProvider, []string{
			`bad.yaml:1:11: interval: invalid duration "10" (use a unit: "10s", "1m30s", "250ms")`,
			`bad.yaml:2:10: timeout: invalid duration "5 minutes" (use a unit: "10s", "1m30s", "250ms")`}},
		{"zero and negative durations", "suspect_interval: 0s\nwindow: -5m\n" + okProvider, []string{
			`bad.yaml:1:19: suspect_interval: must be greater than 0, got "0s"`,
			`bad.yaml:2:9: window: must be greater than 0, got "-5m"`}},
		{"bad byte size", "gateway:\n  max_request_body: 10 megabytes\n" + okProvider, []string{
			`bad.yaml:2:21: gateway.max_request_body: invalid size "10 megabytes" (use bytes or a unit: "512KiB", "10MiB", "10MB")`}},
		{"bad gateway limits", "gateway:\n  max_response_buffer: 0\n  max_concurrent_requests: 0\n  body_timeout: 0s\n" + okProvider, []string{
			`bad.yaml:2:24: gateway.max_response_buffer: must be greater than 0, got "0"`,
			`bad.yaml:3:28: gateway.max_concurrent_requests: must be at least 1, got 0`,
			`bad.yaml:4:17: gateway.body_timeout: must be greater than 0, got "0s"`}},
		{"duplicate provider name", okProvider + "  - name: openai\n    kind: ollama\n", []string{
			`bad.yaml:5:11: providers[1].name: duplicate provider name "openai" (first at line 2)`}},
		{"unknown kind", "providers:\n  - name: primary\n    kind: opneai\n    api_key: sk-test\n", []string{
			`bad.yaml:3:11: providers[0].kind: unknown kind "opneai" (did you mean "openai"?); valid kinds: openai, openai-compatible, azure-openai, anthropic, gemini, ollama, http`}},
		{"missing name and kind", "providers:\n  - base_url: http://localhost:11434\n", []string{
			`bad.yaml:2:5: providers[0]: missing required field "name"`,
			`bad.yaml:2:5: providers[0]: missing required field "kind" (one of openai, openai-compatible, azure-openai, anthropic, gemini, ollama, http)`}},
		{"missing api key", "providers:\n  - name: openai\n    kind: openai\n", []string{
			`bad.yaml:2:5: providers[0]: missing required field "api_key" for kind openai`}},
		{"empty api key", "providers:\n  - name: claude\n    kind: anthropic\n    api_key: \"\"\n", []string{
			`bad.yaml:4:14: providers[0].api_key: must not be empty for kind anthropic`}},
		{"azure classic missing fields", "providers:\n  - name: azure\n    kind: azure-openai\n    api_key: k\n", []string{
			`bad.yaml:2:5: providers[0]: missing required field "base_url" for kind azure-openai`,
			`bad.yaml:2:5: providers[0]: missing required field "api_version" for kind azure-openai`,
			`bad.yaml:2:5: providers[0]: missing required field "deployment" for kind azure-openai (or use api_version: "v1")`}},
		{"azure v1 chat needs a model", "providers:\n  - name: azure\n    kind: azure-openai\n    base_url: https://r.openai.azure.com\n    api_key: k\n    api_version: v1\n    probe: chat\n", []string{
			`bad.yaml:2:5: providers[0]: missing required field "model" for probe chat`}},
		{"stream probe needs a model", "providers:\n  - name: local\n    kind: ollama\n    probe: stream\n", []string{
			`bad.yaml:2:5: providers[0]: missing required field "model" for probe stream`}},
		{"base url without scheme", okProvider + "    base_url: api.openai.com/v1\n", []string{
			`bad.yaml:5:15: providers[0].base_url: must start with http:// or https://`}},
		{"bad probe", okProvider + "    probe: ping\n", []string{
			`bad.yaml:5:12: providers[0].probe: must be one of models, chat, stream; got "ping"`}},
		{"zero and negative thresholds", "policy:\n  fail_after: 0\n  recover_after: -1\n" + okProvider, []string{
			`bad.yaml:2:15: policy.fail_after: must be at least 1, got 0`,
			`bad.yaml:3:18: policy.recover_after: must be at least 1, got -1`}},
		{"error rate outside 0..1", "policy:\n  degraded_error_rate: 10\n" + okProvider, []string{
			`bad.yaml:2:24: policy.degraded_error_rate: must be greater than 0 and at most 1, got "10"`}},
		{"failback value", "policy:\n  failback: sometimes\n" + okProvider, []string{
			`bad.yaml:2:13: policy.failback: must be "auto" or "manual", got "sometimes"`}},
		{"holddown above its cap", "policy:\n  holddown: 10m\n" + okProvider, []string{
			`bad.yaml:2:13: policy.holddown: must be at most holddown_max (5m by default), got 10m`}},
		{"gateway listen not host:port", "gateway:\n  listen: \"8787\"\n" + okProvider, []string{
			`bad.yaml:2:11: gateway.listen: must be host:port such as "127.0.0.1:8787", got "8787"`}},
		{"gateway public without token", "gateway:\n  listen: 0.0.0.0:8787\n" + okProvider, []string{
			`bad.yaml:2:11: gateway.listen: "0.0.0.0:8787" is not a loopback address; set gateway.token so only clients that know it can use the gateway`}},
		{"http kind without url", "providers:\n  - name: proxy\n    kind: http\n    http:\n      expect_status: 204\n", []string{
			`bad.yaml:2:5: providers[0]: kind http needs http.url or base_url`}},
		{"http probe method and headers net/http would refuse", "providers:\n  - name: proxy\n    kind: http\n    http:\n      url: https://example.com\n      method: G ET\n      headers:\n        X Bad Name: v\n        X-Ok: \"a\\nb\"\n", []string{
			`bad.yaml:6:15: providers[0].http.method: "G ET" is not an HTTP method`,
			`bad.yaml:8:9: providers[0].http.headers: "X Bad Name" is not a valid header name`,
			`bad.yaml:8:9: providers[0].http.headers: the value of "X-Ok" has a control character`}},
		{"http section on another kind", okProvider + "    http:\n      url: https://example.com\n", []string{
			`bad.yaml:6:7: providers[0].http: only used by kind http`}},
		{"status component without page", okProvider + "    status_component: Chat Completions\n", []string{
			`bad.yaml:5:23: providers[0].status_component: needs status_page`}},
		{"duplicate key", "interval: 5s\ninterval: 6s\n" + okProvider, []string{
			`bad.yaml:2:1: duplicate key "interval" (first at line 1)`}},
		{"undefined alias", okProvider + "    model: *default_model\n", []string{
			`bad.yaml:5:12: undefined alias "default_model"`}},
		{"every problem at once", "intervall: 5s\npolicy:\n  fail_after: 0\nproviders:\n  - name: a\n    kind: openai\n  - name: a\n    kind: gemini\n    api_key: k\n", []string{
			`bad.yaml:1:1: unknown field "intervall" (did you mean "interval"?)`,
			`bad.yaml:3:15: policy.fail_after: must be at least 1, got 0`,
			`bad.yaml:5:5: providers[0]: missing required field "api_key" for kind openai`,
			`bad.yaml:7:11: providers[1].name: duplicate provider name "a" (first at line 5)`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("bad.yaml", []byte(tc.yaml), nil)
			if c != nil {
				t.Errorf("Parse returned a config along with errors")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v (%T), want Errors", err, err)
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
