package memnet

import (
	"context"
	"errors"
	"io"
	"net/http"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

func serve(t *testing.T, n *Network, addr string, h http.Handler) *Listener {
	t.Helper()
	l, err := n.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return l
}

func TestHTTPOverMemnetInsideSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := New()
		serve(t, n, "api.test:80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(250 * time.Millisecond) // fake time inside the bubble
			_, _ = io.WriteString(w, "pong "+r.URL.Path)
		}))
		c := n.Client(5 * time.Second)
		defer c.CloseIdleConnections()
		start := time.Now()
		resp, err := c.Get("http://api.test:80/ping")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "pong /ping" {
			t.Fatalf("body %q", body)
		}
		if took := time.Since(start); took != 250*time.Millisecond {
			t.Fatalf("took %s of bubble time, want exactly 250ms", took)
		}
	})
}

func TestClosedListenerRefuses(t *testing.T) {
	n := New()
	l, err := n.Listen("api.test:80")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Listen("api.test:80"); !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("second listen: %v", err)
	}
	l.Close()
	if _, err := n.DialContext(context.Background(), "tcp", "api.test:80"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after close: %v", err)
	}
}
