package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"switchboard/api"
	"switchboard/config"
	"switchboard/fleet"
	"switchboard/gateway"
	"switchboard/metrics"
	"switchboard/monitor"
	"switchboard/notify"
)

// stopMargin is how much longer than shutdown_timeout serve waits for its
// servers to return: a server closes what is left when the timeout ends,
// which takes a moment more.
const stopMargin = 5 * time.Second

// server is one run of serve: the monitor, the servers beside it, and the
// config they run with. Only the goroutine in run touches cfg.
type server struct {
	log     *slog.Logger
	secrets *secretSet
	path    string
	cfg     *config.Config
	mon     *monitor.Monitor
	fleet   *fleet.Replica   // nil without a fleet section
	gw      *gateway.Gateway // nil without a gateway section
	met     *metrics.Metrics // served at the API's /metrics
	ntf     *notify.Notifier // the config's notify destinations
}

// component is a server that serve starts beside the monitor and drains on
// shutdown: it serves ln until ctx ends, then stops accepting, lets
// requests in flight finish (within shutdown_timeout) and returns.
type component struct {
	name  string
	ln    net.Listener
	serve func(ctx context.Context, ln net.Listener) error
}

type componentDone struct {
	name string
	err  error
}

// components binds every server's listener. A bind that fails closes the
// ones already bound.
func (sv *server) components() ([]component, error) {
	var out []component
	if sv.gw != nil {
		ln, err := net.Listen("tcp", sv.cfg.Gateway.Listen)
		if err != nil {
			return nil, err
		}
		out = append(out, component{name: "gateway", ln: ln, serve: sv.gw.Serve})
	}
	extra, err := sv.extraComponents()
	if err != nil {
		for _, c := range out {
			_ = c.ln.Close()
		}
		return nil, err
	}
	return append(out, extra...), nil
}

// extraComponents binds the HTTP API (api.listen, 127.0.0.1:8788 without
// an api section): the dashboard's attach, ctl and scripts reach serve
// through it.
func (sv *server) extraComponents() ([]component, error) {
	apiCfg := config.DefaultAPI()
	if sv.cfg.API != nil {
		apiCfg = sv.cfg.API
	}
	srv, err := api.New(sv.source(), *apiCfg, api.Options{Ready: sv.ready, Logger: sv.log,
		ShutdownTimeout: sv.cfg.ShutdownTimeout.D(), Metrics: sv.met.Handler()})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", apiCfg.Listen)
	if err != nil {
		return nil, err
	}
	return []component{{name: "api", ln: ln, serve: srv.Serve}}, nil
}

// ready says whether serve takes traffic yet: the gateway, when there is
// one, must be listening. (/readyz also asks for a routable backend.)
func (sv *server) ready() (bool, string) {
	if sv.gw == nil {
		return true, ""
	}
	select {
	case <-sv.gw.Ready():
		return true, ""
	default:
		return false, "the gateway is not listening yet"
	}
}

// run serves until a signal asks to stop, reloads on SIGHUP, and returns
// the exit status once every goroutine it started has ended.
func (sv *server) run(ctx context.Context, sigs <-chan os.Signal) int {
	// The monitor outlives the servers' drain, so that requests in flight
	// still follow its route; a context of its own ends it last.
	monCtx, stopMonitor := context.WithCancel(context.Background())
	monDone := make(chan struct{})
	go func() { _ = sv.mon.Run(monCtx); close(monDone) }()
	<-sv.mon.Started() // the API must not answer a command with "not running"
	snaps, unsubscribe := sv.mon.Subscribe()
	logged := make(chan struct{})
	go func() { sv.logEvents(snaps); close(logged) }()
	var aside sync.WaitGroup // what reads the monitor's events: ends with it
	aside.Go(func() { sv.met.Follow(monCtx) })
	aside.Go(func() { _ = sv.ntf.Run(monCtx, sv.mon) })
	leave := sv.runFleet()

	code := sv.serve(ctx, sigs, leave)
	leave() // when serve could not start its servers

	stopMonitor()
	<-monDone
	aside.Wait()
	unsubscribe() // the logger then logs what the final snapshot holds
	<-logged
	sv.log.Info("stopped", "exit", code)
	return code
}

// serve starts the servers, waits in loop, then leaves the fleet (so that
// another replica leads at once) and drains them.
func (sv *server) serve(ctx context.Context, sigs <-chan os.Signal, leave func()) int {
	comps, err := sv.components()
	if err != nil {
		sv.log.Error("cannot listen", "error", err.Error())
		return ExitFail
	}
	srvCtx, stopServers := context.WithCancel(context.Background())
	defer stopServers()
	done := make(chan componentDone, len(comps))
	var wg sync.WaitGroup
	for _, c := range comps {
		sv.log.Info("listening", "component", c.name, "addr", c.ln.Addr().String())
		wg.Go(func() { done <- componentDone{c.name, c.serve(srvCtx, c.ln)} })
	}
	sv.log.Info("serving")
	code := sv.loop(ctx, sigs, done)

	leave()
	stopServers()
	drained := make(chan struct{})
	go func() { wg.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(sv.cfg.ShutdownTimeout.D() + stopMargin):
		sv.log.Error("servers did not stop in time; exiting anyway")
		return ExitFail
	}
	for range len(done) {
		if d := <-done; d.err != nil {
			sv.log.Error("server stopped with an error", "component", d.name, "error", d.err.Error())
		}
	}
	return code
}

// loop waits for a signal, reloading on SIGHUP; it returns the exit status
// when it is time to stop.
func (sv *server) loop(ctx context.Context, sigs <-chan os.Signal, done <-chan componentDone) int {
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				sv.reload()
				continue
			}
			sv.log.Info("shutting down: no new connections; requests in flight may finish",
				"signal", sig.String(), "shutdown_timeout", sv.cfg.ShutdownTimeout.D().String())
			return ExitOK
		case <-ctx.Done():
			sv.log.Info("shutting down", "cause", context.Cause(ctx).Error())
			return ExitOK
		case d := <-done:
			err := d.err
			if err == nil {
				err = errors.New("stopped by itself")
			}
			sv.log.Error("server failed; shutting down", "component", d.name, "error", err.Error())
			return ExitFail
		}
	}
}
