package probes

import (
	"cmp"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"switchboard/config"
)

// MinSecretLen is the shortest secret that is ever searched for and
// redacted. A placeholder key such as "ollama" or "x" also occurs in
// ordinary text ("ollama-llama3.2", "index"), so replacing it would corrupt
// what it is found in; every real provider key is far longer than this.
const MinSecretLen = 16

// Redact replaces each secret of at least MinSecretLen bytes in s, and its
// URL-escaped forms, with "REDACTED"; shorter ones are left alone, as
// placeholders that are also ordinary words. Longer secrets go first, so a
// secret that contains another is never left half shown.
func Redact(s string, secrets ...string) string {
	list := slices.Clone(secrets)
	slices.SortFunc(list, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, sec := range list {
		if len(sec) < MinSecretLen {
			continue
		}
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			s = strings.ReplaceAll(s, form, "REDACTED")
		}
	}
	return s
}

// maxErr is the longest Result.Err, in bytes.
const maxErr = 120

// Short makes an error text one printable line of at most maxErr bytes, cut
// on a rune boundary. Redact before calling it: a cut secret could no longer
// be found.
func Short(s string) string { return ShortN(s, maxErr) }

// ShortN makes s one printable line of at most n bytes (n > 3), cut on a
// rune boundary with an ellipsis. Text from elsewhere (a provider's error,
// a status page, a webhook's answer) is someone else's: an escape
// sequence in it would clear or retitle the operator's terminal wherever
// it is printed, so control characters go and lines are joined.
func ShortN(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// SensitiveName reports whether a header or query parameter name usually
// holds a credential.
func SensitiveName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"key", "token", "secret", "pass", "auth", "sig", "cookie", "session"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Secrets lists everything of p that must never be shown: the API key,
// credential-looking headers and query values of an http probe, and URL
// passwords. Pass it to Redact; empty and short entries are skipped there.
func Secrets(p config.Provider) []string {
	out := []string{p.APIKey}
	urls := []string{p.BaseURL, p.StatusPage}
	if p.HTTP != nil {
		urls = append(urls, p.HTTP.URL)
		for k, v := range p.HTTP.Headers {
			if SensitiveName(k) {
				out = append(out, v)
				if _, tok, ok := strings.Cut(v, " "); ok {
					out = append(out, tok) // "Bearer X": X alone may be echoed
				}
			}
		}
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		if pw, ok := u.User.Password(); ok {
			// Go sends these as basic auth: a server that echoes the
			// header shows them as base64, which is as good as plain.
			basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pw))
			out = append(out, pw, basic)
		}
		for k, vs := range u.Query() {
			if SensitiveName(k) {
				out = append(out, vs...)
			}
		}
	}
	return out
}
