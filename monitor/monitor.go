package monitor

import (
	"context"
	"sync"
	"sync/atomic"

	"switchboard/config"
	"switchboard/probes"
)

// Monitor is the single source of truth about providers and routing.
type Monitor struct {
	cfg  *config.Config
	opts Options
	snap atomic.Pointer[Snapshot]
	mu   sync.Mutex
	subs map[chan *Snapshot]struct{}
}

// New builds a monitor for cfg; call Run to start probing.
func New(cfg *config.Config, opts Options) *Monitor {
	m := &Monitor{cfg: cfg, opts: opts, subs: map[chan *Snapshot]struct{}{}}
	m.snap.Store(&Snapshot{Mode: ModeAuto, Demo: opts.Demo})
	return m
}

// Run probes until ctx is done.
func (m *Monitor) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Snapshot returns the latest snapshot.
func (m *Monitor) Snapshot() *Snapshot { return m.snap.Load() }

// Subscribe returns a channel of snapshots and a function to unsubscribe.
func (m *Monitor) Subscribe() (<-chan *Snapshot, func()) {
	ch := make(chan *Snapshot, 1)
	m.mu.Lock()
	m.subs[ch] = struct{}{}
	m.mu.Unlock()
	return ch, func() { m.mu.Lock(); delete(m.subs, ch); m.mu.Unlock() }
}

// Send validates and queues a command.
func (m *Monitor) Send(cmd Command) error { return nil }

// Report feeds a passive result from real traffic.
func (m *Monitor) Report(r probes.Result) {}

// RecordRequest counts one finished gateway request.
func (m *Monitor) RecordRequest(rec RequestRecord) {}
