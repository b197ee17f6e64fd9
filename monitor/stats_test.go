package monitor

import (
	"testing"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

func TestHistoryIsBoundedWhateverTheUptime(t *testing.T) {
	cfg := testConfig("openai")
	s := newSimWith(t, cfg)
	capacity := historyCap(cfg)
	for i := 0; i < 10*capacity; i++ {
		s.advance(time.Second)
		s.ok("openai")
	}
	h := s.c.byName["openai"].hist
	if h.n != capacity || len(h.buf) != capacity {
		t.Fatalf("ring holds %d in %d slots, want %d", h.n, len(h.buf), capacity)
	}
	snap := s.c.snapshot(s.now, 1)
	if got := len(snap.Providers[0].Samples); got > 301 {
		t.Fatalf("snapshot carries %d samples for a 5m window at 1/s", got)
	}
}

func TestWindowStats(t *testing.T) {
	r := newRing(100)
	for i := 1; i <= 100; i++ {
		class := probes.ClassOK
		if i%10 == 0 {
			class = probes.ClassTimeout
		}
		r.add(Sample{At: t0.Add(time.Duration(i) * time.Second), Latency: time.Duration(i) * time.Millisecond, Class: class})
	}
	// Successes are 1..99 ms without the multiples of 10: nearest-rank percentiles of 90 values.
	st := r.windowStats(t0)
	if st.Samples != 100 || st.Failures != 10 || st.ErrorRate != 0.1 || st.Availability != 0.9 {
		t.Fatalf("counts %+v", st)
	}
	if st.P50 != 49*time.Millisecond || st.P95 != 95*time.Millisecond {
		t.Fatalf("percentiles p50 %s p95 %s", st.P50, st.P95)
	}
	if st.ByClass[probes.ClassTimeout] != 10 {
		t.Fatalf("by class %v", st.ByClass)
	}
	if recent := r.windowStats(t0.Add(91 * time.Second)); recent.Samples != 10 || recent.Failures != 1 {
		t.Fatalf("window from 91s: %+v", recent)
	}
}

func TestAdaptiveTimeout(t *testing.T) {
	cases := []struct {
		name     string
		latency  time.Duration
		samples  int
		adaptive bool
		want     time.Duration
	}{
		{"too few samples keeps the configured timeout", 50 * time.Millisecond, 3, true, 10 * time.Second},
		{"fast provider floors at 1s", 50 * time.Millisecond, 20, true, time.Second},
		{"4× p95", 400 * time.Millisecond, 20, true, 1600 * time.Millisecond},
		{"never above the configured timeout", 4 * time.Second, 20, true, 10 * time.Second},
		{"switched off", 50 * time.Millisecond, 20, false, 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig("openai")
			cfg.Providers[0].AdaptiveTimeout = &tc.adaptive
			s := newSimWith(t, cfg)
			for i := 0; i < tc.samples; i++ {
				s.advance(time.Second)
				s.result("openai", probes.ClassOK, tc.latency)
			}
			if got := s.c.timeoutFor(s.c.byName["openai"], s.now); got != tc.want {
				t.Fatalf("timeout %s, want %s", got, tc.want)
			}
		})
	}
}

func TestProbeIntervals(t *testing.T) {
	cfg := testConfig("openai", "custom")
	cfg.Providers[1].Interval = config.Duration(30 * time.Second)
	s := newSimWith(t, cfg)
	s.all("openai", "custom")
	interval := func(n string) time.Duration { return s.c.intervalFor(s.c.byName[n], s.now) }
	if interval("openai") != 10*time.Second || interval("custom") != 30*time.Second {
		t.Fatalf("healthy intervals %s %s", interval("openai"), interval("custom"))
	}
	s.fail("openai", probes.ClassTimeout)
	if interval("openai") != time.Second {
		t.Fatalf("suspect interval %s, want 1s", interval("openai"))
	}
	s.c.observe(probes.Result{Provider: "custom", Class: probes.ClassRateLimited, RetryAfter: 20 * time.Second}, s.now)
	if interval("custom") != 20*time.Second {
		t.Fatalf("rate-limited provider probed after %s, want its Retry-After", interval("custom"))
	}
}

func TestSnapshotsShareUnchangedParts(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	a := s.c.snapshot(s.now, 1)
	s.ok("openai")
	b := s.c.snapshot(s.now, 2)
	if &a.Events[0] != &b.Events[0] {
		t.Fatal("event log copied although no event happened")
	}
	if len(b.Providers[0].Samples) != len(a.Providers[0].Samples)+1 {
		t.Fatal("changed provider not rebuilt")
	}
	if &a.Providers[1].Samples[0] != &b.Providers[1].Samples[0] {
		t.Fatal("unchanged provider copied")
	}
	if a.Next != "azure" || b.Active != "openai" {
		t.Fatalf("active %q next %q", b.Active, a.Next)
	}
}

func TestEventLogIsBounded(t *testing.T) {
	cfg := testConfig("openai", "azure")
	c := newCore(cfg, t0, 10, false)
	now := t0
	for i := 0; i < 50; i++ {
		now = now.Add(time.Second)
		c.apply(Order{Command: SetEnabled{Provider: "azure", Enabled: i%2 == 1}}, now)
	}
	if len(c.events) != 10 {
		t.Fatalf("%d events kept, want 10", len(c.events))
	}
	if last := c.events[9]; !last.At.Equal(now) {
		t.Fatalf("newest event at %s, want %s", last.At, now)
	}
}
