package probes

import (
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"
)

// tracer records when each phase of one request started and ended.
type tracer struct {
	start time.Time

	mu                  sync.Mutex // happy-eyeballs dials report concurrently
	dnsStart, dnsDone   time.Time
	connStart, connDone time.Time
	tlsStart, tlsDone   time.Time
	gotConn, firstByte  time.Time
}

func (t *tracer) set(field *time.Time, onlyFirst bool) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if !onlyFirst || field.IsZero() {
		*field = now
	}
}

func (t *tracer) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:     func(httptrace.DNSStartInfo) { t.set(&t.dnsStart, true) },
		DNSDone:      func(httptrace.DNSDoneInfo) { t.set(&t.dnsDone, true) },
		ConnectStart: func(string, string) { t.set(&t.connStart, true) },
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				t.set(&t.connDone, true)
			}
		},
		TLSHandshakeStart: func() { t.set(&t.tlsStart, true) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil {
				t.set(&t.tlsDone, true)
			}
		},
		GotConn:              func(httptrace.GotConnInfo) { t.set(&t.gotConn, true) },
		GotFirstResponseByte: func() { t.set(&t.firstByte, true) },
	}
}

func span(from, to time.Time) time.Duration {
	if from.IsZero() || to.IsZero() {
		return 0
	}
	return to.Sub(from)
}

// phases is the breakdown so far; a phase not completed is zero.
func (t *tracer) phases() Phases {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Phases{
		DNS:       span(t.dnsStart, t.dnsDone),
		Connect:   span(t.connStart, t.connDone),
		TLS:       span(t.tlsStart, t.tlsDone),
		FirstByte: span(t.start, t.firstByte),
	}
}

// stage names what the request was doing when it stopped, for timeouts.
func (t *tracer) stage() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case !t.firstByte.IsZero():
		return "reading the response"
	case !t.gotConn.IsZero():
		return "waiting for response headers"
	case !t.tlsStart.IsZero():
		return "in the TLS handshake"
	case !t.connStart.IsZero():
		return "connecting"
	case !t.dnsStart.IsZero():
		return "resolving the host"
	}
	return "before connecting"
}
