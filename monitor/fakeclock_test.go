package monitor

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFakeClockFiresTimersAndTimeoutsInOrder(t *testing.T) {
	c := NewFakeClock(t0)
	late := c.NewTimer(2 * time.Second)
	early := c.NewTimer(time.Second)
	ctx, cancel := c.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	stopped := c.NewTimer(time.Second)
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer returned false")
	}
	c.Advance(999 * time.Millisecond)
	select {
	case <-early.C():
		t.Fatal("timer fired early")
	default:
	}
	c.Advance(time.Millisecond)
	if at := <-early.C(); !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("fired at %s", at)
	}
	c.Advance(500 * time.Millisecond)
	<-ctx.Done()
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Fatalf("timeout cause %v, want DeadlineExceeded", context.Cause(ctx))
	}
	if c.Waiters() != 1 {
		t.Fatalf("%d waiters left, want the 2s timer", c.Waiters())
	}
	c.Advance(time.Hour)
	<-late.C()
	select {
	case <-stopped.C():
		t.Fatal("stopped timer fired")
	default:
	}
	if !c.Now().Equal(t0.Add(time.Hour + 1500*time.Millisecond)) {
		t.Fatalf("now %s", c.Now())
	}
}
