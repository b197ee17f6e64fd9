package probes

import (
	"net"
	"net/http"
	"time"
)

// NewClient returns the HTTP client for probes: bounded dial, TLS and
// header waits, pooled keep-alive connections, and no redirects (a
// redirect would carry key headers such as x-api-key to another host).
// Proxies come from HTTPS_PROXY/NO_PROXY as for any CLI tool; Go never
// proxies loopback addresses, so local providers are reached directly.
// There is no overall client timeout: each probe's context bounds it.
func NewClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{
				Timeout:   5 * time.Second,
				KeepAlive: 30 * time.Second,
			}).DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    5 * time.Second,
			ResponseHeaderTimeout:  2 * time.Minute, // a non-streamed LLM answer sends headers when done
			ExpectContinueTimeout:  time.Second,
			MaxIdleConns:           0, // no total cap: each provider keeps its own (a cap below the provider count redials every probe)
			MaxIdleConnsPerHost:    4,
			IdleConnTimeout:        90 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: noRedirect,
	}
}

// noRedirect makes the client return a 3xx response as it is.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects is client, but answering redirects instead of following
// them, whatever client the caller passed.
func withoutRedirects(client *http.Client) *http.Client {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = noRedirect
	return &c
}
