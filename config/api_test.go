package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestAPISection: a written api section is decoded with its defaults; an
// absent one stays nil (serve then uses DefaultAPI), and shutdown_timeout
// is read at the top level.
func TestAPISection(t *testing.T) {
	src := "shutdown_timeout: 45s\napi:\n  listen: 0.0.0.0:9000\n  tokens:\n" +
		"    - {name: wallboard, token: \"${VIEW}\", role: viewer}\n" +
		"    - {name: oncall, token: ops-0123, role: operator}\n" + okProvider
	c, err := Parse("a.yaml", []byte(src), envOf(map[string]string{"VIEW": "view-0123"}))
	if err != nil {
		t.Fatal(err)
	}
	want := &API{Listen: "0.0.0.0:9000", Tokens: []APIToken{
		{Name: "wallboard", Token: "view-0123", Role: RoleViewer},
		{Name: "oncall", Token: "ops-0123", Role: RoleOperator}}}
	if !reflect.DeepEqual(c.API, want) || c.ShutdownTimeout != Duration(45*time.Second) {
		t.Errorf("api = %+v, shutdown_timeout %s; want %+v and 45s", c.API, c.ShutdownTimeout, want)
	}
	if e, ok := c.At("api.tokens[1].role"); !ok || e.Line != 6 {
		t.Errorf("At(api.tokens[1].role) = %+v %v, want line 6", e, ok)
	}

	c, err = Parse("a.yaml", []byte("api:\n"+okProvider), nil)
	if err != nil || !reflect.DeepEqual(c.API, DefaultAPI()) {
		t.Errorf("empty api section: %+v, %v; want the defaults", c.API, err)
	}
	c, err = Parse("a.yaml", []byte(okProvider), nil)
	if err != nil || c.API != nil || c.ShutdownTimeout != DefaultShutdownTimeout {
		t.Errorf("no api section: api %+v shutdown %s err %v; want nil and 30s", c.API, c.ShutdownTimeout, err)
	}
}

// TestAPIErrors: each mistake in the api section is reported at its
// line:col, saying what to do, and no message quotes a token's value.
func TestAPIErrors(t *testing.T) {
	const secret = "s3cret-token-value"
	env := envOf(map[string]string{"EMPTY": "", "NL": secret + "\n", "SECRET": secret})
	// tok writes one token per argument, each "key: value; key: value", in
	// block style: "${" cannot start a value in YAML's flow style.
	tok := func(items ...string) string {
		s := "api:\n  tokens:\n"
		for _, it := range items {
			for i, kv := range strings.Split(it, "; ") {
				s += map[bool]string{true: "    - ", false: "      "}[i == 0] + kv + "\n"
			}
		}
		return s
	}
	cases := []struct{ name, yaml, want string }{
		{"public listen without tokens", "api:\n  listen: 0.0.0.0:8788\n",
			`bad.yaml:2:11: api.listen: "0.0.0.0:8788" is not a loopback address; add api.tokens so only clients that hold one can read the state or act`},
		{"listen not host:port", "api:\n  listen: localhost\n",
			`bad.yaml:2:11: api.listen: must be host:port such as "127.0.0.1:8788", got "localhost"`},
		{"tokens not a list", "api:\n  tokens: abc\n",
			`bad.yaml:2:11: api.tokens: expected a list of tokens, got "abc"`},
		{"token not a mapping", "api:\n  tokens: [abc]\n",
			`bad.yaml:2:12: api.tokens[0]: expected a token (a mapping with name, token, role), got "abc"`},
		{"missing name", tok("token: ${SECRET}; role: viewer"),
			`bad.yaml:3:7: api.tokens[0]: missing required field "name": events and logs name whoever uses the token by it`},
		{"missing token", tok("name: a; role: viewer"),
			`bad.yaml:3:7: api.tokens[0]: missing required field "token"`},
		{"empty token from the environment", tok("name: a; token: ${EMPTY}; role: viewer"),
			`bad.yaml:4:14: api.tokens[0].token: must not be empty`},
		{"token with a newline", tok("name: a; token: ${NL}; role: viewer"),
			`bad.yaml:4:14: api.tokens[0].token: "${NL}" ends with a newline once expanded; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)`},
		{"missing role", tok("name: a; token: ${SECRET}"),
			`bad.yaml:3:7: api.tokens[0]: missing required field "role" (viewer: may read; operator: may also act)`},
		{"unknown role", tok("name: a; token: ${SECRET}; role: admin"),
			`bad.yaml:5:13: api.tokens[0].role: must be "viewer" or "operator", got "admin"`},
		{"reserved name", tok("name: policy; token: ${SECRET}; role: operator"),
			`bad.yaml:3:13: api.tokens[0].name: "policy" is what events call switchboard's own actors (policy, gateway, operator); choose another name`},
		{"name with a space at the end", tok(`name: "oncall "; token: ${SECRET}; role: operator`),
			`bad.yaml:3:13: api.tokens[0].name: "oncall " has whitespace at an end or a control character`},
		{"duplicate name", tok("name: a; token: x1; role: viewer", "name: a; token: x2; role: viewer"),
			`bad.yaml:6:13: api.tokens[1].name: duplicate token name "a" (first at line 3)`},
		{"same token twice", tok("name: a; token: ${SECRET}; role: viewer", "name: b; token: ${SECRET}; role: operator"),
			`bad.yaml:7:14: api.tokens[1].token: the same token as api.tokens[0] (line 4); give each holder a token of its own, or the audit trail cannot tell them apart`},
		{"unknown token field", tok("name: a; token: x; role: viewer; scope: all"),
			`bad.yaml:6:7: unknown field "scope" in api.tokens[0]; valid fields: name, token, role`},
		{"shutdown_timeout out of range", "shutdown_timeout: 500ms\n",
			`bad.yaml:1:19: shutdown_timeout: must be at least 1s, got "500ms"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := parseErrors(t, tc.yaml+okProvider, env)
			if err.Error() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the message shows a token: %s", err)
			}
		})
	}
}

// TestAPITokensRedacted: a printed config never shows the API tokens, and
// one with several tokens still parses back (equal tokens are refused).
func TestAPITokensRedacted(t *testing.T) {
	src := "api:\n  listen: 0.0.0.0:8788\n  tokens:\n" +
		"    - {name: a, token: tok-a-0123, role: viewer}\n    - {name: b, token: tok-b-0123, role: operator}\n" + okProvider
	c, err := Parse("a.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := c.String()
	if strings.Contains(out, "tok-a-0123") || strings.Contains(out, "tok-b-0123") {
		t.Fatalf("printed config shows a token:\n%s", out)
	}
	back, err := Parse("printed.yaml", []byte(out), nil)
	if err != nil {
		t.Fatalf("printed config does not parse:\n%v\n%s", err, out)
	}
	if len(back.API.Tokens) != 2 || back.API.Tokens[1].Name != "b" || back.API.Tokens[1].Role != RoleOperator {
		t.Errorf("tokens after the round trip: %+v", back.API.Tokens)
	}
}
