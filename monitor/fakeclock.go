package monitor

import (
	"context"
	"sort"
	"sync"
	"time"
)

// FakeClock is a manual Clock for tests and simulations: time moves only
// when Advance is called, firing every timer and timeout that falls due.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*fakeWaiter
}

type fakeWaiter struct {
	at     time.Time
	ch     chan time.Time  // timers
	cancel func(err error) // timeouts
	done   bool
}

// NewFakeClock returns a FakeClock reading start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the fake time reaches now+d.
func (c *FakeClock) NewTimer(d time.Duration) Timer {
	w := &fakeWaiter{ch: make(chan time.Time, 1)}
	c.add(w, d)
	return &fakeTimer{c: c, w: w}
}

// WithTimeout returns a context cancelled with cause DeadlineExceeded when
// the fake time reaches now+d.
func (c *FakeClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	inner, cancel := context.WithCancelCause(ctx)
	w := &fakeWaiter{cancel: cancel}
	c.add(w, d)
	return inner, func() {
		c.remove(w)
		cancel(context.Canceled)
	}
}

// Advance moves the fake time forward by d, firing what falls due in order.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	var due []*fakeWaiter
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(target) {
			w.done = true
			due = append(due, w)
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
	c.now = target
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, w := range due {
		if w.ch != nil {
			w.ch <- w.at
		} else {
			w.cancel(context.DeadlineExceeded)
		}
	}
}

// Waiters reports how many timers and timeouts are pending; tests use it to
// wait until the code under test has armed its next timer.
func (c *FakeClock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

func (c *FakeClock) add(w *fakeWaiter, d time.Duration) {
	c.mu.Lock()
	w.at = c.now.Add(d)
	fire := d <= 0
	if fire {
		w.done = true
	} else {
		c.waiters = append(c.waiters, w)
	}
	c.mu.Unlock()
	if fire {
		if w.ch != nil {
			w.ch <- w.at
		} else {
			w.cancel(context.DeadlineExceeded)
		}
	}
}

// remove drops w; it reports whether w was still pending.
func (c *FakeClock) remove(w *fakeWaiter) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.waiters {
		if x == w {
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			return true
		}
	}
	return false
}

type fakeTimer struct {
	c *FakeClock
	w *fakeWaiter
}

func (t *fakeTimer) C() <-chan time.Time { return t.w.ch }
func (t *fakeTimer) Stop() bool          { return t.c.remove(t.w) }
