package monitor

import (
	"testing"
	"time"
)

// PANIC entered and left is an event, whether or not the active backend
// moves: entered with the least-bad backend staying, left when a backend
// is routable again. It comes before the active change of the same
// decision, so an order's Ack still names that change.
func TestPanicIsAnEvent(t *testing.T) {
	b := NewBoard(testConfig("alpha", "bravo"), t0)
	at := t0.Add(time.Second)
	b.Set("bravo", StateDown, "3× timeout", at)
	b.Set("alpha", StateDown, "3× timeout", at)
	snap := b.Snapshot(at)
	last := snap.Events[len(snap.Events)-1]
	if snap.Mode != ModePanic || last.Kind != EventMode || last.From != "AUTO" || last.To != "PANIC" || last.Provider != "alpha" {
		t.Fatalf("mode %s, last event %+v: want PANIC entered with alpha staying active", snap.Mode, last)
	}
	before := len(snap.Events)

	later := at.Add(time.Minute)
	b.Set("bravo", StateUp, "recovered: 2× ok", later)
	snap = b.Snapshot(later)
	news := snap.Events[before:]
	if len(news) != 2 || news[0].Kind != EventMode || news[1].Kind != EventActive {
		t.Fatalf("after recovery: %+v; want PANIC left, then the move to bravo", news)
	}
	if m := news[0]; m.From != "PANIC" || m.To != "AUTO" || m.Provider != "bravo" || m.Seq+1 != news[1].Seq {
		t.Fatalf("PANIC left as %+v", m)
	}

	// A pin is no mode change to report, and a change between AUTO and
	// FORCED or PINNED is the operator's own event.
	n := len(snap.Events)
	if err := b.Apply(Pin{Provider: "alpha"}, later); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Snapshot(later).Events[n:] {
		if e.Kind == EventMode {
			t.Fatalf("a pin outside PANIC recorded %+v", e)
		}
	}
}
