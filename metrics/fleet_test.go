package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"switchboard/config"
	"switchboard/monitor"
)

// fixedSource shows one snapshot, which a test may replace before a scrape.
type fixedSource struct{ s *monitor.Snapshot }

func (f *fixedSource) Snapshot() *monitor.Snapshot { return f.s }

func (f *fixedSource) Subscribe() (<-chan *monitor.Snapshot, func()) {
	ch := make(chan *monitor.Snapshot, 1)
	ch <- f.s
	return ch, func() {}
}

// In a fleet a replica says whether it leads and whether the fleet store
// answers it, labelled with its name; only the leader counts failovers
// (every replica shows the leader's events), so a sum over replicas
// counts each once. Outside a fleet there are no fleet series.
func TestFleetSeries(t *testing.T) {
	cfg := &config.Config{Providers: []config.Provider{{Name: "alpha"}, {Name: "bravo"}}}
	failover := []monitor.Event{{Seq: 1, Kind: monitor.EventActive, From: "alpha", To: "bravo", Actor: monitor.ActorPolicy}}
	for _, leading := range []bool{false, true} {
		met := New(cfg)
		fleet := &monitor.FleetStatus{Replica: "r2", Leading: leading, StoreOK: true,
			Replicas: []monitor.FleetReplica{{Name: "r1"}, {Name: "r2"}}}
		src := &fixedSource{&monitor.Snapshot{Active: "alpha", Fleet: fleet}}
		met.Watch(src)
		src.s = &monitor.Snapshot{Active: "bravo", Events: failover, Fleet: fleet}
		want := map[bool]string{false: "0", true: "1"}[leading]
		exp := "# HELP switchboard_fleet_leader In a fleet: 1 while this replica leads (probes and decides), 0 while it follows. sum() over replicas is 1 when all is well.\n" +
			"# TYPE switchboard_fleet_leader gauge\n" + `switchboard_fleet_leader{replica="r2"} ` + want + "\n" +
			"# HELP switchboard_fleet_replicas In a fleet: the replicas the fleet store lists, as this replica last saw them.\n" +
			"# TYPE switchboard_fleet_replicas gauge\n" + `switchboard_fleet_replicas{replica="r2"} 2` + "\n" +
			"# HELP switchboard_fleet_store_up In a fleet: 1 while the fleet store (etcd) answers this replica, 0 while it routes on its last route and refuses commands.\n" +
			"# TYPE switchboard_fleet_store_up gauge\n" + `switchboard_fleet_store_up{replica="r2"} 1` + "\n"
		if err := testutil.GatherAndCompare(met.Registry(), strings.NewReader(exp),
			"switchboard_fleet_leader", "switchboard_fleet_store_up", "switchboard_fleet_replicas"); err != nil {
			t.Errorf("leading %v: %v", leading, err)
		}
		problems, err := testutil.GatherAndLint(met.Registry(), "switchboard_fleet_leader", "switchboard_fleet_store_up", "switchboard_fleet_replicas")
		if err != nil || len(problems) > 0 {
			t.Errorf("lint: %v %v", problems, err)
		}
		if n := testutil.CollectAndCount(met.failovers); (n == 1) != leading {
			t.Errorf("leading %v: %d failover series", leading, n)
		}
	}
	met := New(cfg)
	met.Watch(&fixedSource{&monitor.Snapshot{Active: "alpha"}})
	if n, err := testutil.GatherAndCount(met.Registry(), "switchboard_fleet_leader"); err != nil || n != 0 {
		t.Errorf("outside a fleet: %d fleet_leader series (%v)", n, err)
	}
}
