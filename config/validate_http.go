package config

import (
	"sort"
	"strings"
)

// checkHTTPProbe checks what net/http would refuse only when the probe
// runs: a method or a header name that is not an HTTP token, a header value
// with a control character. Values are never quoted: they may be secrets.
func (d *decoder) checkHTTPProbe(h *HTTPProbe, f *fields, path string) {
	if h.Method != "" && !isToken(h.Method) {
		d.add(f.val("method"), "%s.method: %s is not an HTTP method", path, f.text("method"))
	}
	names := make([]string, 0, len(h.Headers))
	for name := range h.Headers {
		names = append(names, name)
	}
	sort.Strings(names) // one message order for one file
	for _, name := range names {
		switch {
		case !isToken(name):
			d.add(f.val("headers"), "%s.headers: %s is not a valid header name", path, quote(name))
		case strings.ContainsFunc(h.Headers[name], isCTL):
			d.add(f.val("headers"), "%s.headers: the value of %s has a control character", path, quote(name))
		}
	}
}

// isToken reports whether s is an HTTP token (RFC 9110 §5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// isCTL is a control character other than tab, which a header value may hold.
func isCTL(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }
