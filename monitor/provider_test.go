package monitor

import (
	"strings"
	"testing"
	"time"

	"switchboard/probes"
)

// A long healthy past must not outvote a present outage: "down by error
// rate" is judged on the window, as design.md says, not on everything
// since the provider last became routable.
func TestDownByErrorRateCountsOnlyTheWindow(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.all("openai", "azure")
	for i := 0; i < 300; i++ { // 50 healthy minutes at the 10 s interval
		s.advance(10 * time.Second)
		s.ok("openai")
	}
	// Then two of every three probes fail (never three in a row), at the
	// pace the scheduler keeps: 1 s after a failure, 10 s after a success.
	start := s.now
	for i := 0; s.now.Sub(start) < s.c.window && s.c.byName["openai"].state != StateDown; i++ {
		if i%3 == 2 {
			s.ok("openai")
			s.advance(10 * time.Second)
		} else {
			s.fail("openai", probes.ClassServerError)
			s.advance(time.Second)
		}
	}
	s.wantState("openai", StateDown)
	if p := s.c.byName["openai"]; !strings.HasPrefix(p.cause, "error rate") {
		t.Fatalf("openai down for %q, want the window's error rate", p.cause)
	}
	s.wantActive("azure", ModeAuto)
}
