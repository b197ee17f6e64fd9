package monitor

import (
	"testing"
	"testing/synctest"
	"time"

	"switchboard/probes"
)

func passive(name string, c probes.Class) probes.Result {
	return probes.Result{Provider: name, Source: probes.SourcePassive, Class: c, Err: "connection refused"}
}

// A passive failure asks for a probe at most once per suspect interval,
// however many requests fail: the probe rate must not follow the request
// rate.
func TestPassiveReprobeAtMostOncePerSuspectInterval(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	granted := 0
	for i := 0; i < 300; i++ { // 100 failing requests a second for 3 s
		if s.c.observe(passive("openai", probes.ClassConnect), s.now) {
			granted++
		}
		s.advance(10 * time.Millisecond)
	}
	if granted != 3 {
		t.Fatalf("%d re-probes for 300 failed requests in 3 s, want 3 (one per suspect interval)", granted)
	}
}

// A provider answering 429 is not probed for a passive failure before its
// Retry-After has passed.
func TestPassiveReprobeWaitsForRetryAfter(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	r := passive("openai", probes.ClassRateLimited)
	r.RetryAfter = 30 * time.Second
	if s.c.observe(r, s.now) {
		t.Fatal("a 429 on real traffic asked for a probe inside its Retry-After")
	}
	s.advance(20 * time.Second)
	if s.c.observe(passive("openai", probes.ClassConnect), s.now) {
		t.Fatal("a failure 20 s into a 30 s Retry-After asked for a probe")
	}
}

// In PANIC every request goes to the least-bad provider and fails; it is
// then probed at the scheduler's suspect rate, not once per request.
func TestPanicTrafficDoesNotDriveTheProbeRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai")
		sc.set("openai", probes.ClassConnect)
		stepUntil(t, m, 30*time.Second, func(s *Snapshot) bool { return s.Mode == ModePanic })
		before := sc.count("openai")
		for i := 0; i < 500; i++ { // 100 failing requests a second for 5 s
			m.Report(passive("openai", probes.ClassConnect))
			time.Sleep(10 * time.Millisecond)
			synctest.Wait()
		}
		// The schedule alone: one probe per 0.9–1.1 s.
		if n := sc.count("openai") - before; n > 6 {
			t.Fatalf("%d probes of a down provider in 5 s of failing traffic, want at most 6 (suspect interval 1 s)", n)
		}
	})
}

// A 429 seen on real traffic holds back every probe, the scheduled one
// included, until Retry-After has passed; then the provider is probed.
func TestNoProbeInsideRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		m := running(t, sc, "openai", "azure")
		stepUntil(t, m, time.Second, func(s *Snapshot) bool { return s.Providers[0].State == StateUp })
		before := sc.count("openai")
		r := passive("openai", probes.ClassRateLimited)
		r.Status, r.RetryAfter = 429, 30*time.Second
		m.Report(r)
		time.Sleep(30*time.Second - time.Millisecond)
		synctest.Wait()
		if n := sc.count("openai") - before; n != 0 {
			t.Fatalf("%d probe(s) inside a 30 s Retry-After (state %s)", n, m.Snapshot().Providers[0].State)
		}
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		if n := sc.count("openai") - before; n != 1 {
			t.Fatalf("%d probes once Retry-After passed, want 1", n)
		}
	})
}
