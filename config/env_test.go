package config

import (
	"errors"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestExpandEnv(t *testing.T) {
	env := envOf(map[string]string{"KEY": "sk-123", "EMPTY": "", "HOST": "example.com"})
	cases := []struct {
		in, want string
		problems []string
	}{
		{"plain", "plain", nil},
		{"${KEY}", "sk-123", nil},
		{"https://${HOST}/v1", "https://example.com/v1", nil},
		{"a${EMPTY}b", "ab", nil},
		{"$${KEY}", "${KEY}", nil},
		{"cost: $$5", "cost: $5", nil},
		{"pa$word", "pa$word", nil},
		{"trailing$", "trailing$", nil},
		{"${MISSING}", "", []string{"environment variable MISSING is not set"}},
		{"${A}${B}", "", []string{"environment variable A is not set", "environment variable B is not set"}},
		{"${KEY", "", []string{`unterminated "${" (write "$$" for a literal "$")`}},
		{"${}", "", []string{`invalid environment variable name "" in "${}"`}},
		{"${1X}", "", []string{`invalid environment variable name "1X" in "${1X}"`}},
		{"${X:-default}", "", []string{`invalid environment variable name "X:-default" in "${X:-default}"`}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, problems := expandEnv(tc.in, env)
			if strings.Join(problems, "|") != strings.Join(tc.problems, "|") {
				t.Fatalf("problems = %q, want %q", problems, tc.problems)
			}
			if len(problems) == 0 && got != tc.want {
				t.Errorf("expandEnv(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestParseEnv covers expansion through Parse: values land in the Config,
// an unset variable is reported at its value, $$ stays a literal $, and
// an empty variable that is set is accepted.
func TestParseEnv(t *testing.T) {
	src := `interval: ${PROBE_INTERVAL}
gateway:
  token: "${GW_TOKEN}"
providers:
  - name: openai
    kind: openai
    api_key: ${OPENAI_API_KEY}
    model: "price$$tier"
    status_component: ${EMPTY_COMPONENT}
    status_page: https://status.openai.com/api/v2/summary.json
`
	env := map[string]string{"PROBE_INTERVAL": "3s", "GW_TOKEN": "gw-secret", "OPENAI_API_KEY": "sk-live-123", "EMPTY_COMPONENT": ""}
	c, err := Parse("env.yaml", []byte(src), envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Providers[0]
	if c.Interval.D().String() != "3s" || c.Gateway.Token != "gw-secret" || p.APIKey != "sk-live-123" {
		t.Errorf("expanded values: interval %s, token %q, api_key %q", c.Interval, c.Gateway.Token, p.APIKey)
	}
	if p.Model != "price$tier" {
		t.Errorf("$$ escape: model = %q, want %q", p.Model, "price$tier")
	}
	if p.StatusComponent != "" {
		t.Errorf("empty variable: status_component = %q", p.StatusComponent)
	}

	delete(env, "OPENAI_API_KEY")
	delete(env, "PROBE_INTERVAL")
	_, err = Parse("env.yaml", []byte(src), envOf(env))
	want := "env.yaml:1:11: interval: environment variable PROBE_INTERVAL is not set\n" +
		"env.yaml:7:14: providers[0].api_key: environment variable OPENAI_API_KEY is not set"
	if err == nil || err.Error() != want {
		t.Errorf("unset variables:\ngot:\n%v\nwant:\n%s", err, want)
	}
}

// TestSecretsNeverInErrors makes every kind of error happen next to a key
// and a token that come from the environment or the file, and checks that
// no message repeats them.
func TestSecretsNeverInErrors(t *testing.T) {
	src := `gateway:
  listen: 0.0.0.0:80
  token: ${GW_TOKEN}
  max_request_body: ${OPENAI_API_KEY}
interval: ${OPENAI_API_KEY}
providers:
  - name: openai
    kind: opneai
    api_key: ${OPENAI_API_KEY}
    base_url: ftp://x/?key=${OPENAI_API_KEY}
    timeout: ${OPENAI_API_KEY}
  - name: literal
    kind: gemini
    api_key: AIza-literal-secret
    probe: chat
    base_url: "https://g/?key=AIza-literal-secret&x=${MISSING}"
`
	env := envOf(map[string]string{"OPENAI_API_KEY": "sk-env-secret", "GW_TOKEN": ""})
	_, err := Parse("s.yaml", []byte(src), env)
	if err == nil {
		t.Fatal("Parse accepted a broken config")
	}
	msg := err.Error()
	for _, secret := range []string{"sk-env-secret", "AIza-literal-secret"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error text contains the secret %q:\n%s", secret, msg)
		}
	}
	// The problems are still reported, naming the field.
	for _, want := range []string{"interval: invalid duration \"${OPENAI_API_KEY}\"", "providers[0].kind: unknown kind",
		"environment variable MISSING is not set", "providers[1]: missing required field \"model\" for probe chat",
		"gateway.listen: \"0.0.0.0:80\" is not a loopback address"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error text lacks %q:\n%s", want, msg)
		}
	}
}

// TestEnvValuesNeverInValidationErrors: a value that is wrong for its
// field is quoted as the file has it, "${K}", never as expanded, which
// may be a key put in the wrong variable.
func TestEnvValuesNeverInValidationErrors(t *testing.T) {
	src := `policy:
  failback: ${K}
gateway:
  listen: ${K}
providers:
  - name: a
    kind: ${K}
  - name: b
    kind: openai
    api_key: x
    probe: ${K}
  - name: ${K}
    kind: ollama
  - name: ${K}
    kind: ollama
`
	_, err := Parse("leak.yaml", []byte(src), envOf(map[string]string{"K": "sk-secret-123"}))
	if err == nil {
		t.Fatal("Parse accepted a broken config")
	}
	msg := err.Error()
	if strings.Contains(msg, "sk-secret-123") {
		t.Errorf("error text shows the variable's value:\n%s", msg)
	}
	for _, want := range []string{`policy.failback: must be "auto" or "manual", got "${K}"`,
		`gateway.listen: must be host:port such as "127.0.0.1:8787", got "${K}"`,
		`providers[0].kind: unknown kind "${K}"`, `providers[1].probe: must be one of models, chat, stream; got "${K}"`,
		`providers[3].name: duplicate provider name "${K}"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error text lacks %q:\n%s", want, msg)
		}
	}
}

// parseErrors parses src as bad.yaml and returns the errors it must give:
// a config that parses, or another kind of error, fails the test.
func parseErrors(t *testing.T, src string, env func(string) (string, bool)) Errors {
	t.Helper()
	c, err := Parse("bad.yaml", []byte(src), env)
	var errs Errors
	if c != nil || !errors.As(err, &errs) {
		t.Fatalf("Parse = %v, %v; want Errors", c, err)
	}
	return errs
}
