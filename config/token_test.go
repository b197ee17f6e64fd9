package config

import (
	"strings"
	"testing"
)

// TestTokenWhitespace: a gateway token with whitespace at either end (a
// secret file's trailing newline, once ${VAR} is expanded) is refused at
// its value, saying why, and the message never holds the expanded secret.
func TestTokenWhitespace(t *testing.T) {
	const secret = "gw-token-0123456789abcdef"
	env := envOf(map[string]string{
		"NEWLINE": secret + "\n", "CRLF": secret + "\r\n", "LEADING": " " + secret, "BOTH": "\t" + secret + " ",
		"CLEAN": secret,
	})
	cases := []struct{ name, token, want string }{
		{"trailing newline from the environment", "${NEWLINE}",
			`bad.yaml:2:10: gateway.token: "${NEWLINE}" ends with a newline once expanded; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)`},
		{"carriage return and newline", "${CRLF}",
			`bad.yaml:2:10: gateway.token: "${CRLF}" ends with a newline once expanded; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)`},
		{"leading space", "${LEADING}",
			`bad.yaml:2:10: gateway.token: "${LEADING}" starts with a space once expanded; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)`},
		{"both ends", "${BOTH}",
			`bad.yaml:2:10: gateway.token: "${BOTH}" starts with a tab and ends with a space once expanded; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)`},
		// Written in the file, the token is the secret itself: not quoted.
		{"literal in the file", `"` + secret + ` "`,
			`bad.yaml:2:10: gateway.token: the token written here ends with a space; HTTP strips whitespace at the ends of a header, so no client's token would ever match it: remove it (a file holding a secret often ends with a newline)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "gateway:\n  token: " + tc.token + "\n" + okProvider
			err := parseErrors(t, src, env)
			if err.Error() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the message shows the token: %s", err)
			}
		})
	}
	if _, err := Parse("ok.yaml", []byte("gateway:\n  token: ${CLEAN}\n"+okProvider), env); err != nil {
		t.Errorf("a clean token was refused: %v", err)
	}
}
