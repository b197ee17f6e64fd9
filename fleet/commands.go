package fleet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"switchboard/monitor"
)

// seenWait bounds how long Apply waits, once the leader answered, for this
// replica's own monitor to show the answer: an operator who asked here
// then reads here what every replica routes by.
const seenWait = time.Second

// idSource names commands uniquely in the fleet: the replica, the time it
// started, a counter.
type idSource struct {
	n     atomic.Uint64
	start int64
}

func (s *idSource) next(replica string) string {
	return replica + "." + strconv.FormatInt(s.start, 36) + "." + strconv.FormatUint(s.n.Add(1), 10)
}

// Apply carries out an operator's order for the whole fleet, through any
// replica:
//
//  1. It is committed to etcd under commands/ in a transaction that holds
//     only while the published active backend is still the one the
//     operator expected (else *monitor.StaleError, 409, with nothing
//     written). Never applied on this replica alone: with the store out
//     of reach it is refused at once (monitor.ErrNotRecorded, 503).
//  2. The leader, watching commands/, applies it with its monitor (which
//     checks the expectation again) and records the decision, the order's
//     removal from the queue and its answer under results/<id>, in one
//     transaction; a refusal is answered the same way.
//  3. This replica waits for the answer on a watch of its result key, for
//     CommandTimeout (the lease plus 2s, at most 8s: long enough for a new
//     leader to take over a dead one's queue). Past it, the order is
//     withdrawn in a transaction that holds only while it is still queued,
//     so a late leader can no longer apply it, and refused (503) as not
//     recorded; if the leader took it meanwhile, its answer is read.
//  4. On success it waits (at most a second) for this replica's monitor
//     to show the answer's event, then answers with the leader's Ack.
func (r *Replica) Apply(o monitor.Order) (monitor.Ack, error) {
	cli := r.client()
	if cli == nil {
		return monitor.Ack{}, monitor.ErrNotRunning
	}
	if ok, since, why := r.store.get(); !ok {
		return monitor.Ack{}, fmt.Errorf("%w: the fleet store (etcd) is unreachable since %s (%s); "+
			"commands are refused rather than applied on one replica alone", monitor.ErrNotRecorded, since.Format(time.DateTime), why)
	}
	w, err := wireOf(o.Command)
	if err != nil {
		return monitor.Ack{}, err
	}
	if err := r.knows(o.Command); err != nil {
		return monitor.Ack{}, err
	}
	now := time.Now()
	id := r.ids.next(r.cfg.Replica)
	actor := string(o.Actor)
	if actor == "" {
		actor = string(monitor.ActorOperator)
	}
	rec := commandRecord{Replica: r.cfg.Replica, Actor: actor, ExpectActive: o.ExpectActive, At: now,
		Deadline: now.Add(r.opts.CommandTimeout), Command: w}
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.CommandTimeout+r.opts.CheckTimeout)
	defer cancel()

	// The answer's watch is open before the command is queued: a watch
	// that starts at a revision already past is served by etcd's catch-up
	// loop, every 100 ms, and a quick leader's answer would wait for it.
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	wch := cli.Watch(wctx, r.keys.result(id), clientv3.WithCreatedNotify())
	select {
	case <-wch:
	case <-time.After(r.opts.CheckTimeout):
		return monitor.Ack{}, fmt.Errorf("%w: the fleet store (etcd) did not answer in time", monitor.ErrNotRecorded)
	}
	var cmps []clientv3.Cmp
	if o.ExpectActive != "" {
		cmps = append(cmps, clientv3.Compare(clientv3.Value(r.keys.active), "=", o.ExpectActive))
	}
	cctx, ccancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
	resp, err := cli.Txn(cctx).If(cmps...).Then(clientv3.OpPut(r.keys.command(id), encode(rec))).
		Else(clientv3.OpGet(r.keys.active)).Commit()
	ccancel()
	if err != nil {
		return monitor.Ack{}, fmt.Errorf("%w: the fleet store (etcd) did not take the command: %s", monitor.ErrNotRecorded, storeError(err))
	}
	if !resp.Succeeded {
		now := "none"
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 1 && len(kvs[0].Value) > 0 {
			now = string(kvs[0].Value)
		}
		return monitor.Ack{}, &monitor.StaleError{Msg: fmt.Sprintf("expected %s active, but the fleet's active backend is now %s", o.ExpectActive, now)}
	}
	res, err := r.await(ctx, cli, wch, id, rec.Deadline)
	if err != nil {
		return monitor.Ack{}, err
	}
	ack, err := res.outcome()
	if err == nil {
		r.waitSeq(ack.Seq, seenWait)
	}
	return ack, err
}

// knows refuses at once a command naming a provider this replica's config
// does not have (400), as the leader would.
func (r *Replica) knows(cmd monitor.Command) error {
	name := monitor.Named(cmd)
	if name == "" {
		return nil
	}
	if _, ok := r.mon.Snapshot().Provider(name); !ok {
		return fmt.Errorf("%w %q", monitor.ErrUnknownProvider, name)
	}
	return nil
}

// await waits on wch for the leader's answer to command id until
// deadline; then withdraws it (see Apply).
func (r *Replica) await(ctx context.Context, cli *clientv3.Client, wch clientv3.WatchChan, id string, deadline time.Time) (*resultRecord, error) {
	key := r.keys.result(id)
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		select {
		case wr, ok := <-wch:
			if !ok || wr.Err() != nil {
				// The watch broke (etcd restarting): wait out the deadline
				// and withdraw or read the answer then.
				wch = nil
				continue
			}
			for _, ev := range wr.Events {
				if ev.Type == clientv3.EventTypePut {
					r.forget(cli, key)
					return decode[resultRecord](ev.Kv.Value)
				}
			}
		case <-timer.C:
			return r.withdraw(ctx, cli, id)
		}
	}
}

// withdraw takes command id off the queue unless the leader took it, in
// which case its answer is read.
func (r *Replica) withdraw(ctx context.Context, cli *clientv3.Client, id string) (*resultRecord, error) {
	cctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
	defer cancel()
	key := r.keys.command(id)
	resp, err := cli.Txn(cctx).If(clientv3.Compare(clientv3.CreateRevision(key), ">", 0)).
		Then(clientv3.OpDelete(key)).Else(clientv3.OpGet(r.keys.result(id))).Commit()
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: no leader answered within %s and the fleet store (etcd) cannot be reached "+
			"to withdraw the command (%s): look at the state before trying again", monitor.ErrNotRecorded, r.opts.CommandTimeout, storeError(err))
	case resp.Succeeded:
		leader := r.leaderName()
		if leader == "" {
			leader = "no replica leads the fleet"
		} else {
			leader = "the leader is " + leader
		}
		return nil, fmt.Errorf("%w: no leader took the command within %s (%s); it was withdrawn", monitor.ErrNotRecorded,
			r.opts.CommandTimeout, leader)
	}
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 1 {
		r.forget(cli, r.keys.result(id))
		return decode[resultRecord](kvs[0].Value)
	}
	return nil, fmt.Errorf("%w: the leader took the command but its answer was lost: look at the state", monitor.ErrNotRecorded)
}

// forget deletes an answer once read.
func (r *Replica) forget(cli *clientv3.Client, key string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.CheckTimeout)
	defer cancel()
	_, _ = cli.Delete(ctx, key)
}

// outcome is the Ack or the error the monitor gave the leader, as the
// leader's own monitor would have returned it.
func (res *resultRecord) outcome() (monitor.Ack, error) {
	ack := monitor.Ack{Active: res.Active, Seq: res.Seq}
	switch res.Kind {
	case resultOK:
		return ack, nil
	case resultStale:
		return ack, &monitor.StaleError{Msg: res.Msg}
	case resultUnknown:
		return ack, fmt.Errorf("%w (the leader %s says: %s)", monitor.ErrUnknownProvider, res.Leader, res.Msg)
	case resultNoAlternative:
		return ack, monitor.ErrNoAlternative
	case resultNotRecorded, resultExpired:
		return ack, fmt.Errorf("%w: the leader %s: %s", monitor.ErrNotRecorded, res.Leader,
			strings.TrimPrefix(res.Msg, monitor.ErrNotRecorded.Error()+": "))
	}
	return ack, errors.New(res.Msg)
}
