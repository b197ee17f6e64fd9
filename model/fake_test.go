package model

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"switchboard/config"
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

// Subscribe delivers the current snapshot at once and every later one,
// latest wins; unsubscribing closes the channel, as the monitor does.
func (f *fakeBackend) Subscribe() (<-chan *monitor.Snapshot, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextSub
	f.nextSub++
	ch := make(chan *monitor.Snapshot, 1)
	ch <- f.snap
	f.subs[id] = ch
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[id]; ok {
			delete(f.subs, id)
			close(ch)
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
	if name := monitor.Named(c); name != "" {
		if _, ok := f.snap.Provider(name); !ok {
			return fmt.Errorf("%w %q", errUnknown, name)
		}
	}
	if ff, ok := c.(monitor.ForceFailover); ok && f.apply {
		next, err := failedOver(f.snap, ff)
		if err != nil {
			return err
		}
		f.publishLocked(next)
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

// failedOver is s after cmd, as the monitor's own policy (a Board) applies
// it to s's providers: the routing fields come from the Board, the
// fixture's statistics stay. It returns the Board's refusal, if any.
func failedOver(s *monitor.Snapshot, cmd monitor.ForceFailover) (*monitor.Snapshot, error) {
	cfg := config.Default()
	for _, p := range s.Providers {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: p.Name, Kind: p.Kind})
	}
	b := monitor.NewBoard(cfg, now)
	for _, p := range s.Providers {
		st := p.State
		if !p.Enabled {
			st = monitor.StateDisabled
		}
		b.Set(p.Name, st, p.Cause, now)
	}
	before := len(b.Snapshot(now).Events)
	if err := b.Apply(cmd, now); err != nil {
		return nil, err
	}
	d := b.Snapshot(now)
	n := *s
	n.Seq++
	n.Active, n.ActiveSince, n.ActiveCause, n.Mode = d.Active, d.ActiveSince, d.ActiveCause, d.Mode
	n.Next, n.Route = d.Next, d.Route
	n.Providers = append([]monitor.ProviderSnapshot(nil), s.Providers...)
	for i := range n.Providers {
		n.Providers[i].DrainedUntil = d.Providers[i].DrainedUntil
		n.Providers[i].InRotation, n.Providers[i].OutOfService = d.Providers[i].InRotation, d.Providers[i].OutOfService
	}
	n.Events = append(append([]monitor.Event(nil), s.Events...), d.Events[before:]...)
	return &n, nil
}

// mustFailOver is failedOver with no expectation, for fixtures the policy
// can always fail over from.
func mustFailOver(s *monitor.Snapshot) *monitor.Snapshot {
	n, err := failedOver(s, monitor.ForceFailover{})
	if err != nil {
		panic(err)
	}
	return n
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

// closeSubscribers ends every subscription from the backend's side, as a
// monitor that stopped does.
func (f *fakeBackend) closeSubscribers() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, ch := range f.subs {
		close(ch)
		delete(f.subs, id)
	}
}
