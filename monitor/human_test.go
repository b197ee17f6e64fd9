package monitor

import (
	"strings"
	"testing"
	"time"

	"switchboard/probes"
)

// Causes shown on the dashboard and sent by notifications carry durations
// as a person writes them: a 15-minute pin is "for 15m", not "for 15m0s",
// and a drain of five minutes is "5m".
func TestCausesWriteHumanDurations(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	s.apply(Pin{Provider: "azure", For: 15 * time.Minute}, s.now)
	s.apply(ForceFailover{}, s.now)
	var causes []string
	for _, e := range s.c.events {
		causes = append(causes, e.Cause)
	}
	all := strings.Join(causes, "\n")
	for _, want := range []string{"pinned by operator for 15m", "force failover: azure drained for 5m"} {
		if !strings.Contains(all, want) {
			t.Errorf("no cause %q in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "0s") {
		t.Errorf("a cause has a zero unit:\n%s", all)
	}
}

func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2495 * time.Millisecond: "2.5s", 2491 * time.Millisecond: "2.49s", 230 * time.Millisecond: "230ms",
		250 * time.Second: "4m10s", 90 * time.Minute: "1h30m", time.Hour: "1h",
	} {
		if got := human(d); got != want {
			t.Errorf("human(%s) = %q, want %q", d, got, want)
		}
	}
}

// A Retry-After of two minutes, capped at retry_after_max (1m), reads
// "retry after 1m", not Go's "1m0s".
func TestRetryAfterCauseIsHuman(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	s.c.observe(probes.Result{Provider: "openai", Source: probes.SourceProbe, Class: probes.ClassRateLimited,
		Status: 429, RetryAfter: 2 * time.Minute}, s.now)
	if got := s.c.byName["openai"].cause; got != "429, retry after 1m" {
		t.Fatalf("cause %q", got)
	}
}
