// Package gateway is switchboard's OpenAI-compatible reverse proxy: each
// request goes to the backend the monitor says is active, rewritten for that
// provider's kind, and is retried on the next routable backend while no byte
// has reached the client. Every attempt is reported back as passive health.
package gateway

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"switchboard/internal/localnet"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// Source is what the gateway needs from the monitor; *monitor.Monitor
// satisfies it.
type Source interface {
	Snapshot() *monitor.Snapshot
	Subscribe() (<-chan *monitor.Snapshot, func())
	Report(probes.Result)
	RecordRequest(monitor.RequestRecord)
	// Send asks for a probe when real traffic stalls on a backend.
	Send(monitor.Command) error
}

var _ Source = (*monitor.Monitor)(nil)

// Options are the gateway's injectable parts; zero values take defaults.
type Options struct {
	// Observer, when set, is told each attempt's and each request's
	// outcome (metrics); nil turns it off.
	Observer Observer
	// Client's Transport sends upstream requests (default: a transport
	// tuned for many keep-alive connections). Only the Transport is used,
	// as httputil.ReverseProxy does: a proxy hands redirects back to its
	// client, keeps no cookie jar, and the config's upstream_timeout bounds
	// each attempt instead of Client.Timeout bounding the whole stream.
	Client *http.Client
	// Now stamps Results and RequestRecords (default time.Now). Durations
	// are always measured on the monotonic clock.
	Now func() time.Time
	// ShutdownGrace is how long requests in flight may finish once the
	// server's context ends (default DefaultShutdownGrace; serve passes
	// the config's shutdown_timeout).
	ShutdownGrace time.Duration
}

// Gateway is the OpenAI-compatible proxy. It is safe for concurrent use.
type Gateway struct {
	cfg      config.Gateway
	src      Source
	obs      Observer // nil: nobody observes
	upstream http.RoundTripper
	ownsHTTP bool // the transport is ours: close its idle connections on shutdown
	now      func() time.Time
	token    []byte
	backends atomic.Pointer[backendSet] // swapped whole by Reload
	budget   *budget
	rescue   *rescuer
	nudger   *nudger
	// slots holds one token per request being served, up to
	// max_concurrent_requests: a full channel refuses the next one.
	slots chan struct{}
	grace time.Duration

	addr    atomic.Pointer[string]
	ready   chan struct{}
	started atomic.Bool
}

// New builds a gateway for cfg.Gateway and cfg.Providers, a config with
// its defaults applied (config.Load and config.Parse apply them; a config
// built in code needs ApplyDefaults). It refuses a listen address that is
// not loopback when no token is set, since the gateway spends the
// providers' keys on behalf of its callers.
func New(cfg *config.Config, src Source, opts Options) (*Gateway, error) {
	if cfg == nil || cfg.Gateway == nil {
		return nil, errors.New("gateway: no gateway section in the config")
	}
	gc := *cfg.Gateway
	if err := checkDefaulted(gc); err != nil {
		return nil, err
	}
	if err := checkListen(gc.Listen, gc.Token); err != nil {
		return nil, err
	}
	g := &Gateway{cfg: gc, src: src, now: opts.Now,
		slots: make(chan struct{}, gc.MaxConcurrentRequests), ready: make(chan struct{})}
	if g.now == nil {
		g.now = time.Now
	}
	if g.grace = opts.ShutdownGrace; g.grace <= 0 {
		g.grace = DefaultShutdownGrace
	}
	g.obs = opts.Observer
	if gc.Token != "" {
		g.token = []byte(gc.Token)
	}
	g.backends.Store(newBackendSet(cfg.Providers))
	g.upstream, g.ownsHTTP = upstreamTransport(opts.Client)
	g.budget = newBudget(gc.RetryBudget, g.now)
	g.rescue = newRescuer(g.backends.Load)
	g.nudger = newNudger(src)
	return g, nil
}

// checkDefaulted refuses a gateway section whose limits are zero. Defaults
// are applied once, by config; a zero here means a caller skipped that, and
// would otherwise surface as every request refused (a zero body limit, no
// request slot) rather than as this error.
func checkDefaulted(g config.Gateway) error {
	if g.MaxAttempts < 1 || g.MaxRequestBody <= 0 || g.MaxResponseBuffer <= 0 || g.MaxConcurrentRequests < 1 ||
		g.RetryBudget <= 0 || g.UpstreamTimeout <= 0 || g.BodyTimeout <= 0 {
		return errors.New("gateway: the gateway config has zero limits; apply its defaults first (config.ApplyDefaults)")
	}
	return nil
}

// checkListen refuses a non-loopback listen address without a token.
func checkListen(listen, token string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("gateway: listen address %q: %w", listen, err)
	}
	if token == "" && !localnet.IsLoopback(host) {
		return fmt.Errorf("gateway: refusing to listen on non-loopback address %q without gateway.token", listen)
	}
	return nil
}

// upstreamTransport is the caller's client's transport, or a tuned one.
// Calling it directly skips what http.Client adds per request (a copy of
// the headers for redirects, the redirect loop), which a proxy never uses.
func upstreamTransport(c *http.Client) (http.RoundTripper, bool) {
	switch {
	case c == nil:
		return newTransport(), true
	case c.Transport == nil:
		return http.DefaultTransport, false
	}
	return c.Transport, false
}

// newTransport keeps many idle keep-alive connections per host (the
// default of 2 makes a busy proxy redial constantly) and bounds connection
// setup; waiting for headers is bounded per attempt by upstream_timeout.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Handler returns the gateway as an http.Handler. In-flight rescue needs
// Run (ListenAndServe runs it itself). A stream that breaks after its first
// byte ends with an error event and then panics with http.ErrAbortHandler,
// as does an answer larger than max_response_buffer that breaks after it
// was committed, so that the response is not terminated cleanly;
// middleware that recovers panics must re-panic that one.
func (g *Gateway) Handler() http.Handler { return http.HandlerFunc(g.serve) }

// Addr is the address the gateway listens on once ListenAndServe has
// bound it ("" before), e.g. the real port when listen is ":0".
func (g *Gateway) Addr() string {
	if a := g.addr.Load(); a != nil {
		return *a
	}
	return ""
}

// Ready is closed once ListenAndServe is accepting connections.
func (g *Gateway) Ready() <-chan struct{} { return g.ready }
