package monitor

import "time"

// trafficLog counts gateway requests in one-second buckets over the window,
// so its memory is fixed however many requests pass. Per backend, each
// second also keeps what the applications felt: a small histogram of the
// streamed answers' time to first token, and the tokens the answers
// reported with the time they took.
type trafficLog struct {
	buckets []trafficBucket
}

type trafficBucket struct {
	sec      int64
	requests int
	errors   int
	retries  int
	per      []backendSecond // per provider priority
}

// backendSecond is one backend's requests finished in one second.
type backendSecond struct {
	served, failed uint32
	tokens         uint32        // generated tokens of the answers that reported them
	tokenTime      time.Duration // how long those answers took
	ttft           ttftHist
}

// rateSpan is how far back the request rates look: short, so the
// dashboard shows traffic moving within seconds of a failover.
const rateSpan = 10

func newTrafficLog(window time.Duration, providers int) *trafficLog {
	n := max(10, min(int(window/time.Second), 3600))
	t := &trafficLog{buckets: make([]trafficBucket, n)}
	for i := range t.buckets {
		t.buckets[i].per = make([]backendSecond, providers)
	}
	return t
}

// bucket returns the bucket of second sec, emptied if it held an older one.
func (t *trafficLog) bucket(sec int64) *trafficBucket {
	b := &t.buckets[int(sec%int64(len(t.buckets)))]
	if b.sec != sec {
		b.sec, b.requests, b.errors, b.retries = sec, 0, 0, 0
		clear(b.per)
	}
	return b
}

// add counts one finished request; backend is the provider's priority index
// (-1 when unknown).
func (t *trafficLog) add(rec RequestRecord, backend int) {
	b := t.bucket(rec.At.Unix())
	b.requests++
	b.retries += max(0, rec.Attempts-1)
	if !rec.OK {
		b.errors++
	}
	if backend < 0 || backend >= len(b.per) {
		return
	}
	p := &b.per[backend]
	if !rec.OK {
		p.failed++
		return
	}
	p.served++
	if rec.TTFT > 0 {
		p.ttft.add(rec.TTFT)
	}
	if rec.Tokens > 0 && rec.Duration > 0 {
		p.tokens += uint32(min(rec.Tokens, 1<<20)) // an answer of a million tokens is already absurd
		p.tokenTime += rec.Duration
	}
}

// summary adds up the buckets inside the window ending at now; rates are
// over the last rateSpan seconds so the dashboard reacts quickly.
func (t *trafficLog) summary(now time.Time) (tr Traffic, per []BackendTraffic, app []AppStats) {
	nowSec := now.Unix()
	n := len(t.buckets[0].per)
	per, app = make([]BackendTraffic, n), make([]AppStats, n)
	recent := 0
	// One scratch entry per backend, so a snapshot costs one allocation
	// here however many backends there are.
	type sums struct {
		recent    int
		hist      ttftHist
		tokens    float64
		tokenTime time.Duration
	}
	acc := make([]sums, n)
	for i := range t.buckets {
		b := &t.buckets[i]
		age := nowSec - b.sec
		if b.requests == 0 || age < 0 || age >= int64(len(t.buckets)) {
			continue
		}
		tr.Requests += b.requests
		tr.Errors += b.errors
		tr.Retries += b.retries
		if age < rateSpan {
			recent += b.requests
		}
		for j := range b.per {
			p, a := &b.per[j], &acc[j]
			per[j].Served += int(p.served)
			per[j].Failures += int(p.failed)
			if age < rateSpan {
				a.recent += int(p.served + p.failed)
			}
			a.hist.merge(&p.ttft)
			a.tokens += float64(p.tokens)
			a.tokenTime += p.tokenTime
		}
	}
	tr.RatePerSecond = float64(recent) / rateSpan
	for j := range app {
		a := &acc[j]
		app[j].RatePerSecond = float64(a.recent) / rateSpan
		app[j].Streams = a.hist.total()
		app[j].TTFTP50 = a.hist.quantile(0.5)
		if a.tokenTime > 0 {
			app[j].TokensPerSecond = a.tokens / a.tokenTime.Seconds()
		}
	}
	return tr, per, app
}

// remap returns the log for a new window and provider list: moved maps an
// old provider's index to its new one (-1: removed), so the requests a
// staying provider served stay its own.
func (t *trafficLog) remap(window time.Duration, providers int, moved []int) *trafficLog {
	nt := newTrafficLog(window, providers)
	for i := range t.buckets {
		b := &t.buckets[i]
		if b.requests == 0 {
			continue
		}
		nb := &nt.buckets[int(b.sec%int64(len(nt.buckets)))]
		if nb.requests > 0 && nb.sec > b.sec {
			continue // a shorter log: the slot holds a newer second
		}
		nb.sec, nb.requests, nb.errors, nb.retries = b.sec, b.requests, b.errors, b.retries
		clear(nb.per)
		for old, idx := range moved {
			if idx >= 0 && old < len(b.per) {
				nb.per[idx] = b.per[old]
			}
		}
	}
	return nt
}
