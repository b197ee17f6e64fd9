package probes

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/internal/memnet"
)

// TestProbeInSimulatedTime runs probes the way the monitor's failover
// benchmark does: fakes on an in-memory network inside a synctest bubble,
// where time only moves when every goroutine waits. Latencies are then
// exact, and a hang costs no real time.
func TestProbeInSimulatedTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := memnet.New()
		l, err := n.Listen("fake.test:80")
		if err != nil {
			t.Fatal(err)
		}
		h := fakes.NewHandler(fakes.Options{Kind: "openai", APIKey: "KEY"})
		srv := &http.Server{Handler: h}
		go func() { _ = srv.Serve(l) }()
		defer srv.Close()
		client := n.Client(time.Minute)
		defer client.CloseIdleConnections()
		p := resolved(config.Provider{Name: "p", Kind: "openai", BaseURL: "http://fake.test:80/v1", APIKey: "KEY"})

		h.SetDelay(250 * time.Millisecond)
		r := Probe(t.Context(), client, p)
		if r.Class != ClassOK || r.Latency != 250*time.Millisecond {
			t.Fatalf("delayed probe: %s %v %q", r.Class, r.Latency, r.Err)
		}

		h.SetFault(fakes.Fault{Kind: fakes.FaultHang})
		ctx, cancel := context.WithTimeout(t.Context(), 4*time.Second)
		r = Probe(ctx, client, p)
		cancel()
		if r.Class != ClassTimeout || r.Latency != 4*time.Second {
			t.Fatalf("hung probe: %s %v %q", r.Class, r.Latency, r.Err)
		}

		h.SetFault(fakes.Fault{Kind: fakes.FaultStatus, Status: 503})
		if r = Probe(t.Context(), client, p); r.Class != ClassServerError {
			t.Fatalf("503: %s %q", r.Class, r.Err)
		}
		// A dead server: its listener and its kept-alive connections are gone.
		_ = srv.Close()
		if r = Probe(t.Context(), client, p); r.Class != ClassConnect {
			t.Fatalf("closed listener: %s %q", r.Class, r.Err)
		}
	})
}
