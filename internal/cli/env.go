package cli

import (
	"fmt"
	"net/http"

	"switchboard/config"
	"switchboard/demo"
	"switchboard/probes"
)

// runEnv is what a command runs against: a config, the HTTP client that
// reaches its providers and, in demo mode, the simulated providers.
type runEnv struct {
	cfg    *config.Config
	client *http.Client
	demo   *demo.Demo
	state  *openedState // nil: nothing is kept across restarts
	// demoTraffic runs the demo's application through the gateway.
	demoTraffic bool
}

// close ends the demo and closes the state file; the monitor must have
// stopped, so that its last decisions are in the file.
func (e *runEnv) close() {
	if e.demo != nil {
		e.demo.Close()
	}
	_ = e.state.close()
}

// setup builds the run environment: the demo when asked for, else the
// config found by the usual lookup. When no config exists anywhere,
// demoWhenMissing starts the demo with one stderr line saying so; otherwise
// that is a config error. A nil env comes with the exit status to return.
func setup(cfgPath string, useDemo, demoWhenMissing bool, s stdio) (*runEnv, int) {
	if useDemo {
		return startDemo(s)
	}
	cfg, searched, err := loadConfig(cfgPath)
	switch {
	case err != nil:
		reportConfigError(s.err, err)
		return nil, ExitConfig
	case cfg == nil && demoWhenMissing:
		fmt.Fprintln(s.err, noConfigLine(searched))
		return startDemo(s)
	case cfg == nil:
		return nil, missingConfig(s.err, searched)
	}
	return &runEnv{cfg: cfg, client: probes.NewClient()}, ExitOK
}

func startDemo(s stdio) (*runEnv, int) {
	d, err := demo.Start(demo.Options{LatencyScale: 1})
	if err != nil {
		fmt.Fprintf(s.err, "switchboard: starting the demo: %v\n", err)
		return nil, ExitFail
	}
	return &runEnv{cfg: d.Config(), client: d.Client(), demo: d}, ExitOK
}
