package monitor

import (
	"testing"
	"time"

	"switchboard/probes"
)

// ejectAndRecover takes name down (three connect failures) and back up
// (two ok probes), which starts its failback hold-down.
func (s *sim) ejectAndRecover(name string) {
	for i := 0; i < 3; i++ {
		s.fail(name, probes.ClassConnect)
	}
	s.ok(name)
	s.ok(name)
}

// Auto hands the choice back to the policy, and under failback: auto the
// policy waits out a recovered provider's hold-down: Auto must not be a
// way around it (only failback: manual needs the operator's say-so).
func TestAutoKeepsTheFailbackHolddown(t *testing.T) {
	s := newSim(t, "openai", "azure", "ollama")
	s.all("openai", "azure", "ollama")
	s.ejectAndRecover("openai") // 30 s hold-down
	s.wantActive("azure", ModeAuto)
	s.c.apply(Pin{Provider: "ollama"}, s.now)
	s.advance(time.Second)
	s.c.apply(Auto{}, s.now)
	s.wantActive("azure", ModeAuto)
	s.advance(29 * time.Second) // the hold-down ends
	s.wantActive("openai", ModeAuto)
}
