package probes

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ClassifyError sorts a transport error into an outcome class with a short
// description (no URL: callers still Redact it). The context decides first:
// a deadline that passed is a timeout whatever error the transport saw, and
// a fake clock cancels with cause context.DeadlineExceeded.
func ClassifyError(ctx context.Context, err error) (Class, string) {
	if err == nil {
		return ClassOK, ""
	}
	if ctx != nil && ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ClassTimeout, "timeout"
		}
		return ClassConnect, "canceled"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return ClassDNS, "dns lookup " + dnsErr.Name + ": " + dnsErr.Err
	}
	if msg, ok := tlsProblem(err); ok {
		return ClassTLS, msg
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return ClassTimeout, "timeout"
	}
	return ClassConnect, connectProblem(err)
}

// tlsProblem recognises certificate and handshake failures.
func tlsProblem(err error) (string, bool) {
	var (
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	switch {
	case errors.As(err, &verify):
		return "tls: " + verify.Err.Error(), true
	case errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return "tls: " + innermost(err).Error(), true
	case errors.As(err, &record):
		return "tls: server did not answer with TLS", true
	case errors.As(err, &alert):
		return "tls: handshake alert: " + alert.Error(), true
	case strings.Contains(err.Error(), "tls: "):
		return innermost(err).Error(), true
	}
	return "", false
}

// connectProblem names a refused, reset or dropped connection.
func connectProblem(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.EPIPE):
		return "connection broken (broken pipe)"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed mid-response (unexpected EOF)"
	case errors.Is(err, io.EOF):
		return "connection closed before a response (EOF)"
	}
	return innermost(err).Error()
}

// innermost drops url.Error's "Get \"URL\":" prefix, which could carry a key.
func innermost(err error) error {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	return err
}

// ClassifyStatus sorts an HTTP status: 2xx ok, 429 rate limited, 401/403
// auth, other 4xx client error, 5xx server error. Anything else (1xx, a
// redirect the client did not follow) is not an answer: bad response.
func ClassifyStatus(status int) Class {
	switch {
	case status >= 200 && status <= 299:
		return ClassOK
	case status == http.StatusTooManyRequests:
		return ClassRateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ClassAuth
	case status >= 400 && status <= 499:
		return ClassClientError
	case status >= 500:
		return ClassServerError
	}
	return ClassBadResponse
}

// maxRetryAfter bounds absurd Retry-After values so durations cannot
// overflow; the policy caps them again, lower (policy.retry_after_max).
const maxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads a Retry-After value: delay-seconds or an HTTP-date
// (relative to now). It returns 0 when v is absent, invalid or in the past,
// and saturates at maxRetryAfter: no value wraps around to a short or
// negative wait.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if isDigits(v) {
		// Too large for a uint64 is still "a very long time", not "no
		// Retry-After": ParseUint's range error saturates too.
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	// Time.Sub saturates at the Duration limits instead of wrapping, so a
	// date in year 9999 or 0001 lands on a bound here.
	return min(max(t.Sub(now), 0), maxRetryAfter)
}

// isDigits reports whether s is delay-seconds: one or more ASCII digits.
func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
