package monitor

import (
	"context"
	"time"
)

// Clock is the monitor's source of time. The policy itself never reads a
// clock (the core is handed the time), and the scheduler's tests run the
// RealClock inside testing/synctest bubbles, where it is fake; Clock remains
// the seam for an embedder that drives time itself.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
	// WithTimeout is context.WithTimeout on this clock; a clock of one's own
	// should cancel with cause context.DeadlineExceeded, which probes read as
	// a timeout.
	WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
}

// Timer is the part of *time.Timer the monitor uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

// WithTimeout is context.WithTimeout.
func (RealClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }
