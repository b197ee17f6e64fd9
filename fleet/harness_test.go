package fleet

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/etcdtest"
	"switchboard/monitor"
	"switchboard/probes"
	"switchboard/store"
)

// outcomes is what every provider answers probes, shared by a fleet's
// replicas (one world, several observers); calls counts probes per
// replica, to tell who probes.
type outcomes struct {
	mu    sync.Mutex
	class map[string]probes.Class
	calls map[string]int
}

func newOutcomes() *outcomes {
	return &outcomes{class: map[string]probes.Class{}, calls: map[string]int{}}
}

func (o *outcomes) set(provider string, c probes.Class) {
	o.mu.Lock()
	o.class[provider] = c
	o.mu.Unlock()
}

func (o *outcomes) probeFor(replica string) monitor.ProbeFunc {
	return func(_ context.Context, p config.Provider) probes.Result {
		o.mu.Lock()
		o.calls[replica]++
		c := o.class[p.Name]
		o.mu.Unlock()
		if c == "" {
			c = probes.ClassOK
		}
		return probes.Result{Class: c, Latency: 20 * time.Millisecond}
	}
}

func (o *outcomes) probes(replica string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls[replica]
}

// testConfig has providers alpha, bravo and charlie (in priority order),
// probed every second, and a fleet section for etcd at endpoint.
func testConfig(endpoint, replica string, lease time.Duration) *config.Config {
	cfg := &config.Config{Interval: config.Duration(time.Second), SuspectInterval: config.Duration(200 * time.Millisecond)}
	for _, n := range []string{"alpha", "bravo", "charlie"} {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, BaseURL: "http://127.0.0.1:1", APIKey: "k"})
	}
	cfg.Fleet = &config.Fleet{Replica: replica, Lease: config.Duration(lease), Advertise: replica + ":8788",
		Etcd: config.Etcd{Endpoints: []string{endpoint}}}
	cfg.ApplyDefaults()
	return cfg
}

// node is one replica of a test fleet: its monitor and its fleet part,
// each running until the node is stopped.
type node struct {
	name string
	mon  *monitor.Monitor
	rep  *Replica
	cfg  *config.Config

	stopRep, stopMon context.CancelFunc
	repDone, monDone chan struct{}
	stopped          bool
}

// fleetOf is a test fleet on one etcd.
type fleetOf struct {
	t     testing.TB
	etcd  *etcdtest.Server
	world *outcomes
	lease time.Duration
	nodes []*node
	// stateFiles gives each replica added from now on a state file of its
	// own (store.Store), as serve does.
	stateFiles bool
}

func newFleet(t testing.TB, n int, lease time.Duration) *fleetOf {
	t.Helper()
	return newFleetOn(t, etcdtest.Start(t), n, lease, false)
}

// newFleetOn is newFleet on a given etcd.
func newFleetOn(t testing.TB, etcd *etcdtest.Server, n int, lease time.Duration, stateFiles bool) *fleetOf {
	t.Helper()
	f := &fleetOf{t: t, etcd: etcd, world: newOutcomes(), lease: lease, stateFiles: stateFiles}
	for i := range n {
		f.add(fmt.Sprintf("r%d", i+1))
	}
	return f
}

// add starts one more replica.
func (f *fleetOf) add(name string) *node {
	f.t.Helper()
	cfg := testConfig(f.etcd.Endpoint, name, f.lease)
	var local monitor.Journal
	if f.stateFiles {
		st, err := store.Open(f.t.TempDir(), store.Options{})
		if err != nil {
			f.t.Fatal(err)
		}
		f.t.Cleanup(func() { _ = st.Close() })
		local = st
	}
	mon := monitor.New(cfg, monitor.Options{Follow: true, Replica: name, Probe: f.world.probeFor(name), Journal: local,
		Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} }})
	rep, err := New(*cfg.Fleet, Options{Monitor: mon, Local: local, CheckEvery: 100 * time.Millisecond, CheckTimeout: 400 * time.Millisecond,
		ReportEvery: 20 * time.Millisecond})
	if err != nil {
		f.t.Fatal(err)
	}
	nd := &node{name: name, mon: mon, rep: rep, cfg: cfg, repDone: make(chan struct{}), monDone: make(chan struct{})}
	var monCtx, repCtx context.Context
	monCtx, nd.stopMon = context.WithCancel(context.Background())
	repCtx, nd.stopRep = context.WithCancel(context.Background())
	go func() { _ = mon.Run(monCtx); close(nd.monDone) }()
	<-mon.Started()
	go func() {
		if err := rep.Run(repCtx); err != nil {
			f.t.Errorf("%s: Run: %v", name, err)
		}
		close(nd.repDone)
	}()
	f.nodes = append(f.nodes, nd)
	f.t.Cleanup(nd.stop)
	return nd
}

// stop ends the replica gracefully (it resigns), then its monitor.
func (nd *node) stop() {
	if nd.stopped {
		return
	}
	nd.stopped = true
	nd.stopRep()
	<-nd.repDone
	nd.stopMon()
	<-nd.monDone
}

// crash ends the replica as a kill -9 would: it tells etcd nothing, so
// its lease, and its lead, last until they expire.
func (nd *node) crash() {
	nd.rep.abandon.Store(true)
	nd.stop()
}

// live are the nodes not stopped.
func (f *fleetOf) live() []*node {
	var out []*node
	for _, nd := range f.nodes {
		if !nd.stopped {
			out = append(out, nd)
		}
	}
	return out
}

// eventually polls cond every 10ms until it holds, failing after limit;
// why, when given, is what cond last found wrong, for the failure message.
func eventually(t testing.TB, limit time.Duration, what string, cond func() bool, why ...*string) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		if cond() {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(why) > 0 && *why[0] != "" {
		t.Fatalf("%s: not within %s; last seen %s", what, limit, *why[0])
	}
	t.Fatalf("%s: not within %s", what, limit)
	return 0
}

// leader waits for exactly one live replica to lead, every live one to
// agree on it, and returns it.
func (f *fleetOf) leader(limit time.Duration) *node {
	f.t.Helper()
	var lead *node
	eventually(f.t, limit, "one leader that every replica knows", func() bool {
		lead = nil
		for _, nd := range f.live() {
			if nd.rep.Leading() {
				if lead != nil {
					return false
				}
				lead = nd
			}
		}
		if lead == nil {
			return false
		}
		for _, nd := range f.live() {
			if nd.mon.Snapshot().Fleet == nil || nd.mon.Snapshot().Fleet.Leader != lead.name {
				return false
			}
		}
		return true
	})
	return lead
}

// followers are the live nodes but lead.
func (f *fleetOf) followers(lead *node) []*node {
	var out []*node
	for _, nd := range f.live() {
		if nd != lead {
			out = append(out, nd)
		}
	}
	return out
}

// routesAll waits until every live replica routes with route.
func (f *fleetOf) routesAll(limit time.Duration, route ...string) time.Duration {
	f.t.Helper()
	return eventually(f.t, limit, fmt.Sprintf("every replica routes %v", route), func() bool {
		for _, nd := range f.live() {
			if !slices.Equal(nd.mon.Snapshot().Route, route) {
				return false
			}
		}
		return true
	})
}

// routes describes every live replica's route, for messages.
func (f *fleetOf) routes() string {
	s := ""
	for _, nd := range f.live() {
		s += fmt.Sprintf("%s %v; ", nd.name, nd.mon.Snapshot().Route)
	}
	return s
}
