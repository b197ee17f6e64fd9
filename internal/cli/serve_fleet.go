package cli

import (
	"context"
	"sync"

	"switchboard/api"
	"switchboard/fleet"
	"switchboard/gateway"
	"switchboard/monitor"
)

// source is what the gateway and the API read and command: the monitor,
// or in a fleet the replica, which sends commands through etcd and a
// follower's passive results to the leader.
type source interface {
	gateway.Source
	api.Source
}

var (
	_ source = (*monitor.Monitor)(nil)
	_ source = (*fleet.Replica)(nil)
)

func (sv *server) source() source {
	if sv.fleet != nil {
		return sv.fleet
	}
	return sv.mon
}

// joinFleet prepares this replica's part in the config's fleet, if it has
// one; local is the state file, which the leader's journal also writes so
// that each replica keeps its last copy.
func (sv *server) joinFleet(local monitor.Journal) int {
	if sv.cfg.Fleet == nil {
		return ExitOK
	}
	fl, err := fleet.New(*sv.cfg.Fleet, fleet.Options{Monitor: sv.mon, Local: local, Logger: sv.log})
	if err != nil {
		sv.log.Error("fleet refused", "error", err.Error())
		return ExitConfig
	}
	sv.fleet = fl
	f := sv.cfg.Fleet
	sv.log.Info("fleet", "replica", f.Replica, "advertise", f.Advertise, "lease", f.Lease.D().String(),
		"etcd", f.Etcd.Endpoints, "prefix", f.Etcd.Prefix)
	return ExitOK
}

// runFleet takes part in the fleet while serve runs (the monitor must be
// running); the function it returns leaves it (resigning, so another
// replica leads at once) and returns once it has. Without a fleet both
// do nothing.
func (sv *server) runFleet() (leave func()) {
	if sv.fleet == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sv.fleet.Run(ctx); err != nil {
			sv.log.Error("fleet stopped", "error", err.Error())
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
}
