// Package sourcetest holds the contract that every stand-in for the
// monitor must keep: the real Monitor, and the fakes the model and gateway
// tests use instead of it. A fake that drifts from the monitor (no current
// snapshot on subscribe, a channel never closed, a Send that never fails)
// lets a test pass that production would fail, so each runs this test.
package sourcetest

import (
	"testing"
	"time"

	"switchboard/monitor"
)

// Source is what the dashboard and the gateway read from the monitor and
// send to it.
type Source interface {
	Snapshot() *monitor.Snapshot
	Subscribe() (<-chan *monitor.Snapshot, func())
	Send(monitor.Command) error
}

// Contract checks src against the monitor's promises. src must be running
// (able to answer Send) and have at least one provider.
func Contract(t *testing.T, src Source) {
	t.Helper()
	snap := src.Snapshot()
	if snap == nil || len(snap.Providers) == 0 {
		t.Fatalf("Snapshot() = %v, want the current snapshot with its providers", snap)
	}
	ch, unsubscribe := src.Subscribe()
	select {
	case got, ok := <-ch:
		if !ok || got == nil {
			t.Fatal("Subscribe: the channel's first value is not a snapshot")
		}
	default:
		t.Fatal("Subscribe: no current snapshot at once; a new subscriber must not wait for the next change")
	}
	unsubscribe()
	unsubscribe() // twice is harmless, as deferred cleanups do
	if !closedSoon(ch) {
		t.Fatal("unsubscribe did not close the channel: a reader ranging over it would never end")
	}
	if err := src.Send(monitor.Pin{Provider: "no-such-provider"}); err == nil {
		t.Fatal("Send(Pin of an unknown provider) = nil, want the monitor's refusal")
	}
	if err := src.Send(monitor.ProbeNow{Provider: snap.Providers[0].Name}); err != nil {
		t.Fatalf("Send(ProbeNow of %s) = %v, want it accepted", snap.Providers[0].Name, err)
	}
}

// closedSoon drains ch and reports whether it is closed within a second:
// a publish racing the unsubscribe may leave one value before the close.
func closedSoon(ch <-chan *monitor.Snapshot) bool {
	deadline := time.After(time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}
