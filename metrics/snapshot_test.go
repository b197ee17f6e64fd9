package metrics_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"switchboard/metrics"
	"switchboard/monitor"
)

// TestActiveGaugeFlipsAndStatesFollow reads the gauges as the board's
// policy moves: the active backend's gauge flips with a failover, every
// provider shows all seven states with 1 on the current one, and PANIC
// shows in the mode gauge.
func TestActiveGaugeFlipsAndStatesFollow(t *testing.T) {
	src := newBoardSource(testConfig([]string{"alpha", "bravo", "charlie"}))
	met := metrics.New(testConfig([]string{"alpha", "bravo", "charlie"}))
	met.Watch(src)
	reg := met.Registry()

	expectActive := func(active string) {
		t.Helper()
		var want strings.Builder
		want.WriteString("# HELP switchboard_active_backend 1 for the backend the gateway sends new requests to, 0 for every other provider.\n")
		want.WriteString("# TYPE switchboard_active_backend gauge\n")
		for _, p := range []string{"alpha", "bravo", "charlie"} {
			v := "0"
			if p == active {
				v = "1"
			}
			want.WriteString(`switchboard_active_backend{provider="` + p + `"} ` + v + "\n")
		}
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want.String()), "switchboard_active_backend"); err != nil {
			t.Fatal(err)
		}
	}
	expectState := func(provider string, st monitor.State) {
		t.Helper()
		if n := series(t, reg, "switchboard_provider_state"); n != 3*7 {
			t.Fatalf("%d provider_state series, want 3 providers × 7 states", n)
		}
		for _, s := range []monitor.State{"unknown", "up", "degraded", "down", "rate-limited", "misconfigured", "disabled"} {
			want := 0.0
			if s == st {
				want = 1
			}
			if got := value(t, reg, "switchboard_provider_state", "provider", provider, "state", string(s)); got != want {
				t.Errorf("provider_state{%s,%s} = %v, want %v", provider, s, got, want)
			}
		}
	}
	expectMode := func(mode string) {
		t.Helper()
		for _, m := range []string{"auto", "pinned", "forced", "panic"} {
			want := 0.0
			if m == mode {
				want = 1
			}
			if got := value(t, reg, "switchboard_mode", "mode", m); got != want {
				t.Errorf("mode{%s} = %v, want %v", m, got, want)
			}
		}
	}

	expectActive("alpha")
	expectState("alpha", monitor.StateUp)
	expectMode("auto")

	src.set("alpha", monitor.StateDown)
	expectActive("bravo")
	expectState("alpha", monitor.StateDown)
	expectState("bravo", monitor.StateUp)

	src.set("charlie", monitor.StateDisabled)
	expectState("charlie", monitor.StateDisabled)

	src.set("bravo", monitor.StateMisconfigured)
	expectState("bravo", monitor.StateMisconfigured)
	expectMode("panic")

	src.set("alpha", monitor.StateUp)
	expectActive("alpha")
	expectMode("auto")
}

// TestFailoverCountedOnce checks that each change of active backend is
// counted exactly once, by from, to and actor, however many scrapes and
// Snapshots show its event, with Follow counting alongside the scrapes.
func TestFailoverCountedOnce(t *testing.T) {
	cfg := testConfig([]string{"alpha", "bravo", "charlie"})
	src := newBoardSource(cfg)
	met := metrics.New(cfg)
	met.Watch(src)
	reg := met.Registry()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { met.Follow(ctx) })
	defer func() { cancel(); wg.Wait() }()

	if n := series(t, reg, "switchboard_failovers_total"); n != 0 {
		t.Fatalf("%d failover series before any failover", n)
	}
	src.set("alpha", monitor.StateDown)
	for range 3 {
		if got := value(t, reg, "switchboard_failovers_total", "from", "alpha", "to", "bravo", "actor", "policy"); got != 1 {
			t.Fatalf("failovers{alpha→bravo, policy} = %v, want 1", got)
		}
	}
	// More snapshots, none with a change of the active backend.
	for range 5 {
		src.set("charlie", monitor.StateDegraded)
		src.set("charlie", monitor.StateUp)
		_ = value(t, reg, "switchboard_failovers_total", "from", "alpha", "to", "bravo", "actor", "policy")
	}
	src.apply(t, monitor.Pin{Provider: "charlie"})
	for range 3 {
		for _, f := range [][3]string{{"alpha", "bravo", "policy"}, {"bravo", "charlie", "operator"}} {
			if got := value(t, reg, "switchboard_failovers_total", "from", f[0], "to", f[1], "actor", f[2]); got != 1 {
				t.Errorf("failovers{%s→%s, %s} = %v, want 1", f[0], f[1], f[2], got)
			}
		}
	}
	if n := series(t, reg, "switchboard_failovers_total"); n != 2 {
		t.Errorf("%d failover series, want 2", n)
	}
	if got := value(t, reg, "switchboard_metrics_events_missed_total"); got != 0 {
		t.Errorf("%v events missed with a short log between scrapes", got)
	}
}
