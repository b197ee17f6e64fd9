package cli

import (
	"os"
	"runtime"
)

// DefaultProcs is how many threads run Go code at once in the dashboard's
// process unless $GOMAXPROCS says otherwise. The dashboard, the probes and
// the gateway together need a small part of one core (the gateway does
// 10000–14000 req/s on one), and on a shared two-core ops machine every extra
// P makes each wake-up (a probe answer, a renderer tick, a request) also
// wake an idle thread that spins and sleeps again: measured with
// bench/idle-cpu.sh and bench/gateway/run.sh, one P costs ≈ 15–20% less
// idle CPU and adds less latency per gateway request. BENCHMARKS.md has
// the numbers.
const DefaultProcs = 1

// limitProcs applies DefaultProcs unless the operator chose a value with
// the Go runtime's own $GOMAXPROCS, which the runtime has already applied.
func limitProcs(getenv func(string) string) {
	if getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(DefaultProcs)
	}
}

// LimitProcs is limitProcs for the process environment. bench/gateway
// calls it so its gateway child runs as the dashboard's does.
func LimitProcs() { limitProcs(os.Getenv) }

// LimitProcsFor applies LimitProcs when args (without the program name)
// run the dashboard; main calls it first. Other commands keep the Go
// runtime's default, which follows the CPUs the process may use (a
// container's limit included): serve is a server, and its gateway's
// throughput grows with the cores it is given.
func LimitProcsFor(args []string) {
	if runsDashboard(args) {
		LimitProcs()
	}
}

// runsDashboard reports whether Run would start the dashboard for args:
// no subcommand, only the root's flags.
func runsDashboard(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch args[0] {
	case "check", "validate", "serve", "version", "help":
		return false
	}
	return true
}
