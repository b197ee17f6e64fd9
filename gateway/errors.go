package gateway

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"switchboard/probes"
)

// failure is one attempt that did not reach the client; msg is redacted.
type failure struct {
	backend    string
	class      probes.Class
	status     int
	retryAfter time.Duration
	msg        string
	rescued    bool
}

func (f failure) String() string {
	if f.status != 0 {
		return fmt.Sprintf("%s: %d %s", f.backend, f.status, f.msg)
	}
	return fmt.Sprintf("%s: %s", f.backend, f.msg)
}

// apiError is OpenAI's error shape, which every OpenAI SDK parses.
type apiError struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    string  `json:"code"`
}

func errorJSON(typ, code, msg string) []byte {
	b, _ := json.Marshal(apiError{Error: apiErrorDetail{Message: msg, Type: typ, Code: code}})
	return b
}

// writeError answers the client with an OpenAI-style JSON error.
func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	body := errorJSON(typ, code, msg)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeFailure answers a request that no attempt could serve. The status
// follows the last failure: 429 when every backend was rate limited (with
// the shortest Retry-After, so SDKs back off correctly), 504 after a
// timeout, 503 when nothing was routable, else 502.
func writeFailure(w http.ResponseWriter, rest string, fails []failure, last string, budgetOut bool) {
	h := w.Header()
	h.Set(HeaderAttempts, strconv.Itoa(len(fails)))
	if last != "" {
		h.Set(HeaderBackend, last)
	}
	if len(fails) == 0 {
		writeError(w, http.StatusServiceUnavailable, "server_error", "no_backend",
			"switchboard: no routable backend serves /v1"+rest)
		return
	}
	parts := make([]string, len(fails))
	for i, f := range fails {
		parts[i] = f.String()
	}
	msg := fmt.Sprintf("switchboard: %d attempt(s) failed: %s", len(fails), strings.Join(parts, "; "))
	if budgetOut {
		msg += "; retry budget exhausted"
	}
	status, typ, code := failureStatus(fails)
	if status == http.StatusTooManyRequests {
		if ra := minRetryAfter(fails); ra > 0 {
			h.Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
		}
	}
	writeError(w, status, typ, code, msg)
}

// failureStatus is the status, type and code of the client's error. Every
// backend answering 429 gives a 429, also when it was for the request's
// size (then without a Retry-After, which none of them sent).
func failureStatus(fails []failure) (int, string, string) {
	all429 := true
	for _, f := range fails {
		all429 = all429 && f.status == http.StatusTooManyRequests
	}
	switch {
	case all429:
		return http.StatusTooManyRequests, "rate_limit_error", "rate_limit_exceeded"
	case fails[len(fails)-1].class == probes.ClassTimeout:
		return http.StatusGatewayTimeout, "server_error", "upstream_timeout"
	}
	return http.StatusBadGateway, "server_error", "upstream_error"
}

func minRetryAfter(fails []failure) time.Duration {
	var m time.Duration
	for _, f := range fails {
		if f.retryAfter > 0 && (m == 0 || f.retryAfter < m) {
			m = f.retryAfter
		}
	}
	return m
}

// requestTooLarge reports whether a 429's message says that the request
// alone exceeds the provider's tokens-per-minute limit, as OpenAI words it:
// "Request too large for gpt-4o in organization org-… on tokens per min
// (TPM): Limit 30000, Requested 36278. The input or output tokens must be
// reduced …". Waiting does not help such a request. (Anthropic says it
// with 413 request_too_large, a client error already.)
func requestTooLarge(msg string) bool {
	return equalFoldPrefix(msg, "Request too large for ")
}

// upstreamMessage is the message of a provider's error body, in any of the
// dialects the probes read, else the status text.
func upstreamMessage(body []byte, status int) string {
	return cmp.Or(probes.ParseProviderError(body).Msg, http.StatusText(status))
}
