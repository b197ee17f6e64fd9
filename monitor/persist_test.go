package monitor

import (
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/probes"
)

// restart is a core started from what s's core would have persisted, as a
// monitor started on the same state file after `after` of downtime.
func (s *sim) restart(after time.Duration, names ...string) *sim {
	s.t.Helper()
	saved := &Restored{State: s.c.persisted(s.now), Events: slices.Clone(s.c.events)}
	now := s.now.Add(after)
	c := newCore(testConfig(names...), now, 200, false)
	c.restore(saved, now)
	return &sim{t: s.t, c: c, now: now}
}

func causes(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.Cause + "\n")
	}
	return b.String()
}

// After a restart, before any probe: the pinned backend is active, a
// disabled provider stays disabled, a provider that was down stays out
// of rotation, Retry-After windows, drains and ejections are kept, and
// the event sequence carries on.
func TestRestoreBeforeTheFirstProbe(t *testing.T) {
	s := newSim(t, "alpha", "bravo", "charlie", "delta", "echo")
	s.all("alpha", "bravo", "charlie", "delta", "echo")
	for range 3 {
		s.fail("alpha", probes.ClassConnect) // alpha down: one ejection
	}
	s.apply(SetEnabled{Provider: "delta", Enabled: false}, s.now)
	s.c.observe(probes.Result{Provider: "echo", Source: probes.SourceProbe, Class: probes.ClassRateLimited, Status: 429, RetryAfter: 50 * time.Second}, s.now)
	s.apply(Pin{Provider: "charlie", For: 15 * time.Minute}, s.now)
	lastSeq := s.c.seq

	r := s.restart(10*time.Second, "alpha", "bravo", "charlie", "delta", "echo")
	r.wantActive("charlie", ModePinned)
	r.wantState("alpha", StateDown)
	r.wantState("delta", StateDisabled)
	r.wantState("echo", StateRateLimited)
	if got, want := r.c.byName["echo"].rateLimitedTill, s.now.Add(50*time.Second); !got.Equal(want) {
		t.Errorf("echo's Retry-After ends %s, want %s", got, want)
	}
	if a := r.c.byName["alpha"]; a.ejections != 1 {
		t.Errorf("alpha's ejections %d, want 1", a.ejections)
	}
	if got, want := r.c.pinnedUntil, s.now.Add(15*time.Minute); !got.Equal(want) {
		t.Errorf("pin ends %s, want %s", got, want)
	}
	snap := r.c.snapshot(r.now, 1)
	if !slices.Equal(snap.Route, []string{"charlie", "bravo"}) {
		t.Errorf("route %v, want [charlie bravo]: alpha stays out until probes say otherwise", snap.Route)
	}
	if e := r.c.events[len(r.c.events)-1]; e.Seq != lastSeq+1 || !strings.Contains(e.Cause, "state restored") {
		t.Errorf("newest event %+v, want seq %d saying the state was restored", e, lastSeq+1)
	}
	r.advance(15 * time.Minute)
	if r.c.pinned != "" || !strings.Contains(causes(r.c.events), "pin expired") {
		t.Errorf("the restored pin did not end by itself:\n%s", causes(r.c.events))
	}
}

// What the config no longer has is dropped with an event, and a timed pin
// that ran out while the process was down ends with an event at start.
func TestRestoreDropsWhatIsGone(t *testing.T) {
	cases := []struct {
		name  string
		names []string
		after time.Duration
		want  string
	}{
		{"removed pinned provider", []string{"alpha", "bravo"}, time.Second, "pin dropped: no longer a provider in the config"},
		{"pin ran out while stopped", []string{"alpha", "bravo", "charlie"}, time.Hour, "pin expired at"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, "alpha", "bravo", "charlie")
			s.all("alpha", "bravo", "charlie")
			s.apply(Pin{Provider: "charlie", For: 15 * time.Minute}, s.now)
			r := s.restart(c.after, c.names...)
			r.wantActive("alpha", ModeAuto)
			if got := causes(r.c.events); !strings.Contains(got, c.want) {
				t.Fatalf("events:\n%s\nwant one saying %q", got, c.want)
			}
			if len(c.names) == 2 && !strings.Contains(causes(r.c.events), "charlie dropped") &&
				!strings.Contains(causes(r.c.events), "no longer in the config") {
				t.Fatalf("the removed provider left no event:\n%s", causes(r.c.events))
			}
		})
	}
}

// The latency samples of the window come back, so a restarted chart is
// not blank; those of a provider the config no longer has are dropped.
func TestRestoreBringsTheChartBack(t *testing.T) {
	c := newCore(testConfig("alpha", "bravo"), t0, 200, false)
	var kept []Sample
	for i := range 30 {
		kept = append(kept, Sample{At: t0.Add(time.Duration(i-30) * time.Second), Latency: time.Duration(100+i) * time.Millisecond, Class: probes.ClassOK})
	}
	c.restore(&Restored{Samples: map[string][]Sample{"alpha": kept, "gone": kept}}, t0)
	snap := c.snapshot(t0, 1)
	alpha, _ := snap.Provider("alpha")
	if len(alpha.Samples) != 30 || alpha.Samples[29].Latency != 129*time.Millisecond || alpha.Stats.P50 == 0 {
		t.Fatalf("alpha after restore: %d samples, p50 %s", len(alpha.Samples), alpha.Stats.P50)
	}
	if bravo, _ := snap.Provider("bravo"); len(bravo.Samples) != 0 {
		t.Fatalf("bravo got %d samples it never had", len(bravo.Samples))
	}
}
