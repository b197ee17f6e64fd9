package metrics_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/metrics"
	"switchboard/monitor"
	"switchboard/probes"
)

// script is a probe function whose outcome per provider a test sets; it
// counts the probes it has answered, by provider and class.
type script struct {
	mu       sync.Mutex
	outcome  map[string]probes.Class
	answered map[string]map[probes.Class]int
}

func newScript() *script {
	return &script{outcome: map[string]probes.Class{}, answered: map[string]map[probes.Class]int{}}
}

func (s *script) set(name string, c probes.Class) {
	s.mu.Lock()
	s.outcome[name] = c
	s.mu.Unlock()
}

func (s *script) count(name string, c probes.Class) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answered[name][c]
}

func (s *script) probe(_ context.Context, p config.Provider) probes.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.outcome[p.Name]
	if c == "" {
		c = probes.ClassOK
	}
	if s.answered[p.Name] == nil {
		s.answered[p.Name] = map[probes.Class]int{}
	}
	s.answered[p.Name][c]++
	return probes.Result{Class: c, Latency: 100 * time.Millisecond}
}

// runMonitor runs a real monitor over cfg whose probes are sc's, wrapped
// by met, and watched by met, until the test ends.
func runMonitor(t *testing.T, cfg *config.Config, sc *script, met *metrics.Metrics) *monitor.Monitor {
	t.Helper()
	m := monitor.New(cfg, monitor.Options{Probe: met.WrapProbe(sc.probe), Seed: 1})
	met.Watch(m)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return m
}

// waitFor lets bubble time pass a second at a time until cond holds.
func waitFor(t *testing.T, m *monitor.Monitor, limit time.Duration, what string, cond func(*monitor.Snapshot) bool) {
	t.Helper()
	for elapsed := time.Duration(0); elapsed <= limit; elapsed += time.Second {
		synctest.Wait()
		if cond(m.Snapshot()) {
			return
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("%s: not within %s", what, limit)
}

// TestRunningMonitorMovesTheMetrics runs the real monitor (in a synctest
// bubble, so its clock is fake) and checks that every probe is counted
// once, by class, that a failover flips the active gauge and is counted
// once with its actor, and that an operator's order is counted under
// the name of its API token, or as other for a name the config lacks.
func TestRunningMonitorMovesTheMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig([]string{"openai", "azure"}, "oncall")
		sc := newScript()
		met := metrics.New(cfg)
		reg := met.Registry()
		m := runMonitor(t, cfg, sc, met)

		waitFor(t, m, time.Minute, "both up", func(s *monitor.Snapshot) bool {
			return s.Providers[0].State == monitor.StateUp && s.Providers[1].State == monitor.StateUp
		})
		sc.set("openai", probes.ClassServerError)
		waitFor(t, m, time.Minute, "failover to azure", func(s *monitor.Snapshot) bool { return s.Active == "azure" })
		time.Sleep(30 * time.Second) // more probes, more snapshots, no more failovers
		synctest.Wait()

		for _, p := range []string{"openai", "azure"} {
			for _, c := range []probes.Class{probes.ClassOK, probes.ClassServerError} {
				want := float64(sc.count(p, c))
				if got := value(t, reg, "switchboard_probe_results_total", "provider", p, "class", string(c)); got != want {
					t.Errorf("probe_results{%s,%s} = %v, the script answered %v", p, c, got, want)
				}
			}
			if got, want := value(t, reg, "switchboard_probe_duration_seconds", "provider", p), float64(sc.count(p, probes.ClassOK)); got != want {
				t.Errorf("probe_duration{%s} has %v samples, want one per successful probe: %v", p, got, want)
			}
		}
		if sc.count("openai", probes.ClassServerError) < 3 {
			t.Fatalf("failed over after %d failed probes", sc.count("openai", probes.ClassServerError))
		}
		for range 3 {
			if got := value(t, reg, "switchboard_failovers_total", "from", "openai", "to", "azure", "actor", "policy"); got != 1 {
				t.Fatalf("failovers{openai→azure, policy} = %v, want 1", got)
			}
			if value(t, reg, "switchboard_active_backend", "provider", "azure") != 1 ||
				value(t, reg, "switchboard_active_backend", "provider", "openai") != 0 {
				t.Fatal("the active gauge did not flip to azure")
			}
			if value(t, reg, "switchboard_provider_state", "provider", "openai", "state", "down") != 1 {
				t.Fatal("provider_state{openai,down} is not 1")
			}
		}

		sc.set("openai", probes.ClassOK)
		if _, err := m.Apply(monitor.Order{Command: monitor.Pin{Provider: "openai"}, Actor: "oncall"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Apply(monitor.Order{Command: monitor.Pin{Provider: "azure"}, Actor: "mallory"}); err != nil {
			t.Fatal(err)
		}
		for _, f := range [][3]string{{"openai", "azure", "policy"}, {"azure", "openai", "oncall"}, {"openai", "azure", "other"}} {
			if got := value(t, reg, "switchboard_failovers_total", "from", f[0], "to", f[1], "actor", f[2]); got != 1 {
				t.Errorf("failovers{%s→%s, %s} = %v, want 1", f[0], f[1], f[2], got)
			}
		}
		if value(t, reg, "switchboard_mode", "mode", "pinned") != 1 {
			t.Error("mode{pinned} is not 1 after a pin")
		}
	})
}
