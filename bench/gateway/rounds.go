package main

import (
	"net/http"
	"sync"
	"time"
)

// shape is one way of loading a target for d: it returns the latency of
// every request sent and how many failed.
type shape func(c *http.Client, addr string, d time.Duration) (lats []time.Duration, errs int)

// loadRun is what one target did over every round of a shape.
type loadRun struct {
	lats    []time.Duration
	errors  int
	elapsed time.Duration
	rssPeak int
}

func (r *loadRun) rps() float64 { return float64(len(r.lats)) / r.elapsed.Seconds() }

// warmUp is how long each target is loaded before measuring, so that its
// connections are open and its pools and caches filled.
const warmUp = 300 * time.Millisecond

// interleave loads every target for d in all, split into rounds taken in
// turn. A stall of this shared machine then lands on every target alike,
// instead of on whichever one it happened to overlap, which made a single
// 4 s window per target swing by 10× between runs.
func interleave(targets []target, conc, rounds int, d time.Duration, load shape) map[string]*loadRun {
	clients := make(map[string]*http.Client, len(targets))
	runs := make(map[string]*loadRun, len(targets))
	for _, t := range targets {
		clients[t.name], runs[t.name] = newClient(conc), &loadRun{}
		load(clients[t.name], t.addr, warmUp)
	}
	for range rounds {
		for _, t := range targets {
			r := runs[t.name]
			stop, peak := sampleRSS(t.rss)
			start := time.Now()
			lats, errs := load(clients[t.name], t.addr, d/time.Duration(rounds))
			r.elapsed += time.Since(start)
			stop()
			r.lats, r.errors, r.rssPeak = append(r.lats, lats...), r.errors+errs, max(r.rssPeak, *peak)
		}
	}
	for _, c := range clients {
		c.CloseIdleConnections()
	}
	return runs
}

// closedLoop keeps conc requests in flight: each worker sends its next
// request as soon as the last one is answered.
func closedLoop(conc int) shape {
	return func(c *http.Client, addr string, d time.Duration) ([]time.Duration, int) {
		deadline := time.Now().Add(d)
		return workers(conc, func(int) func() bool {
			return func() bool { return time.Now().Before(deadline) }
		}, c, addr)
	}
}

// fixedRate sends rate requests per second over conc connections, each
// worker paced by its own ticker: the latency of a fixed load below
// saturation, where a proxy's added p99 is its own and not a queue's.
func fixedRate(conc, rate int) shape {
	every := time.Duration(conc) * time.Second / time.Duration(rate)
	return func(c *http.Client, addr string, d time.Duration) ([]time.Duration, int) {
		deadline := time.Now().Add(d)
		return workers(conc, func(w int) func() bool {
			time.Sleep(every * time.Duration(w) / time.Duration(conc)) // spread the workers' phases
			tick := time.NewTicker(every)
			return func() bool {
				now := <-tick.C
				if now.After(deadline) {
					tick.Stop()
					return false
				}
				return true
			}
		}, c, addr)
	}
}

// workers runs conc workers; worker w asks its pacer, pace(w), before
// every request whether to send one more (and waits in it for its turn).
func workers(conc int, pace func(w int) func() bool, c *http.Client, addr string) ([]time.Duration, int) {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var wg sync.WaitGroup
	for w := range conc {
		wg.Go(func() {
			more := pace(w)
			var mine []time.Duration
			bad := 0
			for more() {
				s := call(c, addr)
				if s.err != nil {
					bad++
				}
				mine = append(mine, s.lat)
			}
			mu.Lock()
			all, errs = append(all, mine...), errs+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, errs
}
