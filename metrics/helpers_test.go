package metrics_test

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// boardSource stands in for a running monitor: the monitor's own decision
// core (a Board) decides, and every change is published as a new Snapshot
// to Snapshot readers and subscribers, latest wins, as the monitor does.
// It also takes the gateway's reports, so a gateway can run over it.
type boardSource struct {
	mu    sync.Mutex
	board *monitor.Board
	now   time.Time
	snap  *monitor.Snapshot
	subs  map[chan *monitor.Snapshot]struct{}
	fleet *monitor.FleetStatus // nil: one instance, no fleet
}

// testConfig has one OpenAI provider per name, defaults applied, and the
// named API tokens (their names are actors).
func testConfig(names []string, tokens ...string) *config.Config {
	cfg := config.Default()
	for _, n := range names {
		cfg.Providers = append(cfg.Providers, config.Provider{Name: n, Kind: config.KindOpenAI, BaseURL: "http://127.0.0.1:1/v1"})
	}
	if len(tokens) > 0 {
		cfg.API = &config.API{}
		for _, t := range tokens {
			cfg.API.Tokens = append(cfg.API.Tokens, config.APIToken{Name: t, Token: "secret-" + t, Role: config.RoleOperator})
		}
	}
	return cfg
}

// newBoardSource has every provider of cfg up, the first one active.
func newBoardSource(cfg *config.Config) *boardSource {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	b := &boardSource{board: monitor.NewBoard(cfg, now), now: now, subs: map[chan *monitor.Snapshot]struct{}{}}
	for _, p := range cfg.Providers {
		b.board.Set(p.Name, monitor.StateUp, "test", now)
	}
	b.snap = b.board.Snapshot(now)
	return b
}

// set puts a provider in a state, a second later, and publishes.
func (b *boardSource) set(name string, st monitor.State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now = b.now.Add(time.Second)
	if !b.board.Set(name, st, "test", b.now) {
		panic("no provider " + name)
	}
	b.publishLocked()
}

// apply carries out an operator command a second later and publishes.
func (b *boardSource) apply(t *testing.T, cmd monitor.Command) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now = b.now.Add(time.Second)
	if err := b.board.Apply(cmd, b.now); err != nil {
		t.Fatalf("apply %T: %v", cmd, err)
	}
	b.publishLocked()
}

// joinFleet has the snapshots say this replica is part of a fleet, as a
// replica of serve with fleet: publishes them.
func (b *boardSource) joinFleet(f *monitor.FleetStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fleet = f
	b.publishLocked()
}

func (b *boardSource) publishLocked() {
	b.snap = b.board.Snapshot(b.now)
	b.snap.Fleet = b.fleet
	for ch := range b.subs {
		select {
		case <-ch:
		default:
		}
		ch <- b.snap
	}
}

func (b *boardSource) Snapshot() *monitor.Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.snap
}

func (b *boardSource) Subscribe() (<-chan *monitor.Snapshot, func()) {
	ch := make(chan *monitor.Snapshot, 1)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	ch <- b.snap
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			close(ch)
			b.mu.Unlock()
		})
	}
}

// The gateway's reports are not needed here: the metrics observe the
// gateway directly.
func (b *boardSource) Report(probes.Result)                {}
func (b *boardSource) RecordRequest(monitor.RequestRecord) {}
func (b *boardSource) Send(monitor.Command) error          { return nil }

// value is the value of the series of family name whose labels are
// exactly the pairs given (name, value, name, value...): a counter's or a
// gauge's value, a histogram's sample count. A missing series fails.
func value(t testing.TB, g prometheus.Gatherer, name string, pairs ...string) float64 {
	t.Helper()
	v, ok := lookup(t, g, name, pairs...)
	if !ok {
		t.Fatalf("no series %s%v", name, pairs)
	}
	return v
}

// lookup is value that reports a missing series instead of failing.
func lookup(t testing.TB, g prometheus.Gatherer, name string, pairs ...string) (float64, bool) {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if !labelsAre(m, pairs) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func labelsAre(m *dto.Metric, pairs []string) bool {
	if len(m.GetLabel())*2 != len(pairs) {
		return false
	}
	for i := 0; i < len(pairs); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == pairs[i] && l.GetValue() == pairs[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// series counts the series of family name.
func series(t testing.TB, g prometheus.Gatherer, name string) int {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric())
		}
	}
	return 0
}
