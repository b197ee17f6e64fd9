package gateway

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"switchboard/probes"
)

// newRequest builds the upstream request for one attempt: the provider's
// URL, its credentials instead of the client's, and the model name mapped
// by a splice of the body (the original bytes are not copied).
func (b *backend) newRequest(ctx context.Context, req *request) *http.Request {
	mapped := b.mapModel(req.model)
	up := &http.Request{
		Method:     req.r.Method,
		Header:     upstreamHeader(req.r.Header),
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
	}
	u, err := url.Parse(b.target(req.rest, req.r.URL.RawQuery, mapped))
	if err != nil {
		u = &url.URL{Scheme: "invalid"} // the transport fails it as a connect error
	}
	up.URL, up.Host = u, u.Host
	b.authorize(up.Header)
	if req.body != nil {
		data := req.body.bytes()
		parts := [3][]byte{data}
		if req.hasModel && b.rewritesBody(req.model) {
			parts = [3][]byte{data[:req.modelAt[0]], quoteJSON(mapped), data[req.modelAt[1]:]}
		}
		up.ContentLength = int64(len(parts[0]) + len(parts[1]) + len(parts[2]))
		up.Body = req.body.reader(parts)
		up.GetBody = func() (io.ReadCloser, error) { return req.body.reader(parts), nil }
	}
	return up.WithContext(ctx)
}

// redact replaces this provider's key in an answer (some APIs echo a bad
// key back); the check is a byte search, the rewrite happens only on a hit.
func (b *backend) redact(p []byte) []byte {
	for _, s := range b.secrets {
		if bytes.Contains(p, s) {
			return []byte(probes.Redact(string(p), b.key))
		}
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

func equalFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
