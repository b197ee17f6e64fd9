package cli

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"switchboard/api"
	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// Tokens of the tests' API servers: a viewer (wallboard) and an operator
// (oncall). No output may ever hold them.
const (
	viewToken = "view-token-0123456789"
	opsToken  = "ops-token-0123456789"
)

var withTokens = config.API{Listen: "127.0.0.1:0", Tokens: []config.APIToken{
	{Name: "wallboard", Token: viewToken, Role: config.RoleViewer},
	{Name: "oncall", Token: opsToken, Role: config.RoleOperator},
}}

// apiServer is what switchboard serve runs, in process: a real monitor of
// providers alpha and bravo (probed by a function that answers ok at
// once) behind a real API server on a loopback port.
type apiServer struct {
	t    *testing.T
	mon  *monitor.Monitor
	cfg  config.API
	addr string // host:port, kept across restarts
	url  string
	stop func() // stops the API server; the monitor runs on
}

// startServer starts a running monitor, waits until both providers are up
// and serves the API with cfg.
func startServer(t *testing.T, cfg config.API) *apiServer {
	t.Helper()
	a := &apiServer{t: t, mon: newMonitor(), cfg: cfg, addr: "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error)
	go func() { ran <- a.mon.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-ran })
	a.until("both providers up", func(s *monitor.Snapshot) bool {
		return s.Providers[0].State == monitor.StateUp && s.Providers[1].State == monitor.StateUp
	})
	a.serve()
	return a
}

// startIdleServer serves the API over a monitor that is not running, as
// serve does while it starts: state answers, commands get 503.
func startIdleServer(t *testing.T) *apiServer {
	t.Helper()
	a := &apiServer{t: t, mon: newMonitor(), cfg: withTokens, addr: "127.0.0.1:0"}
	a.serve()
	return a
}

func newMonitor() *monitor.Monitor {
	cfg := config.Default()
	for _, n := range []string{"alpha", "bravo"} {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, BaseURL: "http://127.0.0.1:1"})
	}
	cfg.ApplyDefaults()
	return monitor.New(cfg, monitor.Options{
		Probe: func(context.Context, config.Provider) probes.Result {
			return probes.Result{Class: probes.ClassOK, Latency: 120 * time.Millisecond}
		},
		Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} },
	})
}

// serve starts the API server at a.addr: a fresh port the first time, the
// same one after stop.
func (a *apiServer) serve() {
	a.t.Helper()
	srv, err := api.New(a.mon, a.cfg, api.Options{})
	if err != nil {
		a.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", a.addr)
	if err != nil {
		a.t.Fatal(err)
	}
	a.addr = ln.Addr().String()
	a.url = "http://" + a.addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stopped := false
	a.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				a.t.Errorf("API server: %v", err)
			}
		}
	}
	a.t.Cleanup(a.stop)
}

// until waits for cond on the monitor's snapshot, failing the test after
// ten seconds.
func (a *apiServer) until(what string, cond func(*monitor.Snapshot) bool) {
	a.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(a.mon.Snapshot()); {
		if time.Now().After(deadline) {
			s := a.mon.Snapshot()
			a.t.Fatalf("%s: not within 10s; active %q mode %s", what, s.Active, s.Mode)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// noTokens fails the test if any output holds a token.
func noTokens(t *testing.T, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for _, tok := range []string{viewToken, opsToken} {
			if strings.Contains(out, tok) {
				t.Errorf("a token was printed: %q", out)
			}
		}
	}
}

// lastEvent is the newest event the monitor keeps.
func lastEvent(s *monitor.Snapshot) monitor.Event {
	if len(s.Events) == 0 {
		return monitor.Event{}
	}
	return s.Events[len(s.Events)-1]
}
