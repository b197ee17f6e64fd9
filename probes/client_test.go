package probes

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/config"
)

// TestClientKeepsAConnectionPerProviderBeyond64: a large config probes
// every provider over its own kept-alive connection; a total cap on idle
// connections below the provider count would make later rounds redial.
func TestClientKeepsAConnectionPerProviderBeyond64(t *testing.T) {
	const providers = 80
	var dials atomic.Int64
	var list []config.Provider
	for i := range providers {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				dials.Add(1)
			}
		}
		srv.Start()
		t.Cleanup(srv.Close)
		list = append(list, resolved(config.Provider{Name: "p" + strconv.Itoa(i), Kind: config.KindHTTP, BaseURL: srv.URL}))
	}
	client := NewClient()
	defer client.CloseIdleConnections()
	for round := range 3 {
		for _, p := range list {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			r := Probe(ctx, client, p)
			cancel()
			if !r.OK() {
				t.Fatalf("round %d, %s: %s %s", round, p.Name, r.Class, r.Err)
			}
		}
	}
	if got := dials.Load(); got != providers {
		t.Fatalf("3 rounds over %d providers opened %d connections, want %d (one each, kept alive)", providers, got, providers)
	}
}
