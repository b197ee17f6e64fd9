// Package monitor runs probes on schedule, keeps bounded history, computes
// window statistics, runs the health state machine and failover policy,
// records events, publishes immutable Snapshots and accepts Commands.
package monitor

import (
	"context"
	"net/http"

	"switchboard/config"
	"switchboard/probes"
)

// ProbeFunc asks one provider once. The default is probes.Probe with the
// monitor's HTTP client.
type ProbeFunc func(ctx context.Context, p config.Provider) probes.Result

// StatusFunc reads one provider's official status page.
type StatusFunc func(ctx context.Context, p config.Provider) probes.StatusWord

// Options are the monitor's injectable parts; zero values take defaults.
type Options struct {
	Clock     Clock        // default RealClock
	Client    *http.Client // default: a client with sane transport timeouts
	Probe     ProbeFunc    // default probes.Probe(ctx, Client, p)
	Status    StatusFunc   // default probes.StatusPage(ctx, Client, p)
	Demo      bool         // shown as a DEMO badge
	MaxEvents int          // default 200
	Seed      uint64       // seeds probe jitter; 0 picks a random seed
	// Journal records decisions and events before they are acknowledged
	// or shown (nil: nothing survives a restart).
	Journal Journal
	// Restored is what the Journal read back at start: applied by New,
	// before the first probe and before anything can read a Snapshot.
	Restored *Restored
	// Follow starts the monitor as a fleet's follower: it neither probes
	// nor decides, and routes as Adopt tells it until Lead (fleet.go).
	Follow bool
	// Replica is this replica's name in a fleet: the events it records
	// name it. "" outside a fleet.
	Replica string
}

// The Monitor's public methods, by file:
//
//	monitor.go  New, Run (blocks; every goroutine ended on return), Started,
//	            Snapshot (latest, never nil), Subscribe (latest-wins, the
//	            current snapshot at once, closed on unsubscribe), Send and
//	            Apply (an order applied and recorded, or refused and why),
//	            Report and RecordRequest (from the gateway; never block)
//	reload.go   Reload (a new config while running)
//	fleet.go    Lead, Follow, Adopt, SetFleet, Following (a fleet's replica)
