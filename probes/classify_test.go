package probes

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestClassifyStatus(t *testing.T) {
	want := map[int]Class{200: ClassOK, 204: ClassOK, 299: ClassOK, 429: ClassRateLimited, 401: ClassAuth, 403: ClassAuth,
		400: ClassClientError, 404: ClassClientError, 413: ClassClientError, 500: ClassServerError, 503: ClassServerError,
		529: ClassServerError, 301: ClassBadResponse, 101: ClassBadResponse}
	for status, c := range want {
		if got := ClassifyStatus(status); got != c {
			t.Errorf("ClassifyStatus(%d) = %s, want %s", status, got, c)
		}
	}
}

// TestParseRetryAfter: delay-seconds and HTTP-dates of every form HTTP
// allows; whatever the value, the result is between 0 and maxRetryAfter
// and never wraps. A number too large to hold still says "a long time",
// so it saturates rather than reading as no Retry-After at all.
func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)
	cases := []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"   ", 0},
		{"2", 2 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"0000000000000000000000000030", 30 * time.Second}, // leading zeros are still 30
		{"-5", 0},     // not delay-seconds (1*DIGIT)
		{"+5", 0},     // idem
		{"1.5", 0},    // idem
		{"1e3", 0},    // idem
		{"1 2", 0},    // idem
		{"\u0663", 0}, // an Arabic-Indic three is not a DIGIT
		{"0x10", 0},
		{"soon", 0},
		{"86400", maxRetryAfter}, // the cap itself
		{"86401", maxRetryAfter},
		{"9223372036", maxRetryAfter},           // × time.Second would pass MaxInt64 (wrap to negative)
		{"9223372037", maxRetryAfter},           // idem
		{"18446744073709551615", maxRetryAfter}, // MaxUint64
		{"18446744073709551616", maxRetryAfter}, // MaxUint64+1: too large for any integer type
		{"99999999999999999999999999999999999999", maxRetryAfter},
		{"Wed, 21 Oct 2026 07:28:30 GMT", 30 * time.Second}, // IMF-fixdate
		{"Wednesday, 21-Oct-26 07:29:00 GMT", time.Minute},  // RFC 850, allowed by HTTP
		{"Wed Oct 21 07:30:00 2026", 2 * time.Minute},       // asctime, allowed by HTTP
		{"Wed, 21 Oct 2026 07:28:00 GMT", 0},                // now
		{"Wed, 21 Oct 2026 07:27:00 GMT", 0},                // in the past
		{"Mon, 01 Jan 0001 00:00:00 GMT", 0},                // the earliest date: Sub saturates, not wraps
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxRetryAfter},    // beyond what a Duration holds
		{"Thu, 22 Oct 2026 07:28:00 GMT", maxRetryAfter},    // exactly a day
		{"Wed, 21 Oct 2026 07:28:30 PST", 0},                // HTTP dates are GMT
		{"Wed, 32 Oct 2026 07:28:30 GMT", 0},                // no such day
	}
	for _, tc := range cases {
		if got := ParseRetryAfter(tc.v, now); got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
	// The clock itself at an extreme: still within 0..maxRetryAfter.
	for _, at := range []time.Time{{}, time.Unix(1<<62, 0)} {
		for _, v := range []string{"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "30"} {
			if got := ParseRetryAfter(v, at); got < 0 || got > maxRetryAfter {
				t.Errorf("ParseRetryAfter(%q) at %v = %v, outside 0..%v", v, at, got, maxRetryAfter)
			}
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassifyError(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://api.example.com/v1/models?key=secret", Err: err}
	}
	dial := func(errno error) error {
		return wrap(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)})
	}
	cases := []struct {
		err   error
		class Class
		msg   string
	}{
		{dial(syscall.ECONNREFUSED), ClassConnect, "connection refused"},
		{wrap(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), ClassConnect, "connection reset by peer"},
		{wrap(io.EOF), ClassConnect, "connection closed before a response (EOF)"},
		{fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF), ClassConnect, "connection closed mid-response (unexpected EOF)"},
		{wrap(&net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}), ClassDNS, "dns lookup api.example.invalid: no such host"},
		{wrap(x509.UnknownAuthorityError{}), ClassTLS, "tls: x509: certificate signed by unknown authority"},
		{wrap(timeoutErr{}), ClassTimeout, "timeout"},
		{wrap(context.DeadlineExceeded), ClassTimeout, "timeout"},
		{wrap(errors.New("something odd")), ClassConnect, "something odd"},
	}
	for _, tc := range cases {
		class, msg := ClassifyError(context.Background(), tc.err)
		if class != tc.class || msg != tc.msg {
			t.Errorf("ClassifyError(%v) = %s %q, want %s %q", tc.err, class, msg, tc.class, tc.msg)
		}
	}
	if c, _ := ClassifyError(context.Background(), nil); c != ClassOK {
		t.Errorf("nil error: %s", c)
	}
}

// TestClassifyErrorAsksTheContext: whatever the transport says, a passed
// deadline (or a cancel whose cause is one) is a timeout.
func TestClassifyErrorAsksTheContext(t *testing.T) {
	refused := &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	caused, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(context.DeadlineExceeded)
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for _, tc := range []struct {
		ctx   context.Context
		class Class
	}{{expired, ClassTimeout}, {caused, ClassTimeout}, {canceled, ClassConnect}} {
		if c, _ := ClassifyError(tc.ctx, refused); c != tc.class {
			t.Errorf("got %s, want %s", c, tc.class)
		}
	}
}
