package model

import (
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/demo"
)

// The demo's story on the wall, as --demo shows it with its application
// sending requests: before the outage openai serves them; during it the
// dashboard fails over and the requests are served by azure-openai, the
// REQ/S column moving with them, and not one reaches the application as
// an error.
func TestFlowDemoTrafficMovesToTheSecondary(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		rig := startDemo(t, true)
		m := New(rig.mon, Options{})
		defer m.Close()
		pr := startProgram(t, m, 200, 60)
		pr.waitFor(15*time.Second, func(raw, _ string) bool { return strings.Contains(raw, "switchboard · active: openai") })

		time.Sleep(time.Until(start.Add(demo.OutageStart - time.Second)))
		before := rig.mon.Snapshot()
		if o, _ := before.Provider(demo.OpenAI); o.Traffic.Served == 0 || o.App.RatePerSecond == 0 {
			t.Fatalf("before the outage openai served %d requests at %v/s, want the application's", o.Traffic.Served, o.App.RatePerSecond)
		}

		pr.waitFor(time.Minute, func(raw, text string) bool {
			return strings.Contains(raw, "switchboard · active: azure-openai") && strings.Contains(text, "▶ openai → azure-openai")
		})
		time.Sleep(time.Until(start.Add(demo.OutageEnd - 5*time.Second))) // late in the outage
		screen := screen(pr.quit())

		az, op := row(screen, demo.Azure), row(screen, demo.OpenAI)
		if !strings.Contains(strings.Split(screen, "\n")[0], "ACTIVE: azure-openai") || !strings.Contains(op, "✗ down") {
			t.Fatalf("late in the outage the wall does not show the failover:\n%s", screen)
		}
		// REQ/S is the fourth column from the right: the application's two
		// requests a second (less those still in flight) are on
		// azure-openai, none on openai.
		if r := reqRate(az); r < 1.5 || r > 2 {
			t.Errorf("azure-openai's REQ/S is %v, not the application's ≈2/s: %q", r, az)
		}
		if r := reqRate(op); r != 0 {
			t.Errorf("openai still takes %v requests a second: %q", r, op)
		}
		if !strings.Contains(screen, "errors 0% ·") {
			t.Errorf("the header's gateway line counts errors:\n%s", screen)
		}
		if st := rig.app.Stats(); st.Failed != 0 || st.OK < 100 {
			t.Fatalf("the application saw %d errors (last: %s) in %d requests, want 0 in more than 100", st.Failed, st.LastError, st.Sent)
		}
	})
}

// reqRate reads a row's REQ/S, the fourth column from the right; -1 when
// it is not a number.
func reqRate(row string) float64 {
	f := strings.Fields(row)
	if len(f) < 4 {
		return -1
	}
	r, err := strconv.ParseFloat(f[len(f)-4], 64)
	if err != nil {
		return -1
	}
	return r
}
