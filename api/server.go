// Package api is switchboard's HTTP API: the server that serve runs (state,
// events, a live stream, commands, health) and the Go client that ctl and
// attach use. The monitor stays the single source of truth: the server
// only reads its Snapshots and hands it Orders.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"switchboard/internal/localnet"

	"switchboard/config"
	"switchboard/monitor"
)

// Source is what the API needs from the monitor; *monitor.Monitor
// satisfies it.
type Source interface {
	Snapshot() *monitor.Snapshot
	Subscribe() (<-chan *monitor.Snapshot, func())
	Apply(monitor.Order) (monitor.Ack, error)
}

var _ Source = (*monitor.Monitor)(nil)

// DefaultHeartbeat is how often an idle stream carries a comment: often
// enough that proxies keep it open and a client notices a silent drop
// within a few seconds (see the Client's stream idle timeout).
const DefaultHeartbeat = 5 * time.Second

// Options are the server's injectable parts; zero values take defaults.
type Options struct {
	// Ready says whether serve is ready to take traffic (state restored,
	// gateway listening), and why not; nil means ready. /readyz also
	// requires a routable backend.
	Ready  func() (ok bool, reason string)
	Logger *slog.Logger     // one line per command; default: discard
	Now    func() time.Time // the server's clock in state answers; default time.Now
	// ShutdownTimeout bounds how long Serve lets requests finish once its
	// context ends; default config.DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	Heartbeat       time.Duration // default DefaultHeartbeat
	// Metrics serves GET /metrics (Prometheus's exposition) behind the
	// same tokens: a viewer may scrape. nil: no /metrics.
	Metrics http.Handler
}

// Server is the HTTP API over one Source.
type Server struct {
	src     Source
	opts    Options
	log     *slog.Logger
	tokens  []token // none: local clients only, each acting as "operator"
	handler http.Handler
	frames  frameCache

	// closing ends every stream when the server shuts down: a stream
	// never finishes by itself, so Shutdown would wait on it to the end.
	closing   chan struct{}
	closeOnce sync.Once
}

// New builds the API server for cfg (config.DefaultAPI() when the file
// had no api section). Like the gateway, it refuses a non-loopback listen
// address without tokens: the API can move every application's traffic.
func New(src Source, cfg config.API, opts Options) (*Server, error) {
	if cfg.Listen == "" {
		cfg.Listen = config.DefaultAPIListen
	}
	toks, err := newTokens(cfg.Tokens)
	if err != nil {
		return nil, err
	}
	if err := checkListen(cfg.Listen, len(toks) > 0); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = config.DefaultShutdownTimeout.D()
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	s := &Server{src: src, opts: opts, log: opts.Logger, tokens: toks, closing: make(chan struct{})}
	s.handler = s.routes()
	return s, nil
}

// checkListen refuses a non-loopback listen address without tokens.
func checkListen(listen string, hasTokens bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("api: listen address %q: %w", listen, err)
	}
	if !hasTokens && !localnet.IsLoopback(host) {
		return fmt.Errorf("api: refusing to listen on non-loopback address %q without api.tokens", listen)
	}
	return nil
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Liveness needs no token: an orchestrator's probe carries none, and
	// it says nothing but "the process answers".
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.Handle("/healthz", methodNotAllowed("GET"))
	s.route(mux, "GET", "/readyz", config.RoleViewer, s.readyz)
	s.route(mux, "GET", "/api/v1/state", config.RoleViewer, s.state)
	s.route(mux, "GET", "/api/v1/events", config.RoleViewer, s.events)
	s.route(mux, "GET", "/api/v1/stream", config.RoleViewer, s.stream)
	s.route(mux, "POST", "/api/v1/commands", config.RoleOperator, s.command)
	if h := s.opts.Metrics; h != nil {
		s.route(mux, "GET", "/metrics", config.RoleViewer, func(w http.ResponseWriter, r *http.Request, _ caller) {
			h.ServeHTTP(w, r)
		})
	}
	mux.Handle("/", s.guard(config.RoleViewer, func(w http.ResponseWriter, r *http.Request, _ caller) {
		writeError(w, http.StatusNotFound, "no such endpoint %s; see the API reference in the README", r.URL.Path)
	}))
	return mux
}

// route registers h for method and path behind the guard, and a JSON 405
// for every other method (the mux's own is plain text).
func (s *Server) route(mux *http.ServeMux, method, path, role string, h handlerFunc) {
	mux.Handle(method+" "+path, s.guard(role, h))
	mux.Handle(path, s.guard(config.RoleViewer, func(w http.ResponseWriter, r *http.Request, _ caller) {
		methodNotAllowed(method).ServeHTTP(w, r)
	}))
}

func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "%s %s: use %s", r.Method, r.URL.Path, allow)
	})
}

// Serve answers on ln until ctx ends, then shuts down gracefully: it stops
// accepting, ends every stream, and lets other requests finish for up to
// ShutdownTimeout before cutting them off. Every goroutine it started has
// ended when it returns; the error is nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	srv.RegisterOnShutdown(s.closeStreams)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		s.closeStreams()
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if err != nil {
		cancelBase()
		_ = srv.Close()
		err = fmt.Errorf("api: requests still running after %s were cut off", s.opts.ShutdownTimeout)
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

func (s *Server) closeStreams() { s.closeOnce.Do(func() { close(s.closing) }) }
