package gateway

import (
	"net/http"
	"net/url"
	"strings"

	"switchboard/internal/localnet"
)

// localClient reports whether a request comes from a local program, which
// is who a gateway without a token serves: a page in the operator's browser
// must not spend the providers' keys.
func localClient(r *http.Request) bool { return localnet.Request(r) }

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
