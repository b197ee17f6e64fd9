package fleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"switchboard/monitor"
)

// leaderJournal is the leader's monitor.Journal: each commit goes to etcd
// in one transaction that holds only while the leader's election key is
// the one it won with, then to the replica's local copy.
type leaderJournal struct {
	r     *Replica
	key   string
	rev   int64
	lease clientv3.LeaseID
	local monitor.Journal
}

var _ monitor.OrderJournal = (*leaderJournal)(nil)

// Commit records the state, its route and the events.
func (j *leaderJournal) Commit(st *monitor.Persisted, events []monitor.Event) error {
	return j.commit("", st, events)
}

// CommitOrder records them with the order id taken off the queue and
// answered: a new leader never applies it a second time.
func (j *leaderJournal) CommitOrder(id string, st *monitor.Persisted, events []monitor.Event) error {
	return j.commit(id, st, events)
}

// Samples go to the local copy only: they are for this replica's charts.
func (j *leaderJournal) Samples(provider string, samples []monitor.Sample) {
	if j.local != nil {
		j.local.Samples(provider, samples)
	}
}

func (j *leaderJournal) commit(id string, st *monitor.Persisted, events []monitor.Event) error {
	r := j.r
	if ok, since, why := r.store.get(); !ok {
		return fmt.Errorf("fleet store unreachable since %s (%s)", since.Format(time.TimeOnly), why)
	}
	k := r.keys
	ops := []clientv3.Op{
		clientv3.OpPut(k.state, encode(published{Leader: r.cfg.Replica, Term: j.rev, At: time.Now(), State: st})),
		clientv3.OpPut(k.active, st.Active),
	}
	for i := range events {
		ops = append(ops, clientv3.OpPut(k.event(events[i].Seq), encode(events[i])))
	}
	if n := len(events); n > 0 {
		if newest := events[n-1].Seq; newest > uint64(r.opts.MaxEvents) {
			ops = append(ops, clientv3.OpDelete(k.event(0), clientv3.WithRange(k.event(newest-uint64(r.opts.MaxEvents)+1))))
		}
	}
	cmps := []clientv3.Cmp{clientv3.Compare(clientv3.CreateRevision(j.key), "=", j.rev)}
	if id != "" {
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(k.command(id)), ">", 0))
		res := resultRecord{Kind: resultOK, Active: st.Active, Seq: st.Seq, Leader: r.cfg.Replica}
		ops = append(ops, clientv3.OpDelete(k.command(id)), clientv3.OpPut(k.result(id), encode(res), clientv3.WithLease(j.lease)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	resp, err := r.client().Txn(ctx).If(cmps...).Then(ops...).Else(clientv3.OpGet(j.key)).Commit()
	if err != nil {
		return fmt.Errorf("fleet store: %s", storeError(err))
	}
	if !resp.Succeeded {
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 0 || kvs[0].CreateRevision != j.rev {
			select {
			case r.deposed <- struct{}{}:
			default:
			}
			return errDeposed
		}
		return errors.New("the command was withdrawn before the leader applied it")
	}
	if j.local != nil {
		if err := j.local.Commit(st, events); err != nil {
			// etcd holds it, which is what the fleet routes by: the
			// local copy catches up at the next commit.
			r.log.Warn("fleet: recorded in etcd but not in the local state file", "error", err.Error())
		}
	}
	return nil
}

// answer takes the command id off the queue with its answer, unless it is
// gone already (recorded with CommitOrder, or withdrawn).
func (j *leaderJournal) answer(ctx context.Context, id string, rev int64, res resultRecord) error {
	k := j.r.keys
	cctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	resp, err := j.r.client().Txn(cctx).
		If(clientv3.Compare(clientv3.CreateRevision(j.key), "=", j.rev),
			clientv3.Compare(clientv3.CreateRevision(k.command(id)), "=", rev)).
		Then(clientv3.OpDelete(k.command(id)), clientv3.OpPut(k.result(id), encode(res), clientv3.WithLease(j.lease))).
		Else(clientv3.OpGet(j.key)).Commit()
	if err != nil {
		return err
	}
	if !resp.Succeeded {
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 0 || kvs[0].CreateRevision != j.rev {
			return errDeposed
		}
	}
	return nil
}
