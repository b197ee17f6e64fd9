package monitor

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"switchboard/config"
	"switchboard/probes"
)

// ErrNotRunning is returned by Send when Run is not active.
var ErrNotRunning = errors.New("monitor is not running")

// Monitor is the single source of truth about providers and routing. Probe
// goroutines feed one decider goroutine, which alone owns the state and
// publishes immutable Snapshots.
type Monitor struct {
	cfg   *config.Config
	opts  Options
	clock Clock
	core  *core // owned by the decider goroutine once Run starts

	snap    atomic.Pointer[Snapshot]
	seq     uint64
	mu      sync.Mutex // guards subs
	subs    map[chan *Snapshot]struct{}
	running atomic.Bool
	started chan struct{} // closed once Run runs: Send and Apply are answered from then on
	done    chan struct{} // closed when Run returns

	results chan probeDone
	passive chan probes.Result
	records chan RequestRecord
	cmds    chan cmdRequest
	status  chan statusDone
	reloads chan reloadRequest
	dropped atomic.Uint64 // passive reports dropped because the decider was busy

	// Owned by the decider: the newest event the Journal has recorded,
	// the mode and route it last recorded, and why the last Commit failed
	// ("" when it did not).
	committed      uint64
	committedRoute string
	journalErr     string

	// A fleet's part (fleet.go): the decider's journal (Options.Journal,
	// or the fleet's while leading), whether it follows, what it last
	// heard of the fleet, and the calls that change them.
	journal   Journal
	following atomic.Bool
	fleet     *FleetStatus
	calls     chan *deciderCall

	// Owned by the decider goroutine once Run starts: each provider's
	// prober hand-off, and what starting one more prober needs (a reload
	// adds providers while running).
	scheds  map[string]*sched
	runCtx  context.Context
	workers *sync.WaitGroup
	streams uint64 // jitter streams handed out so far: each provider gets its own
}

type cmdRequest struct {
	order Order
	reply chan cmdReply
}

type cmdReply struct {
	ack Ack
	err error
}

type statusDone struct {
	provider string
	word     probes.StatusWord
	sched    *sched // whose poller read it: a poller that a reload stopped is not heard
}

// New builds a monitor for cfg (defaults must already be applied); call Run
// to start probing. The first Snapshot is available at once.
func New(cfg *config.Config, opts Options) *Monitor {
	opts = withDefaults(opts)
	m := &Monitor{cfg: cfg, opts: opts, clock: opts.Clock, subs: map[chan *Snapshot]struct{}{},
		done:    make(chan struct{}),
		started: make(chan struct{}),
		results: make(chan probeDone, len(cfg.Providers)+1),
		passive: make(chan probes.Result, 1024),
		records: make(chan RequestRecord, 4096),
		cmds:    make(chan cmdRequest),
		status:  make(chan statusDone, len(cfg.Providers)+1),
		reloads: make(chan reloadRequest),
		calls:   make(chan *deciderCall),
		scheds:  map[string]*sched{},
		journal: opts.Journal,
	}
	m.core = newCore(cfg, m.clock.Now(), opts.MaxEvents, opts.Demo)
	m.core.replica = opts.Replica
	if r := opts.Restored; r != nil {
		m.committed = restoredSeq(r)
		m.core.restore(r, m.clock.Now())
	}
	for _, p := range m.core.provs {
		m.scheds[p.cfg.Name] = m.newSched(p, m.nextRNG())
	}
	if opts.Follow {
		m.follow()
	}
	m.publish()
	return m
}

// nextRNG is a new jitter stream. Each provider has its own, so a seeded
// run does not depend on the order in which simultaneous results arrive.
func (m *Monitor) nextRNG() *rand.Rand {
	m.streams++
	return rand.New(rand.NewPCG(m.opts.Seed, m.streams-1))
}

// Run probes every provider and applies results and commands until ctx is
// done. Every goroutine it started has ended when it returns.
func (m *Monitor) Run(ctx context.Context) error {
	if !m.running.CompareAndSwap(false, true) {
		return errors.New("monitor: Run called twice")
	}
	close(m.started)
	defer close(m.done)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	m.runCtx, m.workers = ctx, &wg
	if !m.following.Load() {
		for _, p := range m.cfg.Providers {
			m.start(m.scheds[p.Name])
		}
	}
	m.decider(ctx)
	cancel()
	wg.Wait()
	return nil
}

// Started is closed once Run is running, so that a server can wait for it
// before it accepts commands (which Send refuses before).
func (m *Monitor) Started() <-chan struct{} { return m.started }

// Snapshot returns the latest snapshot; it is never nil.
func (m *Monitor) Snapshot() *Snapshot { return m.snap.Load() }

// Subscribe returns a channel that always holds the newest snapshot (a slow
// reader skips intermediate ones and never stalls probing) and a function
// that unsubscribes and closes the channel.
func (m *Monitor) Subscribe() (<-chan *Snapshot, func()) {
	ch := make(chan *Snapshot, 1)
	// Register and read the current snapshot under the lock publish holds
	// while delivering: a publish then comes wholly before (its snapshot is
	// the one read here) or wholly after (it replaces it). Read before
	// registering, a publish in between was lost. The send cannot block:
	// nobody else can have filled ch yet.
	m.mu.Lock()
	m.subs[ch] = struct{}{}
	ch <- m.snap.Load()
	m.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			m.mu.Lock()
			delete(m.subs, ch)
			close(ch)
			m.mu.Unlock()
		})
	}
}

// Send applies an operator command and returns once the decider has
// applied or refused it (unknown provider, nowhere to fail over to, ...).
func (m *Monitor) Send(cmd Command) error {
	_, err := m.Apply(Order{Command: cmd})
	return err
}

// Apply carries out an order and returns once the decider has applied it,
// with what it left, or refused it: ErrUnknownProvider (wrapped),
// *StaleError when the operator's expectation no longer holds,
// ErrNoAlternative, ErrNotRunning.
func (m *Monitor) Apply(o Order) (Ack, error) {
	if !m.running.Load() {
		return Ack{}, ErrNotRunning
	}
	req := cmdRequest{order: o, reply: make(chan cmdReply, 1)}
	select {
	case m.cmds <- req:
	case <-m.done:
		return Ack{}, ErrNotRunning
	}
	select {
	case r := <-req.reply:
		return r.ack, r.err
	case <-m.done:
		return Ack{}, ErrNotRunning
	}
}

// Report feeds a result seen on real gateway traffic (passive health). It
// never blocks: when the decider is saturated the report is dropped.
func (m *Monitor) Report(r probes.Result) {
	r.Source = probes.SourcePassive
	select {
	case m.passive <- r:
	default:
		m.dropped.Add(1)
	}
}

// RecordRequest counts one finished gateway request; it never blocks.
func (m *Monitor) RecordRequest(rec RequestRecord) {
	if rec.At.IsZero() {
		rec.At = m.clock.Now()
	}
	select {
	case m.records <- rec:
	default:
		m.dropped.Add(1)
	}
}

// publish builds a snapshot and hands it to every subscriber, replacing any
// snapshot the subscriber has not read yet.
func (m *Monitor) publish() {
	m.seq++
	// An event is shown only once it is recorded. When recording fails
	// the monitor still publishes (routing must go on) and says so.
	_ = m.commitPending()
	s := m.core.snapshot(m.clock.Now(), m.seq)
	s.Dropped, s.JournalErr = m.dropped.Load(), m.journalErr
	if f := m.fleet; f != nil {
		// Whether it leads is the monitor's own word, exact for the
		// events this snapshot shows (notify sends only a leader's).
		cp := *f
		cp.Leading = !m.core.following
		if cp.Leading {
			cp.Leader = cp.Replica
		}
		s.Fleet = &cp
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snap.Store(s) // under the lock, so Subscribe sees a publish wholly or not at all
	m.deliverLocked(s)
}

// deliverLocked replaces each subscriber's unread snapshot with s; m.mu is
// held. It never blocks: each channel has room once emptied, and only
// holders of m.mu send.
func (m *Monitor) deliverLocked(s *Snapshot) {
	for ch := range m.subs {
		select {
		case <-ch:
		default:
		}
		ch <- s
	}
}
