package gateway

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"switchboard/probes"
)

// newRequest builds the upstream request for one attempt: the provider's
// URL, its credentials instead of the client's, and the model name mapped
// by a splice of the body.
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
	if u.User != nil && up.Header.Get("Authorization") == "" {
		// Credentials in base_url, for a server behind basic auth: what
		// http.Client would send, which the gateway bypasses by calling
		// its transport directly.
		password, _ := u.User.Password()
		up.SetBasicAuth(u.User.Username(), password)
	}
	if req.body != nil {
		data := req.body.bytes()
		parts := [3][]byte{data}
		if req.hasModel && b.rewritesBody(req.model) {
			parts = [3][]byte{data[:req.modelAt[0]], quoteJSON(mapped), data[req.modelAt[1]:]}
		}
		up.ContentLength = int64(len(parts[0]) + len(parts[1]) + len(parts[2]))
		setBody(up, req.body, parts)
	}
	return up.WithContext(ctx)
}

// smallBody is the size up to which an attempt's body is copied into one
// slice of its own. net/http sends the headers and a *bytes.Reader body in
// one write, but flushes the headers alone first for any other reader: one
// more syscall here and one more wake-up of the upstream. On loopback that
// cost 4-5 µs of the median, about half of the p99 at concurrency 1 and a
// tenth of the throughput (BENCHMARKS.md). Past this size the copy would
// cost more than the extra write, so the pooled buffer is spliced instead.
const smallBody = 64 << 10

// setBody sets the body of up from parts, and a GetBody for the
// transport's own retry on a stale connection.
func setBody(up *http.Request, shared *sharedBody, parts [3][]byte) {
	if up.ContentLength > smallBody {
		up.Body = shared.reader(parts)
		up.GetBody = func() (io.ReadCloser, error) { return shared.reader(parts), nil }
		return
	}
	// A copy the GC owns: the transport may still read it after the
	// handler has returned the pooled buffer.
	data := make([]byte, 0, up.ContentLength)
	data = append(append(append(data, parts[0]...), parts[1]...), parts[2]...)
	up.Body = io.NopCloser(bytes.NewReader(data))
	up.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

// redact replaces this provider's secrets in an error answer (some APIs
// echo a bad key back); the check is a byte search, the rewrite happens
// only on a hit. A successful answer is never passed here: its bytes are
// the model's, and a secret in them was put there by the client's request.
func (b *backend) redact(p []byte) []byte {
	for _, s := range b.secrets {
		if bytes.Contains(p, s) {
			return []byte(probes.Redact(string(p), b.hidden...))
		}
	}
	return p
}

// errText is a failure's text as the client and the dashboard may see it:
// redacted, then one short line (redacting after the cut would miss a
// secret cut in two).
func (b *backend) errText(msg string) string {
	return probes.Short(probes.Redact(msg, b.hidden...))
}

// redactHeader replaces this provider's secrets in response header values:
// a redirect's Location, say, may carry the key in its query. Values are
// replaced, not edited in place, since they may be shared with the response.
func (b *backend) redactHeader(h http.Header) {
	for k, vs := range h {
		for i, v := range vs {
			if b.showsSecret(v) {
				vs = slices.Clone(vs)
				vs[i] = probes.Redact(v, b.hidden...)
				h[k] = vs
			}
		}
	}
}

// showsSecret reports whether s holds one of this provider's secrets in
// any form that Redact replaces.
func (b *backend) showsSecret(s string) bool {
	for _, form := range b.secretForms {
		if strings.Contains(s, form) {
			return true
		}
	}
	return false
}

// safeCut is where p, the start of an event too big for the relay's buffer,
// may be cut so that redact, seeing each piece alone, still finds every
// secret whole. The last longest-1 bytes stay back, since the next read may
// complete a secret they begin; a secret that starts before that point ends
// inside p and goes whole into this piece. len(p) must be at least longest,
// so the piece is never empty.
func (b *backend) safeCut(p []byte) int {
	cut := len(p) - max(b.longest-1, 0)
	end := cut
	for _, s := range b.secrets {
		lo := max(cut-len(s)+1, 0)
		if i := bytes.Index(p[lo:], s); i >= 0 && lo+i < cut {
			end = max(end, lo+i+len(s))
		}
	}
	return end
}

func itoa(n int) string { return strconv.Itoa(n) }

func equalFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
