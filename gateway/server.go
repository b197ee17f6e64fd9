package gateway

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// DefaultShutdownGrace is how long in-flight requests may finish after
// ctx ends unless Options.ShutdownGrace says otherwise; then their
// upstream calls are cancelled and connections closed.
const DefaultShutdownGrace = 5 * time.Second

// ListenAndServe serves the gateway on cfg.Gateway.Listen, with in-flight
// rescue, until ctx is done; then it shuts down gracefully. Every goroutine
// it started has ended when it returns.
func (g *Gateway) ListenAndServe(ctx context.Context) error {
	if g.started.Load() {
		return errors.New("gateway: ListenAndServe called twice")
	}
	ln, err := net.Listen("tcp", g.cfg.Listen)
	if err != nil {
		return err
	}
	return g.Serve(ctx, ln)
}

// Serve is ListenAndServe on a listener the caller bound (and Serve
// closes). When ctx ends it stops accepting connections and gives requests
// in flight Options.ShutdownGrace to finish.
func (g *Gateway) Serve(ctx context.Context, ln net.Listener) error {
	if !g.started.CompareAndSwap(false, true) {
		_ = ln.Close()
		return errors.New("gateway: served twice")
	}
	addr := ln.Addr().String()
	g.addr.Store(&addr)

	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           g.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
		// The dashboard owns the terminal: net/http's own log lines would
		// tear the screen. Failures reach the operator as passive health.
		ErrorLog: log.New(io.Discard, "", 0),
	}

	var wg sync.WaitGroup
	watchCtx, stopWatch := context.WithCancel(ctx)
	wg.Go(func() { g.Run(watchCtx) })
	served := make(chan error, 1)
	wg.Go(func() { served <- srv.Serve(ln) })
	close(g.ready)

	var serveErr error
	select {
	case <-ctx.Done():
		shutCtx, cancel := context.WithTimeout(context.Background(), g.grace)
		if srv.Shutdown(shutCtx) != nil {
			cancelBase() // streams and hung upstreams: stop them now
			_ = srv.Close()
		}
		cancel()
		<-served
	case serveErr = <-served:
	}
	stopWatch()
	wg.Wait()
	if t, ok := g.upstream.(interface{ CloseIdleConnections() }); ok && g.ownsHTTP {
		t.CloseIdleConnections()
	}
	return serveErr
}
