// Package localnet tells this machine's addresses and requests from
// others', without a DNS lookup. The gateway and the API serve local
// programs without a token, and the config refuses a non-loopback listen
// address without one: all three ask the same questions here.
package localnet

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// IsLoopback reports whether a listen host is certainly loopback: localhost
// or a loopback address. An empty host means every interface, so it is not.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Host reports whether host[:port] names this machine: localhost (and its
// subdomains, RFC 6761) or a loopback address.
func Host(hostport string) bool {
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

// Request reports whether r was meant for this machine by a local program.
// A web page in the operator's browser can reach loopback too: by DNS
// rebinding (a name of its own that resolves to 127.0.0.1, so Host is that
// name) or by a plain cross-site request (so Origin is the page's).
func Request(r *http.Request) bool {
	if !Host(r.Host) {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // SDKs, curl, ctl and attach send none
	}
	u, err := url.Parse(origin)
	return err == nil && Host(u.Host) // "null" (a sandboxed page) is not
}
