package store

import (
	"reflect"
	"testing"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// everything fills every field, so a field the encoding drops shows.
func everything() (*monitor.Persisted, []monitor.Event) {
	t0 := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	state := &monitor.Persisted{
		SavedAt: t0.Add(time.Minute), Seq: 3,
		Active: "azure", ActiveSince: t0, ActiveCause: "pinned by operator",
		Pinned: "azure", PinnedUntil: t0.Add(15 * time.Minute),
		Providers: []monitor.PersistedProvider{
			{Name: "openai", Enabled: false, State: monitor.StateDown, Since: t0.Add(-time.Hour),
				Cause: "3× timeout", RateLimitedUntil: t0.Add(time.Second), DrainedUntil: t0.Add(2 * time.Second),
				HolddownUntil: t0.Add(3 * time.Second), Ejections: 4, Rejoining: true},
			{Name: "azure", Enabled: true, State: monitor.StateUp, Since: t0.Add(-2 * time.Hour)},
		},
	}
	events := []monitor.Event{
		{Seq: 1, At: t0.Add(-time.Hour), Kind: monitor.EventState, Provider: "openai",
			From: "up", To: "down", Cause: "3× timeout", Actor: monitor.ActorPolicy},
		{Seq: 2, At: t0, Kind: monitor.EventActive, Provider: "azure",
			From: "openai", To: "azure", Cause: "pinned by operator", Actor: monitor.ActorOperator},
		{Seq: 3, At: t0.Add(time.Minute), Kind: monitor.EventOperator, Provider: "openai",
			Cause: "disabled by operator", Actor: monitor.ActorOperator},
	}
	return state, events
}

func TestNewFileLoadsNothing(t *testing.T) {
	r := load(t, open(t, t.TempDir(), Options{}))
	if r.State != nil || len(r.Events) != 0 || len(r.Samples) != 0 {
		t.Errorf("a new file restored %+v", r)
	}
}

func TestCommitRoundTrip(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	state, events := everything()
	if err := s.Commit(state, events[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(state, events[2:]); err != nil {
		t.Fatal(err)
	}
	r := load(t, s)
	if !reflect.DeepEqual(r.State, state) {
		t.Errorf("state:\n got %+v\nwant %+v", r.State, state)
	}
	if !reflect.DeepEqual(r.Events, events) {
		t.Errorf("events:\n got %+v\nwant %+v", r.Events, events)
	}

	// A commit with no state keeps the last one; an event committed again
	// (same Seq) is not doubled.
	if err := s.Commit(nil, events[2:]); err != nil {
		t.Fatal(err)
	}
	r = load(t, s)
	if !reflect.DeepEqual(r.State, state) || len(r.Events) != 3 {
		t.Errorf("after Commit(nil, again): state %+v, %d events", r.State, len(r.Events))
	}
}

func TestRestartRestoresEverythingCommitted(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	s := open(t, dir, Options{Now: clk.Now})
	state, events := everything()
	if err := s.Commit(state, events); err != nil {
		t.Fatal(err)
	}
	samples := []monitor.Sample{
		{At: clk.now.Add(-2 * time.Second), Latency: 180 * time.Millisecond, Class: probes.ClassOK},
		{At: clk.now.Add(-time.Second), Latency: 10 * time.Second, Class: probes.ClassTimeout},
	}
	s.Samples("openai", samples)
	// Close writes the buffered samples: no flush by hand.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	r := load(t, open(t, dir, Options{Now: clk.Now}))
	if !reflect.DeepEqual(r.State, state) || !reflect.DeepEqual(r.Events, events) {
		t.Errorf("after restart: state %+v, events %+v", r.State, r.Events)
	}
	sameSamples(t, r.Samples["openai"], samples)
}

func TestLoadReturnsTheNewestEventsOldestFirst(t *testing.T) {
	s := open(t, t.TempDir(), Options{LoadEvents: 5})
	for i := uint64(1); i <= 12; i++ {
		if err := s.Commit(decision(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := seqs(load(t, s).Events); !reflect.DeepEqual(got, []uint64{8, 9, 10, 11, 12}) {
		t.Errorf("Load's events %v, want 8…12", got)
	}
}

func TestRetentionByAgeAtMostAMinuteLate(t *testing.T) {
	clk := newClock()
	t0 := clk.now
	s := open(t, t.TempDir(), Options{Retention: time.Hour, LoadEvents: 100, Now: clk.Now})
	commitAt := func(seq uint64, at time.Time) {
		t.Helper()
		clk.now = at
		_, ev := decision(seq)
		ev[0].At = at
		if err := s.Commit(nil, ev); err != nil {
			t.Fatal(err)
		}
	}
	commitAt(1, t0)
	commitAt(2, t0.Add(30*time.Minute))
	commitAt(3, t0.Add(61*time.Minute)) // prunes: 1 is past the hour
	if got := seqs(load(t, s).Events); !reflect.DeepEqual(got, []uint64{2, 3}) {
		t.Fatalf("after an hour and a minute: %v, want [2 3]", got)
	}
	commitAt(4, t0.Add(90*time.Minute)) // prunes; 2 is exactly an hour old: kept
	commitAt(5, t0.Add(90*time.Minute+30*time.Second))
	// 2 is past the hour now, but the last prune was 30 s ago: not yet.
	if got := seqs(load(t, s).Events); !reflect.DeepEqual(got, []uint64{2, 3, 4, 5}) {
		t.Fatalf("within a minute of a prune: %v, want [2 3 4 5]", got)
	}
	commitAt(6, t0.Add(91*time.Minute))
	if got := seqs(load(t, s).Events); !reflect.DeepEqual(got, []uint64{3, 4, 5, 6}) {
		t.Errorf("a minute later: %v, want [3 4 5 6]", got)
	}
}

func TestRetentionByCountAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	opts := Options{MaxEvents: 10, LoadEvents: 100}
	s := open(t, dir, opts)
	for i := uint64(1); i <= 25; i++ {
		if err := s.Commit(decision(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := seqs(load(t, s).Events); len(got) != 10 || got[0] != 16 || got[9] != 25 {
		t.Fatalf("kept %v, want 16…25", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The count is read back from the file: the cap holds after a restart.
	s = open(t, dir, opts)
	for i := uint64(26); i <= 30; i++ {
		if err := s.Commit(decision(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := seqs(load(t, s).Events); len(got) != 10 || got[0] != 21 || got[9] != 30 {
		t.Errorf("after a restart kept %v, want 21…30", got)
	}
}

func TestLargeCapPrunesInBatches(t *testing.T) {
	// With MaxEvents 640 the log may run 10 (1/64) over before a prune
	// takes it back to 640, so most commits delete nothing.
	s := open(t, t.TempDir(), Options{MaxEvents: 640, LoadEvents: 1000})
	var events []monitor.Event
	for i := uint64(1); i <= 700; i++ {
		_, ev := decision(i)
		events = append(events, ev...)
	}
	over := false
	for i := 0; i < len(events); i += 10 {
		if err := s.Commit(nil, events[i:i+10]); err != nil {
			t.Fatal(err)
		}
		n := len(load(t, s).Events)
		if n > 650 || (i+10 > 650 && n < 640) {
			t.Fatalf("after %d events %d kept, want 640…650", i+10, n)
		}
		over = over || n > 640
	}
	if !over {
		t.Errorf("never over 640: the log is pruned on every commit")
	}
	if got := seqs(load(t, s).Events); got[len(got)-1] != 700 {
		t.Errorf("newest kept %d, want 700", got[len(got)-1])
	}
}

func seqs(events []monitor.Event) []uint64 {
	var out []uint64
	for _, e := range events {
		out = append(out, e.Seq)
	}
	return out
}

// sameSamples compares by instant: a restored time has no monotonic
// reading and may carry another *Location.
func sameSamples(t *testing.T, got, want []monitor.Sample) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].Latency != want[i].Latency || got[i].Class != want[i].Class {
			t.Errorf("sample %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
