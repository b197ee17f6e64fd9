package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/monitor"
)

// In a fleet the header names the replicas, the leader (starred), this
// replica and the fleet store's state; with the store unreachable it says
// so first, and since when. Outside a fleet there is no such line.
func TestHeaderShowsTheFleet(t *testing.T) {
	st := baseState(4)
	if out := ansi.Strip(Header(st, 200, DefaultStyles())); strings.Contains(out, "fleet") {
		t.Errorf("a fleet line outside a fleet:\n%s", out)
	}
	since := st.Now.Add(-90 * time.Second)
	st.Snap.Fleet = &monitor.FleetStatus{Replica: "r2", Leader: "r1", StoreOK: true, Since: since,
		Replicas: []monitor.FleetReplica{{Name: "r1"}, {Name: "r2"}, {Name: "r3"}}}
	out := ansi.Strip(Header(st, 200, DefaultStyles()))
	if !strings.Contains(out, "fleet 3 replicas (r1★ r2 r3) · leader r1 · this r2 · store ok") {
		t.Errorf("header:\n%s", out)
	}
	st.Snap.Fleet.StoreOK, st.Snap.Fleet.Leader = false, ""
	out = ansi.Strip(Header(st, 200, DefaultStyles()))
	line := strings.Split(out, "\n")[1]
	for _, want := range []string{"⚠ fleet store unreachable since " + fmtClock(since) + " (1m30s)",
		"routing on the last route; commands refused", "fleet 3 replicas (r1 r2 r3) · no leader · this r2"} {
		if !strings.Contains(line, want) {
			t.Errorf("the fleet line with the store unreachable lacks %q:\n%s", want, line)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(line), "⚠ fleet store unreachable") {
		t.Errorf("the warning is not first:\n%s", line)
	}
}
