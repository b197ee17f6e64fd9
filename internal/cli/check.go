package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

const checkUsage = `Usage: switchboard check [--config FILE] [--json] [--demo]

Probes every enabled provider once, all at the same time, and prints each
provider's state and the backend that would be active. For cron, CI and
scripts.

Exit status: 0 when at least one provider is routable, 1 when none is,
2 on a config or usage error.

Flags:
`

// checkRow is one provider in `check --json` output.
type checkRow struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	State     string `json:"state"`
	Class     string `json:"class"`
	LatencyMS int64  `json:"latency_ms"`
	Error     string `json:"error"`
}

// checkReport is the whole `check --json` output. Active is null when no
// provider is routable.
type checkReport struct {
	Active    *string    `json:"active"`
	Providers []checkRow `json:"providers"`
}

func runCheck(args []string, s stdio) int {
	fs := newFlags("check")
	cfgPath := fs.String("config", "", "config `FILE` (default: the usual lookup, see switchboard --help)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	useDemo := fs.Bool("demo", false, "check the built-in demo's simulated providers instead of a config")
	if done, code := parse(fs, checkUsage, args, s); done {
		return code
	}
	env, code := setup(*cfgPath, *useDemo, false, s)
	if env == nil {
		return code
	}
	defer env.close()
	rep := check(context.Background(), env.cfg, env.client)
	if *asJSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(s.err, "switchboard: writing JSON: %v\n", err)
			return ExitFail
		}
	} else {
		writeTable(s.out, rep)
	}
	if rep.Active == nil {
		return ExitFail
	}
	return ExitOK
}

// check runs one concurrent probe round, judges each provider from its
// single result, and lets the monitor's own policy (a Board) say which
// backend would be active, so check and the dashboard cannot disagree: a
// kind http health check is reported but never active.
func check(ctx context.Context, cfg *config.Config, client *http.Client) checkReport {
	rep := checkReport{Providers: make([]checkRow, len(cfg.Providers))}
	states := make([]monitor.State, len(cfg.Providers))
	var wg sync.WaitGroup
	for i, p := range cfg.Providers {
		if !p.IsEnabled() {
			states[i] = monitor.StateDisabled
			rep.Providers[i] = checkRow{Name: p.Name, Kind: p.Kind, State: string(monitor.StateDisabled)}
			continue
		}
		wg.Go(func() {
			r := probeOnce(ctx, cfg, client, p)
			states[i] = stateOf(r, cfg.Policy.DegradedLatency.D())
			rep.Providers[i] = checkRow{Name: p.Name, Kind: p.Kind, State: string(states[i]), Class: string(r.Class),
				LatencyMS: r.Latency.Round(time.Millisecond).Milliseconds(),
				Error:     probes.Redact(r.Err, probes.Secrets(p)...)}
		})
	}
	wg.Wait()
	now := time.Now()
	board := monitor.NewBoard(cfg, now)
	for i, p := range cfg.Providers {
		board.Set(p.Name, states[i], "one probe", now)
	}
	if snap := board.Snapshot(now); snap.Routable() {
		rep.Active = &snap.Active
	}
	return rep
}

// probeOnce asks p once within its timeout (the provider's, else the global).
func probeOnce(ctx context.Context, cfg *config.Config, client *http.Client, p config.Provider) probes.Result {
	timeout := cfg.Timeout.D()
	if p.Timeout > 0 {
		timeout = p.Timeout.D()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return probes.Probe(ctx, client, p)
}

// stateOf is the health state one result alone supports: the monitor needs
// several results to call a provider down, but a one-shot check must decide
// on the one it has.
func stateOf(r probes.Result, degradedLatency time.Duration) monitor.State {
	switch r.Class {
	case probes.ClassOK:
		if degradedLatency > 0 && r.Latency > degradedLatency {
			return monitor.StateDegraded
		}
		return monitor.StateUp
	case probes.ClassAuth, probes.ClassClientError:
		return monitor.StateMisconfigured // as the monitor has it: the probe's request is the config's
	case probes.ClassRateLimited:
		return monitor.StateRateLimited
	}
	return monitor.StateDown
}

func writeTable(w io.Writer, rep checkReport) {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  PROVIDER\tKIND\tSTATE\tLATENCY\tCLASS\tERROR")
	for _, r := range rep.Providers {
		mark, lat := " ", "-"
		if rep.Active != nil && *rep.Active == r.Name {
			mark = "*"
		}
		if r.Class != "" {
			lat = fmt.Sprintf("%dms", r.LatencyMS)
		}
		class := r.Class
		if class == "" {
			class = "-"
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\t%s\n", mark, r.Name, r.Kind, r.State, lat, class, r.Error)
	}
	_ = tw.Flush()
	// tabwriter pads every cell but the last, so a row with no error would
	// end in spaces.
	for line := range strings.Lines(buf.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
	if rep.Active == nil {
		fmt.Fprintln(w, "active: none (no provider is routable)")
		return
	}
	fmt.Fprintf(w, "active: %s\n", *rep.Active)
}
