package monitor

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// An order names who gave it and what they saw: a stale expectation is a
// *StaleError that changes nothing, an applied order's events name its
// actor, and the acknowledgement carries the active backend and the
// newest event's sequence number.
func TestOrdersCarryActorAndExpectation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "alpha", "bravo")
		stepUntil(t, m, 5*time.Second, func(s *Snapshot) bool { return s.Providers[1].State == StateUp })

		_, err := m.Apply(Order{Command: Pin{Provider: "bravo"}, Actor: "oncall", ExpectActive: "bravo"})
		var stale *StaleError
		if !errors.As(err, &stale) || m.Snapshot().Active != "alpha" {
			t.Fatalf("stale order: err %v, active %s; want a StaleError and alpha still active", err, m.Snapshot().Active)
		}
		ack, err := m.Apply(Order{Command: Pin{Provider: "bravo"}, Actor: "oncall", ExpectActive: "alpha"})
		snap := m.Snapshot()
		if err != nil || ack.Active != "bravo" || ack.Seq == 0 {
			t.Fatalf("applied order: ack %+v err %v", ack, err)
		}
		last := snap.Events[len(snap.Events)-1]
		if last.Seq != ack.Seq || last.Actor != "oncall" || last.Kind != EventActive || last.To != "bravo" {
			t.Fatalf("newest event %+v, want the switch to bravo by oncall with seq %d", last, ack.Seq)
		}
		for i := 1; i < len(snap.Events); i++ {
			if snap.Events[i].Seq != snap.Events[i-1].Seq+1 {
				t.Fatalf("event sequence has a gap: %d then %d", snap.Events[i-1].Seq, snap.Events[i].Seq)
			}
		}
		if _, err := m.Apply(Order{Command: Pin{Provider: "charlie"}}); !errors.Is(err, ErrUnknownProvider) {
			t.Fatalf("unknown provider: %v, want ErrUnknownProvider", err)
		}
	})
}
