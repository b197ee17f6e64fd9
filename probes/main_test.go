package probes

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"switchboard/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// offline resolves names from /etc/hosts only (localhost): tests must not
// reach a DNS server, so any other name fails here as an unknown host does.
var offline = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("no DNS in tests")
}}

// testClient is NewClient with names resolved offline.
func testClient() *http.Client {
	c := NewClient()
	tr := c.Transport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, Resolver: offline}).DialContext
	c.Transport = tr
	return c
}

// probe runs one probe of p, with config's defaults applied, with a fresh
// client and a bounded context.
func probe(t *testing.T, p config.Provider, timeout time.Duration) Result {
	t.Helper()
	client := testClient()
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return Probe(ctx, client, resolved(p))
}

// wantClass fails unless r has the class; it shows the whole result.
func wantClass(t *testing.T, r Result, c Class) {
	t.Helper()
	if r.Class != c {
		t.Fatalf("class %s, want %s (status %d, err %q)", r.Class, c, r.Status, r.Err)
	}
	if c != ClassOK && r.Err == "" {
		t.Fatalf("a %s result must say why", c)
	}
	if c == ClassOK && r.Err != "" {
		t.Fatalf("ok with error %q", r.Err)
	}
	if r.Source != SourceProbe || r.Start.IsZero() || r.Latency <= 0 {
		t.Fatalf("incomplete result %+v", r)
	}
}
