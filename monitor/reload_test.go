package monitor

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/probes"
)

// allUp waits until every named provider has been probed up.
func allUp(t *testing.T, m *Monitor, names ...string) {
	t.Helper()
	stepUntil(t, m, time.Minute, func(s *Snapshot) bool {
		for _, n := range names {
			if p, ok := s.Provider(n); !ok || p.State != StateUp {
				return false
			}
		}
		return true
	})
}

// findEvent returns the newest event about provider whose cause contains cause.
func findEvent(s *Snapshot, provider, cause string) (Event, bool) {
	for i := len(s.Events) - 1; i >= 0; i-- {
		if e := s.Events[i]; e.Provider == provider && strings.Contains(e.Cause, cause) {
			return e, true
		}
	}
	return Event{}, false
}

func TestReloadKeepsStayingProvidersAddsAndRemoves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure", "old")
		allUp(t, m, "openai", "azure", "old")
		stepUntil(t, m, time.Minute, func(s *Snapshot) bool { return s.Providers[0].Stats.Samples >= 3 })
		if err := m.Send(SetEnabled{Provider: "azure", Enabled: false}); err != nil {
			t.Fatal(err)
		}
		before, _ := m.Snapshot().Provider("openai")
		sc.set("new", hang) // its first probe is slow: the reload's own snapshot must show it unprobed

		if err := m.Reload(testConfig("openai", "azure", "new")); err != nil {
			t.Fatal(err)
		}
		s := m.Snapshot()
		if o, _ := s.Provider("openai"); o.State != StateUp || !o.Since.Equal(before.Since) || o.Stats.Samples < before.Stats.Samples {
			t.Fatalf("openai after reload: %s since %v with %d samples; want up since %v with ≥ %d",
				o.State, o.Since, o.Stats.Samples, before.Since, before.Stats.Samples)
		}
		if a, _ := s.Provider("azure"); a.Enabled || a.State != StateDisabled {
			t.Fatalf("azure after reload: %s enabled=%v; the operator disabled it and the file did not change", a.State, a.Enabled)
		}
		if n, ok := s.Provider("new"); !ok || n.State != StateUnknown || n.Priority != 2 {
			t.Fatalf("added provider: %+v; want it unknown at priority 2", n)
		}
		if _, ok := s.Provider("old"); ok {
			t.Fatal("removed provider still in the snapshot")
		}
		e, ok := findEvent(s, "old", "removed from config")
		if !ok || e.Actor != ActorConfig || e.Kind != EventOperator {
			t.Fatalf("no removal event for old: %+v", s.Events)
		}

		synctest.Wait()
		oldProbes := sc.count("old")
		sc.set("new", probes.ClassOK)
		stepUntil(t, m, 30*time.Second, func(s *Snapshot) bool { p, _ := s.Provider("new"); return p.State == StateUp })
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := sc.count("old"); got != oldProbes {
			t.Fatalf("removed provider probed %d more times after the reload", got-oldProbes)
		}
	})
}

func TestReloadRemovingTheActiveProviderFailsOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure")
		allUp(t, m, "openai", "azure")
		if err := m.Reload(testConfig("azure")); err != nil {
			t.Fatal(err)
		}
		s := m.Snapshot()
		if s.Active != "azure" || len(s.Route) != 1 {
			t.Fatalf("active %q route %v after removing the active provider; want azure alone", s.Active, s.Route)
		}
		last := s.Events[len(s.Events)-1]
		if last.Kind != EventActive || last.From != "openai" || last.To != "azure" ||
			last.Cause != "openai removed from config" || last.Actor != ActorConfig {
			t.Fatalf("last event %+v; want the move to azure, caused by the removal", last)
		}
	})
}

func TestReloadRemovingThePinnedProviderEndsThePin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure", "gemini")
		allUp(t, m, "openai", "azure", "gemini")
		if err := m.Send(Pin{Provider: "gemini"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Reload(testConfig("openai", "azure")); err != nil {
			t.Fatal(err)
		}
		s := m.Snapshot()
		if s.Pinned != "" || s.Mode != ModeAuto || s.Active != "openai" {
			t.Fatalf("pinned %q mode %s active %q; want the pin gone and openai active by policy", s.Pinned, s.Mode, s.Active)
		}
		if _, ok := findEvent(s, "gemini", "pin ended: removed from config"); !ok {
			t.Fatalf("no event says the pin ended: %+v", s.Events)
		}
	})
}

func TestReloadReplacesThePolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		allUp(t, m, "openai", "azure")
		cfg := testConfig("openai", "azure")
		cfg.Policy.FailAfter = 1
		if err := m.Reload(cfg); err != nil {
			t.Fatal(err)
		}
		sc.set("openai", probes.ClassServerError)
		stepUntil(t, m, 30*time.Second, func(s *Snapshot) bool { return s.Active == "azure" })
		e, ok := findEvent(m.Snapshot(), "openai", "server_error")
		if !ok || e.To != string(StateDown) || !strings.HasPrefix(e.Cause, "1×") {
			t.Fatalf("openai went down with %+v; want after one failure, as fail_after: 1 says", e)
		}
	})
}

func TestReloadOfAMovedEndpointStartsItAfresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		allUp(t, m, "openai", "azure")
		synctest.Wait()
		azureProbes := sc.count("azure")
		sc.set("openai", hang) // the new endpoint's first probe is slow
		cfg := testConfig("openai", "azure")
		cfg.Providers[0].BaseURL = "http://127.0.0.1:2"
		cfg.Providers[1].APIKey = "sk-rotated-0123456789"
		if err := m.Reload(cfg); err != nil {
			t.Fatal(err)
		}
		s := m.Snapshot()
		o, _ := s.Provider("openai")
		if o.State != StateUnknown || o.Stats.Samples != 0 || o.HasLast {
			t.Fatalf("openai after its base_url changed: %s with %d samples; want unknown with no history", o.State, o.Stats.Samples)
		}
		if e, ok := findEvent(s, "openai", "base_url changed"); !ok || e.From != string(StateUp) || e.To != string(StateUnknown) {
			t.Fatalf("event %+v; want up → unknown because base_url changed", e)
		}
		a, _ := s.Provider("azure")
		if a.State != StateUp || a.Stats.Samples == 0 {
			t.Fatalf("azure after a key change: %s with %d samples; want its state and history kept", a.State, a.Stats.Samples)
		}
		synctest.Wait() // no time passes: only the reload can cause a probe
		if sc.count("azure") == azureProbes {
			t.Fatal("azure's key changed but it was not probed at once")
		}
	})
}

func TestReloadWithoutRunIsRefused(t *testing.T) {
	m := New(testConfig("openai"), Options{Probe: newScript().probe})
	if err := m.Reload(testConfig("azure")); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("err %v, want ErrNotRunning", err)
	}
}

// Requests a provider served stay its own when a reload reorders the
// providers: the counts are kept per provider, not per position.
func TestReloadKeepsTrafficWithItsProvider(t *testing.T) {
	s := newSim(t, "openai", "azure", "gone")
	for range 7 {
		s.c.recordRequest(RequestRecord{At: s.now, Backend: "azure", Attempts: 1, OK: true})
	}
	s.c.recordRequest(RequestRecord{At: s.now, Backend: "gone", Attempts: 1, OK: true})
	s.c.reload(testConfig("azure", "openai"), s.now)
	snap := s.c.snapshot(s.now, 1)
	a, _ := snap.Provider("azure")
	o, _ := snap.Provider("openai")
	if a.Traffic.Served != 7 || o.Traffic.Served != 0 || snap.Traffic.Requests != 8 {
		t.Fatalf("azure served %d, openai %d, total %d; want 7, 0 and 8", a.Traffic.Served, o.Traffic.Served, snap.Traffic.Requests)
	}
	if snap.Active != "azure" || s.lastActiveEvent().Cause != "config reloaded" {
		t.Fatalf("active %q (%q); want azure, first in the new order", snap.Active, s.lastActiveEvent().Cause)
	}
}

// A provider added above the active one does not take its traffic before
// a probe has answered: it is failed back to after the hold-down, like a
// recovered provider.
func TestReloadNeverMovesTrafficToAnUnprobedProvider(t *testing.T) {
	s := newSim(t, "openai")
	s.ok("openai")
	s.c.reload(testConfig("fresh", "openai"), s.now)
	s.wantState("fresh", StateUnknown)
	s.wantActive("openai", ModeAuto)
	s.ok("fresh")
	s.advance(29 * time.Second)
	s.wantActive("openai", ModeAuto)
	s.advance(time.Second)
	s.wantActive("fresh", ModeAuto)
}
