package fleet

import (
	"context"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"switchboard/probes"
)

// maxReportResults bounds one provider's results in one report: past it
// the oldest are dropped (the leader needs the newest to judge).
const maxReportResults = 64

// reportBuf holds what a follower's traffic saw until the next report.
// Only what the leader's state machine reads is kept: failures in order,
// and a run of successes as one success (one resets a failure count as
// well as many do). A provider with nothing but successes since a report
// that ended on a success needs no report at all, so that healthy traffic
// costs etcd nothing.
type reportBuf struct {
	mu      sync.Mutex
	pending map[string]*reportRecord
	failing map[string]bool // the last report of the provider ended on a failure
	dropped uint64
}

func (b *reportBuf) init() {
	b.pending, b.failing = map[string]*reportRecord{}, map[string]bool{}
}

func (b *reportBuf) add(res probes.Result) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rep := b.rec(res.Provider)
	w := wireResultOf(res)
	if n := len(rep.Results); n > 0 && w.Class == probes.ClassOK && rep.Results[n-1].Class == probes.ClassOK {
		return
	}
	if len(rep.Results) == maxReportResults {
		rep.Results = append(rep.Results[:0:0], rep.Results[1:]...)
		b.dropped++
	}
	rep.Results = append(rep.Results, w)
}

func (b *reportBuf) stall(provider string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rec(provider).Stalled = true
}

func (b *reportBuf) rec(provider string) *reportRecord {
	rep := b.pending[provider]
	if rep == nil {
		rep = &reportRecord{}
		b.pending[provider] = rep
	}
	return rep
}

// take returns the reports worth sending and empties the buffer.
func (b *reportBuf) take(now time.Time) map[string]*reportRecord {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]*reportRecord{}
	for provider, rep := range b.pending {
		n := len(rep.Results)
		onlyOK := n == 1 && rep.Results[0].Class == probes.ClassOK
		if n == 0 && !rep.Stalled || onlyOK && !b.failing[provider] && !rep.Stalled {
			continue
		}
		if n > 0 {
			b.failing[provider] = rep.Results[n-1].Class != probes.ClassOK
		}
		rep.At = now
		out[provider] = rep
	}
	clear(b.pending)
	return out
}

// sendReports writes this follower's reports every ReportEvery, each
// provider's under its own key with the session's lease (so they go with
// the replica), where the leader's watch reads them. A report that cannot
// be written (no session, store unreachable) is dropped: the replica's own
// retries keep serving, and the leader's probes still judge.
func (r *Replica) sendReports(ctx context.Context) {
	t := time.NewTicker(r.opts.ReportEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		reps := r.reports.take(time.Now())
		if len(reps) == 0 || r.leading.Load() {
			continue
		}
		sess, cli := r.session(), r.client()
		if sess == nil || cli == nil || !r.store.ok() || isDone(sess.Done()) {
			continue
		}
		ops := make([]clientv3.Op, 0, len(reps))
		for provider, rep := range reps {
			ops = append(ops, clientv3.OpPut(r.keys.report(r.cfg.Replica, provider), encode(rep), clientv3.WithLease(sess.Lease())))
		}
		cctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
		if _, err := cli.Txn(cctx).Then(ops...).Commit(); err != nil && ctx.Err() == nil {
			r.log.Debug("fleet: a report to the leader was lost", "error", err.Error())
		}
		cancel()
	}
}

func wireResultOf(res probes.Result) wireResult {
	return wireResult{Class: res.Class, Status: res.Status, Latency: res.Latency, RetryAfter: res.RetryAfter, Err: res.Err}
}

func (w wireResult) result(provider string) probes.Result {
	return probes.Result{Provider: provider, Source: probes.SourcePassive, Class: w.Class, Status: w.Status,
		Latency: w.Latency, RetryAfter: w.RetryAfter, Err: w.Err}
}

// cut splits "replica/provider".
func cut(s string) (replica, provider string, ok bool) {
	replica, provider, ok = strings.Cut(s, "/")
	return replica, provider, ok && replica != "" && provider != ""
}
