package cli

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/metrics"
	"switchboard/monitor"
	"switchboard/notify"
	"switchboard/probes"
)

const serveUsage = `Usage: switchboard serve [--config FILE] [--state-dir DIR] [--reset-state]

Runs the monitor and the gateway (when the config has a gateway section)
headless, for systemd or a container. It never reads from or draws on the
terminal: it logs one JSON line per event and decision on stderr, and never
a key or token. It runs on as many cores as Go gives it (GOMAXPROCS follows
the container's CPU limit), not the dashboard's one.

Signals:
  SIGTERM, SIGINT  stop accepting connections, let requests in flight finish
                   (up to shutdown_timeout, default 30s), then exit 0
  SIGHUP           reload the config file: providers that stay keep their
                   history and state, added ones start unknown, removed ones
                   leave with an event; an invalid file is refused (its
                   FILE:LINE:COL is logged) and the running config stays.
                   Gateway settings and shutdown_timeout need a restart.

State: operator decisions (pins, drains, disabled providers), what the
policy learnt (states, hold-downs, Retry-After windows), the event history
and the latency samples of the window are kept in DIR/state.db (--state-dir,
else state_dir in the config, else $XDG_STATE_HOME/switchboard) and
restored before the gateway takes a request. A decision is on disk before
the API acknowledges it. A second process on the same directory is refused;
a damaged file is refused, never replaced: --reset-state keeps a copy of
it and starts fresh.

Fleet: with a fleet section, several replicas act as one through etcd.
One (elected) probes and decides; the others route as it records, and send
it what their traffic sees. Commands through any replica are committed to
etcd and applied by all. With etcd out of reach, every replica keeps its
last route and commands are refused (503). SIGTERM hands the lead over at
once. See the README's "Fleet".

Exit status: 0 after a clean shutdown, 1 when serving failed (a busy port),
2 for usage, a bad config, or a state directory that is in use or damaged.

Flags:
`

// runServeCmd is serve as the command line runs it: the process's own
// signals drive it.
func runServeCmd(args []string, s stdio) int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt, syscall.SIGHUP)
	defer signal.Stop(sigs)
	return runServe(context.Background(), args, s, sigs)
}

// serveHooks let tests watch what serve built; the command passes none.
type serveHooks struct {
	monitor func(*monitor.Monitor) // called once the monitor exists, before it runs
}

// runServe runs serve until a signal on sigs (or ctx's end) stops it and
// returns the exit status. Everything it started has ended when it returns.
func runServe(ctx context.Context, args []string, s stdio, sigs <-chan os.Signal) int {
	return runServeWith(ctx, args, s, sigs, serveHooks{})
}

func runServeWith(ctx context.Context, args []string, s stdio, sigs <-chan os.Signal, hooks serveHooks) int {
	fs := newFlags("serve")
	cfgPath := fs.String("config", "", "config `FILE` (default: the usual lookup, see switchboard --help)")
	stateDir := fs.String("state-dir", "", "`DIR` of the state file, created if missing (default: state_dir, else $XDG_STATE_HOME/switchboard)")
	resetState := fs.Bool("reset-state", false, "start with a fresh state file, keeping the old one as state.db.bad-TIME")
	if done, code := parse(fs, serveUsage, args, s); done {
		return code
	}
	secrets := &secretSet{}
	log := newServeLogger(s.err, secrets)
	cfg, searched, err := loadConfig(*cfgPath)
	switch {
	case err != nil:
		logConfigError(log, "config refused", err)
		return ExitConfig
	case cfg == nil:
		log.Error("no config file found; pass --config FILE or set $SWITCHBOARD_CONFIG",
			"searched", strings.Join(searched, ", "))
		return ExitConfig
	}
	secrets.add(cfg)
	logPlaceholders(log, cfg)
	dir := stateDirFor(*stateDir, cfg)
	state, code := openServeState(log, dir, *resetState, cfg)
	if code != ExitOK {
		return code
	}
	defer func() {
		if err := state.close(); err != nil {
			log.Error("closing the state file", "error", err.Error())
		}
	}()
	log.Info("starting", "version", version(), "pid", os.Getpid(), "config", cfg.Path,
		"providers", len(cfg.Providers), "gomaxprocs", runtime.GOMAXPROCS(0), "state_dir", dir,
		"shutdown_timeout", cfg.ShutdownTimeout.D().String())
	journal, restored := state.journal()
	met := metrics.New(cfg)
	client := probes.NewClient()
	probe := func(ctx context.Context, p config.Provider) probes.Result { return probes.Probe(ctx, client, p) }
	monOpts := monitor.Options{Client: client, Probe: met.WrapProbe(probe), Journal: journal, Restored: restored}
	if cfg.Fleet != nil {
		// Every replica starts following, on its own last copy, until
		// the fleet says who leads.
		monOpts.Follow, monOpts.Replica = true, cfg.Fleet.Replica
	}
	sv := &server{log: log, secrets: secrets, path: cfg.Path, cfg: cfg, met: met,
		ntf: notify.New(cfg.Notify, notify.Options{Logger: log, Secrets: secrets.list}),
		mon: monitor.New(cfg, monOpts)}
	if code := sv.joinFleet(journal); code != ExitOK {
		return code
	}
	met.Watch(sv.mon)
	met.WatchNotifier(sv.ntf)
	if hooks.monitor != nil {
		hooks.monitor(sv.mon)
	}
	if cfg.Gateway != nil {
		gw, err := gateway.New(cfg, sv.source(), gateway.Options{ShutdownGrace: cfg.ShutdownTimeout.D(), Observer: met})
		if err != nil {
			log.Error("gateway refused", "error", err.Error())
			return ExitConfig
		}
		sv.gw = gw
	}
	return sv.run(ctx, sigs)
}

// openServeState opens the state file before anything serves, so that a
// pin or a disabled provider holds from the first request on.
func openServeState(log *slog.Logger, dir string, reset bool, cfg *config.Config) (*openedState, int) {
	if dir == "" {
		log.Warn("no state directory (no home directory and no --state-dir): decisions are not kept across restarts")
		return nil, ExitOK
	}
	state, err := openState(dir, reset, cfg)
	if err != nil {
		log.Error("state refused", "error", stateError(dir, err))
		return nil, ExitConfig
	}
	if state.keptAs != "" {
		log.Warn("state reset; the old file is kept", "kept_as", state.keptAs)
	}
	if r := state.restored; r.State != nil {
		log.Info("state restored", "file", state.store.Path(), "saved", r.State.SavedAt.Format(time.RFC3339),
			"events", len(r.Events), "active", r.State.Active, "pinned", r.State.Pinned)
	}
	return state, ExitOK
}

// logConfigError logs each FILE:LINE:COL problem of a config on its own
// line, as validate prints them; any other error (an unreadable file) once.
func logConfigError(log *slog.Logger, msg string, err error) {
	var errs config.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			log.Error(msg, "error", e.Error())
		}
		return
	}
	log.Error(msg, "error", err.Error())
}

// logPlaceholders logs validate's placeholder warnings, one per key.
func logPlaceholders(log *slog.Logger, cfg *config.Config) {
	var b strings.Builder
	placeholderWarnings(&b, cfg)
	for line := range strings.Lines(b.String()) {
		log.Warn("config warning", "warning", strings.TrimSpace(line))
	}
}
