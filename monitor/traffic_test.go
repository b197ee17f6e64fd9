package monitor

import (
	"testing"
	"time"
)

// What the applications feel of each backend comes from the gateway's
// records: the rate over the last 10 s, the median time to first token of
// streamed answers, and tokens per second of answer time where answers
// reported usage. A backend the applications never reach shows zeros.
func TestAppStatsFromRequests(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	rec := func(at time.Time, backend string, ok bool, ttft time.Duration, tokens int64) {
		s.c.recordRequest(RequestRecord{At: at, Backend: backend, Attempts: 1, OK: ok,
			TTFT: ttft, Duration: 2 * time.Second, Tokens: tokens})
	}
	old := s.now.Add(-time.Minute) // inside the 5 min window, outside the 10 s rate
	for i := 0; i < 5; i++ {
		rec(old, "azure", true, 0, 0)
	}
	for i := 0; i < 10; i++ {
		// TTFTs 200..290ms (median 245ms) and 20 tokens in 2 s each.
		rec(s.now.Add(-time.Duration(i%5)*time.Second), "azure", true, time.Duration(200+10*i)*time.Millisecond, 20)
	}
	rec(s.now, "azure", false, 0, 0) // an error: no TTFT, no tokens
	snap := s.c.snapshot(s.now, 1)
	a, o := snap.Providers[1], snap.Providers[0]
	if a.App.RatePerSecond != 1.1 {
		t.Errorf("azure rate %v/s, want 11 requests in 10 s = 1.1", a.App.RatePerSecond)
	}
	if a.App.Streams != 10 {
		t.Errorf("azure streams %d, want 10", a.App.Streams)
	}
	// The histogram's buckets are 50 ms wide here: the estimate is within one.
	if d := a.App.TTFTP50 - 245*time.Millisecond; d < -50*time.Millisecond || d > 50*time.Millisecond {
		t.Errorf("azure p50 TTFT %s, want about 245ms", a.App.TTFTP50)
	}
	if a.App.TokensPerSecond != 10 {
		t.Errorf("azure %v tokens/s, want 20 tokens per 2 s = 10", a.App.TokensPerSecond)
	}
	if a.Traffic.Served != 15 || a.Traffic.Failures != 1 {
		t.Errorf("azure served %d failed %d, want 15 and 1", a.Traffic.Served, a.Traffic.Failures)
	}
	if o.App != (AppStats{}) {
		t.Errorf("openai took no request but shows %+v", o.App)
	}
	s.now = s.now.Add(20 * time.Second)
	if got := s.c.snapshot(s.now, 2).Providers[1].App; got.RatePerSecond != 0 || got.Streams != 10 {
		t.Errorf("20 s later the rate is %v (want 0) and the window keeps %d streams (want 10)", got.RatePerSecond, got.Streams)
	}
}

func TestTTFTQuantile(t *testing.T) {
	var h ttftHist
	if h.quantile(0.5) != 0 {
		t.Fatal("an empty histogram has a median")
	}
	for i := 0; i < 100; i++ {
		h.add(time.Duration(300+i) * time.Millisecond) // 300..399ms: all in (300ms, 400ms]
	}
	h.add(300 * time.Millisecond) // on a bound: the bucket below
	if got := h.quantile(0.5); got < 340*time.Millisecond || got > 360*time.Millisecond {
		t.Errorf("median %s, want about 350ms", got)
	}
	var slow ttftHist
	slow.add(time.Minute)
	if got := slow.quantile(0.5); got != 10*time.Second {
		t.Errorf("median of one 1 min answer %s, want the last bound, 10s", got)
	}
}

// A reload keeps each backend's felt numbers with it, as it keeps its
// served count.
func TestReloadKeepsAppStatsWithTheirProvider(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	s.c.recordRequest(RequestRecord{At: s.now, Backend: "azure", Attempts: 1, OK: true,
		TTFT: 220 * time.Millisecond, Duration: time.Second, Tokens: 30})
	s.c.reload(testConfig("azure", "openai"), s.now)
	a := s.c.snapshot(s.now, 1).Providers[0]
	if a.Name != "azure" || a.App.Streams != 1 || a.App.TokensPerSecond != 30 {
		t.Fatalf("after the reload %s has %+v", a.Name, a.App)
	}
}
