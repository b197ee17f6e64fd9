package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// sender delivers one notification once; ctx carries the attempt's
// deadline. Its error is already free of secrets.
type sender interface {
	send(ctx context.Context, m *Message) error
}

// permanentError is a failure that retrying cannot fix (a webhook's 404,
// a program that is gone): the notification fails at once.
type permanentError struct{ error }

// retryAfterError asks for a wait before the next attempt (a 429's
// Retry-After); the backoff cap still bounds it.
type retryAfterError struct {
	error
	after time.Duration
}

// dest is one destination: its events, its queue, its goroutine's sender
// and its counters.
type dest struct {
	name   string // never a secret: "webhook hooks.slack.com", "exec page-oncall"
	wants  map[string]bool
	q      *queue
	sender sender
	o      *Options
	log    *slog.Logger

	mu    sync.Mutex
	stats Stats
}

// enqueue queues m, counting a drop when the queue was full.
func (d *dest) enqueue(m *Message) {
	if d.q.push(m) {
		d.mu.Lock()
		d.stats.Dropped++
		d.mu.Unlock()
	}
}

// run delivers queued notifications in order until ctx is done.
func (d *dest) run(ctx context.Context) {
	for {
		m, dropped, ok := d.q.pop(ctx)
		if !ok {
			return
		}
		if dropped > 0 {
			c := *m
			c.DroppedBefore = dropped
			c.Text += fmt.Sprintf(" (%d earlier notification%s dropped: queue full)", dropped, plural(dropped))
			m = &c
		}
		d.deliver(ctx, m)
	}
}

// deliver tries m until it is delivered, fails for good, or retrying
// would outlast RetryFor, waiting MinBackoff, then twice as long each time
// up to MaxBackoff. Only this destination's goroutine waits.
func (d *dest) deliver(ctx context.Context, m *Message) {
	start := time.Now()
	wait := d.o.MinBackoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, d.o.Timeout)
		err := d.sender.send(actx, m)
		cancel()
		d.count(func(s *Stats) { s.Attempts++ })
		if err == nil {
			d.count(func(s *Stats) { s.Delivered++ })
			return
		}
		if ctx.Err() != nil {
			return // shutting down: not the destination's failure
		}
		var ra *retryAfterError
		if errors.As(err, &ra) {
			wait = min(max(wait, ra.after), d.o.MaxBackoff)
		}
		var perm *permanentError
		if errors.As(err, &perm) || time.Since(start)+wait > d.o.RetryFor {
			d.count(func(s *Stats) { s.Failed, s.LastError, s.LastErrorAt = s.Failed+1, err.Error(), time.Now() })
			d.log.Error("notification not delivered", "destination", d.name, "event", m.Name,
				"seq", m.Events[0].Seq, "attempts", attempt, "reason", err.Error())
			return
		}
		d.count(func(s *Stats) { s.LastError, s.LastErrorAt = err.Error(), time.Now() })
		d.log.Info("notification delivery failed; retrying", "destination", d.name, "event", m.Name,
			"seq", m.Events[0].Seq, "attempt", attempt, "retry_in", wait.String(), "reason", err.Error())
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		wait = min(2*wait, d.o.MaxBackoff)
	}
}

func (d *dest) count(f func(*Stats)) {
	d.mu.Lock()
	f(&d.stats)
	d.mu.Unlock()
}

// snapshot returns the destination's counters now.
func (d *dest) snapshot() Stats {
	d.mu.Lock()
	s := d.stats
	d.mu.Unlock()
	s.Destination, s.Queued = d.name, d.q.len()
	return s
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
