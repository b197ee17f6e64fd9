package monitor

import (
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
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

// Routine publishes (new samples, nothing else changed) come on the whole
// second, when the dashboard draws its frame and the store flushes, so an
// idle process wakes once a second for all three; probes themselves keep
// their jittered times.
func TestRoutinePublishesComeOnTheSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := running(t, newScript(), "openai", "azure")
		stepUntil(t, m, time.Minute, func(s *Snapshot) bool {
			return s.Providers[0].State == StateUp && s.Providers[1].State == StateUp
		})
		ch, unsubscribe := m.Subscribe()
		defer unsubscribe()
		<-ch // the current snapshot
		published, offSecond := 0, 0
		for end := time.After(2 * time.Minute); ; {
			select {
			case <-ch:
				published++
				if time.Now().Nanosecond() != 0 {
					offSecond++
				}
				continue
			case <-end:
			}
			break
		}
		// Two providers probed every 10 s (± jitter): about 24 samples.
		if published < 10 || offSecond > 0 {
			t.Fatalf("%d routine snapshots in 2 minutes, %d of them off the whole second", published, offSecond)
		}
	})
}
