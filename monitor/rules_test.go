package monitor

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// One 429 asking for a day keeps the provider out for retry_after_max.
func TestRetryAfterIsCapped(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	r := probes.Result{Provider: "openai", Source: probes.SourcePassive, Class: probes.ClassRateLimited,
		Status: 429, RetryAfter: 24 * time.Hour}
	s.c.observe(r, s.now)
	s.wantState("openai", StateRateLimited)
	if got, want := s.c.byName["openai"].rateLimitedTill, s.now.Add(time.Minute); !got.Equal(want) {
		t.Fatalf("rate limited until %s, want %s (retry_after_max 60s)", got, want)
	}
	s.advance(time.Minute)
	s.wantState("openai", StateUp)
}

// The operator ends a Retry-After window: probe now, re-enable and pin
// each clear it, while the gateway's stalled-request hint does not.
func TestOperatorEndsRateLimitWindow(t *testing.T) {
	cases := []struct {
		name    string
		cmd     func(s *sim) Command
		cleared bool
		after   State // after one ok probe
	}{
		{"probe now", func(*sim) Command { return ProbeNow{} }, true, StateUp},
		{"probe now of the provider", func(*sim) Command { return ProbeNow{Provider: "openai"} }, true, StateUp},
		{"pin", func(*sim) Command { return Pin{Provider: "openai"} }, true, StateUp},
		// Re-enabled, it rejoins as down and needs recover_after ok probes,
		// but no Retry-After holds those probes back.
		{"re-enable", func(s *sim) Command {
			s.apply(SetEnabled{Provider: "openai", Enabled: false}, s.now)
			return SetEnabled{Provider: "openai", Enabled: true}
		}, true, StateDown},
		{"stalled hint", func(*sim) Command { return ProbeNow{Provider: "openai", Stalled: true} }, false, StateRateLimited},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, "openai", "azure")
			s.all("openai", "azure")
			r := probes.Result{Provider: "openai", Source: probes.SourceProbe, Class: probes.ClassRateLimited,
				Status: 429, RetryAfter: 30 * time.Second}
			s.c.observe(r, s.now)
			cmd := c.cmd(s)
			if err := s.c.validate(cmd, s.now); err != nil {
				t.Fatal(err)
			}
			s.apply(cmd, s.now)
			snap := s.c.snapshot(s.now, 1)
			p, _ := snap.Provider("openai")
			if cleared := p.RateLimitedUntil.IsZero(); cleared != c.cleared {
				t.Fatalf("window cleared %v, want %v (until %s)", cleared, c.cleared, p.RateLimitedUntil)
			}
			if next := s.c.nextDeadline(s.now); c.cleared && next.Equal(s.now.Add(30*time.Second)) {
				t.Fatal("a cleared window still ends by the clock")
			}
			s.advance(time.Second)
			s.ok("openai") // the probe the command asked for answers
			s.wantState("openai", c.after)
		})
	}
}

// Probe now reaches a provider the prober was holding back for a
// Retry-After: the probe goes out at once, not when the window ends.
func TestProbeNowProbesInsideRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		stepUntil(t, m, time.Second, func(s *Snapshot) bool { return s.Providers[0].State == StateUp })
		r := passive("openai", probes.ClassRateLimited)
		r.Status, r.RetryAfter = 429, 50*time.Second
		m.Report(r)
		time.Sleep(time.Second)
		synctest.Wait()
		before := sc.count("openai")
		if err := m.Send(ProbeNow{Provider: "openai"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if n := sc.count("openai") - before; n != 1 {
			t.Fatalf("%d probes after the operator's probe now inside a 50 s Retry-After, want 1", n)
		}
		if st := m.Snapshot().Providers[0].State; st != StateUp {
			t.Fatalf("state %s after an ok probe, want up", st)
		}
	})
}

// Failures a request causes itself move no health: its own 4xx, a 429
// for a request too large (reported as a client error), and a timeout a
// long generation also hits. A timeout asks for a probe instead.
func TestRequestsOwnFailuresMoveNoHealth(t *testing.T) {
	for _, class := range []probes.Class{probes.ClassClientError, probes.ClassAuth, probes.ClassTimeout} {
		t.Run(string(class), func(t *testing.T) {
			s := newSim(t, "openai", "azure")
			s.all("openai", "azure")
			events := len(s.c.events)
			reprobe := false
			for range 10 {
				reprobe = s.c.observe(probes.Result{Provider: "openai", Source: probes.SourcePassive, Class: class, Status: 400}, s.now) || reprobe
				s.advance(2 * time.Second)
			}
			s.wantState("openai", StateUp)
			s.wantActive("openai", ModeAuto)
			if len(s.c.events) != events {
				t.Fatalf("events %v", s.c.events[events:])
			}
			if p := s.c.byName["openai"]; p.consecFail != 0 || p.lastError != "" {
				t.Fatalf("counted: %d consecutive failures, last error %q", p.consecFail, p.lastError)
			}
			if want := class == probes.ClassTimeout; reprobe != want {
				t.Fatalf("asked for a probe: %v, want %v", reprobe, want)
			}
		})
	}
}

// A kind http health check is watched, never routed: not active even
// when first and healthy, never next or in the route, refused as a pin,
// and never the least-bad backend of a PANIC.
func TestHTTPCheckNeverRoutes(t *testing.T) {
	cfg := testConfig("internal-proxy", "alpha", "bravo")
	cfg.Providers[0].Kind = config.KindHTTP
	s := newSimWith(t, cfg)
	s.all("internal-proxy", "alpha", "bravo")
	snap := s.c.snapshot(s.now, 1)
	if snap.Active != "alpha" || snap.Next != "bravo" || !slices.Equal(snap.Route, []string{"alpha", "bravo"}) {
		t.Fatalf("active %q next %q route %v, want alpha, bravo, [alpha bravo]", snap.Active, snap.Next, snap.Route)
	}
	if p, _ := snap.Provider("internal-proxy"); p.InRotation || !p.OutOfService || p.CarriesTraffic {
		t.Fatalf("http check published as in rotation %v, out of service %v, carries %v", p.InRotation, p.OutOfService, p.CarriesTraffic)
	}
	if err := s.c.validate(Pin{Provider: "internal-proxy"}, s.now); err == nil || !strings.Contains(err.Error(), "cannot carry traffic") {
		t.Fatalf("pin of an http check: %v", err)
	}
	for range 3 {
		s.fail("alpha", probes.ClassConnect)
		s.fail("bravo", probes.ClassAuth)
	}
	s.wantActive("alpha", ModePanic)
	if snap := s.c.snapshot(s.now, 2); !slices.Equal(snap.Route, []string{"alpha"}) {
		t.Fatalf("PANIC route %v, want [alpha]", snap.Route)
	}
}

// The operator's pin wins over probes: a pinned provider the probes call
// down stays active and heads the route, with the standbys behind it for
// retries, and is not out of service (the gateway must not move its
// requests away).
func TestPinWinsOverProbes(t *testing.T) {
	s := newSim(t, "alpha", "bravo", "charlie")
	s.all("alpha", "bravo", "charlie")
	s.apply(Pin{Provider: "alpha"}, s.now)
	for range 3 {
		s.fail("alpha", probes.ClassConnect)
	}
	s.wantState("alpha", StateDown)
	s.wantActive("alpha", ModePinned)
	snap := s.c.snapshot(s.now, 1)
	if !slices.Equal(snap.Route, []string{"alpha", "bravo", "charlie"}) || snap.Next != "bravo" {
		t.Fatalf("route %v next %q, want [alpha bravo charlie] next bravo", snap.Route, snap.Next)
	}
	if p, _ := snap.Provider("alpha"); p.OutOfService || !p.InRotation {
		t.Fatalf("pinned alpha: out of service %v, in rotation %v", p.OutOfService, p.InRotation)
	}
}

// A force failover carries what the operator saw; a stale one is refused
// with a message that says what changed, and moves nothing.
func TestStaleForceFailoverIsRefused(t *testing.T) {
	cases := []struct {
		name string
		cmd  ForceFailover
		want string // "" = applied
	}{
		{"as seen", ForceFailover{From: "alpha", To: "bravo"}, ""},
		{"no expectation", ForceFailover{}, ""},
		{"active changed", ForceFailover{From: "bravo", To: "charlie"}, "the active backend is now alpha"},
		{"target changed", ForceFailover{From: "alpha", To: "charlie"}, "the next backend is now bravo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := NewBoard(testConfig("alpha", "bravo", "charlie"), t0)
			for _, n := range []string{"alpha", "bravo", "charlie"} {
				b.Set(n, StateUp, "test", t0)
			}
			err := b.Apply(c.cmd, t0)
			active := b.Snapshot(t0).Active
			switch {
			case c.want == "" && (err != nil || active != "bravo"):
				t.Fatalf("err %v, active %s; want applied, bravo active", err, active)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || active != "alpha"):
				t.Fatalf("err %v, active %s; want %q and alpha still active", err, active, c.want)
			}
		})
	}
}

// The hold-down doubles per ejection up to holddown_max, whatever the
// count: no shift can overflow into a short or negative hold-down.
func TestHolddownNeverOverflows(t *testing.T) {
	pol := testConfig().Policy
	pol.HolddownMax = config.Duration(24 * time.Hour)
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 4: 4 * time.Minute,
		13: 24 * time.Hour, 40: 24 * time.Hour, 64: 24 * time.Hour, 1 << 30: 24 * time.Hour} {
		if got := holddownFor(n, pol); got != want {
			t.Errorf("%d ejections: hold-down %s, want %s", n, got, want)
		}
	}
}
