package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"switchboard/monitor"
)

// TestFleetState: in a fleet the state names the replica, the leader and
// every replica, and says whether the fleet store answers; a replica is
// last seen now while it does, and when it stopped answering otherwise.
// Outside a fleet "fleet" is null.
func TestFleetState(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	joined := now.Add(-time.Hour)
	snap := &monitor.Snapshot{Fleet: &monitor.FleetStatus{Replica: "r2", Leader: "r1", StoreOK: true, Since: joined,
		Replicas: []monitor.FleetReplica{{Name: "r1", API: "r1:8788", Joined: joined}, {Name: "r2", API: "r2:8788", Joined: joined}}}}
	st := stateOf(snap, now)
	data, _ := json.Marshal(st.Fleet)
	want := `{"replica":"r2","leader":"r1","leading":false,"replicas":[` +
		`{"name":"r1","api":"r1:8788","leader":true,"joined":"2026-11-29T11:00:00Z","last_seen":"2026-11-29T12:00:00Z"},` +
		`{"name":"r2","api":"r2:8788","leader":false,"joined":"2026-11-29T11:00:00Z","last_seen":"2026-11-29T12:00:00Z"}],` +
		`"store":"ok","since":"2026-11-29T11:00:00Z"}`
	if string(data) != want {
		t.Errorf("fleet:\n%s\nwant\n%s", data, want)
	}

	lost := now.Add(-time.Minute)
	snap.Fleet = &monitor.FleetStatus{Replica: "r2", StoreOK: false, Since: lost, StoreErr: "no answer in time",
		Replicas: []monitor.FleetReplica{{Name: "r2", API: "r2:8788", Joined: joined}}}
	f := stateOf(snap, now).Fleet
	if f.Store != StoreUnreachable || f.Leader != nil || !f.Replicas[0].LastSeen.Equal(lost) || f.Error != "no answer in time" {
		t.Errorf("unreachable: %+v", f)
	}

	data, _ = json.Marshal(stateOf(&monitor.Snapshot{}, now))
	if !strings.Contains(string(data), `"fleet":null`) {
		t.Errorf("outside a fleet: %s; want \"fleet\":null", data)
	}
}
