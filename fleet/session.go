package fleet

import (
	"context"
	"errors"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

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
