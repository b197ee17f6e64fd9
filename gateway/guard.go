package gateway

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// localClient reports whether a request comes from a local program, which
// is who a gateway without a token serves. A web page in the operator's
// browser can reach loopback too: by DNS rebinding (a name of its own that
// resolves to 127.0.0.1, so Host is that name) or by a plain cross-site
// request (so Origin is the page's). Either would spend the providers' keys.
func localClient(r *http.Request) bool {
	if !loopbackHost(r.Host) {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // SDKs and curl send none
	}
	u, err := url.Parse(origin)
	return err == nil && loopbackHost(u.Host) // "null" (a sandboxed page) is not
}

// loopbackHost reports whether host[:port] names this machine: localhost
// (and its subdomains, RFC 6761) or a loopback address.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// hasDotSegment reports whether the client path rest has a "." or ".."
// segment, raw or percent-encoded ("%2e%2e", "..%2f"). Spliced after the
// provider's base path it could climb out of it, with the key attached,
// once a proxy or server on the way normalises the path.
func hasDotSegment(rest string) bool {
	if !strings.ContainsAny(rest, ".%") {
		return false // the usual path: nothing to decode
	}
	p, err := url.PathUnescape(rest)
	if err != nil {
		return true // undecodable: refuse rather than guess how upstream reads it
	}
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// dotName reports whether a client's model name would be a dot segment
// where a provider takes it into the path (an Azure deployment).
func dotName(model string) bool { return model == "." || model == ".." }
