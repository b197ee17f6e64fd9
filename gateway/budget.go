package gateway

import (
	"sync"
	"time"
)

// Retry budget: retries may add at most ratio × requests over the last
// budgetWindow, plus a small floor so a quiet gateway (one request a
// minute) still fails over. In a total outage upstream load is then at
// most (1+ratio)× the client load, plus the floor.
const (
	budgetWindow = 10 // seconds, one bucket each
	budgetFloor  = 10 // retries always allowed per window
)

type budget struct {
	mu      sync.Mutex
	ratio   float64
	now     func() time.Time
	buckets [budgetWindow]budgetBucket
}

type budgetBucket struct {
	sec               int64
	requests, retries int
}

func newBudget(ratio float64, now func() time.Time) *budget {
	return &budget{ratio: ratio, now: now}
}

// bucket returns the current second's bucket, clearing a stale one.
func (b *budget) bucket(sec int64) *budgetBucket {
	k := &b.buckets[int(sec%budgetWindow)]
	if k.sec != sec {
		*k = budgetBucket{sec: sec}
	}
	return k
}

// request counts one client request.
func (b *budget) request() {
	sec := b.now().Unix()
	b.mu.Lock()
	b.bucket(sec).requests++
	b.mu.Unlock()
}

// retry reports whether one more retry fits the budget, and spends it if so.
func (b *budget) retry() bool {
	sec := b.now().Unix()
	b.mu.Lock()
	defer b.mu.Unlock()
	requests, retries := 0, 0
	for i := range b.buckets {
		k := &b.buckets[i]
		if age := sec - k.sec; age >= 0 && age < budgetWindow {
			requests += k.requests
			retries += k.retries
		}
	}
	if float64(retries) >= b.ratio*float64(requests)+budgetFloor {
		return false
	}
	b.bucket(sec).retries++
	return true
}
