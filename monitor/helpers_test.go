package monitor

import (
	"testing"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// testConfig is a config with the design's defaults and one provider per
// name, in priority order. It does not depend on config.Default so the
// policy is pinned to the numbers in design.md.
func testConfig(names ...string) *config.Config {
	cfg := &config.Config{
		Interval: config.Duration(10 * time.Second), SuspectInterval: config.Duration(time.Second),
		Timeout: config.Duration(10 * time.Second), Window: config.Duration(5 * time.Minute),
		StatusInterval: config.Duration(time.Minute),
		Policy: config.Policy{FailAfter: 3, RecoverAfter: 2, DegradedLatency: config.Duration(2 * time.Second),
			DegradedErrorRate: 0.10, Failback: config.FailbackAuto, Holddown: config.Duration(30 * time.Second),
			HolddownMax: config.Duration(5 * time.Minute), DrainFor: config.Duration(5 * time.Minute),
			RetryAfterMax: config.Duration(time.Minute)},
	}
	for _, n := range names {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, BaseURL: "http://127.0.0.1:1"})
	}
	return cfg
}

// sim drives a core with results at fake times, as the decider would.
type sim struct {
	t   testing.TB
	c   *core
	now time.Time
}

func newSim(t testing.TB, names ...string) *sim {
	return newSimWith(t, testConfig(names...))
}

func newSimWith(t testing.TB, cfg *config.Config) *sim {
	return &sim{t: t, c: newCore(cfg, t0, 200, false), now: t0}
}

func (s *sim) advance(d time.Duration) {
	s.now = s.now.Add(d)
	s.c.tick(s.now)
}

func (s *sim) result(name string, class probes.Class, latency time.Duration) {
	r := probes.Result{Provider: name, Source: probes.SourceProbe, Class: class, Latency: latency}
	switch class {
	case probes.ClassServerError:
		r.Status, r.Err = 503, "503 Service Unavailable"
	case probes.ClassAuth:
		r.Status, r.Err = 401, "invalid api key"
	case probes.ClassClientError:
		r.Status, r.Err = 404, "The model `gpt-4o-mnii` does not exist"
	case probes.ClassRateLimited:
		r.Status = 429
	case probes.ClassTimeout:
		r.Err = "timeout after 1s"
	}
	s.c.observe(r, s.now)
}

func (s *sim) ok(name string)                   { s.result(name, probes.ClassOK, 100*time.Millisecond) }
func (s *sim) fail(name string, c probes.Class) { s.result(name, c, 0) }

// all gives every named provider one ok probe.
func (s *sim) all(names ...string) {
	for _, n := range names {
		s.ok(n)
	}
}

func (s *sim) wantActive(name string, mode Mode) {
	s.t.Helper()
	if s.c.active != name || s.c.mode != mode {
		s.t.Fatalf("active %q mode %s, want %q mode %s (cause %q)", s.c.active, s.c.mode, name, mode, s.c.activeCause)
	}
}

func (s *sim) wantState(name string, st State) {
	s.t.Helper()
	if got := s.c.byName[name].state; got != st {
		s.t.Fatalf("%s state %s, want %s (cause %q)", name, got, st, s.c.byName[name].cause)
	}
}

// activeChanges counts active-backend events after the initial choice.
func (s *sim) activeChanges() int {
	n := 0
	for _, e := range s.c.events {
		if e.Kind == EventActive && e.From != "" {
			n++
		}
	}
	return n
}

func (s *sim) lastActiveEvent() Event {
	for i := len(s.c.events) - 1; i >= 0; i-- {
		if e := s.c.events[i]; e.Kind == EventActive {
			return e
		}
	}
	s.t.Fatal("no active event")
	return Event{}
}

// apply gives cmd as the operator's order at now.
func (s *sim) apply(cmd Command, now time.Time) []string {
	return s.c.apply(Order{Command: cmd}, now)
}
