package monitor

import (
	"fmt"
	"testing"
	"time"

	"switchboard/probes"
)

// BenchmarkObserveAndPublish is the decider's work for one probe result
// with 10 providers and a full 5-minute window: apply the result, compute
// the next timeout and interval, build the snapshot.
func BenchmarkObserveAndPublish(b *testing.B) {
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("p%02d", i)
	}
	s := newSim(b, names...)
	for i := 0; i < 600; i++ { // fill the window at 1 probe/s/provider
		s.now = s.now.Add(100 * time.Millisecond)
		s.result(names[i%10], probes.ClassOK, 100*time.Millisecond)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.now = s.now.Add(100 * time.Millisecond)
		name := names[i%10]
		s.c.observe(probes.Result{Provider: name, Class: probes.ClassOK, Latency: 100 * time.Millisecond}, s.now)
		p := s.c.byName[name]
		_ = s.c.timeoutFor(p, s.now)
		_ = s.c.intervalFor(p, s.now)
		_ = s.c.snapshot(s.now, uint64(i))
	}
}
