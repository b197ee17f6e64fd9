package fleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"switchboard/monitor"
)

// errDeposed is a leader's write refused because its election key is no
// longer the one it won with: another replica leads, or will.
var errDeposed = errors.New("this replica no longer leads the fleet")

// lead runs this replica as the fleet's leader for as long as its election
// key stands and ctx lasts. While the store is out of reach it steps down
// to following (every replica keeps its route; nothing is decided that
// the others could not learn) and takes up the lead again when the store
// is back, if its key still stands.
func (r *Replica) lead(ctx context.Context, e *concurrency.Election, sess *concurrency.Session) {
	defer func() {
		if ctx.Err() != nil && !r.abandon.Load() {
			// Shutting down: hand the lead over now, not after the lease.
			rctx, cancel := context.WithTimeout(context.Background(), r.opts.CheckTimeout)
			_ = e.Resign(rctx)
			cancel()
		}
	}()
	for r.store.waitOK(ctx) {
		lost := r.store.lostCh()
		restored, err := r.restoreFromStore(ctx, e)
		switch {
		case errors.Is(err, errDeposed):
			r.log.Warn("fleet: elected, but the election key is gone; standing again")
			return
		case err != nil:
			if ctx.Err() == nil {
				r.log.Warn("fleet: cannot read the fleet's state to lead; retrying", "error", err.Error())
				sleep(ctx, r.opts.CheckEvery)
			}
			continue
		}
		drain(r.deposed)
		j := &leaderJournal{r: r, key: e.Key(), rev: e.Rev(), lease: sess.Lease(), local: r.opts.Local}
		note := r.cfg.Replica + " leads the fleet"
		if err := r.mon.Lead(restored, j, note); err != nil {
			return // the monitor has stopped
		}
		r.leading.Store(true)
		r.log.Info("fleet: leading", "term", e.Rev())
		r.pushStatus()
		deposed := r.serveAsLeader(ctx, lost, j)
		// Follow first: once Leading says no, this replica decides nothing.
		_ = r.mon.Follow()
		r.leading.Store(false)
		r.pushStatus()
		if deposed {
			r.log.Warn("fleet: deposed: another replica leads now")
			return
		}
		if ctx.Err() == nil {
			r.log.Warn("fleet: stepped down while the fleet store is unreachable; routing stays as it is")
		}
	}
}

// restoreFromStore reads the fleet's state and newest events, in one
// transaction that holds only while e's key still leads.
func (r *Replica) restoreFromStore(ctx context.Context, e *concurrency.Election) (*monitor.Restored, error) {
	cctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	resp, err := r.client().Txn(cctx).If(clientv3.Compare(clientv3.CreateRevision(e.Key()), "=", e.Rev())).
		Then(clientv3.OpGet(r.keys.state),
			clientv3.OpGet(r.keys.events, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortDescend),
				clientv3.WithLimit(int64(r.opts.MaxEvents)))).Commit()
	if err != nil {
		return nil, err
	}
	if !resp.Succeeded {
		return nil, errDeposed
	}
	out := &monitor.Restored{}
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 1 {
		p, err := decode[published](kvs[0].Value)
		if err != nil {
			return nil, fmt.Errorf("the fleet's state in etcd is unreadable: %w", err)
		}
		out.State = p.State
	}
	kvs := resp.Responses[1].GetResponseRange().Kvs
	for i := len(kvs) - 1; i >= 0; i-- {
		ev, err := decode[monitor.Event](kvs[i].Value)
		if err != nil {
			return nil, fmt.Errorf("an event in etcd is unreadable: %w", err)
		}
		out.Events = append(out.Events, *ev)
	}
	return out, nil
}

// serveAsLeader applies the fleet's commands until ctx ends, the store
// is lost, or the leader's journal finds this replica deposed (true).
func (r *Replica) serveAsLeader(ctx context.Context, lost <-chan struct{}, j *leaderJournal) (deposed bool) {
	for {
		if r.runQueue(ctx, j) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-lost:
			return false
		case <-r.deposed:
			return true
		case <-r.poke:
		}
	}
}

// runQueue applies every waiting command, oldest first; true when this
// replica turned out not to lead any more.
func (r *Replica) runQueue(ctx context.Context, j *leaderJournal) bool {
	cctx, cancel := context.WithTimeout(ctx, commitTimeout)
	resp, err := r.client().Get(cctx, r.keys.commands, clientv3.WithPrefix(),
		clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
	cancel()
	if err != nil {
		return false // the store check will tell
	}
	for _, kv := range resp.Kvs {
		id := after(string(kv.Key), r.keys.commands)
		if errors.Is(r.execute(ctx, j, id, kv.CreateRevision, kv.Value), errDeposed) {
			return true
		}
	}
	return false
}

// execute applies one command and answers it. A command the monitor
// recorded was taken off the queue, with its answer, in the transaction
// that recorded it (leaderJournal.CommitOrder); any other (refused, or
// one that changed nothing) is answered and taken off here.
func (r *Replica) execute(ctx context.Context, j *leaderJournal, id string, rev int64, value []byte) error {
	res := resultRecord{Leader: r.cfg.Replica}
	rec, err := decode[commandRecord](value)
	var cmd monitor.Command
	if err == nil {
		cmd, err = rec.Command.command()
	}
	switch {
	case err != nil:
		res.Kind, res.Msg = resultRefused, "unreadable command: "+err.Error()
	case time.Now().After(rec.Deadline):
		res.Kind, res.Msg = resultExpired, "the command waited past its deadline and was not applied"
	default:
		ack, err := r.mon.Apply(monitor.Order{Command: cmd, Actor: monitor.Actor(rec.Actor), ExpectActive: rec.ExpectActive,
			Replica: rec.Replica, ID: id})
		if errors.Is(err, monitor.ErrFollowing) || errors.Is(err, monitor.ErrNotRunning) {
			return errDeposed // left on the queue for whoever leads next
		}
		res = resultOf(ack, err, r.cfg.Replica)
	}
	return j.answer(ctx, id, rev, res)
}

// resultOf is the answer to an order the monitor applied (err nil) or refused.
func resultOf(ack monitor.Ack, err error, leader string) resultRecord {
	res := resultRecord{Kind: resultOK, Active: ack.Active, Seq: ack.Seq, Leader: leader}
	var stale *monitor.StaleError
	switch {
	case err == nil:
	case errors.As(err, &stale):
		res.Kind, res.Msg = resultStale, stale.Msg
	case errors.Is(err, monitor.ErrUnknownProvider):
		res.Kind, res.Msg = resultUnknown, err.Error()
	case errors.Is(err, monitor.ErrNoAlternative):
		res.Kind, res.Msg = resultNoAlternative, err.Error()
	case errors.Is(err, monitor.ErrNotRecorded):
		res.Kind, res.Msg = resultNotRecorded, err.Error()
	default:
		res.Kind, res.Msg = resultRefused, err.Error()
	}
	return res
}

// takeReport feeds a follower's report to this replica's monitor, when it
// leads.
func (r *Replica) takeReport(key string, value []byte) {
	if !r.leading.Load() {
		return
	}
	rest := after(key, r.keys.reports)
	replica, provider, ok := cut(rest)
	if !ok || replica == r.cfg.Replica {
		return
	}
	rep, err := decode[reportRecord](value)
	if err != nil {
		return
	}
	for _, w := range rep.Results {
		r.mon.Report(w.result(provider))
	}
	if rep.Stalled {
		_ = r.mon.Send(monitor.ProbeNow{Provider: provider, Stalled: true})
	}
}

func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}
