package monitor

import "time"

// trafficLog counts gateway requests in one-second buckets over the window,
// so its memory is fixed however many requests pass.
type trafficLog struct {
	buckets []trafficBucket
}

type trafficBucket struct {
	sec      int64
	requests int
	errors   int
	retries  int
	served   []int // per provider priority
	failed   []int
}

func newTrafficLog(window time.Duration, providers int) *trafficLog {
	n := max(10, min(int(window/time.Second), 3600))
	t := &trafficLog{buckets: make([]trafficBucket, n)}
	for i := range t.buckets {
		t.buckets[i].served = make([]int, providers)
		t.buckets[i].failed = make([]int, providers)
	}
	return t
}

// add counts one finished request; backend is the provider's priority index
// (-1 when unknown).
func (t *trafficLog) add(rec RequestRecord, backend int) {
	sec := rec.At.Unix()
	b := &t.buckets[int(sec%int64(len(t.buckets)))]
	if b.sec != sec {
		b.sec, b.requests, b.errors, b.retries = sec, 0, 0, 0
		clear(b.served)
		clear(b.failed)
	}
	b.requests++
	b.retries += max(0, rec.Attempts-1)
	if !rec.OK {
		b.errors++
	}
	if backend >= 0 && backend < len(b.served) {
		if rec.OK {
			b.served[backend]++
		} else {
			b.failed[backend]++
		}
	}
}

// summary adds up the buckets inside the window ending at now; rate is over
// the last 10 s so the dashboard reacts quickly.
func (t *trafficLog) summary(now time.Time) (tr Traffic, per []BackendTraffic) {
	nowSec := now.Unix()
	per = make([]BackendTraffic, len(t.buckets[0].served))
	recent := 0
	for i := range t.buckets {
		b := &t.buckets[i]
		age := nowSec - b.sec
		if b.requests == 0 || age < 0 || age >= int64(len(t.buckets)) {
			continue
		}
		tr.Requests += b.requests
		tr.Errors += b.errors
		tr.Retries += b.retries
		if age < 10 {
			recent += b.requests
		}
		for j := range per {
			per[j].Served += b.served[j]
			per[j].Failures += b.failed[j]
		}
	}
	tr.RatePerSecond = float64(recent) / 10
	return tr, per
}
