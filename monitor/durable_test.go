package monitor

import (
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// memJournal keeps commits in memory and can be told to fail.
type memJournal struct {
	mu      sync.Mutex
	fail    error
	state   *Persisted
	events  []Event
	samples int
}

func (j *memJournal) Commit(st *Persisted, events []Event) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.fail != nil {
		return j.fail
	}
	j.state, j.events = st, append(j.events, events...)
	return nil
}

func (j *memJournal) Samples(string, []Sample) {
	j.mu.Lock()
	j.samples++
	j.mu.Unlock()
}

func (j *memJournal) restored() *Restored {
	j.mu.Lock()
	defer j.mu.Unlock()
	return &Restored{State: j.state, Events: append([]Event(nil), j.events...)}
}

// A decision is recorded before it is acknowledged: when the Journal
// cannot record it, the order is refused with ErrNotRecorded and undone;
// when it can, a monitor started from the Journal has it, with every
// event that was shown.
func TestDecisionsAreRecordedBeforeTheyAreAcknowledged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := &memJournal{}
		cfg := testConfig("alpha", "bravo")
		m := runningWith(t, newScript(), cfg, Options{Journal: j})
		stepUntil(t, m, 5*time.Second, func(s *Snapshot) bool { return s.Providers[1].State == StateUp })

		j.mu.Lock()
		j.fail = errors.New("disk full")
		j.mu.Unlock()
		_, err := m.Apply(Order{Command: Pin{Provider: "bravo"}, Actor: "oncall"})
		if !errors.Is(err, ErrNotRecorded) {
			t.Fatalf("pin with a failing journal: %v, want ErrNotRecorded", err)
		}
		snap := m.Snapshot()
		if snap.Active != "alpha" || snap.Pinned != "" || snap.JournalErr != "disk full" {
			t.Fatalf("after a refused pin: active %s pinned %q journal error %q; want alpha, none, the reason",
				snap.Active, snap.Pinned, snap.JournalErr)
		}
		for _, e := range snap.Events {
			if e.Actor == "oncall" {
				t.Fatalf("the refused pin left an event: %+v", e)
			}
		}

		j.mu.Lock()
		j.fail = nil
		j.mu.Unlock()
		ack, err := m.Apply(Order{Command: Pin{Provider: "bravo", For: time.Hour}, Actor: "oncall"})
		if err != nil {
			t.Fatal(err)
		}
		r := j.restored()
		if r.State.Pinned != "bravo" || r.State.Seq != ack.Seq || r.Events[len(r.Events)-1].Seq != ack.Seq {
			t.Fatalf("journal holds pin %q at seq %d (events to %d); the ack said seq %d",
				r.State.Pinned, r.State.Seq, r.Events[len(r.Events)-1].Seq, ack.Seq)
		}
		j.mu.Lock()
		samples := j.samples
		j.mu.Unlock()
		if samples == 0 {
			t.Fatal("no probe samples reached the journal")
		}
		m2 := New(cfg, Options{Probe: newScript().probe, Restored: r})
		if s := m2.Snapshot(); s.Active != "bravo" || s.Mode != ModePinned || s.Events[len(s.Events)-1].Seq != ack.Seq+1 {
			t.Fatalf("restarted: active %s mode %s newest seq %d; want bravo PINNED and seq %d",
				s.Active, s.Mode, s.Events[len(s.Events)-1].Seq, ack.Seq+1)
		}
	})
}
