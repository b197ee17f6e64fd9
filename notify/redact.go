package notify

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"switchboard/config"
	"switchboard/probes"
)

// minSecret is the shortest text redacted: shorter ones ("llm", "--team")
// are ordinary words that redacting would garble, and no real credential
// is that short.
const minSecret = 8

// minSegment is the shortest path segment of a webhook URL redacted on its
// own: the secret ones are long (Slack's 24 characters, Discord's 68),
// while "services" or "hooks" are words a text may hold.
const minSegment = 16

// redactor removes secrets from every text, error and log line.
type redactor struct{ secrets []string }

func newRedactor(secrets []string) *redactor {
	var list []string
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		list = append(list, s, url.QueryEscape(s), url.PathEscape(s))
	}
	// Longest first, so a secret containing another is never half shown.
	slices.SortFunc(list, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return &redactor{secrets: slices.Compact(list)}
}

func (r *redactor) redact(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, config.Mask)
	}
	return s
}

// webhookSecrets are the parts of a webhook URL that must never be shown:
// the whole URL, its path and each long path segment (Slack's last one is
// the secret, and a receiver may echo it alone), its query and each value,
// and a password.
func webhookSecrets(raw string) []string {
	out := []string{raw}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	out = append(out, u.Path, u.RawPath, u.EscapedPath(), u.RawQuery)
	for _, seg := range strings.Split(u.Path, "/") {
		if len(seg) >= minSegment {
			out = append(out, seg)
		}
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	if pw, ok := u.User.Password(); ok {
		out = append(out, pw)
	}
	return out
}

// oneLine makes a receiver's or a program's words one printable line of at
// most n bytes: an escape sequence in them must not reach a terminal that
// shows the log.
func oneLine(s string, n int) string { return probes.ShortN(s, n) }
