package cli

import (
	"os"
	"runtime"
)

// DefaultProcs is how many threads run Go code at once in a switchboard
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

// LimitProcs is limitProcs for the process environment. main calls it
// first; bench/gateway calls it so its gateway child runs as the real
// process does.
func LimitProcs() { limitProcs(os.Getenv) }
