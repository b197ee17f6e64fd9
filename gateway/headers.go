package gateway

import (
	"net/http"
	"net/textproto"
	"strings"
)

// hopByHop are the headers that describe one connection, not the message
// (RFC 9110 §7.6.1); a proxy must not forward them.
var hopByHop = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// clientOnly are request headers that belong to the client's own account or
// to this hop: the client's credentials (replaced by the provider's key),
// OpenAI account selectors that would not match the provider's key, and
// Accept-Encoding, so the transport negotiates compression itself and the
// gateway always sees plain bytes (SSE framing, redaction).
var clientOnly = []string{
	"Authorization", "Api-Key", "X-Api-Key", "X-Goog-Api-Key", "Cookie",
	"Openai-Organization", "Openai-Project", "Host", "Content-Length", "Accept-Encoding",
}

// Response headers the gateway adds.
const (
	HeaderBackend  = "X-Switchboard-Backend"
	HeaderAttempts = "X-Switchboard-Attempts"
)

// upstreamHeader copies the client's request headers minus hop-by-hop and
// client-only ones; the result is shared read-only by every attempt.
func upstreamHeader(in http.Header) http.Header {
	out := make(http.Header, len(in))
	for k, v := range in {
		out[k] = v
	}
	stripHopByHop(out)
	for _, k := range clientOnly {
		delete(out, k)
	}
	return out
}

// stripHopByHop removes hop-by-hop headers and those named by Connection.
func stripHopByHop(h http.Header) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				delete(h, textproto.CanonicalMIMEHeaderKey(name))
			}
		}
	}
	for _, k := range hopByHop {
		delete(h, k)
	}
}

// copyResponseHeader copies an upstream response's end-to-end headers.
// Content-Length is dropped: the gateway sets its own when it knows it.
// So are the provider's cookies and CORS grants: they are for its own site,
// and a grant passed on would let web pages read the gateway's answers.
func copyResponseHeader(dst, src http.Header) {
	for k, v := range src {
		if k == "Set-Cookie" || strings.HasPrefix(k, "Access-Control-") {
			continue
		}
		dst[k] = v
	}
	stripHopByHop(dst)
	delete(dst, "Content-Length")
}
