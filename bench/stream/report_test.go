package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const msec = time.Millisecond

func TestSpreadMeasuresFromTheSendToTheLastClient(t *testing.T) {
	t0 := time.Now()
	ds := []decision{
		{sent: t0, done: t0.Add(2 * msec), seq: 5},
		{sent: t0.Add(time.Second), done: t0.Add(time.Second + 3*msec), seq: 7},
		{sent: t0.Add(2 * time.Second), err: errors.New("409")},
	}
	seen := []map[uint64]time.Time{
		{5: t0.Add(1 * msec), 7: t0.Add(time.Second + 4*msec)},
		{5: t0.Add(9 * msec), 7: t0.Add(time.Second + 2*msec)},
		{5: t0.Add(3 * msec)}, // never saw 7
	}
	s := spreadOf(ds, seen)
	if s.failed != 1 || s.unseen != 1 {
		t.Fatalf("failed %d unseen %d, want 1 and 1", s.failed, s.unseen)
	}
	if len(s.last) != 1 || s.last[0] != 9*msec || s.median[0] != 3*msec {
		t.Errorf("last %v median %v, want [9ms] [3ms]", s.last, s.median)
	}
	if len(s.answered) != 2 || s.answered[1] != 3*msec {
		t.Errorf("answered %v, want [2ms 3ms]", s.answered)
	}
	ok, reading := verdict(s, len(ds))
	if ok || !strings.Contains(reading, "1 refused, 1 not seen") {
		t.Errorf("verdict with losses: %v %q", ok, reading)
	}
}

func TestVerdictIsTheP99ToTheLastClient(t *testing.T) {
	var s spread
	for i := range 100 {
		s.last = append(s.last, time.Duration(i+1)*msec) // 1..100 ms
	}
	if ok, reading := verdict(s, 100); !ok || reading != "p99 99.0 ms over 100 decisions" {
		t.Errorf("p99 of 1..100 ms: %v %q, want met at 99.0 ms", ok, reading)
	}
	s.last[98], s.last[99] = 150*msec, 150*msec // the two slowest over the goal
	if ok, reading := verdict(s, 100); ok {
		t.Errorf("p99 of 150 ms read as met: %q", reading)
	}
	if ok, _ := verdict(spread{}, 0); ok {
		t.Error("a run without decisions read as met")
	}
}

func TestPct(t *testing.T) {
	xs := []time.Duration{5, 1, 4, 2, 3}
	for p, want := range map[float64]time.Duration{50: 3, 99: 5, 100: 5, 1: 1} {
		if got := pct(xs, p); got != want {
			t.Errorf("pct(%v) = %v, want %v", p, got, want)
		}
	}
	if pct(nil, 50) != 0 {
		t.Error("pct of nothing is not 0")
	}
}
