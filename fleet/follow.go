package fleet

import (
	"context"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"switchboard/monitor"
)

// resync reads everything under the prefix at one revision: the leader's
// state and events (adopted while following), the replicas and the
// election's candidates. It returns the revision, from which the watch
// goes on.
func (r *Replica) resync(ctx context.Context, cli *clientv3.Client) (int64, error) {
	for {
		cctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
		resp, err := cli.Get(cctx, r.keys.prefix, clientv3.WithPrefix())
		cancel()
		if err == nil {
			r.mu.Lock()
			clear(r.leaders)
			clear(r.replicas)
			r.mu.Unlock()
			r.apply(resp.Kvs, nil)
			return resp.Header.Revision, nil
		}
		if !sleep(ctx, r.opts.CheckEvery) {
			return 0, ctx.Err()
		}
	}
}

// watch follows every change under the prefix from after rev until ctx
// ends. A watch that breaks (its history compacted away, etcd restarted
// without it) is replaced after a resync.
func (r *Replica) watch(ctx context.Context, cli *clientv3.Client, rev int64) {
	for ctx.Err() == nil {
		wctx, cancel := context.WithCancel(ctx)
		wch := cli.Watch(clientv3.WithRequireLeader(wctx), r.keys.prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1))
		for wr := range wch {
			if wr.Err() != nil {
				break
			}
			var puts, dels []*mvccpb.KeyValue
			for _, ev := range wr.Events {
				if ev.Type == mvccpb.DELETE {
					dels = append(dels, ev.Kv)
				} else {
					puts = append(puts, ev.Kv)
				}
			}
			r.apply(puts, dels)
			rev = wr.Header.Revision
		}
		cancel()
		if ctx.Err() != nil {
			return
		}
		var err error
		if rev, err = r.resync(ctx, cli); err != nil {
			return
		}
	}
}

// apply takes in keys written (puts, in revision order) and removed.
func (r *Replica) apply(puts, dels []*mvccpb.KeyValue) {
	var state *monitor.Persisted
	var events []monitor.Event
	var reports []*mvccpb.KeyValue
	changed, commands := false, false
	r.mu.Lock()
	for _, kv := range dels {
		key := string(kv.Key)
		if name := after(key, r.keys.replicas); name != "" {
			delete(r.replicas, name)
			changed = true
		} else if strings.HasPrefix(key, r.keys.electionPrefix()) {
			delete(r.leaders, key)
			changed = true
		}
	}
	for _, kv := range puts {
		key := string(kv.Key)
		switch {
		case key == r.keys.state:
			if p, err := decode[published](kv.Value); err == nil && p.State != nil {
				state = p.State
			} else {
				r.log.Warn("fleet: unreadable state in etcd", "key", key)
			}
		case strings.HasPrefix(key, r.keys.events):
			if e, err := decode[monitor.Event](kv.Value); err == nil {
				events = append(events, *e)
			}
		case strings.HasPrefix(key, r.keys.replicas):
			if rec, err := decode[replicaRecord](kv.Value); err == nil {
				r.replicas[rec.Name] = monitor.FleetReplica{Name: rec.Name, API: rec.API, Joined: rec.Joined}
				changed = true
			}
		case strings.HasPrefix(key, r.keys.electionPrefix()):
			r.leaders[key] = candidate{rev: kv.CreateRevision, name: string(kv.Value)}
			changed = true
		case strings.HasPrefix(key, r.keys.commands):
			commands = true
		case strings.HasPrefix(key, r.keys.reports):
			reports = append(reports, kv)
		}
	}
	r.mu.Unlock()
	for _, kv := range reports {
		r.takeReport(string(kv.Key), kv.Value)
	}
	if (state != nil || len(events) > 0) && !r.leading.Load() {
		// Refused only by a monitor that leads: then it has this already.
		_ = r.mon.Adopt(state, events)
	}
	if commands && r.leading.Load() {
		select {
		case r.poke <- struct{}{}:
		default:
		}
	}
	if changed {
		r.pushStatus()
	}
}

// leaderName is the name the election's first candidate stands under.
func (r *Replica) leaderName() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.leaderLocked()
}

// leaderLocked is leaderName with r.mu held.
func (r *Replica) leaderLocked() string {
	best := candidate{}
	for _, c := range r.leaders {
		if best.rev == 0 || c.rev < best.rev {
			best = c
		}
	}
	return best.name
}

// waitSeq waits (at most d) until this replica's monitor has seen the
// event seq, so that a command's answer is what this replica now routes by.
func (r *Replica) waitSeq(seq uint64, d time.Duration) bool {
	ch, stop := r.mon.Subscribe()
	defer stop()
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				return false
			}
			if n := len(s.Events); n > 0 && s.Events[n-1].Seq >= seq {
				return true
			}
		case <-t.C:
			return false
		}
	}
}
