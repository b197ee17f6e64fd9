package model

import (
	"testing"
	"testing/synctest"
	"time"

	"switchboard/monitor"
)

// A burst of snapshots (one per probe result) is shown as one frame: the
// newest, on the next second.
func TestSnapshotsArePacedAndNewestWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan *monitor.Snapshot, 1)
		s := &session{ch: ch, done: make(chan struct{}), minFrame: time.Second}
		defer s.close()
		ch <- &monitor.Snapshot{Seq: 1}
		if got := s.frame(0)().(frameMsg); got.snap == nil || got.snap.Seq != 1 {
			t.Fatalf("first frame shows %+v, want snapshot 1 at once", got.snap)
		}
		ch <- &monitor.Snapshot{Seq: 2}
		res := make(chan frameMsg)
		start := time.Now()
		go func() { res <- s.frame(1)().(frameMsg) }()
		synctest.Wait() // the waiter holds snapshot 2 and waits for the second
		ch <- &monitor.Snapshot{Seq: 3}
		got := <-res
		if got.snap == nil || got.snap.Seq != 3 {
			t.Fatalf("frame shows %+v, want the newest (3)", got.snap)
		}
		if took := time.Since(start); took != time.Second {
			t.Fatalf("second frame after %s, want exactly the 1s pacing", took)
		}
	})
}

// An idle wall is drawn once a second: the clock and the snapshots that
// came during the second share one frame, so there is one View and one
// diff of the screen a second, however the monitor's publishing falls.
func TestOneFrameASecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan *monitor.Snapshot, 1)
		s := &session{ch: ch, done: make(chan struct{}), minFrame: time.Second}
		defer s.close()
		go publishEvery(ch, s.done, 330*time.Millisecond) // out of step with the second
		start := time.Now()
		frames, withSnap := 0, 0
		for tag := int64(0); time.Since(start) < 10*time.Second; tag++ {
			f := s.frame(tag)().(frameMsg)
			frames++
			if f.snap != nil {
				withSnap++
			}
		}
		// The first snapshot comes 330ms in and is shown at once (none was
		// shown before), then one frame on each second.
		if frames != 11 || withSnap != 11 {
			t.Fatalf("%d frames (%d with a snapshot) in 10s, want 11 and 11", frames, withSnap)
		}
	})
}

// Snapshots slower than the clock never add a frame: one that comes after
// a second without one waits for the next second like any other.
func TestSlowSnapshotsAddNoFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan *monitor.Snapshot, 1)
		s := &session{ch: ch, done: make(chan struct{}), minFrame: time.Second}
		defer s.close()
		go publishEvery(ch, s.done, 1300*time.Millisecond)
		start := time.Now()
		frames := 0
		for tag := int64(0); time.Since(start) < 10*time.Second; tag++ {
			s.frame(tag)()
			frames++
		}
		// The clock's ten and the first snapshot's, shown at once.
		if frames != 11 {
			t.Fatalf("%d frames in 10s with a snapshot every 1.3s, want 11", frames)
		}
	})
}

// Without snapshots the clock still moves once a second.
func TestClockFramesWithoutSnapshots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &session{ch: make(chan *monitor.Snapshot), done: make(chan struct{}), minFrame: time.Second}
		defer s.close()
		start := time.Now()
		for tag := int64(0); tag < 3; tag++ {
			if f := s.frame(tag)().(frameMsg); f.snap != nil || f.tag != tag {
				t.Fatalf("frame %d = %+v, want the clock's", tag, f)
			}
		}
		if took := time.Since(start); took != 3*time.Second {
			t.Fatalf("three clock frames took %s, want 3s", took)
		}
	})
}

// publishEvery replaces the subscription's snapshot every d, as the
// monitor does, until done.
func publishEvery(ch chan *monitor.Snapshot, done <-chan struct{}, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for seq := uint64(1); ; seq++ {
		select {
		case <-t.C:
		case <-done:
			return
		}
		select {
		case <-ch: // keep only the newest
		default:
		}
		ch <- &monitor.Snapshot{Seq: seq}
	}
}

// The result of an operator command carries the snapshot taken right after
// it, so the screen shows the effect without waiting for the paced frame.
func TestCommandResultShowsItsEffectAtOnce(t *testing.T) {
	b := newFake(fixture(4))
	b.apply = true
	m := New(b, Options{Now: fixedNow})
	defer m.Close()
	msg := send(b, monitor.ForceFailover{}, "failover requested")()
	next, _ := m.Update(msg)
	if got := next.(Model).snap.Active; got != "azure" {
		t.Fatalf("active %q after the command's result, want azure", got)
	}
}
