package gateway_test

import (
	"sync"
	"time"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// fakeSource stands in for the monitor: the test sets provider states, the
// monitor's own policy (a Board) decides the route, and it records what
// the gateway reports and sends.
type fakeSource struct {
	mu      sync.Mutex
	board   *monitor.Board
	snap    *monitor.Snapshot
	prev    *monitor.Snapshot // what the next stale Snapshot calls still return
	stale   int
	subs    map[chan *monitor.Snapshot]struct{}
	reports []probes.Result
	sent    []monitor.Command
	records []monitor.RequestRecord
}

// newFakeSource has every named provider up, the first one active. Their
// status pages are authoritative, so setOfficialDown takes one out.
func newFakeSource(names ...string) *fakeSource {
	cfg := config.Default()
	for _, n := range names {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, StatusPageAuthoritative: true})
	}
	now := time.Now()
	f := &fakeSource{board: monitor.NewBoard(cfg, now), subs: map[chan *monitor.Snapshot]struct{}{}}
	for _, n := range names {
		f.board.Set(n, monitor.StateUp, "test", now)
	}
	f.snap = f.board.Snapshot(now)
	return f
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

// Subscribe delivers the current snapshot at once and every later one,
// latest wins; unsubscribing closes the channel, as the monitor does.
func (f *fakeSource) Subscribe() (<-chan *monitor.Snapshot, func()) {
	ch := make(chan *monitor.Snapshot, 1)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	ch <- f.snap
	f.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.subs, ch)
			close(ch)
			f.mu.Unlock()
		})
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

// setState changes a provider's state as its probes would, then
// publishes the new snapshot to subscribers, latest wins.
func (f *fakeSource) setState(name string, st monitor.State) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.board.Set(name, st, "test", time.Now())
	f.publishLocked()
}

// setOfficialDown has name's authoritative status page report an outage,
// which takes it out of rotation, and publishes it.
func (f *fakeSource) setOfficialDown(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.board.SetOfficialDown(name, true, time.Now())
	f.publishLocked()
}

func (f *fakeSource) publishLocked() {
	f.snap = f.board.Snapshot(time.Now())
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
	now := time.Now()
	f.board.Set(name, st, "test", now)
	f.snap = f.board.Snapshot(now)
}

// Send records c and answers as the monitor would: a command it cannot
// apply (an unknown provider, say) is an error.
func (f *fakeSource) Send(c monitor.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, c)
	return f.board.Apply(c, time.Now())
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
