// Package etcdtest runs a real single-member etcd inside a test process
// (go.etcd.io/etcd/server/v3/embed), on loopback ports of its own, so
// that the fleet's tests need no etcd installed. Only tests import it.
package etcdtest

import (
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// Server is a real single-member etcd, embedded in the test process, on
// loopback ports of its own, that a test can stop and start again on the
// same ports and data (an outage).
type Server struct {
	// Endpoint is the client URL, http://127.0.0.1:PORT.
	Endpoint string

	t   testing.TB
	cfg *embed.Config

	mu      sync.Mutex
	e       *embed.Etcd
	closing chan struct{} // closed when the last stop has finished
}

// Start starts an etcd for t, stopped when t ends. It does not sync its
// writes to disk: a test's data need not survive a power cut (StartSynced
// does, as a real etcd, for benchmarks).
func Start(t testing.TB) *Server { return start(t, false) }

// StartSynced is Start with every write synced to disk before etcd
// answers, as in production.
func StartSynced(t testing.TB) *Server { return start(t, true) }

func start(t testing.TB, synced bool) *Server {
	t.Helper()
	cfg := embed.NewConfig()
	cfg.Name = "test"
	cfg.Dir = t.TempDir()
	client, peer := loopbackURL(t), loopbackURL(t)
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	cfg.UnsafeNoFsync = !synced
	s := &Server{t: t, cfg: cfg, Endpoint: client.String()}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// loopbackURL is http://127.0.0.1:PORT on a port free a moment ago.
func loopbackURL(t testing.TB) url.URL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(port)}
}

// Restart starts the server (again, after Stop) and waits until it serves.
func (s *Server) Restart() {
	s.t.Helper()
	if s.closing != nil {
		<-s.closing
	}
	var e *embed.Etcd
	var err error
	// A restart may find its port still held for a moment.
	for range 50 {
		if e, err = embed.StartEtcd(s.cfg); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("starting etcd: %v", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(20 * time.Second):
		e.Close()
		s.t.Fatal("etcd did not become ready within 20s")
	}
	s.mu.Lock()
	s.e = e
	s.mu.Unlock()
}

// Stop stops the server; its data stays for Restart. It returns once the
// server no longer answers; the rest of its shutdown (up to its request
// timeout, 7s, for open streams) goes on in the background, and Restart
// and the test's end wait for it.
func (s *Server) Stop() {
	s.mu.Lock()
	e := s.e
	s.e = nil
	s.mu.Unlock()
	if e == nil {
		return
	}
	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	s.closing = closed
	s.t.Cleanup(func() { <-closed })
	// The client listener closes first: from then on nothing new is served.
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(5 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", s.cfg.ListenClientUrls[0].Host, 50*time.Millisecond); err != nil {
			return
		} else {
			_ = c.Close()
		}
	}
}

// Revision is the store's current revision: each write adds one.
func (s *Server) Revision() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.e.Server.KV().Rev()
}
