package monitor

import (
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// Board is the monitor's decision core without its goroutines and clock:
// the caller sets provider states, feeds results and commands, and reads
// Snapshots whose route the real policy decided. `check` judges one probe
// round with it, and tests stand it in for a running monitor, so nothing
// outside this package re-derives which backend is active or in rotation.
// A Board is not safe for concurrent use.
type Board struct {
	c   *core
	seq uint64
}

// NewBoard starts a board for cfg (defaults applied) at now, every enabled
// provider unknown, as a monitor starts.
func NewBoard(cfg *config.Config, now time.Time) *Board {
	return &Board{c: newCore(cfg, now, 200, false)}
}

// Set puts the named provider in state st at now, for cause, as if its
// probes had said so, and lets the policy decide again. StateDisabled
// disables it; any other state enables it. It reports false for an
// unknown name.
func (b *Board) Set(name string, st State, cause string, now time.Time) bool {
	p := b.c.byName[name]
	if p == nil {
		return false
	}
	p.enabled = st != StateDisabled
	p.set(st, now, cause, st.Routable())
	b.c.decide(now, ActorPolicy, "")
	return true
}

// SetOfficialDown records an official status reading that reports an
// outage (down true) or all clear, as the status poller would.
func (b *Board) SetOfficialDown(name string, down bool, now time.Time) {
	w := probes.StatusWord{Indicator: "none", Component: "operational", At: now}
	if down {
		w = probes.StatusWord{Indicator: "major", Component: "major_outage", At: now}
	}
	b.c.official(name, w, now)
}

// Observe feeds one probe or passive result at now.
func (b *Board) Observe(r probes.Result, now time.Time) {
	b.c.observe(r, now)
}

// Apply carries out an operator command at now, or says why not, as
// Monitor.Send does.
func (b *Board) Apply(cmd Command, now time.Time) error {
	o := Order{Command: cmd}
	if err := b.c.validateOrder(o, now); err != nil {
		return err
	}
	b.c.apply(o, now)
	return nil
}

// Tick applies what time alone changes at now: windows, drains and pins
// that end.
func (b *Board) Tick(now time.Time) { b.c.tick(now) }

// Snapshot publishes the board's state at now.
func (b *Board) Snapshot(now time.Time) *Snapshot {
	b.seq++
	return b.c.snapshot(now, b.seq)
}
