package monitor

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// A snapshot published while Subscribe runs must reach the new subscriber:
// the test holds the subscriber lock, as publish does, until Subscribe is
// waiting for it, then publishes. Had Subscribe read the current snapshot
// before registering, it would hold the older one until the next publish,
// which for an idle monitor may be a while.
func TestSubscribeMissesNoSnapshotPublishedMeanwhile(t *testing.T) {
	m := New(testConfig("openai", "azure"), Options{Probe: newScript().probe})
	m.mu.Lock()
	got := make(chan *Snapshot)
	go func() {
		ch, unsubscribe := m.Subscribe()
		defer unsubscribe()
		got <- <-ch
	}()
	waitBlockedInSubscribe(t)
	// publish, with the lock it takes already held.
	m.seq++
	latest := m.core.snapshot(m.clock.Now(), m.seq)
	m.snap.Store(latest)
	m.deliverLocked(latest)
	m.mu.Unlock()
	if s := <-got; s.Seq != latest.Seq {
		t.Fatalf("new subscriber got snapshot %d, the latest is %d", s.Seq, latest.Seq)
	}
}

// waitBlockedInSubscribe waits until a goroutine waits for a mutex inside
// Monitor.Subscribe.
func waitBlockedInSubscribe(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "[sync.Mutex.Lock") && strings.Contains(g, "(*Monitor).Subscribe(") {
				return
			}
		}
	}
	t.Fatal("Subscribe never waited for the subscriber lock")
}
