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

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                                  0,
		"2":                                 2 * time.Second,
		" 120 ":                             2 * time.Minute,
		"0":                                 0,
		"-5":                                0,
		"1.5":                               0,
		"soon":                              0,
		"Wed, 21 Oct 2026 07:28:30 GMT":     30 * time.Second,
		"Wednesday, 21-Oct-26 07:29:00 GMT": time.Minute, // RFC 850, allowed by HTTP
		"Wed, 21 Oct 2026 07:27:00 GMT":     0,           // in the past
		"99999999999999999999":              0,           // not a number Go can hold
		"9999999999":                        maxRetryAfter,
	}
	for v, want := range cases {
		if got := ParseRetryAfter(v, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", v, got, want)
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
