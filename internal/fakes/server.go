package fakes

import (
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a fake provider listening on 127.0.0.1, like httptest.Server,
// that can also stop and resume listening (FaultRefuse).
type Server struct {
	h    *Handler
	addr string
	srv  *http.Server

	mu       sync.Mutex
	ln       net.Listener // nil while refusing
	conns    map[net.Conn]struct{}
	closed   bool
	serving  sync.WaitGroup // Serve loops
	handlers sync.WaitGroup // requests in flight
}

// Start serves a fake provider of opts.Kind on a free loopback port.
func Start(opts Options) *Server {
	s := &Server{h: NewHandler(opts), conns: map[net.Conn]struct{}{}}
	s.h.refuse = s.Refuse
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		ConnState:         s.track,
		// Faults break connections on purpose; their log lines are noise.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("fakes: listening on loopback: " + err.Error())
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	return s
}

// URL is the server's root, scheme://host:port.
func (s *Server) URL() string { return "http://" + s.addr }

// BaseURL is what a config's base_url holds for this fake: OpenAI-style
// servers are addressed with their /v1 prefix, the others by their root.
func (s *Server) BaseURL() string {
	switch s.h.opts.Kind {
	case kindOpenAI, kindCompatible:
		return s.URL() + "/v1"
	}
	return s.URL()
}

// Handler is the fake behind the server, to set faults and read requests.
func (s *Server) Handler() *Handler { return s.h }

// Refuse stops listening and drops open connections (on), so that connects
// are refused, or listens again on the same address (off).
func (s *Server) Refuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || on == (s.ln == nil) {
		return
	}
	if on {
		_ = s.ln.Close()
		s.ln = nil
		for c := range s.conns {
			_ = c.Close()
		}
		return
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		panic("fakes: listening again on " + s.addr + ": " + err.Error())
	}
	s.serveLocked(ln)
}

// Close stops the server, releases hung and delayed requests and returns
// when every request and serve loop has ended.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.h.Release()
	_ = s.srv.Close()
	s.serving.Wait()
	s.handlers.Wait()
}

func (s *Server) serve(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serveLocked(ln)
}

func (s *Server) serveLocked(ln net.Listener) {
	s.ln = ln
	s.serving.Go(func() { _ = s.srv.Serve(ln) })
}

// serveHTTP counts the request so Close can wait for it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	s.handlers.Add(1)
	s.mu.Unlock()
	defer s.handlers.Done()
	s.h.ServeHTTP(w, r)
}

// track keeps the open connections, for Refuse to drop them.
func (s *Server) track(c net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch state {
	case http.StateNew:
		s.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}
