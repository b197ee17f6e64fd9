package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"switchboard/config"
	"switchboard/demo"
	"switchboard/gateway"
	"switchboard/model"
	"switchboard/monitor"
)

// dashboardFPS caps the renderer's frame rate. Bubble Tea's default of 60
// wakes the renderer 60 times a second even on an unchanged screen; a wall
// dashboard that changes about once a second needs far less, and 10 still
// echoes a key within 100 ms.
const dashboardFPS = 10

// ExitInterrupted is the conventional status after SIGINT (128+2).
const ExitInterrupted = 130

// gatewayStartWait bounds how long the dashboard waits for the gateway to
// be listening before it shows the screen, so a busy port is reported on a
// plain terminal rather than hidden behind the full-screen dashboard.
const gatewayStartWait = 3 * time.Second

func runRoot(args []string, s stdio) int {
	fs := newFlags("switchboard")
	cfgPath := fs.String("config", "", "config `FILE` (default: $SWITCHBOARD_CONFIG, ./switchboard.yaml, ~/.config/switchboard/config.yaml)")
	useDemo := fs.Bool("demo", false, "run the built-in demo with simulated providers, whatever config exists")
	demoTraffic := fs.Bool("demo-traffic", true, "in the demo, run a small application that sends requests through the gateway (--demo-traffic=false: probes only)")
	readonly := fs.Bool("readonly", false, "watch only: the keys that change routing are hidden and disabled")
	showVersion := fs.Bool("version", false, "print the version and exit")
	stateDir := fs.String("state-dir", "", "`DIR` of the state file (default: state_dir, else $XDG_STATE_HOME/switchboard; the demo keeps none unless named)")
	resetState := fs.Bool("reset-state", false, "start with a fresh state file, keeping the old one as state.db.bad-TIME")
	if done, code := parse(fs, rootUsage, args, s); done {
		return code
	}
	if *showVersion {
		return printVersion(s)
	}
	env, code := setup(*cfgPath, *useDemo, true, s)
	if env == nil {
		return code
	}
	defer env.close()
	if code := env.openState(stateFlags{dir: *stateDir, reset: *resetState}, s); code != ExitOK {
		return code
	}
	if env.cfg.Fleet != nil {
		// The fleet is serve's: a dashboard with a monitor of its own would
		// probe and decide beside the fleet's leader, not with it.
		fmt.Fprintln(s.err, "switchboard: this config has a fleet section, which only serve uses; "+
			"this dashboard runs a monitor of its own (to watch the fleet, use switchboard attach)")
	}
	env.demoTraffic = env.demo != nil && *demoTraffic
	return dashboard(env, model.Options{ReadOnly: *readonly, NoColor: noColor()}, s)
}

// dashboard runs the monitor, the gateway (when configured) and the screen
// under one context; when the screen quits, everything is stopped and
// waited for before returning.
func dashboard(env *runEnv, opts model.Options, s stdio) int {
	ctx, cancel := context.WithCancel(context.Background())
	mon := monitor.New(env.cfg, monitorOptions(env))
	var wg sync.WaitGroup
	var gwErr <-chan error
	// stop ends every goroutine this function started before it returns.
	stop := func() {
		cancel()
		wg.Wait()
		if gwErr == nil {
			return
		}
		if err := <-gwErr; err != nil {
			fmt.Fprintf(s.err, "switchboard: gateway: %v\n", err)
		}
	}
	defer stop()
	wg.Go(func() { _ = mon.Run(ctx) })

	if env.cfg.Gateway != nil {
		g, errc, err := startGateway(ctx, env.cfg, mon, &wg)
		if err != nil {
			fmt.Fprintf(s.err, "switchboard: gateway: %v\n", err)
			return ExitFail
		}
		gwErr = errc
		if env.demoTraffic {
			// The demo's application: its requests are what the traffic
			// columns and the header's gateway line count.
			app := demo.NewTraffic("http://"+g.Addr()+"/v1", env.client)
			wg.Go(func() { app.Run(ctx) })
		}
	}

	screen := model.New(mon, opts)
	defer screen.Close() // unsubscribe even when the program ends by signal or context, not by q
	return runScreen(ctx, screen, s)
}

// runScreen runs the dashboard on the terminal until it quits or ctx ends.
func runScreen(ctx context.Context, screen model.Model, s stdio) int {
	p := tea.NewProgram(screen, tea.WithContext(ctx), tea.WithInput(s.in), tea.WithOutput(s.out),
		tea.WithFPS(dashboardFPS))
	_, err := p.Run()
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, tea.ErrInterrupted):
		return ExitInterrupted
	}
	fmt.Fprintf(s.err, "switchboard: dashboard: %v\n", err)
	return ExitFail
}

// monitorOptions probes through the environment's client, which in demo
// mode is the one that reaches the simulated providers.
func monitorOptions(env *runEnv) monitor.Options {
	journal, restored := env.state.journal()
	return monitor.Options{Client: env.client, Demo: env.demo != nil, Journal: journal, Restored: restored}
}

// startGateway serves the gateway in a goroutine and returns it once it is
// listening (or failed to). The returned channel yields its final error
// after ctx is done; a clean shutdown yields nil.
func startGateway(ctx context.Context, cfg *config.Config, mon *monitor.Monitor, wg *sync.WaitGroup) (*gateway.Gateway, <-chan error, error) {
	g, err := gateway.New(cfg, mon, gateway.Options{})
	if err != nil {
		return nil, nil, err
	}
	errc := make(chan error, 1)
	wg.Go(func() {
		err := g.ListenAndServe(ctx)
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			err = nil
		}
		errc <- err
	})
	select {
	case <-g.Ready():
		return g, errc, nil
	case err := <-errc:
		if err == nil {
			err = errors.New("stopped before listening")
		}
		return nil, nil, err
	case <-time.After(gatewayStartWait):
		return g, errc, nil // slow to bind, not failed: the dashboard shows its traffic once it is up
	}
}
