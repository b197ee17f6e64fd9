package monitor

import (
	"testing"
	"time"

	"switchboard/probes"
)

// Auto hands the choice back to the policy, and under failback: auto the
// policy waits out a recovered provider's hold-down: Auto must not be a
// way around it (only failback: manual needs the operator's say-so).
func TestAutoKeepsTheFailbackHolddown(t *testing.T) {
	s := newSim(t, "openai", "azure", "ollama")
	s.all("openai", "azure", "ollama")
	s.eject("openai") // 30 s hold-down
	s.wantActive("azure", ModeAuto)
	s.apply(Pin{Provider: "ollama"}, s.now)
	s.advance(time.Second)
	s.apply(Auto{}, s.now)
	s.wantActive("azure", ModeAuto)
	s.advance(29 * time.Second) // the hold-down ends
	s.wantActive("openai", ModeAuto)
}

// A re-enabled provider has not been judged since it was disabled: it is
// probed at once and takes no traffic, neither as active nor as a retry
// (its state is not routable), until it recovers as a provider coming
// back from an outage does, hold-down included.
func TestReenabledProviderRejoinsOnlyAfterProbesAndHolddown(t *testing.T) {
	for name, outage := range map[string]bool{"disabled while down": true, "disabled while up": false} {
		t.Run(name, func(t *testing.T) {
			s := newSim(t, "openai", "azure")
			s.all("openai", "azure")
			for i := 0; outage && i < 3; i++ {
				s.fail("openai", probes.ClassConnect)
			}
			s.apply(SetEnabled{Provider: "openai"}, s.now)
			s.advance(time.Minute)
			probe := s.apply(SetEnabled{Provider: "openai", Enabled: true}, s.now)
			if len(probe) != 1 || probe[0] != "openai" {
				t.Fatalf("re-enabling probes %v at once, want [openai]", probe)
			}
			s.wantActive("azure", ModeAuto)
			s.wantState("openai", StateDown)
			if r := s.c.snapshot(s.now, 1).Route; len(r) != 1 {
				t.Fatalf("gateway route %v, want azure alone", r)
			}
			s.ok("openai")
			s.wantActive("azure", ModeAuto)
			s.ok("openai") // recovered: the 30 s hold-down starts
			s.wantState("openai", StateUp)
			s.advance(29 * time.Second)
			s.wantActive("azure", ModeAuto)
			s.advance(time.Second)
			s.wantActive("openai", ModeAuto)
		})
	}
}

// At startup every provider is unknown and still routable: the first
// probes decide, and nothing waits for them.
func TestUnprobedProvidersAreRoutableAtStartup(t *testing.T) {
	s := newSim(t, "openai", "azure")
	s.wantState("openai", StateUnknown)
	s.wantActive("openai", ModeAuto)
	if r := s.c.snapshot(s.now, 1).Route; len(r) != 2 {
		t.Fatalf("startup route %v, want both", r)
	}
}
