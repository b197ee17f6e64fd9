package probes

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"switchboard/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// probe runs one probe with a fresh client and a bounded context.
func probe(t *testing.T, p config.Provider, timeout time.Duration) Result {
	t.Helper()
	client := NewClient()
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return Probe(ctx, client, p)
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
