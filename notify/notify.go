// Package notify delivers the monitor's events to webhooks and programs,
// off the monitor's path: it reads snapshots as any subscriber does, and
// each destination has its own queue and goroutine, so a destination that
// is slow or down delays neither routing nor the other destinations.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/config"
	"switchboard/monitor"
)

// Source is where events come from: the monitor, or the API client of a
// remote one.
type Source interface {
	Snapshot() *monitor.Snapshot
	Subscribe() (<-chan *monitor.Snapshot, func())
}

// Options are the notifier's injectable parts; zero values take defaults.
type Options struct {
	Client     *http.Client  // for webhooks; default: a client of its own. Redirects are never followed.
	Logger     *slog.Logger  // failed deliveries; default slog.Default()
	Timeout    time.Duration // one delivery attempt; default 10s
	RetryFor   time.Duration // how long one notification is retried; default 2m
	MinBackoff time.Duration // the first wait between attempts, doubled each time; default 1s
	MaxBackoff time.Duration // the longest wait; default 30s
	QueueSize  int           // notifications waiting per destination; default 100
	// After is the sequence number of the last event already notified: a
	// notifier that takes over from another starts after it. 0 sends every
	// event the monitor still keeps.
	After uint64
	// Secrets are removed from every notification, error and log line:
	// the providers' keys, the gateway's token. The webhook URLs and
	// program arguments of the config are added.
	Secrets []string
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 10*time.Second)
	def(&o.RetryFor, 2*time.Minute)
	def(&o.MinBackoff, time.Second)
	def(&o.MaxBackoff, 30*time.Second)
	if o.QueueSize <= 0 {
		o.QueueSize = 100
	}
	return o
}

// Stats are one destination's counters since New.
type Stats struct {
	Destination string // "webhook hooks.slack.com", "exec page-oncall": never a secret
	Delivered   uint64 // notifications delivered
	Failed      uint64 // notifications given up on: a permanent error, or retried for RetryFor
	Dropped     uint64 // notifications dropped unsent, the queue full
	Attempts    uint64 // delivery attempts, retries included
	Queued      int    // notifications waiting now
	LastError   string // the last attempt's failure, secrets redacted; "" if none yet
	LastErrorAt time.Time
}

// Notifier sends the monitor's events to the configured destinations.
type Notifier struct {
	o       Options
	r       *redactor
	dests   []*dest
	running atomic.Bool
	missed  atomic.Uint64

	// Only Run's goroutine reads snapshots.
	last uint64 // sequence number of the newest event handled
	seen bool   // last is a real position in the log (not the start)
}

// New prepares delivery to every destination of cfg (as config.Parse
// checked and defaulted it); Run starts it.
func New(cfg []config.Notify, opts Options) *Notifier {
	o := opts.withDefaults()
	secrets := slices.Clone(o.Secrets)
	for _, n := range cfg {
		if n.Webhook != "" {
			secrets = append(secrets, webhookSecrets(n.Webhook)...)
		}
		if len(n.Exec) > 1 {
			secrets = append(secrets, n.Exec[1:]...)
		}
	}
	nt := &Notifier{o: o, r: newRedactor(secrets), last: o.After, seen: o.After > 0}
	client := webhookClient(o.Client)
	env := environWithout(nt.r)
	names := map[string]int{}
	for _, n := range cfg {
		d := &dest{wants: map[string]bool{}, q: newQueue(o.QueueSize), o: &nt.o, log: o.Logger}
		switch {
		case n.Webhook != "":
			d.name, d.sender = "webhook "+hostOf(n.Webhook), &webhook{url: n.Webhook, client: client, r: nt.r}
		case len(n.Exec) > 0:
			d.name, d.sender = "exec "+filepath.Base(n.Exec[0]), &program{argv: n.Exec, r: nt.r, env: env}
		default:
			continue
		}
		if names[d.name]++; names[d.name] > 1 {
			d.name += " #" + strconv.Itoa(names[d.name])
		}
		on := n.On
		if len(on) == 0 {
			on = config.NotifyEvents()
		}
		for _, name := range on {
			d.wants[name] = true
		}
		nt.dests = append(nt.dests, d)
	}
	return nt
}

// ErrSourceClosed is returned by Run when the source ends the subscription.
var ErrSourceClosed = errors.New("notify: the source closed its subscription")

// Run delivers events until ctx is done, and returns once every goroutine
// it started has ended; notifications still queued then are not sent.
func (n *Notifier) Run(ctx context.Context, src Source) error {
	if !n.running.CompareAndSwap(false, true) {
		return errors.New("notify: Run called twice")
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, d := range n.dests {
		wg.Go(func() { d.run(ctx) })
	}
	// Subscribing is latest-wins: while this goroutine works, the monitor
	// replaces the snapshot it has not read yet instead of waiting. Every
	// snapshot holds the event log, so events are found by sequence
	// number, and a skipped snapshot loses none of them.
	ch, unsubscribe := src.Subscribe()
	defer unsubscribe()
	n.take(src.Snapshot())
	for {
		select {
		case <-ctx.Done():
			return nil
		case s, ok := <-ch:
			if !ok {
				return ErrSourceClosed
			}
			n.take(s)
		}
	}
}

// take queues, for each destination, the notifications of the events in
// s not handled yet. It never blocks.
func (n *Notifier) take(s *monitor.Snapshot) {
	if s == nil || len(s.Events) == 0 {
		return
	}
	evs := s.Events
	if newest := evs[len(evs)-1].Seq; newest < n.last {
		// The sequence went back: a new event log (a restarted monitor).
		n.o.Logger.Warn("notify: the event log started over; sending its events as new", "from_seq", newest)
		n.last, n.seen = 0, false
	}
	i := sort.Search(len(evs), func(i int) bool { return evs[i].Seq > n.last })
	fresh := evs[i:]
	if len(fresh) == 0 {
		return
	}
	if gap := fresh[0].Seq - n.last - 1; n.seen && gap > 0 {
		n.missed.Add(gap)
		n.o.Logger.Warn("notify: events left the monitor's log before they were read", "missed", gap)
	}
	n.last, n.seen = fresh[len(fresh)-1].Seq, true
	if s.Fleet != nil && !s.Fleet.Leading {
		// In a fleet the leader, which records the events, notifies:
		// a follower only keeps count, so that it goes on from here if
		// it comes to lead.
		return
	}
	for _, d := range n.dests {
		for _, m := range messages(fresh, func(name string) bool { return d.wants[name] }) {
			m.Text = n.r.redact(m.Text)
			d.enqueue(m)
		}
	}
}

// Stats returns every destination's counters, in config order.
func (n *Notifier) Stats() []Stats {
	out := make([]Stats, len(n.dests))
	for i, d := range n.dests {
		out[i] = d.snapshot()
	}
	return out
}

// Missed counts events that left the monitor's bounded log before Run
// read them, so no destination was told of them.
func (n *Notifier) Missed() uint64 { return n.missed.Load() }
