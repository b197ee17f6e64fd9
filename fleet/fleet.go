// Package fleet makes several switchboard serve replicas act as one through
// etcd (go.etcd.io/etcd/client/v3 and its concurrency package: nothing
// home-made for consensus).
//
// One replica leads (an etcd election on a session lease): its monitor
// probes and decides as a lone one does and records every decision and
// event in etcd, in one transaction guarded by its election key, so a
// deposed leader cannot write. The other replicas follow: their monitors
// adopt what the leader recorded, and their gateways route by it, still
// retrying on the next backend before the first byte; what their traffic
// sees goes to the leader, which decides. Operator commands through any
// replica are committed to etcd with the operator's expectation checked in
// the same transaction, applied by the leader and seen by every replica
// through its watch. When etcd is out of reach every replica keeps routing
// as it last did (fail-static) and commands are refused; each rejoins by
// itself when etcd is back.
package fleet

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"switchboard/config"
	"switchboard/monitor"
)

// Defaults of Options.
const (
	DefaultCheckEvery   = 500 * time.Millisecond
	DefaultCheckTimeout = time.Second
	DefaultReportEvery  = 100 * time.Millisecond
	DefaultMaxEvents    = 1000
	// maxCommandWait caps how long a command waits for a leader: the API
	// client gives up on a request after 10 s.
	maxCommandWait = 8 * time.Second
	// commitTimeout bounds one of the leader's transactions: the monitor
	// waits for it before it acknowledges or shows anything.
	commitTimeout = 2 * time.Second
)

// Options are a replica's injectable parts; zero values take defaults.
type Options struct {
	// Monitor is this replica's monitor, made with monitor.Options.Follow
	// (and Replica set to this replica's name); it must be running
	// before Run starts.
	Monitor *monitor.Monitor
	// Local is this replica's own copy of the state (the state file), which
	// the leader's journal writes too; nil for none.
	Local  monitor.Journal
	Logger *slog.Logger
	// CheckEvery is how often the fleet store is asked whether it
	// answers, and CheckTimeout how long an answer may take before it
	// counts as unreachable.
	CheckEvery, CheckTimeout time.Duration
	// CommandTimeout is how long a command waits for the leader to apply
	// it before it is withdrawn (default: the lease plus 2s, at most 8s).
	CommandTimeout time.Duration
	// ReportEvery is how often a follower sends what its traffic saw.
	ReportEvery time.Duration
	// MaxEvents is how many events etcd keeps.
	MaxEvents int
}

// Replica is this process's part in a fleet. It is the gateway's and the
// API's Source: Snapshot, Subscribe and RecordRequest are its monitor's;
// Apply sends a command through etcd; Report and Send go to the monitor
// while this replica leads and to the leader otherwise.
type Replica struct {
	cfg   config.Fleet
	opts  Options
	mon   *monitor.Monitor
	log   *slog.Logger
	keys  keys
	ccfg  clientv3.Config
	store storeHealth

	mu       sync.Mutex
	cli      *clientv3.Client     // while Run runs
	sess     *concurrency.Session // the current session, nil between them
	leaders  map[string]candidate // election key → candidate
	replicas map[string]monitor.FleetReplica
	joined   time.Time

	leading   atomic.Bool
	closeOnce sync.Once
	abandon   atomic.Bool   // leave as a crash would: no resign, no revoke (tests)
	poke      chan struct{} // commands have arrived (leader)
	deposed   chan struct{} // the leader's journal found its election key gone (buffer 1)
	reports   reportBuf
	statusMu  sync.Mutex // serialises SetFleet calls, in order
	shown     *monitor.FleetStatus
	ids       idSource
}

// candidate is one key of the election.
type candidate struct {
	rev  int64
	name string
}

// New prepares this replica's part in the fleet cfg (defaults applied);
// Run takes part. It checks the TLS files but does not reach etcd.
func New(cfg config.Fleet, opts Options) (*Replica, error) {
	if opts.Monitor == nil {
		return nil, errors.New("fleet: no monitor")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = DefaultCheckEvery
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = DefaultCheckTimeout
	}
	if opts.CommandTimeout <= 0 {
		opts.CommandTimeout = min(cfg.Lease.D()+2*time.Second, maxCommandWait)
	}
	if opts.ReportEvery <= 0 {
		opts.ReportEvery = DefaultReportEvery
	}
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = DefaultMaxEvents
	}
	ccfg, err := clientConfig(cfg)
	if err != nil {
		return nil, err
	}
	r := &Replica{cfg: cfg, opts: opts, mon: opts.Monitor, keys: newKeys(cfg.Etcd.Prefix), ccfg: ccfg,
		log:     opts.Logger.With("replica", cfg.Replica),
		leaders: map[string]candidate{}, replicas: map[string]monitor.FleetReplica{},
		poke: make(chan struct{}, 1), deposed: make(chan struct{}, 1)}
	r.store.init(time.Now())
	r.ids.start = time.Now().UnixNano()
	r.reports.init()
	return r, nil
}

// Name is this replica's name.
func (r *Replica) Name() string { return r.cfg.Replica }

// Leading reports whether this replica leads the fleet now.
func (r *Replica) Leading() bool { return r.leading.Load() }

// Run takes part in the fleet until ctx ends: it keeps a session with
// etcd, registers the replica, follows the leader's state, campaigns, and
// leads when elected. When ctx ends it resigns (so that another replica
// takes over at once), leaves its monitor following with the last route,
// and returns once every goroutine it started has ended.
func (r *Replica) Run(ctx context.Context) error {
	cli, err := clientv3.New(r.ccfg)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.cli = cli
	r.mu.Unlock()
	var wg sync.WaitGroup
	wg.Go(func() { r.checkStore(ctx, cli) })
	wg.Go(func() { r.sendReports(ctx) })
	r.pushStatus()
	var sess *concurrency.Session
	for ctx.Err() == nil {
		if !r.store.waitOK(ctx) {
			break
		}
		if sess == nil || isDone(sess.Done()) {
			sess, err = r.openSession(ctx, cli)
			if err != nil {
				sess = nil
				r.log.Warn("fleet: cannot open a session with etcd; retrying", "error", err.Error())
				sleep(ctx, r.opts.CheckEvery)
				continue
			}
			r.mu.Lock()
			r.sess, r.joined = sess, time.Now()
			r.mu.Unlock()
		}
		r.term(ctx, cli, sess)
	}
	r.leave(sess)
	_ = r.mon.Follow()
	r.mu.Lock()
	r.cli, r.sess = nil, nil
	r.mu.Unlock()
	r.closeClient(cli) // ends whatever still waits on etcd
	wg.Wait()
	return nil
}

func (r *Replica) client() *clientv3.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cli
}

func (r *Replica) session() *concurrency.Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sess
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
