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
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
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

// closeClient closes cli once.
func (r *Replica) closeClient(cli *clientv3.Client) {
	r.closeOnce.Do(func() { _ = cli.Close() })
}

// openSession grants a lease of the configured TTL and keeps it alive
// until ctx ends or etcd stops answering for longer than the TTL.
func (r *Replica) openSession(ctx context.Context, cli *clientv3.Client) (*concurrency.Session, error) {
	ttl := int64(r.cfg.Lease.D() / time.Second)
	gctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
	lease, err := cli.Grant(gctx, ttl)
	cancel()
	if err != nil {
		return nil, err
	}
	return concurrency.NewSession(cli, concurrency.WithLease(lease.ID), concurrency.WithTTL(int(ttl)), concurrency.WithContext(ctx))
}

// leave ends the session: its lease is revoked, which removes this
// replica's keys and, when it led, hands the lead to another replica at
// once rather than after the lease. With etcd out of reach it lets the
// lease expire.
func (r *Replica) leave(sess *concurrency.Session) {
	if sess == nil {
		return
	}
	sess.Orphan()
	if !r.store.ok() || r.abandon.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.CheckTimeout)
	defer cancel()
	if _, err := sess.Client().Revoke(ctx, sess.Lease()); err != nil {
		r.log.Warn("fleet: could not revoke the session's lease; it expires by itself", "error", err.Error())
	}
}

// term is one session's life: register, follow, campaign and lead, until
// the session ends (its lease expired: etcd was out of reach for longer
// than it) or ctx does.
func (r *Replica) term(ctx context.Context, cli *clientv3.Client, sess *concurrency.Session) {
	tctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		ended := make(chan struct{})
		go func() { wg.Wait(); close(ended) }()
		select {
		case <-ended:
			return
		case <-ctx.Done():
		}
		// Shutting down while etcd does not answer: the election's own
		// clean-up waits on it for as long as the client is open.
		select {
		case <-ended:
		case <-time.After(r.opts.CheckTimeout):
			r.closeClient(cli)
			<-ended
		}
	}()
	if err := r.register(tctx, cli, sess); err != nil {
		r.log.Warn("fleet: cannot register this replica; retrying", "error", err.Error())
		select {
		case <-sess.Done():
		case <-time.After(r.cfg.Lease.D() / 2):
		case <-tctx.Done():
		}
		return
	}
	rev, err := r.resync(tctx, cli)
	if err != nil {
		return
	}
	wg.Go(func() { r.watch(tctx, cli, rev) })
	wg.Go(func() { r.campaign(tctx, sess) })
	select {
	case <-tctx.Done():
	case <-sess.Done():
		r.log.Warn("fleet: session with etcd ended (its lease expired); opening another")
	}
}

// register writes this replica's record with the session's lease. A
// record of another session under the same name is another replica with
// this name, or this replica's previous run whose lease has not expired
// yet: registration waits for it to go.
func (r *Replica) register(ctx context.Context, cli *clientv3.Client, sess *concurrency.Session) error {
	key := r.keys.replicas + r.cfg.Replica
	r.mu.Lock()
	rec := replicaRecord{Name: r.cfg.Replica, API: r.cfg.Advertise, Joined: r.joined}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
	defer cancel()
	resp, err := cli.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, encode(rec), clientv3.WithLease(sess.Lease()))).
		Else(clientv3.OpGet(key)).Commit()
	if err != nil {
		return err
	}
	if !resp.Succeeded {
		kvs := resp.Responses[0].GetResponseRange().Kvs
		if len(kvs) == 1 && clientv3.LeaseID(kvs[0].Lease) != sess.Lease() {
			return errors.New("the name " + r.cfg.Replica + " is held by another session: another replica with this name, " +
				"or this replica's previous run until its lease expires")
		}
	}
	return nil
}

// campaign stands for leader for as long as the term lasts, and leads
// whenever elected.
func (r *Replica) campaign(ctx context.Context, sess *concurrency.Session) {
	for ctx.Err() == nil {
		e := concurrency.NewElection(sess, r.keys.election)
		if err := e.Campaign(ctx, r.cfg.Replica); err != nil {
			if ctx.Err() == nil {
				r.log.Warn("fleet: campaign failed; standing again", "error", err.Error())
				sleep(ctx, r.opts.CheckEvery)
			}
			continue
		}
		r.lead(ctx, e, sess)
	}
}

// pushStatus shows what the replica knows of the fleet with its monitor's
// snapshots, when that changed.
func (r *Replica) pushStatus() {
	r.statusMu.Lock()
	defer r.statusMu.Unlock()
	st := r.status()
	if r.shown != nil && reflect.DeepEqual(*r.shown, st) {
		return
	}
	if err := r.mon.SetFleet(st); err == nil {
		r.shown = &st
	}
}

// status is what the replica knows of the fleet now.
func (r *Replica) status() monitor.FleetStatus {
	ok, since, why := r.store.get()
	st := monitor.FleetStatus{Replica: r.cfg.Replica, Leading: r.leading.Load(), StoreOK: ok, Since: since, StoreErr: why}
	r.mu.Lock()
	defer r.mu.Unlock()
	st.Leader = r.leaderLocked()
	if st.Leading {
		st.Leader = r.cfg.Replica
	}
	for _, rep := range r.replicas {
		st.Replicas = append(st.Replicas, rep)
	}
	sort.Slice(st.Replicas, func(i, j int) bool { return st.Replicas[i].Name < st.Replicas[j].Name })
	return st
}

// Status is what the replica knows of the fleet now.
func (r *Replica) Status() monitor.FleetStatus { return r.status() }

// The monitor's side of the gateway's and the API's Source.

// Snapshot is the monitor's latest snapshot.
func (r *Replica) Snapshot() *monitor.Snapshot { return r.mon.Snapshot() }

// Subscribe follows the monitor's snapshots.
func (r *Replica) Subscribe() (<-chan *monitor.Snapshot, func()) { return r.mon.Subscribe() }

// RecordRequest counts a gateway request on this replica's monitor: each
// replica shows its own traffic.
func (r *Replica) RecordRequest(rec monitor.RequestRecord) { r.mon.RecordRequest(rec) }

// Report feeds a passive result: to the monitor while this replica leads,
// else to the leader, batched (see reports.go).
func (r *Replica) Report(res probes.Result) {
	if r.leading.Load() {
		r.mon.Report(res)
		return
	}
	r.reports.add(res)
}

// Send carries out the gateway's hint that a request stalls on a backend
// (ProbeNow with Stalled): on the leader's monitor, or sent to it.
// Operators' commands go through Apply.
func (r *Replica) Send(cmd monitor.Command) error {
	if p, ok := cmd.(monitor.ProbeNow); ok && p.Stalled && !r.leading.Load() {
		r.reports.stall(p.Provider)
		return nil
	}
	return r.mon.Send(cmd)
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
