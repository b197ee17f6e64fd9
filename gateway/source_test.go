package gateway_test

import (
	"sync"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// fakeSource stands in for the monitor: the test sets provider states, and
// it records what the gateway reports.
type fakeSource struct {
	mu      sync.Mutex
	snap    *monitor.Snapshot
	prev    *monitor.Snapshot // what the next stale Snapshot calls still return
	stale   int
	subs    map[chan *monitor.Snapshot]struct{}
	reports []probes.Result
	sent    []monitor.Command
	records []monitor.RequestRecord
}

// newFakeSource has every named provider up, the first one active.
func newFakeSource(names ...string) *fakeSource {
	s := &monitor.Snapshot{At: time.Now(), Mode: monitor.ModeAuto}
	for i, n := range names {
		s.Providers = append(s.Providers, monitor.ProviderSnapshot{Name: n, Priority: i, Enabled: true, State: monitor.StateUp})
	}
	if len(names) > 0 {
		s.Active = names[0]
	}
	return &fakeSource{snap: s, subs: map[chan *monitor.Snapshot]struct{}{}}
}

func (f *fakeSource) Snapshot() *monitor.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stale > 0 {
		f.stale--
		return f.prev
	}
	return f.snap
}

func (f *fakeSource) Subscribe() (<-chan *monitor.Snapshot, func()) {
	ch := make(chan *monitor.Snapshot, 1)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	return ch, func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
	}
}

func (f *fakeSource) Report(r probes.Result) {
	f.mu.Lock()
	f.reports = append(f.reports, r)
	f.mu.Unlock()
}

func (f *fakeSource) RecordRequest(rec monitor.RequestRecord) {
	f.mu.Lock()
	f.records = append(f.records, rec)
	f.mu.Unlock()
}

// setState changes a provider's state as the monitor would, then
// publishes the new snapshot to subscribers, latest wins.
func (f *fakeSource) setState(name string, st monitor.State) {
	f.change(name, func(p *monitor.ProviderSnapshot) { p.State = st })
}

// setOfficialDown has name's authoritative status page report an outage,
// which takes it out of rotation as the monitor would, and publishes it.
func (f *fakeSource) setOfficialDown(name string) {
	f.change(name, func(p *monitor.ProviderSnapshot) { p.OfficialDown = true })
}

// change applies edit to name's provider and publishes the new snapshot.
func (f *fakeSource) change(name string, edit func(*monitor.ProviderSnapshot)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = f.nextWith(name, edit)
	for ch := range f.subs {
		select {
		case <-ch:
		default:
		}
		ch <- f.snap
	}
}

// setStateUnseen changes a provider's state without publishing it, and
// has the next stale Snapshot calls still return the old snapshot: what a
// request sees when the watcher applies a change between two of its reads.
func (f *fakeSource) setStateUnseen(name string, st monitor.State, stale int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prev, f.stale = f.snap, stale
	f.snap = f.next(name, st)
}

// next is the snapshot after name enters st, with the active backend
// re-elected as the monitor would (first routable in priority order; none:
// PANIC). The caller holds f.mu.
func (f *fakeSource) next(name string, st monitor.State) *monitor.Snapshot {
	return f.nextWith(name, func(p *monitor.ProviderSnapshot) { p.State = st })
}

// nextWith is next for any edit of name's provider.
func (f *fakeSource) nextWith(name string, edit func(*monitor.ProviderSnapshot)) *monitor.Snapshot {
	next := *f.snap
	next.Seq++
	next.At = time.Now()
	next.Providers = append([]monitor.ProviderSnapshot(nil), f.snap.Providers...)
	next.Mode = monitor.ModePanic
	for i := range next.Providers {
		if next.Providers[i].Name == name {
			edit(&next.Providers[i])
		}
	}
	for _, p := range next.Providers {
		if p.Enabled && p.State.Routable() && !p.OfficialDown {
			next.Active, next.Mode = p.Name, monitor.ModeAuto
			break
		}
	}
	return &next
}

func (f *fakeSource) Send(c monitor.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, c)
	return nil
}

// Sent returns the commands the gateway sent.
func (f *fakeSource) Sent() []monitor.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]monitor.Command(nil), f.sent...)
}

func (f *fakeSource) Reports() []probes.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]probes.Result(nil), f.reports...)
}

// ReportsAfter waits (at most 5 s) until n reports have arrived and returns
// them all. The gateway flushes the answer to the client before it reports
// (the client should not wait for bookkeeping), so a test that has its
// answer may still be a moment ahead of the report.
func (f *fakeSource) ReportsAfter(n int) []probes.Result {
	deadline := time.Now().Add(5 * time.Second)
	for len(f.Reports()) < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return f.Reports()
}

// RecordsAfter waits (at most 5 s) until n request records have arrived;
// like reports, they are written after the client has its answer.
func (f *fakeSource) RecordsAfter(n int) []monitor.RequestRecord {
	deadline := time.Now().Add(5 * time.Second)
	for len(f.Records()) < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return f.Records()
}

func (f *fakeSource) Records() []monitor.RequestRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]monitor.RequestRecord(nil), f.records...)
}

// classesFor returns the classes reported for one provider, in order.
func (f *fakeSource) classesFor(name string) []probes.Class {
	var out []probes.Class
	for _, r := range f.Reports() {
		if r.Provider == name {
			out = append(out, r.Class)
		}
	}
	return out
}
