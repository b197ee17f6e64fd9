package monitor

import (
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

func TestOutageFailsOverAfterThreeFailures(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	s.wantActive("openai", ModeAuto)
	for i := 0; i < 2; i++ {
		s.advance(time.Second)
		s.fail("openai", probes.ClassTimeout)
		s.wantActive("openai", ModeAuto) // two failures are not an outage
	}
	s.advance(time.Second)
	s.fail("openai", probes.ClassTimeout)
	s.wantState("openai", StateDown)
	s.wantActive("azure", ModeAuto)
	e := s.lastActiveEvent()
	if e.From != "openai" || e.To != "azure" || e.Actor != ActorPolicy || e.Cause != "openai down: 3× timeout" {
		t.Fatalf("event %+v", e)
	}
}

func TestFailbackOnlyAfterHolddown(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	for i := 0; i < 3; i++ {
		s.fail("openai", probes.ClassConnect)
	}
	s.wantActive("azure", ModeAuto)
	s.advance(time.Second)
	s.ok("openai")
	s.wantState("openai", StateDown) // one success is not a recovery
	s.advance(time.Second)
	s.ok("openai")
	s.wantState("openai", StateUp)
	if hd := s.c.byName["openai"].holddownUntil.Sub(s.now); hd != 30*time.Second {
		t.Fatalf("hold-down %s, want 30s", hd)
	}
	s.advance(29 * time.Second)
	s.ok("openai")
	s.wantActive("azure", ModeAuto)
	s.advance(time.Second)
	s.wantActive("openai", ModeAuto)
	if e := s.lastActiveEvent(); e.Cause != "failback: openai recovered" {
		t.Fatalf("failback cause %q", e.Cause)
	}
}

func TestHolddownDoublesPerEjectionAndIsCapped(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	var got []time.Duration
	for round := 0; round < 6; round++ {
		for i := 0; i < 3; i++ {
			s.fail("openai", probes.ClassServerError)
		}
		s.ok("openai")
		s.ok("openai")
		got = append(got, s.c.byName["openai"].holddownUntil.Sub(s.now))
		s.advance(time.Minute) // not long enough to be forgiven
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("hold-downs %v, want %v", got, want)
		}
	}
}

func TestFlappingProviderDoesNotCauseRepeatedFailovers(t *testing.T) {
	patterns := map[string]string{"alternating": "+-", "two in three fail": "+--", "bursts of two": "++--"}
	for name, pattern := range patterns {
		t.Run(name, func(t *testing.T) {
			s := newSim(t, "openai", "azure")
			s.all("openai", "azure")
			for i := 0; i < 300; i++ {
				s.advance(time.Second)
				if pattern[i%len(pattern)] == '+' {
					s.ok("openai")
				} else {
					s.fail("openai", probes.ClassServerError)
				}
				s.ok("azure")
			}
			if n := s.activeChanges(); n > 1 {
				t.Fatalf("%d failovers for a flapping provider, want at most 1", n)
			}
		})
	}
}

func TestRecoveredProviderIsNotKnockedDownByItsOldOutage(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	for i := 0; i < 60; i++ { // a minute-long outage at the suspect interval
		s.advance(time.Second)
		s.fail("openai", probes.ClassTimeout)
	}
	s.ok("openai")
	s.ok("openai")
	s.wantState("openai", StateUp)
	s.advance(time.Second)
	s.fail("openai", probes.ClassTimeout) // one blip after recovery
	s.wantState("openai", StateUp)
}

func TestDownByErrorRate(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	// fail, fail, ok: never three in a row, but two thirds of samples fail.
	for i := 0; i < 30 && s.c.byName["openai"].state != StateDown; i++ {
		s.advance(time.Second)
		if i%3 == 2 {
			s.ok("openai")
		} else {
			s.fail("openai", probes.ClassServerError)
		}
	}
	s.wantState("openai", StateDown)
	if !strings.HasPrefix(s.c.byName["openai"].cause, "error rate") {
		t.Fatalf("cause %q", s.c.byName["openai"].cause)
	}
}

func TestDegradedStaysActive(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	for i := 0; i < 10; i++ {
		s.advance(time.Second)
		s.result("openai", probes.ClassOK, 3*time.Second)
	}
	s.wantState("openai", StateDegraded)
	s.wantActive("openai", ModeAuto)
	for i := 0; i < 200; i++ {
		s.advance(2 * time.Second)
		s.ok("openai")
	}
	s.wantState("openai", StateUp)
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	s := newSim(t, "anthropic", "azure")
	s.all("anthropic", "azure")
	s.c.observe(probes.Result{Provider: "anthropic", Class: probes.ClassRateLimited, Status: 429, RetryAfter: 7 * time.Second}, s.now)
	s.wantState("anthropic", StateRateLimited)
	s.wantActive("azure", ModeAuto)
	s.advance(6 * time.Second)
	s.wantState("anthropic", StateRateLimited)
	s.advance(time.Second)
	s.wantState("anthropic", StateUp)
	if got := s.c.nextDeadline(s.now); !got.IsZero() && got.Sub(s.now) < time.Second {
		t.Fatalf("unexpected deadline %s", got)
	}
}

func TestRateLimitWithoutRetryAfterWaitsFiveSeconds(t *testing.T) {
	s := newSim(t, "anthropic", "azure")
	s.all("anthropic", "azure")
	s.fail("anthropic", probes.ClassRateLimited)
	if d := s.c.byName["anthropic"].rateLimitedTill.Sub(s.now); d != 5*time.Second {
		t.Fatalf("rate limited for %s, want 5s", d)
	}
}

// A probe refused for its own request (a bad key, or a 404 for a wrong
// base_url, model or deployment) is a setting to fix, not an outage:
// misconfigured at once, and probed at the normal pace.
func TestRefusedProbeIsMisconfiguredAtOnce(t *testing.T) {
	for _, class := range []probes.Class{probes.ClassAuth, probes.ClassClientError} {
		s := newSim(t, "openai", "azure")
		s.all("openai", "azure")
		s.fail("openai", class)
		s.wantState("openai", StateMisconfigured)
		s.wantActive("azure", ModeAuto)
		if got := s.c.intervalFor(s.c.byName["openai"], s.now); got != 10*time.Second {
			t.Fatalf("%s: misconfigured probed every %s, want the normal 10s", class, got)
		}
	}
}

func TestEverythingDownIsPanicAndLeastBadStaysActive(t *testing.T) {
	s := newSim(t, "openai", "azure", "ollama")
	s.all("openai", "azure", "ollama")
	for i := 0; i < 3; i++ {
		s.fail("openai", probes.ClassConnect)
	}
	s.wantActive("azure", ModeAuto)
	s.fail("ollama", probes.ClassAuth)
	for i := 0; i < 3; i++ {
		s.fail("azure", probes.ClassServerError)
	}
	s.wantActive("azure", ModePanic) // down beats misconfigured; current wins the tie with openai
	if !strings.HasPrefix(s.c.activeCause, "openai down") {
		t.Fatalf("cause %q", s.c.activeCause)
	}
	snap := s.c.snapshot(s.now, 1)
	if r := snap.Route; len(r) != 1 || r[0] != "azure" {
		t.Fatalf("panic route %v, want only the least-bad", r)
	}
}

func TestOperatorCommands(t *testing.T) {
	type step struct {
		cmd        Command
		wantActive string
		wantMode   Mode
	}
	cases := map[string][]step{
		"force failover drains the active":  {{ForceFailover{}, "azure", ModeForced}},
		"force then auto returns":           {{ForceFailover{}, "azure", ModeForced}, {Auto{}, "openai", ModeAuto}},
		"pin a lower priority":              {{Pin{Provider: "ollama"}, "ollama", ModePinned}},
		"pin then auto":                     {{Pin{Provider: "ollama"}, "ollama", ModePinned}, {Auto{}, "openai", ModeAuto}},
		"disable the active":                {{SetEnabled{Provider: "openai"}, "azure", ModeAuto}},
		"disable then enable":               {{SetEnabled{Provider: "openai"}, "azure", ModeAuto}, {SetEnabled{Provider: "openai", Enabled: true}, "azure", ModeAuto}},
		"disable a backup keeps the active": {{SetEnabled{Provider: "azure"}, "openai", ModeAuto}},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			s := newSim(t, "openai", "azure", "ollama")
			s.all("openai", "azure", "ollama")
			for _, st := range steps {
				if err := s.c.validate(st.cmd, s.now); err != nil {
					t.Fatalf("%T refused: %v", st.cmd, err)
				}
				s.apply(st.cmd, s.now)
				s.wantActive(st.wantActive, st.wantMode)
			}
			var ops int
			for _, e := range s.c.events {
				if e.Actor == ActorOperator && e.Kind == EventOperator {
					ops++
				}
			}
			if ops != len(steps) {
				t.Fatalf("%d operator events for %d commands", ops, len(steps))
			}
		})
	}
}

func TestForceFailoverDrainExpires(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	s.apply(ForceFailover{}, s.now)
	s.wantActive("azure", ModeForced)
	if e := s.lastActiveEvent(); e.Actor != ActorOperator || e.Cause != "forced failover from openai" {
		t.Fatalf("event %+v", e)
	}
	s.advance(5*time.Minute - time.Second)
	s.wantActive("azure", ModeForced)
	s.advance(time.Second)
	s.wantActive("openai", ModeAuto)
}

func TestForceFailoverWithNowhereToGoIsRefused(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	for i := 0; i < 3; i++ {
		s.fail("azure", probes.ClassConnect)
	}
	if err := s.c.validate(ForceFailover{}, s.now); !errors.Is(err, ErrNoAlternative) {
		t.Fatalf("err %v, want ErrNoAlternative", err)
	}
}

func TestPinHoldsThroughOutageAndExpires(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	s.apply(Pin{Provider: "azure", For: time.Minute}, s.now)
	for i := 0; i < 3; i++ {
		s.fail("azure", probes.ClassServerError)
	}
	s.wantActive("azure", ModePinned) // the operator said so
	s.advance(time.Minute)
	s.wantActive("openai", ModeAuto)
}

func TestPinUnknownOrDisabledIsRefused(t *testing.T) {
	s := newSim(t, "openai", "azure")
	if err := s.c.validate(Pin{Provider: "nope"}, s.now); err == nil {
		t.Fatal("pin of an unknown provider accepted")
	}
	s.apply(SetEnabled{Provider: "azure"}, s.now)
	if err := s.c.validate(Pin{Provider: "azure"}, s.now); err == nil {
		t.Fatal("pin of a disabled provider accepted")
	}
}

func TestManualFailbackWaitsForOperator(t *testing.T) {
	cfg := testConfig("openai", "azure")
	cfg.Policy.Failback = config.FailbackManual
	s := newSimWith(t, cfg)
	s.all("openai", "azure")
	for i := 0; i < 3; i++ {
		s.fail("openai", probes.ClassConnect)
	}
	s.ok("openai")
	s.ok("openai")
	s.advance(time.Hour)
	s.ok("openai")
	s.wantActive("azure", ModeAuto)
	s.apply(Auto{}, s.now)
	s.wantActive("openai", ModeAuto)
}

func TestPassiveFailureAsksForReprobe(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	reprobe := s.c.observe(probes.Result{Provider: "openai", Source: probes.SourcePassive, Class: probes.ClassConnect}, s.now)
	if !reprobe {
		t.Fatal("a failure on real traffic did not ask for a probe")
	}
	if got := s.c.intervalFor(s.c.byName["openai"], s.now); got != time.Second {
		t.Fatalf("suspect interval %s, want 1s", got)
	}
	if s.c.observe(probes.Result{Provider: "openai", Source: probes.SourcePassive, Class: probes.ClassClientError, Status: 400}, s.now) {
		t.Fatal("a client's 400 condemned the provider")
	}
}
