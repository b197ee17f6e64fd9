package model

import (
	"testing"
	"testing/synctest"
	"time"

	"switchboard/monitor"
)

// A burst of snapshots (one per probe result) is shown as one frame: the
// newest, no sooner than minFrame after the previous frame.
func TestSnapshotsArePacedAndNewestWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan *monitor.Snapshot, 1)
		s := &session{ch: ch, done: make(chan struct{}), minFrame: time.Second}
		defer s.close()
		ch <- &monitor.Snapshot{Seq: 1}
		if got := s.waitSnapshot()().(snapshotMsg); got.snap.Seq != 1 {
			t.Fatalf("first frame shows snapshot %d", got.snap.Seq)
		}
		ch <- &monitor.Snapshot{Seq: 2}
		res := make(chan snapshotMsg)
		start := time.Now()
		go func() { res <- s.waitSnapshot()().(snapshotMsg) }()
		synctest.Wait() // the waiter holds snapshot 2 and waits out the frame
		ch <- &monitor.Snapshot{Seq: 3}
		got := <-res
		if got.snap.Seq != 3 {
			t.Fatalf("frame shows snapshot %d, want the newest (3)", got.snap.Seq)
		}
		if took := time.Since(start); took != time.Second {
			t.Fatalf("second frame after %s, want exactly the 1s pacing", took)
		}
	})
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
