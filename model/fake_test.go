package model

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// now is the fixed clock of the model tests.
var now = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

// fakeBackend records Sends and, when apply is set, applies ForceFailover
// the way the policy does: the next backend becomes active and an event is
// logged, published to subscribers latest-wins like the monitor.
type fakeBackend struct {
	mu           sync.Mutex
	snap         *monitor.Snapshot
	subs         map[int]chan *monitor.Snapshot
	nextSub      int
	sent         []monitor.Command
	err          error
	apply        bool
	unsubscribed int
}

func newFake(snap *monitor.Snapshot) *fakeBackend {
	return &fakeBackend{snap: snap, subs: map[int]chan *monitor.Snapshot{}}
}

func (f *fakeBackend) Snapshot() *monitor.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

func (f *fakeBackend) Subscribe() (<-chan *monitor.Snapshot, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextSub
	f.nextSub++
	ch := make(chan *monitor.Snapshot, 1)
	f.subs[id] = ch
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[id]; ok {
			delete(f.subs, id)
			f.unsubscribed++
		}
	}
}

func (f *fakeBackend) Send(c monitor.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, c)
	if f.err != nil {
		return f.err
	}
	if _, ok := c.(monitor.ForceFailover); ok && f.apply {
		f.publishLocked(failedOver(f.snap))
	}
	return nil
}

// sentCommands returns a copy of the recorded Sends.
func (f *fakeBackend) sentCommands() []monitor.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]monitor.Command(nil), f.sent...)
}

func (f *fakeBackend) publish(s *monitor.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.publishLocked(s)
}

// publishLocked replaces any unread Snapshot: subscribers only ever need
// the latest.
func (f *fakeBackend) publishLocked(s *monitor.Snapshot) {
	f.snap = s
	for _, ch := range f.subs {
		select {
		case <-ch:
		default:
		}
		ch <- s
	}
}

// failedOver is s after a forced failover: the next backend in line is
// active, the old one drained, and an operator event logged.
func failedOver(s *monitor.Snapshot) *monitor.Snapshot {
	n := *s
	n.Seq++
	n.Providers = append([]monitor.ProviderSnapshot(nil), s.Providers...)
	n.Events = append(append([]monitor.Event(nil), s.Events...), monitor.Event{
		At: now, Kind: monitor.EventActive, Provider: s.Next, From: s.Active, To: s.Next,
		Cause: "forced failover by operator", Actor: monitor.ActorOperator,
	})
	if p, ok := n.Provider(s.Active); ok {
		p.DrainedUntil = now.Add(5 * time.Minute)
	}
	n.Active, n.ActiveSince, n.ActiveCause, n.Mode = s.Next, now, "forced failover by operator", monitor.ModeForced
	n.Next = ""
	for _, p := range n.Providers {
		if p.Name != n.Active && p.Name != s.Active && p.Enabled && p.State.Routable() {
			n.Next = p.Name
			break
		}
	}
	return &n
}

var errUnknown = errors.New("unknown provider")

// fixture is four named providers, then healthy "extra-NNN" rows up to n.
func fixture(n int) *monitor.Snapshot {
	s := &monitor.Snapshot{
		Seq: 1, At: now, Active: "openai", ActiveSince: now.Add(-42 * time.Minute), ActiveCause: "highest priority, up",
		Mode: monitor.ModeAuto, Next: "azure",
		Events: []monitor.Event{
			{At: now.Add(-42 * time.Minute), Kind: monitor.EventActive, Provider: "openai", To: "openai", Cause: "start", Actor: monitor.ActorPolicy},
			{At: now.Add(-10 * time.Minute), Kind: monitor.EventState, Provider: "anthropic", From: "up", To: "degraded", Cause: "p95 2.6s > 2s", Actor: monitor.ActorPolicy},
		},
	}
	named := []struct {
		name, kind string
		state      monitor.State
	}{
		{"openai", "openai", monitor.StateUp}, {"azure", "azure-openai", monitor.StateUp},
		{"anthropic", "anthropic", monitor.StateDegraded}, {"ollama", "ollama", monitor.StateDisabled},
	}
	for i := 0; i < n; i++ {
		name, kind, state := fmt.Sprintf("extra-%03d", i), "openai-compatible", monitor.StateUp
		if i < len(named) {
			name, kind, state = named[i].name, named[i].kind, named[i].state
		}
		s.Providers = append(s.Providers, provider(i, name, kind, state))
	}
	return s
}

func provider(i int, name, kind string, state monitor.State) monitor.ProviderSnapshot {
	p := monitor.ProviderSnapshot{
		Name: name, Kind: kind, Priority: i, Enabled: state != monitor.StateDisabled, State: state,
		Since: now.Add(-time.Hour), Interval: 10 * time.Second, Timeout: 10 * time.Second,
	}
	base := time.Duration(150+50*(i%5)) * time.Millisecond
	for k := 0; k < 40; k++ {
		smp := monitor.Sample{At: now.Add(-time.Duration(40-k) * 5 * time.Second), Latency: base + time.Duration((k*31+i*17)%40)*time.Millisecond, Class: probes.ClassOK}
		if (k+i)%13 == 12 {
			smp.Class, smp.Latency = probes.ClassServerError, 0
		}
		p.Samples = append(p.Samples, smp)
		if smp.Class == probes.ClassOK {
			p.Stats.Samples++
		} else {
			p.Stats.Samples++
			p.Stats.Failures++
		}
	}
	p.Stats.ErrorRate = float64(p.Stats.Failures) / float64(p.Stats.Samples)
	p.Stats.Availability = 1 - p.Stats.ErrorRate
	p.Stats.P50, p.Stats.P95 = base+20*time.Millisecond, base+38*time.Millisecond
	last := p.Samples[len(p.Samples)-1]
	p.HasLast, p.Last = true, probes.Result{Provider: name, Start: last.At, Latency: last.Latency, Class: last.Class}
	return p
}
